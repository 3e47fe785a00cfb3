"""Cards: posted by participants into a board column, hidden and restored by facilitators."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from collab.db import db
from collab.domain.access import Principal, room_in_event
from collab.domain.audit import record_action
from collab.domain.errors import Conflict, Forbidden, Invalid, NotFound
from collab.domain.rooms import add_change, card_data, next_seq, record_change
from collab.models import Card, Change, Event, Participant

TEXT_MAX = 500


@dataclass
class Outcome:
    """What a user intent produced: the acknowledgement, and the change to broadcast (if any)."""

    ack: dict[str, Any]
    change: dict[str, Any] | None


def post_card(principal: Principal, client_id: str, board: str, column: str, text: str) -> Outcome:
    """Post a participant's card into their room; the same client id posted again lands once.

    The acknowledgement is built from the stored change, so a retry gets the very same one.
    """
    if principal.role != "participant" or principal.participant_id is None:
        raise Forbidden("only participants post cards")
    text = text.strip()
    if not text or len(text) > TEXT_MAX:
        raise Invalid(f"a card has 1 to {TEXT_MAX} characters", field="text")
    existing = _previous_post(principal, client_id)
    if existing is not None:
        return Outcome(ack=existing, change=None)
    try:
        with db.transaction() as session:
            assert principal.room_id is not None
            seq = next_seq(session, principal.room_id)
            event = session.get(Event, principal.event_id)
            author = session.get(Participant, principal.participant_id)
            assert event is not None and author is not None
            _check_column(event.boards, board, column)
            card = Card(
                room_id=author.room_id,
                participant_id=author.id,
                client_id=client_id,
                board=board,
                column=column,
                text=text,
                seq=seq,
            )
            session.add(card)
            session.flush()
            change = add_change(session, card.room_id, seq, "card_posted", {"card": card_data(card, author)})
            return Outcome(ack={"ok": True, "seq": seq, "card": change["payload"]["card"]}, change=change)
    except IntegrityError:
        # Another socket of the same phone posted this client id at the same moment.
        existing = _previous_post(principal, client_id)
        if existing is None:
            raise
        return Outcome(ack=existing, change=None)


def _previous_post(principal: Principal, client_id: str) -> dict[str, Any] | None:
    """Return the acknowledgement of an earlier post with this client id, if there was one."""
    with db.transaction() as session:
        card = session.scalar(
            select(Card).where(Card.participant_id == principal.participant_id, Card.client_id == client_id)
        )
        if card is None:
            return None
        change = session.scalar(select(Change).where(Change.room_id == card.room_id, Change.seq == card.seq))
        if change is None or change.event != "card_posted":
            raise Conflict("this client id was already used")
        return {"ok": True, "seq": card.seq, "card": change.payload["card"]}


def _check_column(boards: list[dict[str, Any]], board: str, column: str) -> None:
    """Raise Invalid unless `column` is a column of `board` in this event."""
    for known in boards:
        if known["key"] == board:
            if column in {c["key"] for c in known["columns"]}:
                return
            raise Invalid(f"board {board!r} has no column {column!r}", field="column")
    raise Invalid(f"this event has no board {board!r}", field="board")


def hide_card(principal: Principal, card_id: int) -> Outcome:
    """Hide a card from participants and the screen; the facilitator still sees it."""
    return _set_hidden(principal, card_id, hidden=True)


def restore_card(principal: Principal, card_id: int) -> Outcome:
    """Show a hidden card again to everyone in the room."""
    return _set_hidden(principal, card_id, hidden=False)


def _set_hidden(principal: Principal, card_id: int, hidden: bool) -> Outcome:
    """Hide or restore a card, recording the change; doing it twice changes nothing."""
    with db.transaction() as session:
        card = session.get(Card, card_id)
        if card is None:
            raise NotFound(f"no card {card_id}")
        room_in_event(session, principal, card.room_id)  # same event, and a room they may see
        if not principal.may_moderate(card.room_id):
            raise Forbidden("only the room's facilitator or the organiser moderates cards")
        if card.hidden == hidden:
            return Outcome(ack={"ok": True, "seq": None, "card_id": card.id, "hidden": hidden}, change=None)
        card.hidden = hidden
        record_action(session, principal, card.room_id, "card_hidden" if hidden else "card_restored", card.id)
        if hidden:
            change = record_change(session, card.room_id, "card_hidden", {"card_id": card.id})
        else:
            author = session.get(Participant, card.participant_id)
            assert author is not None
            change = record_change(session, card.room_id, "card_restored", {"card": card_data(card, author)})
        ack = {"ok": True, "seq": change["payload"]["seq"], "card_id": card.id, "hidden": hidden}
        return Outcome(ack=ack, change=change)
