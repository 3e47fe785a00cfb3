"""Atelier 1: the situations rooms work on and the roles participants play in them."""

from __future__ import annotations

from typing import Any

from collab.domain import case_study
from collab.domain.access import Principal
from collab.realtime.publishing import publish
from collab.sockets.edge import client_event, done
from collab.sockets.schemas import AssignRole, SaveSituation, SetRoomSituation, SituationRef, TakeRole

STAFF = ("facilitator", "organiser")
EVERY_ROLE = ("participant", "facilitator", "organiser", "screen")


@client_event("take_role", TakeRole, roles=("participant",))
def on_take_role(principal: Principal, payload: TakeRole) -> dict[str, Any]:
    """Sent by a participant choosing a protagonist; broadcast as `roles_changed` to the room."""
    outcome = case_study.take_role(principal, payload.role)
    publish(principal.event_id, outcome)
    return done(outcome.reply)


@client_event("assign_role", AssignRole, roles=STAFF)
def on_assign_role(principal: Principal, payload: AssignRole) -> dict[str, Any]:
    """Sent by a facilitator handing out the roles; broadcast as `roles_changed` to the room."""
    outcome = case_study.assign_role(principal, payload.participant_id, payload.role)
    publish(principal.event_id, outcome)
    return done(outcome.reply)


@client_event("set_room_situation", SetRoomSituation, roles=STAFF)
def on_set_room_situation(principal: Principal, payload: SetRoomSituation) -> dict[str, Any]:
    """Sent by a facilitator; broadcast as `event_changed` to the event and `roles_changed` to the room."""
    outcome = case_study.set_room_situation(principal, payload.room_id, payload.situation_id)
    publish(principal.event_id, outcome)
    return done(outcome.reply)


@client_event("save_situation", SaveSituation, roles=("organiser",))
def on_save_situation(principal: Principal, payload: SaveSituation) -> dict[str, Any]:
    """Sent by the organiser; broadcast as `event_changed` (and `roles_changed` where a role was struck)."""
    values = payload.model_dump(exclude={"situation_id"})
    outcome = case_study.save_situation(principal, payload.situation_id, values)
    publish(principal.event_id, outcome)
    return done(outcome.reply)


@client_event("delete_situation", SituationRef, roles=("organiser",))
def on_delete_situation(principal: Principal, payload: SituationRef) -> dict[str, Any]:
    """Sent by the organiser; broadcast as `event_changed`, and `roles_changed` in the rooms that worked it."""
    outcome = case_study.delete_situation(principal, payload.situation_id)
    publish(principal.event_id, outcome)
    return done(outcome.reply)


@client_event("get_situation_cards", SituationRef, roles=EVERY_ROLE, writes=False)
def on_get_situation_cards(principal: Principal, payload: SituationRef) -> dict[str, Any]:
    """Sent by the four-question grid of atelier 2, to link back to atelier 1's analysis; nothing is broadcast."""
    return done(case_study.situation_cards(principal, payload.situation_id))
