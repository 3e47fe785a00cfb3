"""Beyond one process: the Socket.IO client manager, over a Redis message queue when workers share one.

Each worker holds its own sockets. A broadcast goes to every worker, which
sends it to the sockets it holds in that Socket.IO room; so does closing a room, which in collab
disconnects the room's sockets (a revoked link's pages), wherever they are held.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

import socketio
from flask import Flask

from collab.domain import rooms
from collab.realtime.batching import relayed

# The event name under which workers relay room changes and broadcasts to one another; no socket gets it.
RELAY = "collab:relay"


class Sockets(socketio.Manager):
    """The sockets of this process; closing a Socket.IO room disconnects every socket in it."""

    def close_room(self, room: str, namespace: str) -> Any:
        """Disconnect this process's sockets in `room`, then forget the room."""
        for sid, _eio_sid in list(self.get_participants(namespace, room)):
            self.server.disconnect(sid, namespace=namespace, ignore_queue=True)
        return super().close_room(room, namespace)


class QueuedSockets(socketio.RedisManager, Sockets):
    """The sockets of this worker, and a Redis channel to those of the others.

    redis-py talks through the socket module, which eventlet's monkey patching makes cooperative
    (python-socketio refuses to start otherwise), so waiting on Redis never stalls the worker.

    A room's changes do not go through the channel as messages to sockets: each worker relays the
    changes it makes to the others (`relay`), and each sends them to its own sockets on its own
    tick, gathered with its own (collab/realtime/batching.py).
    """

    def __init__(self, url: str, channel: str, app: Flask | None = None) -> None:
        super().__init__(url, channel=channel)
        self.app = app

    def relay(self, message: dict[str, Any]) -> None:
        """Publish `message` for the other workers' `relayed`.

        COLLAB_RELAY_DELAY_MS (tests only) holds room changes back that long, as a slow queue would.
        """
        published = {"method": "emit", "event": RELAY, "data": message, "host_id": self.host_id}
        delay = self.app.config.get("RELAY_DELAY_MS", 0) / 1000 if self.app is not None else 0
        if delay > 0 and "changes" in message:
            self.server.start_background_task(self._publish_later, published, delay)
        else:
            self._publish(published)

    def _publish_later(self, message: dict[str, Any], delay: float) -> None:
        self.server.sleep(delay)
        self._publish(message)

    def missing_changes(self, room_id: int, after: int, before: int) -> list[dict[str, Any]]:
        """Return a room's changes between two numbers, read from the database, for collab/realtime/batching.py to send
        in order when the other workers' relays of them are late."""
        return rooms.changes_between(room_id, after, before)

    def _handle_emit(self, message: dict[str, Any]) -> Any:
        """Send what came through the queue to this worker's sockets; hand relays to `relayed`."""
        if message.get("event") != RELAY:
            return super()._handle_emit(message)
        with self.app.app_context() if self.app is not None else nullcontext():
            return relayed(message["data"], message.get("host_id"))


def client_manager(message_queue: str, channel: str, app: Flask | None = None) -> Sockets:
    """Return the client manager: one process's sockets, or a worker's when `message_queue` is set."""
    if not message_queue:
        return Sockets()
    if not message_queue.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError(f"COLLAB_MESSAGE_QUEUE must be a Redis URL (redis://host:6379/0), not {message_queue!r}")
    return QueuedSockets(message_queue, channel=channel, app=app)


def transports(message_queue: str) -> list[str] | None:
    """Return the transports the server accepts: websocket only when workers share a queue.

    A long-polling session lives in one worker's memory and is made of many requests; a load
    balancer that spreads them over workers breaks it. A websocket is one connection, held by
    whichever worker accepted it. None: Socket.IO's default (long-polling, then websocket).
    """
    return ["websocket"] if message_queue else None
