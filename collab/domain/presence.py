"""Presence: which participants have a socket open, counted per room for the screens.

The table is shared by every worker; each row names the worker holding the socket, so a worker
that starts forgets the sockets it held before, not those of the others.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select

from collab.db import db
from collab.domain.access import Principal
from collab.models import Presence, Room


def participant_connected(sid: str, principal: Principal, worker: str = "") -> dict[int, int]:
    """Record a participant's open socket, held by `worker`; return the event's connected count per room."""
    assert principal.participant_id is not None and principal.room_id is not None
    with db.transaction() as session:
        session.merge(
            Presence(
                sid=sid,
                event_id=principal.event_id,
                room_id=principal.room_id,
                participant_id=principal.participant_id,
                worker=worker,
            )
        )
    return connected_counts(principal.event_id)


def socket_closed(sid: str) -> tuple[int, dict[int, int]] | None:
    """Forget a closed socket; return its event and the new counts if it was a participant's."""
    with db.transaction() as session:
        presence = session.get(Presence, sid)
        if presence is None:
            return None
        event_id = presence.event_id
        session.delete(presence)
    return event_id, connected_counts(event_id)


def connected_counts(event_id: int) -> dict[int, int]:
    """Return, for each room of the event, how many distinct participants are connected."""
    with db.transaction() as session:
        counts = dict.fromkeys(session.scalars(select(Room.id).where(Room.event_id == event_id)), 0)
        rows = session.execute(
            select(Presence.room_id, func.count(func.distinct(Presence.participant_id)))
            .where(Presence.event_id == event_id)
            .group_by(Presence.room_id)
        )
        counts.update({room_id: n for room_id, n in rows.tuples()})
        return counts


def forget_sockets(worker: str | None = None) -> None:
    """Forget the sockets a worker held (None: every socket): at its start, none of them is open any more."""
    with db.transaction() as session:
        session.execute(delete(Presence) if worker is None else delete(Presence).where(Presence.worker == worker))
