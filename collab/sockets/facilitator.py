"""Events sent by a room's facilitator console (and the organiser, who may do the same)."""

from __future__ import annotations

from typing import Any

from collab.domain import cards
from collab.domain.access import Principal
from collab.realtime import announce
from collab.sockets.edge import client_event
from collab.sockets.schemas import CardRef


@client_event("hide_card", CardRef, roles=("facilitator", "organiser"))
def on_hide_card(principal: Principal, payload: CardRef) -> dict[str, Any]:
    """Sent by a facilitator; broadcast as `card_hidden`: phones and the screen drop the card."""
    outcome = cards.hide_card(principal, payload.card_id)
    announce(outcome.change)
    return outcome.ack


@client_event("restore_card", CardRef, roles=("facilitator", "organiser"))
def on_restore_card(principal: Principal, payload: CardRef) -> dict[str, Any]:
    """Sent by a facilitator; broadcast as `card_restored` with the whole card, so it comes back."""
    outcome = cards.restore_card(principal, payload.card_id)
    announce(outcome.change)
    return outcome.ack
