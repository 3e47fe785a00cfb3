"""The organiser edits the event itself: details, territorial scales, boards and their columns.

Each change reaches every socket of the event as `event_changed`, carrying the whole new state.
"""

from __future__ import annotations

from typing import Any

from collab.domain import editing
from collab.domain.access import Principal
from collab.realtime.publishing import publish
from collab.sockets.edge import client_event, done
from collab.sockets.schemas import BoardRef, SaveBoard, SaveEventDetails, SaveScales

ORGANISER = ("organiser",)


@client_event("save_event_details", SaveEventDetails, roles=ORGANISER)
def on_save_event_details(principal: Principal, payload: SaveEventDetails) -> dict[str, Any]:
    """Sent by the organiser ("Le séminaire"); broadcast as `event_changed` (the new title on every screen)."""
    outcome = editing.save_event_details(principal, payload.model_dump())
    publish(principal.event_id, outcome)
    return done(outcome.reply)


@client_event("save_scales", SaveScales, roles=ORGANISER)
def on_save_scales(principal: Principal, payload: SaveScales) -> dict[str, Any]:
    """Sent by the organiser with every scale in order; broadcast as `event_changed`."""
    outcome = editing.save_scales(principal, payload.model_dump()["scales"])
    publish(principal.event_id, outcome)
    return done(outcome.reply)


@client_event("save_board", SaveBoard, roles=ORGANISER)
def on_save_board(principal: Principal, payload: SaveBoard) -> dict[str, Any]:
    """Sent by the organiser to add or change a board; broadcast as `event_changed` (phones relabel their columns)."""
    outcome = editing.save_board(principal, payload.model_dump())
    publish(principal.event_id, outcome)
    return done(outcome.reply)


@client_event("delete_board", BoardRef, roles=ORGANISER)
def on_delete_board(principal: Principal, payload: BoardRef) -> dict[str, Any]:
    """Sent by the organiser to remove a board no phase works on and no card was posted to; `event_changed`."""
    outcome = editing.delete_board(principal, payload.key)
    publish(principal.event_id, outcome)
    return done(outcome.reply)
