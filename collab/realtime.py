"""The one way out to clients: broadcast(scope, event, payload) over Flask-SocketIO."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_socketio import SocketIO

from collab.domain.competences import touches_competences
from collab.domain.outcome import Outcome

socketio = SocketIO()


def same_origin_or(allowed: list[str]) -> Callable[[str, dict[str, Any]], bool]:
    """Return the origin check of Socket.IO handshakes: the server's own origin, or a listed one."""

    def is_allowed(origin: str, environ: dict[str, Any]) -> bool:
        own = f"{environ.get('wsgi.url_scheme', 'http')}://{environ.get('HTTP_HOST', '')}"
        return origin == own or origin in allowed

    return is_allowed


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


def broadcast(scope: str | list[str], event: str, payload: dict[str, Any]) -> None:
    """Send `event` to every socket in `scope` (one or several rooms; a socket gets it once)."""
    socketio.emit(event, payload, to=scope)


def announce(change: dict[str, Any] | None) -> None:
    """Broadcast a numbered room change returned by the domain, to each audience its version.

    The author's own sockets get the full version before the public one; both carry the same
    `seq`, so the public one arrives second and is dropped as a duplicate.
    """
    if change is None:
        return
    room_id = change["payload"]["room_id"]
    if change.get("public") is None:
        broadcast([room_scope(room_id), staff_scope(room_id)], change["event"], change["payload"])
        return
    if change.get("author_id") is not None:
        broadcast(participant_scope(change["author_id"]), change["event"], change["payload"])
    broadcast(staff_scope(room_id), change["event"], change["payload"])
    broadcast(room_scope(room_id), change["event"], change["public"])


def announce_all(changes: list[dict[str, Any]]) -> None:
    """Broadcast several changes in order."""
    for change in changes:
        announce(change)


def publish(event_id: int, outcome: Outcome) -> dict[str, Any]:
    """Broadcast what a user intent changed (its room changes, then the event's new state, if any) and
    return its acknowledgement, for the handler to answer with."""
    announce_all(outcome.changes)
    if outcome.event is not None:
        broadcast(everyone_scope(event_id), "event_changed", outcome.event)
    if outcome.changes and touches_competences(event_id, outcome.changes):
        # Every phone may have a new pair to see: clients ask again, each after its own short delay.
        broadcast(everyone_scope(event_id), "competences_changed", {"event_id": event_id})
    return outcome.ack
