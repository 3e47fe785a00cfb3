"""Numbered room changes, batched: each room's changes leave together, at most once per tick.

Changes leave at most once per tick (BROADCAST_TICK_MS), each room's together as one `changes`
message: a thousand phones in four rooms cost a message per phone per tick, not per change
(docs/protocol.md, "Batched changes"). The tick stretches with what the sends cost (PACE), so that
a busy room's messages carry more cards each rather than queue behind one another.

With workers, each sends the changes to its own sockets on its own tick: a change announced on one
is relayed to the others (`relayed`), and each room's changes leave in `seq` order; one that is
late on its way between workers is read from the database after GAP_WAIT, so that phones see no gap.
"""

from __future__ import annotations

import logging
import statistics
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, has_app_context

from collab.realtime.relay import queue, relay
from collab.realtime.scopes import participant_scope, room_scope, staff_scope
from collab.realtime.server import emit_here, socketio, sockets_in

log = logging.getLogger(__name__)


def announce(change: dict[str, Any] | None) -> None:
    """Send a numbered room change returned by the domain in the room's next `changes` message.

    It leaves at once when no changes left within the last tick; otherwise it waits for the end of
    that tick, with every change that comes meanwhile.

    Each audience gets its version: the staff the full one, the others the public one when it
    differs, and the author's own sockets the full one, in the same message as everyone else's and
    so in the same order. A change with a version for its author leaves at once, with what waited
    for the room: the author sees their own card without waiting for the tick.
    """
    if change is None:
        return
    room_id = change["payload"]["room_id"]
    with _lock:
        _wait_for_tick(change)
        if change.get("public") is not None and change.get("author_id") is not None:
            _flush_room(room_id)
    relay({"changes": [change]})
    _flush_after(_tick())


def announce_all(changes: list[dict[str, Any]]) -> None:
    """Queue several changes in order."""
    for change in changes:
        announce(change)


def relayed(message: dict[str, Any], sender: str | None = None) -> None:
    """Take what another worker (`sender`) relayed: its room changes, to send with this worker's own
    at the next tick, or a broadcast, to send after what waits here (called by collab/realtime/workers.py)."""
    with _lock:
        if sender is not None:
            _peers[sender] = time.monotonic()
        for change in message.get("changes", ()):
            _wait_for_tick(change)
    if "changes" in message:
        _flush_after(_tick())
    else:
        broadcast_here(*message["broadcast"])


def broadcast_here(scope: str | list[str], event: str, payload: dict[str, Any]) -> None:
    """Send the waiting changes, then `event`, to this process's sockets in `scope`."""
    with _lock:
        _flush_all()
        emit_here(event, payload, scope)


def flush() -> None:
    """Send every room's waiting changes now."""
    with _lock:
        _flush_all()


@dataclass
class _Waiting:
    """A room change waiting for the tick: the staff's version, the others' when it differs, and since when."""

    seq: int
    staff: dict[str, Any]
    public: dict[str, Any] | None
    author_id: int | None = None  # whose sockets get `staff` rather than `public`
    since: float = field(default_factory=time.monotonic)


# The next send waits at least PACE times as long as the last ones took, at most MAX_TICK: with the
# sockets' writers, which do about as much again, the fan-out keeps about a quarter of the event loop.
PACE = 8
MAX_TICK = 1.0
# With workers, how long a change waits for an earlier one of its room still on its way from another
# worker before the worker reads the missing ones from the database.
GAP_WAIT = 0.25
# Past this many missing changes a worker does not read them (the queue was lost for long): its
# phones see the gap and catch up with `sync`, a snapshot when they are that far behind.
MAX_FILL = 500
# With workers, each sends to its share of a room's phones: the pause counts every worker heard from
# within PEERS_SEEN seconds, so that several workers gather as many cards per message as one process.
PEERS_SEEN = 10.0

# One lock for the queues and the sends, so that two flushes never interleave their messages.
_lock = threading.RLock()
_rooms: dict[int, list[_Waiting]] = {}
_sent_seq: dict[int, int] = {}  # with workers: the last seq sent to this worker's sockets, by room
_filling: set[int] = set()  # with workers: the rooms whose missing changes are being read from the database
_flush_scheduled = False
_last_tick = 0.0  # the tick of the last changes queued (seconds), for the flushes that follow on their own
_last_flush = 0.0  # when changes last left (time.monotonic)
_pause = 0.0  # how long the next changes wait after the last ones, by what the sends cost (seconds)
_costs: deque[float] = deque(maxlen=9)  # how long the last sends took (seconds)
_peers: dict[str, float] = {}  # with workers: when each other worker last relayed something (time.monotonic)


def _tick() -> float:
    """Return how long a room change may wait for others (seconds); 0 sends each at once."""
    return float(current_app.config.get("BROADCAST_TICK_MS", 50)) / 1000 if has_app_context() else 0.0


def _flush_after(tick: float) -> None:
    """Send the waiting changes at once if nothing left in the last tick, else when that tick ends.

    A lone change waits for nothing; a burst leaves at most once per tick, gathered. Even a change
    that waits for nothing leaves from a green thread of its own: the acknowledgement of the
    handler that made it goes out first, not after the change's fan-out to a room of phones.
    With no tick (the tests), it leaves at once, before the handler returns.
    """
    global _last_tick
    with _lock:
        _last_tick = tick
        if tick <= 0:
            _flush_all()
            return
        _flush_in(_last_flush + max(tick, _pause) - time.monotonic())


