"""The one way out to clients: broadcast(scope, event, payload) over Flask-SocketIO.

Numbered room changes do not go out one message each: changes leave at most once per tick
(BROADCAST_TICK_MS), each room's together as one `changes` message, and aggregates (vote results,
presence counts) at most once per TALLY_MS. A thousand phones in four rooms then cost the server
a message per phone per tick, not per change (docs/protocol.md, "Batched changes").

The tick stretches with the fan-out's cost: when sends take d seconds (the median of the last
few), the next waits at least PACE × d (at most MAX_TICK). Each message to a phone costs the
event loop about as much whether it carries one card or twenty, so when a busy room's sends
start to fill the loop, they carry more cards each instead of queueing behind one another.
"""

from __future__ import annotations

import logging
import statistics
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, has_app_context
from flask_socketio import SocketIO
from socketio import PubSubManager

from collab.domain.competences import touches_competences
from collab.domain.outcome import Outcome

log = logging.getLogger(__name__)
# An aggregate's payload, or the function that computes it when it leaves.
Aggregate = dict[str, Any] | Callable[[], dict[str, Any]]

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
    """Send `event` to every socket in `scope` (one or several rooms; a socket gets it once).

    The room changes waiting for their tick go out first, so that every socket receives
    everything in the order it happened.
    """
    with _lock:
        _flush_all()
        socketio.emit(event, payload, to=scope)


def announce(change: dict[str, Any] | None) -> None:
    """Send a numbered room change returned by the domain in the room's next `changes` message.

    It leaves at once when no changes left within the last tick; otherwise it waits for the end of
    that tick, with every change that comes meanwhile.

    Each audience gets its version: the staff the full one, the others the public one when it
    differs. The author's own sockets get the full version before the public one: it goes to them at
    once (after what was waiting for the room); both carry the same `seq`, so the public one arrives
    second and is dropped as a duplicate.
    """
    if change is None:
        return
    room_id = change["payload"]["room_id"]
    full = {"event": change["event"], "payload": change["payload"]}
    public = None if change.get("public") is None else {"event": change["event"], "payload": change["public"]}
    with _lock:
        if public is not None and change.get("author_id") is not None:
            _flush_room(room_id)
            _emit_changes(participant_scope(change["author_id"]), room_id, [full])
        waiting = _rooms.setdefault(room_id, _RoomBatch())
        waiting.staff.append(full)
        waiting.public.append(public or full)
        waiting.diverged = waiting.diverged or public is not None
    _flush_after(_tick())


def announce_all(changes: list[dict[str, Any]]) -> None:
    """Queue several changes in order."""
    for change in changes:
        announce(change)


def tally(scope: str, event: str, key: tuple[Any, ...], payload: Aggregate) -> None:
    """Send an aggregate (counts, results) at most once per TALLY_MS for each `key`, the latest one.

    The first goes out at once; those that come within the interval replace one another and the
    last of them goes out when it ends, so the final counts always arrive. `payload` may be a
    function, called as the aggregate leaves: a thousand votes then cost a few counts, not a thousand.
    """
    interval = tally_interval()
    with _lock:
        _tallies[key] = (scope, event, payload)
        if key in _tally_timers:
            return
        wait = _tally_sent.get(key, -interval) + interval - time.monotonic()
        if wait <= 0:
            waiting = _take_tally(key)
        else:
            _tally_timers.add(key)
    if wait <= 0:
        _emit_tally(waiting)
    else:
        socketio.start_background_task(_send_tally_later, key, wait)


def flush() -> None:
    """Send every room's waiting changes now."""
    with _lock:
        _flush_all()


@dataclass
class _RoomBatch:
    """A room's changes waiting for the tick: the staff's versions and the others' (the same unless `diverged`)."""

    staff: list[dict[str, Any]] = field(default_factory=list)
    public: list[dict[str, Any]] = field(default_factory=list)
    diverged: bool = False


# The next send waits at least PACE times as long as the last ones took: with the sockets' writers,
# which do about as much again, the fan-out keeps about an eighth of the loop. At most MAX_TICK.
PACE = 16
MAX_TICK = 1.0

