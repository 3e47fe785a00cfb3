"""Presence written in batches: a thousand phones reconnecting at once cost a few transactions, not a thousand.

Connects and disconnects queue their change in memory. The first after a quiet spell is written at
once, by its own handler; those that come within the next TALLY_MS wait for the end of it and are
written together, by one green thread, in one transaction. Each event they touch is then counted
once and its screens and consoles get the counts (`presence_changed`, throttled by `tally`). With
TALLY_MS=0 (the tests) every change is written before its handler returns.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app
from sqlalchemy.exc import SQLAlchemyError

from collab.domain import presence
from collab.domain.presence import OpenSocket
from collab.domain.reads import reading
from collab.realtime.scopes import event_scope
from collab.realtime.server import socketio
from collab.realtime.tallies import tally, tally_interval

log = logging.getLogger(__name__)

# A batch the database refuses goes back to the queue and is tried again at the next write, at
# least RETRY_S later; after ATTEMPTS failures in a row it is dropped (logged): the queue stays
# bounded, and each start clears the table anyway.
ATTEMPTS = 10
RETRY_S = 0.5

_lock = threading.Lock()  # the queues and the schedule
_writing = threading.Lock()  # one batch at a time: a later batch never overtakes an earlier one
_opened: dict[str, OpenSocket] = {}  # sid → the row to write
_closed: dict[str, int] = {}  # sid → its event, the row to delete
_held: dict[str, int] = {}  # this process's participant sockets, written or queued: sid → event
_scheduled = False
_last_write = float("-inf")  # when the last batch was taken (time.monotonic)
_failures = 0


def socket_opened(socket: OpenSocket) -> None:
    """Queue a participant's new socket; it is written at once if nothing was within TALLY_MS."""
    with _lock:
        _held[socket.sid] = socket.event_id
        _closed.pop(socket.sid, None)
        _opened[socket.sid] = socket
    _write_soon()


def socket_closed(sid: str) -> None:
    """Queue forgetting a closed socket (nothing for a staff one); a socket still queued is taken off the queue."""
    with _lock:
        event_id = _held.pop(sid, None)
        if event_id is None:
            return
        if _opened.pop(sid, None) is not None:
            return  # never written, never counted
        _closed[sid] = event_id
    _write_soon()


def write_now() -> None:
    """Write what is queued before returning: for a socket about to read the counts."""
    with _writing:
        _write_batch()


def presence_payload(counts: dict[int, int]) -> dict[str, Any]:
    """Return the `presence_changed` payload: participants connected per room and in all."""
    return {
        "rooms": [{"room_id": room_id, "count": n} for room_id, n in sorted(counts.items())],
        "total": sum(counts.values()),
    }


def _write_soon(delay: float = 0.0) -> None:
    """Write the queue now if the last batch is older than TALLY_MS (and `delay` is 0), else when it is."""
    global _scheduled
    interval = tally_interval()
    with _lock:
        wait = max(_last_write + interval - time.monotonic(), delay)
        # Under a non-zero interval a handler never waits for another's batch: the timer takes it.
        inline = wait <= 0 and not (interval > 0 and _writing.locked())
        if not inline:
            if _scheduled:
                return
            _scheduled = True
    if inline:
        write_now()
    else:
        app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
        socketio.start_background_task(_write_later, app, wait)


def _write_later(app: Flask, wait: float) -> None:
    global _scheduled
    socketio.sleep(wait)
    with _lock:
        _scheduled = False
    with app.app_context():
        write_now()


def _write_batch() -> None:
    """Take the queue and write it in one transaction, then send each touched event's counts."""
    global _opened, _closed, _last_write, _failures
    with _lock:
        opened, closed = _opened, _closed
        if not opened and not closed:
            return
        _opened, _closed = {}, {}
        _last_write = time.monotonic()
    events = sorted({s.event_id for s in opened.values()} | set(closed.values()))
    try:
        presence.record_sockets(list(opened.values()), list(closed))
    except SQLAlchemyError as exc:
        _failures += 1
        _put_back(opened, closed, exc)
        return
    _failures = 0
    for event_id in events:
        tally(event_scope(event_id), "presence_changed", ("presence_changed", event_id), _counts_as_sent(event_id))


def _counts_as_sent(event_id: int) -> Callable[[], dict[str, Any]]:
    """Return what reads an event's counts when its `presence_changed` leaves, not when it was queued.

    A send the interval held back would otherwise carry counts older than those another worker
    sent meanwhile, and the screen would show them until the next arrival or departure.
    """

    def read() -> dict[str, Any]:
        with reading():
            return presence_payload(presence.connected_counts(event_id))

    return read


def _put_back(opened: dict[str, OpenSocket], closed: dict[str, int], exc: SQLAlchemyError) -> None:
    """Queue a failed batch again (unless it failed ATTEMPTS times) and schedule its retry."""
    global _failures
    reason = f"{type(exc).__name__}: {getattr(exc, 'orig', None) or exc}"
    if _failures >= ATTEMPTS:
        _failures = 0
        log.error(
            "presence: %d opened and %d closed sockets dropped after %d failures (%s)",
            len(opened),
            len(closed),
            ATTEMPTS,
            reason,
        )
        return
    log.warning(
        "presence: %d opened and %d closed sockets not written, trying again (%s)", len(opened), len(closed), reason
    )
    with _lock:
        for sid, socket in opened.items():
            # A socket closed meanwhile has left `_held` and queued its delete: its row is not written.
            if sid in _held and sid not in _opened:
                _opened[sid] = socket
        for sid, event_id in closed.items():
            if sid not in _opened:
                _closed.setdefault(sid, event_id)
    _write_soon(RETRY_S)
