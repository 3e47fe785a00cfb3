"""Per-participant rate limits on posts and votes: token buckets keyed by participant, not by socket.

A phone that reconnects (or opens a second tab) is the same participant and finds its bucket as it
left it, so dropping the connection does not refill it. Counting per participant, never per
address, keeps 150 phones behind a venue's one NAT address working.
"""

from __future__ import annotations

import threading
import time

from flask import current_app

from collab.config import Rate
from collab.domain.access import Principal
from collab.domain.errors import RateLimited

# Buckets beyond this many are forgotten, least recently used first (a bounded memory).
MAX_BUCKETS = 50_000


class Limiter:
    """Token buckets, one per (kind, participant); thread-safe, bounded."""

    def __init__(self) -> None:
        self._buckets: dict[tuple[str, int], tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, kind: str, participant_id: int, rate: Rate, now: float | None = None) -> float:
        """Take one token; return 0 when allowed, else the seconds until the next token."""
        now = time.monotonic() if now is None else now
        key = (kind, participant_id)
        per_token = rate.seconds / rate.burst
        with self._lock:
            tokens, then = self._buckets.pop(key, (float(rate.burst), now))
            tokens = min(float(rate.burst), tokens + (now - then) / per_token)
            wait = 0.0
            if tokens >= 1:
                tokens -= 1
            else:
                wait = (1 - tokens) * per_token
            self._buckets[key] = (tokens, now)  # most recently used last
            if len(self._buckets) > MAX_BUCKETS:
                del self._buckets[next(iter(self._buckets))]
            return wait

    def give_back(self, kind: str, participant_id: int, rate: Rate) -> None:
        """Return one token taken (never beyond the burst)."""
        key = (kind, participant_id)
        with self._lock:
            if key in self._buckets:
                tokens, then = self._buckets[key]
                self._buckets[key] = (min(float(rate.burst), tokens + 1), then)

    def clear(self) -> None:
        """Forget every bucket (tests)."""
        with self._lock:
            self._buckets.clear()


limiter = Limiter()


def admit(kind: str, principal: Principal) -> None:
    """Count one `kind` ("posts" or "votes") against the participant's limit; raise RateLimited when over it."""
    refusal = take(kind, principal)
    if refusal is not None:
        raise refusal


def take(kind: str, principal: Principal) -> RateLimited | None:
    """Count one `kind` against the participant's limit; return the refusal instead when over it (nothing counted)."""
    rate: Rate | None = current_app.config[f"RATE_{kind.upper()}"]
    if rate is None or principal.participant_id is None:
        return None
    wait = limiter.take(kind, principal.participant_id, rate)
    if wait <= 0:
        return None
    return RateLimited(
        f"too many {kind} in a short time: at most {rate.burst} every {rate.seconds:g} s", retry_after=round(wait, 1)
    )


def give_back(kind: str, principal: Principal) -> None:
    """Return what take() counted, for a request that turned out to count nothing (a retried post)."""
    rate: Rate | None = current_app.config[f"RATE_{kind.upper()}"]
    if rate is not None and principal.participant_id is not None:
        limiter.give_back(kind, principal.participant_id, rate)
