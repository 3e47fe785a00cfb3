"""Participants: join an event with a pseudonym, a territorial scale and a room; no account."""

from __future__ import annotations

import unicodedata
from typing import Any

from sqlalchemy import select

from collab.domain.errors import EventClosed, Invalid, NotFound
from collab.domain.events import normalise_code
from collab.store.database import db
from collab.store.models import Event, Participant, Room

PSEUDONYM_MAX = 40


def join_event(code: str, pseudonym: str, scale: str, room_id: int) -> dict[str, Any]:
    """Register a participant in a room of the event with this join code and return them."""
    pseudonym = " ".join(pseudonym.split())
    # Control characters (NUL among them, which PostgreSQL refuses) are no part of a name.
    if not pseudonym or len(pseudonym) > PSEUDONYM_MAX or any(unicodedata.category(c) == "Cc" for c in pseudonym):
        raise Invalid(f"a pseudonym has 1 to {PSEUDONYM_MAX} characters, none a control character", field="pseudonym")
    with db.transaction() as session:
        event = session.scalar(select(Event).where(Event.join_code == normalise_code(code)))
        if event is None:
            raise NotFound("no event has this code")
        if event.closed_at is not None:
            raise EventClosed("this event is closed: nobody joins it any more")
        if scale not in {s["key"] for s in event.scales}:
            raise Invalid("choose a territorial scale from the list", field="scale")
        room = session.get(Room, room_id)
        if room is None or room.event_id != event.id:
            raise Invalid("choose a room from the list", field="room")
        participant = Participant(event_id=event.id, room_id=room.id, pseudonym=pseudonym, scale=scale)
        session.add(participant)
        session.flush()
        return describe_participant_row(participant, room)


def describe_participant(participant_id: int) -> dict[str, Any]:
    """Return a participant as plain data, or raise NotFound (erased participants too)."""
    with db.transaction() as session:
        participant = session.get(Participant, participant_id)
        if participant is None or participant.erased_at is not None:
            raise NotFound("this participant is unknown; join again")
        room = session.get(Room, participant.room_id)
        assert room is not None
        return describe_participant_row(participant, room)


def describe_participant_row(participant: Participant, room: Room) -> dict[str, Any]:
    """Return the plain form of a participant row."""
    return {
        "id": participant.id,
        "event_id": participant.event_id,
        "room_id": room.id,
        "room_name": room.name,
        "pseudonym": participant.pseudonym,
        "scale": participant.scale,
        "role": participant.role,
    }
