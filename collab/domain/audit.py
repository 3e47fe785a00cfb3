"""The moderation log: every action of the staff on a room or a card (who, what, when)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from collab.domain.access import Principal
from collab.domain.errors import Forbidden
from collab.domain.rooms import iso
from collab.store.database import db
from collab.store.models import ModerationAction, Room

LOG_LIMIT = 500


def record_action(
    session: Session, principal: Principal, room_id: int | None, action: str, card_id: int | None = None, **details: Any
) -> None:
    """Add one action to the log, in the transaction that performs it."""
    session.add(
        ModerationAction(
            event_id=principal.event_id,
            room_id=room_id,
            actor=_actor(session, principal),
            action=action,
            card_id=card_id,
            details=details,
        )
    )


def _actor(session: Session, principal: Principal) -> str:
    """Return who acted, as the organiser reads it: the role, and the room of a facilitator's link."""
    if principal.role == "facilitator" and principal.room_id is not None:
        room = session.get(Room, principal.room_id)
        return f"facilitator:{room.name if room else principal.room_id}"
    return principal.role


def moderation_log(principal: Principal, limit: int = LOG_LIMIT) -> list[dict[str, Any]]:
    """Return the event's latest moderation actions, newest first; for the organiser only."""
    if principal.role != "organiser":
        raise Forbidden("only the organiser reads the moderation log")
    with db.transaction() as session:
        rows = session.scalars(
            select(ModerationAction)
            .where(ModerationAction.event_id == principal.event_id)
            .order_by(ModerationAction.id.desc())
            .limit(limit)
        )
        return [
            {
                "id": row.id,
                "room_id": row.room_id,
                "actor": row.actor,
                "action": row.action,
                "card_id": row.card_id,
                "details": row.details,
                "at": iso(row.created_at),
            }
            for row in rows
        ]
