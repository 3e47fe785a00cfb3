"""The one way out to clients: broadcast(scope, event, payload) over Flask-SocketIO."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_socketio import SocketIO

socketio = SocketIO()


def same_origin_or(allowed: list[str]) -> Callable[[str, dict[str, Any]], bool]:
    """Return the origin check of Socket.IO handshakes: the server's own origin, or a listed one."""

    def is_allowed(origin: str, environ: dict[str, Any]) -> bool:
        own = f"{environ.get('wsgi.url_scheme', 'http')}://{environ.get('HTTP_HOST', '')}"
        return origin == own or origin in allowed

    return is_allowed


def room_scope(room_id: int) -> str:
    """Return the Socket.IO room of everyone watching one workshop room."""
    return f"room:{room_id}"


def event_scope(event_id: int) -> str:
    """Return the Socket.IO room of the screens and consoles of one event."""
    return f"event:{event_id}"


def broadcast(scope: str, event: str, payload: dict[str, Any]) -> None:
    """Send `event` to every socket in `scope`, on this worker and (with a message queue) the others."""
    socketio.emit(event, payload, to=scope)


def announce(change: dict[str, Any] | None) -> None:
    """Broadcast a numbered room change returned by the domain, if there is one."""
    if change is not None:
        broadcast(room_scope(change["payload"]["room_id"]), change["event"], change["payload"])
