"""CPU-heavy work that touches no database, moved off the event loop when the server has one.

Under eventlet (`collab serve`) every request and socket shares one OS thread: serialising a day's archive
(a few hundred milliseconds) there would hold every phone's acknowledgement back. collab/server.py installs
eventlet's thread pool here; elsewhere (tests, the CLI) the work runs in place.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
_runner: Callable[..., Any] | None = None


def install(runner: Callable[..., Any] | None) -> None:
    """Run offloaded work with `runner(fn, *args)` (eventlet.tpool.execute), or in place (None)."""
    global _runner
    _runner = runner


def offload(fn: Callable[..., T], *args: Any) -> T:
    """Return fn(*args), computed in another OS thread if a runner is installed.

    `fn` must not use the database through SQLAlchemy (collab.store.database offloads a SQLite commit itself,
    on a connection its caller holds). The caller's context (Flask's application context) goes
    along, for templates.
    """
    if _runner is None:
        return fn(*args)
    context = contextvars.copy_context()
    result: T = _runner(context.run, fn, *args)
    return result
