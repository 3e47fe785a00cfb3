"""Every room at a glance, for the organiser: who is connected, what the boards hold, what waits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select

from collab.domain.access import Principal
from collab.domain.errors import Forbidden
from collab.store.database import db
from collab.store.models import Card, Presence, Room


def room_overview(principal: Principal) -> list[dict[str, Any]]:
    """Return, per room in order: participants connected, visible, hidden and pending cards, lock.

    Deleted cards and duplicates merged into another card are not counted; a card held for
    reveal or approval is pending (and neither visible nor hidden) until it is released.
    """
    if principal.role != "organiser":
        raise Forbidden("only the organiser sees every room at a glance")
    live = Card.deleted_at.is_(None) & Card.merged_into_id.is_(None)
    with db.transaction() as session:
        rooms = session.scalars(select(Room).where(Room.event_id == principal.event_id).order_by(Room.position)).all()
        connected = {
            room_id: n
            for room_id, n in session.execute(
                select(Presence.room_id, func.count(func.distinct(Presence.participant_id)))
                .where(Presence.event_id == principal.event_id)
                .group_by(Presence.room_id)
            ).tuples()
        }
        counts = {
            room_id: (visible, hidden, pending)
            for room_id, visible, hidden, pending in session.execute(
                select(
                    Card.room_id,
                    func.sum(case((live & ~Card.hidden & Card.held.is_(None), 1), else_=0)),
                    func.sum(case((live & Card.hidden, 1), else_=0)),
                    func.sum(case((live & ~Card.hidden & Card.held.is_not(None), 1), else_=0)),
                )
                .join(Room, Room.id == Card.room_id)
                .where(Room.event_id == principal.event_id)
                .group_by(Card.room_id)
            ).tuples()
        }
        return [
            {
                "room_id": room.id,
                "name": room.name,
                "connected": connected.get(room.id, 0),
                "visible": int(counts.get(room.id, (0, 0, 0))[0] or 0),
                "hidden": int(counts.get(room.id, (0, 0, 0))[1] or 0),
                "pending": int(counts.get(room.id, (0, 0, 0))[2] or 0),
                "locked": room.locked,
            }
            for room in rooms
        ]
