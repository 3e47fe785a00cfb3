"""Syntheses: drafted and published from a facilitator's console, per room and board; read by the plenary screen."""

from __future__ import annotations

from typing import Any

from collab.domain import syntheses
from collab.domain.access import Principal
from collab.realtime.publishing import broadcast
from collab.realtime.scopes import event_scope
from collab.sockets.edge import client_event, done
from collab.sockets.schemas import Empty, PublishSynthesis, SaveSynthesis


@client_event("save_synthesis", SaveSynthesis, roles=("facilitator", "organiser"))
def on_save_synthesis(principal: Principal, payload: SaveSynthesis) -> dict[str, Any]:
    """Sent by a facilitator; keeps the draft, seen by the staff only; nothing is broadcast."""
    items, texts = list(payload.items), dict(payload.texts)
    return done(syntheses.save_synthesis(principal, payload.room_id, payload.board, items, texts))


@client_event("publish_synthesis", PublishSynthesis, roles=("facilitator", "organiser"))
def on_publish_synthesis(principal: Principal, payload: PublishSynthesis) -> dict[str, Any]:
    """Sent by a facilitator; broadcast as `synthesis_published` to the event's screens and consoles."""
    synthesis = syntheses.publish_synthesis(principal, payload.room_id, payload.board)
    broadcast(
        event_scope(principal.event_id),
        "synthesis_published",
        {"room_id": payload.room_id, "board": payload.board, "synthesis": synthesis},
    )
    return done({"synthesis": synthesis})


@client_event("get_syntheses", Empty, roles=("screen", "facilitator", "organiser"), writes=False)
def on_get_syntheses(principal: Principal, payload: Empty) -> dict[str, Any]:
    """Sent by a screen or a console as it connects: the published syntheses, and the staff's own drafts."""
    return done(syntheses.event_syntheses(principal))
