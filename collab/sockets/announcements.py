"""Broadcasts that start outside a socket event: a participant who joined through the join form."""

from __future__ import annotations

from typing import Any, TypedDict

from collab.realtime.publishing import broadcast
from collab.realtime.scopes import staff_scope


class RoleEntry(TypedDict):
    """A participant as the room's list of roles has them."""

    participant_id: int
    pseudonym: str
    scale: str
    role: str | None


class ParticipantJoined(TypedDict):
    """The payload of `participant_joined`."""

    room_id: int
    participant: RoleEntry


def participant_joined(participant: dict[str, Any]) -> None:
    """Tell the room's staff who joined, so their console can hand out the case study's roles at once."""
    entry = RoleEntry(
        participant_id=participant["id"],
        pseudonym=participant["pseudonym"],
        scale=participant["scale"],
        role=participant["role"],
    )
    payload = ParticipantJoined(room_id=participant["room_id"], participant=entry)
    broadcast(staff_scope(participant["room_id"]), "participant_joined", dict(payload))
