"""Moderation: what a room's staff do to its cards — hide, restore, edit, delete, pin, approve,
reveal, merge duplicates and undo a merge. Each action is numbered, broadcast and logged."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from collab.domain.access import Principal, room_in_event, staff_room
from collab.domain.audit import record_action
from collab.domain.cards import check_text
from collab.domain.competences import touches_competences
from collab.domain.errors import Forbidden, Invalid, NotFound
from collab.domain.outcome import Outcome
from collab.domain.rooms import full_card, record_card_change, record_change
from collab.store.database import db
from collab.store.models import Card

MERGE_MAX = 20


def _staff_card(session: Session, principal: Principal, card_id: int) -> Card:
    """Return a live card of a room the principal moderates, or raise.

    A duplicate merged into another card is acted on through that card: it is refused here,
    so what a merged card shows of its duplicates never goes stale or out of sight.
    """
    card = session.get(Card, card_id)
    if card is None or card.deleted_at is not None:
        raise NotFound(f"no card {card_id}")
    room_in_event(session, principal, card.room_id)  # same event, and a room they may see
    if not principal.may_moderate(card.room_id):
        raise Forbidden("only the room's facilitator or the organiser moderates cards")
    if card.merged_into_id is not None:
        raise Invalid(f"card {card.id} is merged into card {card.merged_into_id}: undo that merge first")
    return card


def _unchanged(card: Card) -> Outcome:
    """Return the answer to an action that changes nothing (done twice)."""
    return Outcome(reply={"seq": None, "card_id": card.id})


def _done(session: Session, principal: Principal, card: Card, change: dict[str, Any]) -> Outcome:
    """Return the answer to an action that recorded `change`."""
    return Outcome(
        reply={"seq": change["payload"]["seq"], "card_id": card.id},
        changes=[change],
        competences=touches_competences(session, principal.event_id, [change]),
    )


def hide_card(principal: Principal, card_id: int) -> Outcome:
    """Hide a card from participants and the screen; the staff still see it."""
    with db.transaction() as session:
        card = _staff_card(session, principal, card_id)
        if card.hidden:
            return _unchanged(card)
        card.hidden = True
        change = record_change(session, card.room_id, "card_hidden", {"card_id": card.id, "board": card.board})
        record_action(session, principal, card.room_id, "card_hidden", card.id)
        return _done(session, principal, card, change)


def restore_card(principal: Principal, card_id: int) -> Outcome:
    """Show a hidden card again to everyone in the room (whole, so a client that never had it can)."""
    with db.transaction() as session:
        card = _staff_card(session, principal, card_id)
        if not card.hidden:
            return _unchanged(card)
        card.hidden = False
        change = record_card_change(session, card, "card_restored")
        record_action(session, principal, card.room_id, "card_restored", card.id)
        return _done(session, principal, card, change)


def edit_card(principal: Principal, card_id: int, text: str) -> Outcome:
    """Change a card's text; the text as posted is kept (and shown to the organiser in the log)."""
    text = check_text(text)
    with db.transaction() as session:
        card = _staff_card(session, principal, card_id)
        if card.text == text:
            return _unchanged(card)
        before = card.text
        if card.original_text is None:
            card.original_text = card.text
        card.text = text
        card.edited_at = datetime.now(UTC)
        change = record_card_change(session, card, "card_updated")
        record_action(session, principal, card.room_id, "card_edited", card.id, before=before, after=text)
        return _done(session, principal, card, change)


def delete_card(principal: Principal, card_id: int) -> Outcome:
    """Remove a card from every board; it stays in the database, marked deleted."""
    with db.transaction() as session:
        card = _staff_card(session, principal, card_id)
        if session.scalar(select(Card.id).where(Card.merged_into_id == card.id, Card.deleted_at.is_(None))):
            raise Invalid("this card holds merged duplicates: undo the merge first")
        card.deleted_at = datetime.now(UTC)
        change = record_change(session, card.room_id, "card_deleted", {"card_id": card.id, "board": card.board})
        record_action(session, principal, card.room_id, "card_deleted", card.id, text=card.text)
        return _done(session, principal, card, change)


def pin_card(principal: Principal, card_id: int, pinned: bool) -> Outcome:
    """Pin a card at the top of its column, or unpin it."""
    with db.transaction() as session:
        card = _staff_card(session, principal, card_id)
        if card.pinned == pinned:
            return _unchanged(card)
        card.pinned = pinned
        change = record_card_change(session, card, "card_updated")
        record_action(session, principal, card.room_id, "card_pinned" if pinned else "card_unpinned", card.id)
        return _done(session, principal, card, change)


