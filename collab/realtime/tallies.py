"""Aggregates (vote results, presence counts): each sent at most once per TALLY_MS, the latest one."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import current_app, has_app_context

from collab.realtime.server import socketio

log = logging.getLogger(__name__)
# An aggregate's payload, or the function that computes it when it leaves.
Aggregate = dict[str, Any] | Callable[[], dict[str, Any]]

_lock = threading.Lock()
_tallies: dict[tuple[Any, ...], tuple[str, str, Aggregate]] = {}
_tally_sent: dict[tuple[Any, ...], float] = {}
_tally_timers: set[tuple[Any, ...]] = set()


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


def tally_interval() -> float:
    """Return the shortest time between two sends of one aggregate (seconds)."""
    return float(current_app.config.get("TALLY_MS", 250)) / 1000 if has_app_context() else 0.0


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