# One lock for the queues and the sends, so that two flushes never interleave their messages.
_lock = threading.RLock()
_rooms: dict[int, _RoomBatch] = {}
_flush_scheduled = False
_last_flush = 0.0  # when changes last left (time.monotonic)
_pause = 0.0  # how long the next changes wait after the last ones, by what the sends cost (seconds)
_costs: deque[float] = deque(maxlen=9)  # how long the last sends took (seconds)
_tallies: dict[tuple[Any, ...], tuple[str, str, Aggregate]] = {}
_tally_sent: dict[tuple[Any, ...], float] = {}
_tally_timers: set[tuple[Any, ...]] = set()


def _tick() -> float:
    """Return how long a room change may wait for others (seconds); 0 sends each at once."""
    return float(current_app.config.get("BROADCAST_TICK_MS", 50)) / 1000 if has_app_context() else 0.0


def tally_interval() -> float:
    """Return the shortest time between two sends of one aggregate (seconds)."""
    return float(current_app.config.get("TALLY_MS", 250)) / 1000 if has_app_context() else 0.0


def _flush_after(tick: float) -> None:
    """Send the waiting changes at once if nothing left in the last tick, else when that tick ends.

    A lone change waits for nothing; a burst leaves at most once per tick, gathered. Even a change
    that waits for nothing leaves from a green thread of its own: the acknowledgement of the
    handler that made it goes out first, not after the change's fan-out to a room of phones.
    With no tick (the tests), it leaves at once, before the handler returns.
    """
    global _flush_scheduled
    with _lock:
        if tick <= 0:
            _flush_all()
            return
        if _flush_scheduled:
            return
        wait = _last_flush + max(tick, _pause) - time.monotonic()
        _flush_scheduled = True
    socketio.start_background_task(_flush_later, max(0.0, wait))


def _flush_later(tick: float) -> None:
    socketio.sleep(tick)
    flush()


def _flush_all() -> None:
    global _flush_scheduled, _last_flush
    _flush_scheduled = False
    if not _rooms:
        return
    _last_flush = time.monotonic()
    for room_id in list(_rooms):
        _flush_room(room_id)
    if not isinstance(getattr(socketio.server, "manager", None), PubSubManager):
        sent(time.monotonic() - _last_flush)


def sent(seconds: float) -> None:
    """Count what sending changes to this process's sockets took; the next changes wait PACE times the median.

    The median of the last sends: one that a garbage collection or a slow socket held up does not
    hold the next ones back. Through a message queue a worker's sockets get changes from the queue's
    listener, which counts them (collab/workers.py): the flush there only publishes.
    """
    global _pause
    _costs.append(seconds)
    _pause = min(MAX_TICK, PACE * statistics.median(_costs))


def _flush_room(room_id: int) -> None:
    waiting = _rooms.pop(room_id, None)
    if waiting is None:
        return
    if waiting.diverged:
        _emit_changes(staff_scope(room_id), room_id, waiting.staff)
        _emit_changes(room_scope(room_id), room_id, waiting.public)
    else:
        _emit_changes([room_scope(room_id), staff_scope(room_id)], room_id, waiting.staff)


def _emit_changes(scope: str | list[str], room_id: int, changes: list[dict[str, Any]]) -> None:
    socketio.emit("changes", {"room_id": room_id, "changes": changes}, to=scope)


def _take_tally(key: tuple[Any, ...]) -> tuple[str, str, Aggregate] | None:
    """Take the aggregate waiting under `key` (the caller holds the lock); it counts as sent now."""
    waiting = _tallies.pop(key, None)
    if waiting is not None:
        _tally_sent[key] = time.monotonic()
    return waiting


def _emit_tally(waiting: tuple[str, str, Aggregate] | None) -> None:
    """Send an aggregate taken from the queue, computing it first if it is a function (outside the lock).

    What it counts is already committed: a count that fails is logged, and the next one sends the news.
    """
    if waiting is None:
        return
    scope, event, payload = waiting
    try:
        socketio.emit(event, payload() if callable(payload) else payload, to=scope)
    except Exception:
        log.exception("the aggregate %s could not be sent", event)


def _send_tally_later(key: tuple[Any, ...], wait: float) -> None:
    socketio.sleep(wait)
    with _lock:
        _tally_timers.discard(key)
        waiting = _take_tally(key)
    _emit_tally(waiting)


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