def approve_card(principal: Principal, card_id: int) -> Outcome:
    """Let a card waiting in the pre-moderation queue (or for reveal) be seen by everyone."""
    with db.transaction() as session:
        card = _staff_card(session, principal, card_id)
        if card.held is None:
            return _unchanged(card)
        card.held = None
        change = record_card_change(session, card, "card_updated")
        record_action(session, principal, card.room_id, "card_approved", card.id)
        return _done(session, principal, card, change)


def reveal_cards(principal: Principal, room_id: int) -> Outcome:
    """Show at once every card of the room held until reveal."""
    with db.transaction() as session:
        staff_room(session, principal, room_id)
        changes = reveal_held(session, room_id)
        if not changes:
            return Outcome(reply={"seq": None, "revealed": 0})
        revealed = len(changes[0]["payload"]["cards"])
        record_action(session, principal, room_id, "cards_revealed", count=revealed)
        return Outcome(
            reply={"seq": changes[0]["payload"]["seq"], "revealed": revealed},
            changes=changes,
            competences=touches_competences(session, principal.event_id, changes),
        )


def reveal_held(session: Session, room_id: int) -> list[dict[str, Any]]:
    """Release the room's cards held until reveal; return the `cards_revealed` change, if any."""
    held = list(
        session.scalars(
            select(Card)
            .where(Card.room_id == room_id, Card.held == "reveal", Card.deleted_at.is_(None))
            .order_by(Card.seq)
        )
    )
    if not held:
        return []
    for card in held:
        card.held = None
    session.flush()
    cards = [full_card(session, card) for card in held]
    visible = [card for card in cards if not card["hidden"]]
    public = None if len(visible) == len(cards) else {"cards": visible}
    return [record_change(session, room_id, "cards_revealed", {"cards": cards}, public=public)]


def merge_cards(principal: Principal, card_id: int, duplicate_ids: list[int]) -> Outcome:
    """Merge duplicates into one card, which keeps their authors and votes; undone by unmerge_card."""
    if not duplicate_ids or len(duplicate_ids) > MERGE_MAX or card_id in duplicate_ids:
        raise Invalid(f"merge 1 to {MERGE_MAX} other cards into one", field="card_ids")
    with db.transaction() as session:
        target = _staff_card(session, principal, card_id)
        duplicates = [_staff_card(session, principal, other) for other in dict.fromkeys(duplicate_ids)]
        for card in [target, *duplicates]:
            if card.room_id != target.room_id:
                raise Invalid("only cards of the same room merge")
            if card.held is not None:
                raise Invalid(f"card {card.id} is still waiting: approve or reveal it first")
        for card in duplicates:
            # A hidden duplicate would be read by everyone in the merged card: restore it first.
            if card.hidden:
                raise Invalid(f"card {card.id} is hidden: restore it, or leave it out of the merge")
        for card in duplicates:
            if session.scalar(select(Card.id).where(Card.merged_into_id == card.id)):
                raise Invalid(f"card {card.id} holds merged duplicates itself: undo that merge first")
            card.merged_into_id = target.id
        session.flush()
        merged_ids = [card.id for card in duplicates]
        change = record_change(
            session,
            target.room_id,
            "cards_merged",
            {"card": full_card(session, target), "merged_ids": merged_ids},
            public=None if not target.hidden else {"card_id": target.id, "merged_ids": merged_ids},
        )
        record_action(session, principal, target.room_id, "cards_merged", target.id, merged_ids=merged_ids)
        return _done(session, principal, target, change)


def unmerge_card(principal: Principal, card_id: int) -> Outcome:
    """Undo the merge of duplicates into a card: each comes back as it was."""
    with db.transaction() as session:
        target = _staff_card(session, principal, card_id)
        duplicates = list(
            session.scalars(
                select(Card).where(Card.merged_into_id == target.id, Card.deleted_at.is_(None)).order_by(Card.seq)
            )
        )
        if not duplicates:
            return _unchanged(target)
        for card in duplicates:
            card.merged_into_id = None
        session.flush()
        cards = [full_card(session, card) for card in (target, *duplicates)]
        visible = [card for card in cards if not card["hidden"]]
        public = None if len(visible) == len(cards) else {"cards": visible}
        change = record_change(session, target.room_id, "merge_undone", {"cards": cards}, public=public)
        record_action(
            session, principal, target.room_id, "merge_undone", target.id, restored_ids=[c.id for c in duplicates]
        )
        return _done(session, principal, target, change)
