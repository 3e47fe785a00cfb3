"""Closing an event: once the seminar is over it stays readable (pages, sync, exports) and takes no writes."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from sqlalchemy import select

from collab.domain.access import Principal
from collab.domain.audit import record_action
from collab.domain.outcome import Outcome
from collab.domain.programme import event_outcome, organiser_event
from collab.store.database import db
from collab.store.models import Event

# How long a process trusts what it read of an event's closing (seconds).
KNOWN_FOR = 1.0


def close_event(principal: Principal) -> Outcome:
    """Close the event (organiser): nobody joins or writes until it is reopened; closing twice keeps the first time."""
    with db.transaction() as session:
        event = organiser_event(session, principal)
        if event.closed_at is None:
            event.closed_at = datetime.now(UTC)
        record_action(session, principal, None, "close_event")
        outcome = event_outcome(session, event.id)
    _remember(principal.event_id, True, time.monotonic())
    return outcome


def reopen_event(principal: Principal) -> Outcome:
    """Open a closed event again (organiser)."""
    with db.transaction() as session:
        event = organiser_event(session, principal)
        event.closed_at = None
        record_action(session, principal, None, "reopen_event")
        outcome = event_outcome(session, event.id)
    _remember(principal.event_id, False, time.monotonic())
    return outcome


def is_closed(event_id: int) -> bool:
    """Tell whether an event is closed, as this process read it at most KNOWN_FOR seconds ago.

    Every write asks, so the answer is kept: closing and reopening in this process take effect at
    once; with several workers, on the others within KNOWN_FOR. Read beside the writer (SQLite).
    """
    started = time.monotonic()
    kept = _known().get(event_id)
    if kept is not None and started - kept[1] < KNOWN_FOR:
        return kept[0]
    with db.reading(), db.transaction() as session:
        closed = session.scalar(select(Event.closed_at).where(Event.id == event_id)) is not None
    _remember(event_id, closed, started)
    return closed


def _known() -> dict[int, tuple[bool, float]]:
    """Return what this process knows of events' closing: event id → (closed, when it was read)."""
    return db.remembered.setdefault("closed", {})


def _remember(event_id: int, closed: bool, read_at: float) -> None:
    """Keep what was read at `read_at`, unless something newer is known (a close while the read waited)."""
    known = _known()
    kept = known.get(event_id)
    if kept is None or kept[1] <= read_at:
        known[event_id] = (closed, read_at)
