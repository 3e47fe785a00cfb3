"""Rooms as a stream of numbered changes: record one, replay what a client missed, or snapshot."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from collab.db import db
from collab.domain.access import Principal, room_in_event
from collab.domain.errors import NotFound
from collab.models import Card, Change, Participant, Room


def next_seq(session: Session, room_id: int) -> int:
    """Take the room's next sequence number; call it first in a writing transaction.

    The row lock on the room orders concurrent writers, so numbers have no gaps and no
    duplicates, and whatever the transaction checks next cannot change under it.
    """
    seq = session.scalar(update(Room).where(Room.id == room_id).values(seq=Room.seq + 1).returning(Room.seq))
    if seq is None:
        raise NotFound(f"no room {room_id}")
    return seq


def add_change(session: Session, room_id: int, seq: int, event: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Store the change numbered `seq` and return it as it is broadcast and replayed."""
    body = {"room_id": room_id, "seq": seq, **payload}
    session.add(Change(room_id=room_id, seq=seq, event=event, payload=body))
    return {"event": event, "payload": body}


def record_change(session: Session, room_id: int, event: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Number a change with the room's next sequence number and store it."""
    return add_change(session, room_id, next_seq(session, room_id), event, payload)


def sync_room(principal: Principal, room_id: int, since: int | None, max_replay: int) -> dict[str, Any]:
    """Return what a client that has changes up to `since` is missing: a replay or a snapshot.

    A replay is exactly the changes after `since`, in order. A snapshot is sent when the
    client has nothing (`since` None), when it claims a future number (the database was
    replaced), or when it is more than `max_replay` changes behind.
    """
    with db.transaction() as session:
        room = room_in_event(session, principal, room_id)
        if since is not None and 0 <= since <= room.seq and room.seq - since <= max_replay:
            changes = session.scalars(
                select(Change).where(Change.room_id == room_id, Change.seq > since).order_by(Change.seq)
            )
            return {
                "room_id": room_id,
                "seq": room.seq,
                "changes": [{"event": c.event, "payload": c.payload} for c in changes],
            }
        return {"room_id": room_id, "seq": room.seq, "snapshot": _snapshot(session, principal, room)}


def _snapshot(session: Session, principal: Principal, room: Room) -> dict[str, Any]:
    """Return the room's board as the principal may see it."""
    query = (
        select(Card, Participant)
        .join(Participant, Card.participant_id == Participant.id)
        .where(Card.room_id == room.id)
        .order_by(Card.seq)
    )
    if not principal.may_moderate(room.id):
        query = query.where(Card.hidden.is_(False))
    return {"cards": [card_data(card, author) for card, author in session.execute(query).tuples()]}


def card_data(card: Card, author: Participant) -> dict[str, Any]:
    """Return a card as every client receives it."""
    return {
        "id": card.id,
        "client_id": card.client_id,
        "board": card.board,
        "column": card.column,
        "text": card.text,
        "hidden": card.hidden,
        "author": {"id": author.id, "pseudonym": author.pseudonym, "scale": author.scale},
        "created_at": iso(card.created_at),
    }


def iso(moment: datetime) -> str:
    """Return a stored time as ISO 8601 in UTC (SQLite gives it back without its zone)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat().replace("+00:00", "Z")
