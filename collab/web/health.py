"""The probes: whether this worker lives (/healthz) and can serve (/readyz), for a load balancer or a monitor."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, current_app

from collab.store.database import db, newest_revision

log = logging.getLogger(__name__)
# A monitor polls often: a check that hangs must not hold its request (nor a worker) long.
REDIS_TIMEOUT_S = 1.0


def init_app(app: Flask) -> None:
    """Register the liveness and readiness probes."""
    app.add_url_rule("/healthz", view_func=healthz)
    app.add_url_rule("/readyz", view_func=readyz)


def healthz() -> dict[str, bool]:
    """Answer a liveness probe: the process answers (nothing else is checked)."""
    return {"ok": True}


def readyz() -> tuple[dict[str, Any], int]:
    """Answer a readiness probe: 200 when the database, its schema and Redis (if used) are fine, else 503."""
    state = readiness()
    return state, 200 if state["ok"] else 503


def readiness() -> dict[str, Any]:
    """Return {"ok": bool, "checks": {name: "ok" or why not}}: the database, its schema, and Redis if used."""
    checks: dict[str, str] = {}
    try:
        revision = db.stored_revision()
        checks["database"] = "ok"
        head = newest_revision()
        checks["schema"] = "ok" if revision == head else f"at {revision}, this code needs {head}"
    except Exception as exc:  # any failure to reach the database is the answer, not an error
        checks["database"] = f"unreachable: {type(exc).__name__}"
        checks["schema"] = "unknown"
    queue = current_app.config["MESSAGE_QUEUE"]
    if queue:
        import redis

        try:
            redis.Redis.from_url(queue, socket_timeout=REDIS_TIMEOUT_S, socket_connect_timeout=REDIS_TIMEOUT_S).ping()
            checks["redis"] = "ok"
        except Exception as exc:  # as above: unreachable is what the monitor must hear
            checks["redis"] = f"unreachable: {type(exc).__name__}"
    ready = all(value == "ok" for value in checks.values())
    if not ready:
        log.warning("not ready: %s", checks)
    return {"ok": ready, "checks": checks}
