"""The Socket.IO rooms collab sends to: who receives what."""

from __future__ import annotations


def room_scope(room_id: int) -> str:
    """Return the Socket.IO room of a workshop room's participants and of the screens."""
    return f"room:{room_id}"


def staff_scope(room_id: int) -> str:
    """Return the Socket.IO room of the staff (facilitators, organiser) of a workshop room."""
    return f"staff:{room_id}"


def participant_scope(participant_id: int) -> str:
    """Return the Socket.IO room of one participant's sockets (a phone, a second tab)."""
    return f"participant:{participant_id}"


def event_scope(event_id: int) -> str:
    """Return the Socket.IO room of the screens and consoles of one event."""
    return f"event:{event_id}"


def everyone_scope(event_id: int) -> str:
    """Return the Socket.IO room of every socket of one event, participants included."""
    return f"everyone:{event_id}"


def link_scope(link_id: int) -> str:
    """Return the Socket.IO room of the sockets opened with one secret link (to close them on revoke)."""
    return f"link:{link_id}"