def _flush_in(wait: float) -> None:
    """Send the waiting changes in `wait` seconds, unless a flush is on its way (the caller holds the lock)."""
    global _flush_scheduled
    if _flush_scheduled:
        return
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
    sent(time.monotonic() - _last_flush)
    if _rooms:
        # Changes that wait for an earlier one from another worker: a later flush takes them, paced as any.
        _flush_in(max(_last_tick, _pause, GAP_WAIT / 10))


def watching(seqs: dict[int, int]) -> None:
    """Note the rooms a socket of this worker is about to watch, with the last number each has given.

    With workers: a room this worker has sent nothing of yet starts from that number, so that its
    first changes to arrive wait for the earlier ones still on their way from other workers.
    """
    with _lock:
        for room_id, seq in seqs.items():
            _sent_seq.setdefault(room_id, seq)


def sent(seconds: float) -> None:
    """Count what sending changes to this process's sockets took; the next changes wait PACE times the
    median, times the workers sending the same changes to their own sockets (PEERS_SEEN).

    The median of the last sends: one that a garbage collection or a slow socket held up does not
    hold the next ones back.
    """
    global _pause
    _costs.append(seconds)
    now = time.monotonic()
    for sender in [sender for sender, seen in _peers.items() if now - seen >= PEERS_SEEN]:
        del _peers[sender]  # stopped, restarted under a new id, or idle: no longer sending
    _pause = min(MAX_TICK, PACE * (1 + len(_peers)) * statistics.median(_costs))


def _wait_for_tick(change: dict[str, Any]) -> None:
    """Queue a change for its room's next `changes` message (the caller holds the lock)."""
    full = {"event": change["event"], "payload": change["payload"]}
    public = None if change.get("public") is None else {"event": change["event"], "payload": change["public"]}
    author = change.get("author_id") if public is not None else None
    _rooms.setdefault(change["payload"]["room_id"], []).append(_Waiting(change["payload"]["seq"], full, public, author))


def _flush_room(room_id: int) -> None:
    waiting = _rooms.pop(room_id, None)
    if not waiting:
        return
    if queue() is not None:
        waiting, later = _in_sequence(room_id, waiting)
        if later:
            _rooms[room_id] = later
        if not waiting:
            return
    staff = [w.staff for w in waiting]
    if all(w.public is None for w in waiting):
        _emit_changes([room_scope(room_id), staff_scope(room_id)], room_id, staff)
        return
    _emit_changes(staff_scope(room_id), room_id, staff)
    # The authors' sockets held here get their own cards whole, the others the public versions.
    authors = {w.author_id for w in waiting if w.author_id is not None}
    in_room = sockets_in(room_scope(room_id)) if authors else set()
    theirs: list[str] = []
    for author in authors:
        sids = sockets_in(participant_scope(author)) & in_room
        versions = [w.staff if w.author_id == author else (w.public or w.staff) for w in waiting]
        for sid in sids:
            _emit_changes(sid, room_id, versions)
        theirs.extend(sids)
    emit_here(
        "changes", {"room_id": room_id, "changes": [w.public or w.staff for w in waiting]}, room_scope(room_id), theirs
    )


def _in_sequence(room_id: int, waiting: list[_Waiting]) -> tuple[list[_Waiting], list[_Waiting]]:
    """Split a room's changes into those that leave now, each once and in `seq` order, and those that
    wait for an earlier one still on its way from another worker; past GAP_WAIT the earlier ones
    are read from the database (`_fill`). A change already sent (read there, then relayed) is dropped."""
    waiting.sort(key=lambda w: w.seq)
    last = _sent_seq.get(room_id)
    ready: list[_Waiting] = []
    for k, change in enumerate(waiting):
        if last is not None and change.seq <= last:
            continue
        if last is not None and change.seq > last + 1:
            if time.monotonic() - change.since >= GAP_WAIT:
                _fill(room_id, last, change.seq)
            _sent_seq[room_id] = last
            return ready, waiting[k:]
        ready.append(change)
        last = change.seq
    if last is not None:
        _sent_seq[room_id] = last
    return ready, []


def _fill(room_id: int, after: int, before: int) -> None:
    """Read a room's changes between `after` and `before` from the database, in the background, and
    send them before the later ones (the caller holds the lock)."""
    if room_id in _filling:
        return
    _filling.add(room_id)
    socketio.start_background_task(_read_missing, room_id, after, before)


def _read_missing(room_id: int, after: int, before: int) -> None:
    manager = queue()
    missing: list[dict[str, Any]] = []
    try:
        if manager is not None and before - after - 1 <= MAX_FILL:
            missing = manager.missing_changes(room_id, after, before)
    except Exception:
        log.exception("room %s: changes %s to %s could not be read", room_id, after + 1, before - 1)
    with _lock:
        _filling.discard(room_id)
        for change in missing:
            _wait_for_tick(change)
        if not missing or missing[0]["payload"]["seq"] != after + 1:
            # Not in the database (too many, or it could not be read): the later changes go with
            # the gap, and the phones catch up with `sync`.
            log.warning("room %s: changes %s to %s sent without those before", room_id, after + 1, before - 1)
            _sent_seq[room_id] = max(_sent_seq.get(room_id, after), before - 1)
        _flush_all()


def _emit_changes(scope: str | list[str], room_id: int, changes: list[dict[str, Any]]) -> None:
    emit_here("changes", {"room_id": room_id, "changes": changes}, scope)
