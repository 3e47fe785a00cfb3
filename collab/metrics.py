"""Metrics for Prometheus at /metrics (COLLAB_METRICS=1): sockets, client events and their acknowledgements, cards.

Each worker process counts what passes through it and answers for itself: with several workers,
each one is scraped on its own port (docs/deploy.md, *Monitoring*). Off, nothing is recorded and
/metrics answers 404. On, it answers a request straight from this host (no proxy header) or one
that presents the admin link's token (`Authorization: Bearer …`); anyone else gets 403.
"""

from __future__ import annotations

import ipaddress
import logging
import time
from collections import Counter as Tally
from collections.abc import Iterator, Mapping
from typing import Any

from flask import Flask, Response, abort, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from collab.domain import admin
from collab.domain.access import ROLES
from collab.domain.errors import Unauthorised

log = logging.getLogger(__name__)
# An acknowledgement takes a few milliseconds on a quiet laptop, a second when something is wrong.
ACK_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
# The `event` label of refusals that reach no handler: an unknown name (the client's, so not a label
# of its own), or a frame that is no Socket.IO event collab can read.
UNKNOWN_EVENT = "(unknown)"
UNREADABLE_EVENT = "(unreadable)"
# A request carrying any of these came through a proxy: whoever sent it may be anywhere.
PROXY_HEADERS = ("forwarded", "x-real-ip")

# The `_created` timestamp beside every counter doubles the page and says nothing a restart does not.
disable_created_metrics()
registry = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=registry)
PlatformCollector(registry=registry)
GCCollector(registry=registry)
events = Counter(
    "collab_socket_events",
    "Client events answered, by event, outcome (ok or refused) and the refusal's error code.",
    ["event", "outcome", "error"],
    registry=registry,
)
ack_seconds = Histogram(
    "collab_socket_ack_seconds",
    "Seconds from a client event's handler starting to its acknowledgement, by event.",
    ["event"],
    buckets=ACK_BUCKETS,
    registry=registry,
)
cards_posted = Counter("collab_cards_posted", "New cards posted since this process started.", registry=registry)

_on = False
# Every socket this process holds, by sid → its role: counted at scrape time, so connecting costs a dict entry.
_roles: dict[str, str] = {}
# Per event, its `ok` counter and its histogram, looked up once: a label lookup costs more than the count.
_bound: dict[str, tuple[Any, Any]] = {}


def init_app(app: Flask) -> None:
    """Record metrics when COLLAB_METRICS is set, and serve them at /metrics."""
    global _on
    _on = bool(app.config["METRICS"])
    app.add_url_rule("/metrics", view_func=serve_metrics, endpoint="metrics")


def acknowledged(event: str, ack: dict[str, Any], started: float) -> None:
    """Count a client event's acknowledgement, ok or refused, and how long it took since `started`."""
    if not _on:
        return
    elapsed = time.perf_counter() - started
    bound = _bound.get(event)
    if bound is None:
        bound = _bound[event] = (events.labels(event, "ok", ""), ack_seconds.labels(event))
    if ack.get("ok"):
        bound[0].inc()
    else:
        events.labels(event, "refused", refusal_code(ack)).inc()
    bound[1].observe(elapsed)


def refused(event: str, code: str) -> None:
    """Count an event refused before any handler ran (unknown, or unreadable)."""
    if _on:
        events.labels(event, "refused", code).inc()


def refusal_code(ack: dict[str, Any]) -> str:
    """Return the error code of a refusal's acknowledgement."""
    error = ack.get("error")
    code = error.get("code") if isinstance(error, dict) else None
    return code if isinstance(code, str) else "error"


def card_posted() -> None:
    """Count a new card (a retried post is not one)."""
    if _on:
        cards_posted.inc()


def socket_opened(sid: str, role: str) -> None:
    """Note a socket accepted, with its role."""
    if _on:
        _roles[sid] = role


def socket_closed(sid: str) -> None:
    """Forget a closed socket (also when metrics were turned off meanwhile)."""
    _roles.pop(sid, None)


class AtScrape(Collector):
    """What is read when Prometheus asks: the sockets held now, by role, and the cards in the database."""

    def describe(self) -> Iterator[Metric]:
        """Yield the metrics' names without reading anything (the registry asks when the collector registers)."""
        yield from self._families({}, 0)

    def collect(self) -> Iterator[Metric]:
        """Yield the connections by role, and the cards stored when the database answers."""
        held = Tally(list(_roles.values()))
        try:
            stored: int | None = admin.count_cards()
        except Exception:  # a scrape during a database outage still shows the rest (and /readyz says why)
            log.warning("cards not counted for /metrics: the database did not answer", exc_info=True)
            stored = None
        yield from self._families(held, stored)

    @staticmethod
    def _families(held: Mapping[str, int], stored: int | None) -> Iterator[Metric]:
        """Yield the connections by role and, when known, the cards stored."""
        connections = GaugeMetricFamily(
            "collab_socket_connections", "Socket.IO connections this process holds, by role.", labels=["role"]
        )
        for role in ROLES:
            connections.add_metric([role], held.get(role, 0))
        yield connections
        if stored is not None:
            yield GaugeMetricFamily(
                "collab_cards_stored",
                "Cards in the database, every event, deleted and merged ones aside.",
                value=stored,
            )


registry.register(AtScrape())


def serve_metrics() -> Response:
    """Answer Prometheus: 404 when metrics are off, 403 to anyone but this host or the admin link's holder."""
    if not _on:
        abort(404)
    if not _allowed():
        abort(403)
    response = Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response


def _allowed() -> bool:
    """Tell whether this request may read the metrics.

    A presented token decides alone: the admin link's is accepted, any other refused. Without one,
    only a request from this host's loopback address with no proxy header: nginx on the same host
    connects from 127.0.0.1 too, on behalf of anyone, and adds X-Forwarded-For.
    """
    presented = request.headers.get("Authorization")
    if presented is not None:
        scheme, _, token = presented.partition(" ")
        if scheme.lower() != "bearer":
            return False
        try:
            admin.check_admin(token.strip())
        except Unauthorised:
            return False
        return True
    for name, _value in request.headers:
        lowered = name.lower()
        if lowered.startswith("x-forwarded-") or lowered in PROXY_HEADERS:
            return False
    return _loopback(_peer())


def _peer() -> str:
    """Return the address of the direct peer, as it was before ProxyFix put X-Forwarded-For's in its place."""
    environ = request.environ
    original = environ.get("werkzeug.proxy_fix.orig")
    address = original.get("REMOTE_ADDR") if isinstance(original, dict) else environ.get("REMOTE_ADDR")
    return str(address or "")


def _loopback(address: str) -> bool:
    """Tell whether an address is this host's loopback (127.0.0.0/8, ::1, or ::ffff:127.x.x.x)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:  # a Unix socket's empty address, or anything else: not known to be local
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped.is_loopback
    return ip.is_loopback
