"""The Socket.IO server every handler registers on and every message leaves through."""

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


def emit_here(event: str, payload: dict[str, Any], scope: str | list[str], skip: list[str] | None = None) -> None:
    """Send `event` to this process's sockets in `scope` but those in `skip` (with workers, not through
    the queue: the others got it as a relay; without a queue, `ignore_queue` changes nothing)."""
    socketio.emit(event, payload, to=scope, skip_sid=skip or None, ignore_queue=True)


def sockets_in(scope: str) -> set[str]:
    """Return the ids of this process's sockets in a Socket.IO room."""
    return {sid for sid, _eio_sid in socketio.server.manager.get_participants("/", scope)}
