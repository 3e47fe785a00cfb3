"""Events sent by participants' phones."""

from __future__ import annotations

from typing import Any

from collab.domain import cards
from collab.domain.access import Principal
from collab.realtime import publish
from collab.sockets.edge import client_event
from collab.sockets.limits import admitting
from collab.sockets.schemas import PostCard


@client_event("post_card", PostCard, roles=("participant",))
def on_post_card(principal: Principal, payload: PostCard) -> dict[str, Any]:
    """Sent by a participant; acknowledged once committed, broadcast as `card_posted` to the room.

    A retry with the same client id gets the same acknowledgement and broadcasts nothing; a new
    card counts against the participant's post limit (`rate_limited` beyond it).
    """
    skill = payload.skill.model_dump() if payload.skill is not None else None
    outcome = cards.post_card(
        principal,
        payload.client_id,
        payload.board,
        payload.column,
        payload.text,
        skill,
        admit=admitting("posts", principal),
        published=lambda outcome: publish(principal.event_id, outcome),
    )
    return outcome.ack
