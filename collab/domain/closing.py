"""Closing an event: once the seminar is over it stays readable (pages, sync, exports) and takes no writes."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from collab.db import db
from collab.domain.access import Principal
from collab.domain.audit import record_action
from collab.domain.outcome import Outcome
from collab.domain.programme import event_outcome, organiser_event
from collab.models import Event


def close_event(principal: Principal) -> Outcome:
    """Close the event (organiser): nobody joins or writes until it is reopened; closing twice keeps the first time."""
    with db.transaction() as session:
        event = organiser_event(session, principal)
        if event.closed_at is None:
            event.closed_at = datetime.now(UTC)
        record_action(session, principal, None, "close_event")
        return event_outcome(session, event.id)


def reopen_event(principal: Principal) -> Outcome:
    """Open a closed event again (organiser)."""
    with db.transaction() as session:
        event = organiser_event(session, principal)
        event.closed_at = None
        record_action(session, principal, None, "reopen_event")
        return event_outcome(session, event.id)


def is_closed(event_id: int) -> bool:
    """Tell whether an event is closed."""
    with db.transaction() as session:
        return session.scalar(select(Event.closed_at).where(Event.id == event_id)) is not None
