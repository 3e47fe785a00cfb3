"""Relays between workers sharing a message queue: each sends a room's changes to its own sockets."""

from __future__ import annotations

from typing import Any

from socketio import PubSubManager

from collab.realtime.server import socketio


def queue() -> PubSubManager | None:
    """Return the message queue to the other workers, if this process is one of several."""
    manager = getattr(socketio.server, "manager", None)
    return manager if isinstance(manager, PubSubManager) else None


def relaying() -> bool:
    """Tell whether this process is one of several workers sharing a message queue."""
    return queue() is not None


def relay(message: dict[str, Any]) -> None:
    """Hand `message` to the other workers (collab.realtime.batching.relayed), if there are any."""
    manager = queue()
    if manager is not None:
        manager.relay(message)
