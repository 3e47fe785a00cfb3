"""What the après-séminaire dossier reads besides the day's record: the event's date and place, and the directory
of competences with the contacts both people agreed to share."""

from __future__ import annotations

from typing import Any

from collab.domain.access import Principal
from collab.domain.competences import competence_directory
from collab.domain.errors import NotFound
from collab.store.database import db
from collab.store.models import Event


def dossier_facts(event_id: int) -> dict[str, Any]:
    """Return the event's day and place and its competence directory."""
    with db.transaction() as session:
        event = session.get(Event, event_id)
        if event is None:
            raise NotFound("no such event")
        facts: dict[str, Any] = {
            "starts_on": event.starts_on.isoformat() if event.starts_on else None,
            "place": event.place or "",
        }
    return facts | {"directory": competence_directory(Principal(role="organiser", event_id=event_id))}
