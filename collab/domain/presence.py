"""Presence: which participants have a socket open, counted per room for the screens.

The table is shared by every worker; each row names the worker holding the socket, so a worker
that starts forgets the sockets it held before, not those of the others.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from collab.domain.access import Principal
from collab.store.database import db
from collab.store.models import Presence, Room

# Sids per statement: well under the bound parameters SQLite accepts in one query.
CHUNK = 500


@dataclass(frozen=True)
class OpenSocket:
    """A participant's socket, as its presence row records it."""

    sid: str
    event_id: int
    room_id: int
    participant_id: int
    worker: str = ""


def open_socket(sid: str, principal: Principal, worker: str = "") -> OpenSocket:
    """Return the presence of a participant's socket `sid`, held by `worker`."""
    assert principal.participant_id is not None and principal.room_id is not None
    return OpenSocket(sid, principal.event_id, principal.room_id, principal.participant_id, worker)


def record_sockets(
    opened: Collection[OpenSocket], closed: Collection[str], counted: Collection[int] = ()
) -> dict[int, dict[int, int]]:
    """Record opened sockets and forget closed ones (by sid), then count each event of `counted`: one transaction.

    A sid both opened and closed ends with no row. Writing an opened socket again changes nothing,
    nor does forgetting one never recorded: a batch that failed can be written again whole.
    """
    with db.transaction() as session:
        _record(session, opened, closed)
        return {event_id: _counts(session, event_id) for event_id in counted}


def participant_connected(sid: str, principal: Principal, worker: str = "") -> dict[int, int]:
    """Record a participant's open socket, held by `worker`; return the event's connected count per room."""
    return record_sockets([open_socket(sid, principal, worker)], [], [principal.event_id])[principal.event_id]


def connected_counts(event_id: int) -> dict[int, int]:
    """Return, for each room of the event, how many distinct participants are connected."""
    with db.transaction() as session:
        return _counts(session, event_id)


def forget_sockets(worker: str | None = None) -> None:
    """Forget the sockets a worker held (None: every socket): at its start, none of them is open any more."""
    with db.transaction() as session:
        session.execute(delete(Presence) if worker is None else delete(Presence).where(Presence.worker == worker))


def _record(session: Session, opened: Collection[OpenSocket], closed: Collection[str]) -> None:
    # A socket opened then closed ends with no row; one recorded already (a retried batch) is
    # deleted then inserted, not doubled.
    gone = set(closed)
    opened = [socket for socket in opened if socket.sid not in gone]
    sids = [*closed, *(socket.sid for socket in opened)]
    for start in range(0, len(sids), CHUNK):
        session.execute(delete(Presence).where(Presence.sid.in_(sids[start : start + CHUNK])))
    if opened:
        session.execute(
            insert(Presence),
            [
                {
                    "sid": s.sid,
                    "event_id": s.event_id,
                    "room_id": s.room_id,
                    "participant_id": s.participant_id,
                    "worker": s.worker,
                }
                for s in opened
            ],
        )


def _counts(session: Session, event_id: int) -> dict[int, int]:
    counts = dict.fromkeys(session.scalars(select(Room.id).where(Room.event_id == event_id)), 0)
    rows = session.execute(
        select(Presence.room_id, func.count(func.distinct(Presence.participant_id)))
        .where(Presence.event_id == event_id)
        .group_by(Presence.room_id)
    )
    counts.update({room_id: n for room_id, n in rows.tuples()})
    return counts
