"""Events sent by a room's facilitator console (and the organiser, who may do the same).

Each is acknowledged once committed; its numbered change is broadcast to the room: in full to
the staff (and a card's author), and as participants may see it to everyone else.
"""

from __future__ import annotations

from typing import Any

from collab.domain import activities, moderation
from collab.domain.access import Principal
from collab.realtime.publishing import publish
from collab.sockets.edge import client_event, done
from collab.sockets.schemas import (
    CardRef,
    EditCard,
    LockRoom,
    MergeCards,
    PinCard,
    RoomRef,
    SetActivity,
    SetCardModes,
)

STAFF = ("facilitator", "organiser")


@client_event("hide_card", CardRef, roles=STAFF)
def on_hide_card(principal: Principal, payload: CardRef) -> dict[str, Any]:
    """Broadcast as `card_hidden`: phones and the screen drop the card, consoles mark it."""
    outcome = moderation.hide_card(principal, payload.card_id)
    publish(principal.event_id, outcome)
    return done(outcome.reply)


@client_event("restore_card", CardRef, roles=STAFF)
def on_restore_card(principal: Principal, payload: CardRef) -> dict[str, Any]:
    """Broadcast as `card_restored` with the whole card, so it comes back everywhere."""
    outcome = moderation.restore_card(principal, payload.card_id)
    publish(principal.event_id, outcome)
    return done(outcome.reply)


@client_event("edit_card", EditCard, roles=STAFF)
def on_edit_card(principal: Principal, payload: EditCard) -> dict[str, Any]:
    """Broadcast as `card_updated`; the original text is kept."""
    outcome = moderation.edit_card(principal, payload.card_id, payload.text)
    publish(principal.event_id, outcome)
    return done(outcome.reply)


@client_event("delete_card", CardRef, roles=STAFF)
def on_delete_card(principal: Principal, payload: CardRef) -> dict[str, Any]:
    """Broadcast as `card_deleted`."""
    outcome = moderation.delete_card(principal, payload.card_id)
    publish(principal.event_id, outcome)
    return done(outcome.reply)


@client_event("pin_card", PinCard, roles=STAFF)
def on_pin_card(principal: Principal, payload: PinCard) -> dict[str, Any]:
    """Broadcast as `card_updated` (its `pinned` changed)."""
    outcome = moderation.pin_card(principal, payload.card_id, payload.pinned)
    publish(principal.event_id, outcome)
    return done(outcome.reply)


@client_event("approve_card", CardRef, roles=STAFF)
def on_approve_card(principal: Principal, payload: CardRef) -> dict[str, Any]:
    """Release a card from the pre-moderation queue; broadcast as `card_updated`, whole, to all."""
    outcome = moderation.approve_card(principal, payload.card_id)
    publish(principal.event_id, outcome)
    return done(outcome.reply)


@client_event("reveal_cards", RoomRef, roles=STAFF)
def on_reveal_cards(principal: Principal, payload: RoomRef) -> dict[str, Any]:
    """Show every card held until reveal at once; broadcast as `cards_revealed`."""
    outcome = moderation.reveal_cards(principal, payload.room_id)
    publish(principal.event_id, outcome)
    return done(outcome.reply)


@client_event("merge_cards", MergeCards, roles=STAFF)
def on_merge_cards(principal: Principal, payload: MergeCards) -> dict[str, Any]:
    """Merge duplicates into one card; broadcast as `cards_merged`."""
    outcome = moderation.merge_cards(principal, payload.card_id, list(payload.card_ids))
    publish(principal.event_id, outcome)
    return done(outcome.reply)


@client_event("unmerge_card", CardRef, roles=STAFF)
def on_unmerge_card(principal: Principal, payload: CardRef) -> dict[str, Any]:
    """Undo a merge; broadcast as `merge_undone` with every card it brings back."""
    outcome = moderation.unmerge_card(principal, payload.card_id)
    publish(principal.event_id, outcome)
    return done(outcome.reply)


@client_event("lock_room", LockRoom, roles=STAFF)
def on_lock_room(principal: Principal, payload: LockRoom) -> dict[str, Any]:
    """Lock or unlock the room; broadcast as `room_changed`."""
    outcome = activities.lock_room(principal, payload.room_id, payload.locked)
    publish(principal.event_id, outcome)
    return done(outcome.reply)


@client_event("set_activity", SetActivity, roles=STAFF)
def on_set_activity(principal: Principal, payload: SetActivity) -> dict[str, Any]:
    """Open, pause or close the room's activity; broadcast as `room_changed`."""
    outcome = activities.set_activity(principal, payload.room_id, payload.state)
    publish(principal.event_id, outcome)
    return done(outcome.reply)


@client_event("set_card_modes", SetCardModes, roles=STAFF)
def on_set_card_modes(principal: Principal, payload: SetCardModes) -> dict[str, Any]:
    """Hold new cards until reveal or approval; broadcast as `room_changed` (and `cards_revealed`)."""
    outcome = activities.set_card_modes(principal, payload.room_id, payload.reveal_mode, payload.premoderation)
    publish(principal.event_id, outcome)
    return done(outcome.reply)
