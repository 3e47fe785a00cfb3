"""A crowd against a real server: a full day built in its database, phones that ping and time the answers.

`python -m tests.support.crowd DATABASE_URL PEOPLE` builds the day (bench.plenary's: PEOPLE participants,
7 cards each) in that database and prints, as JSON, the secret key the server must use, the
organiser's token, the join code, the rooms and every participant's token. It runs in its own process so that the
caller's own app and database (the test fixtures') stay untouched.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import socketio

ROOT = Path(__file__).resolve().parents[2]


def build_day(database_url: str, people: int) -> dict[str, Any]:
    """Build a full day of `people` participants in the database; return its secret, links and tokens."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.support.crowd", database_url, str(people)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


class Pinger:
    """A phone that sends a cheap acknowledged event again and again and keeps each answer's delay."""

    def __init__(self, url: str, token: str, event: str = "get_event", payload: dict[str, Any] | None = None) -> None:
        self.sio = socketio.Client(reconnection=False)
        self.url, self.token = url, token
        self.event, self.payload = event, payload or {}
        # (time sent, seconds to the answer) per answered ping; failures: timeouts and errors.
        self.samples: list[tuple[float, float]] = []
        self.failures: list[str] = []

    def connect(self) -> Pinger:
        """Connect over websocket with the token."""
        self.sio.connect(self.url, auth={"token": self.token}, transports=["websocket"], wait_timeout=20)
        return self

    def ping_until(self, stop: threading.Event, interval: float, timeout: float = 10) -> None:
        """Ping every `interval` seconds until `stop` is set; a timeout or an error answer is a failure."""
        while not stop.is_set():
            sent = time.monotonic()
            try:
                ack = self.sio.call(self.event, self.payload, timeout=timeout)
            except socketio.exceptions.TimeoutError:
                self.failures.append(f"no answer in {timeout} s")
            except socketio.exceptions.SocketIOError as exc:
                self.failures.append(f"{type(exc).__name__}: {exc}")
                return
            else:
                if isinstance(ack, dict) and ack.get("ok"):
                    self.samples.append((sent, time.monotonic() - sent))
                else:
                    self.failures.append(f"error answer {ack!r}"[:200])
            stop.wait(max(0.0, interval - (time.monotonic() - sent)))

    def close(self) -> None:
        """Disconnect."""
        self.sio.disconnect()


def connect_all(url: str, tokens: list[str], event: str = "get_event", parallel: int = 10) -> list[Pinger]:
    """Connect one pinger per token, `parallel` at a time."""
    pingers = [Pinger(url, token, event) for token in tokens]
    for start in range(0, len(pingers), parallel):
        batch = pingers[start : start + parallel]
        threads = [threading.Thread(target=p.connect) for p in batch]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        for pinger in batch:
            assert pinger.sio.connected, "a phone could not connect"
    return pingers


class Pinging:
    """The pingers pinging in their own threads, from `with` to its end."""

    def __init__(self, pingers: list[Pinger], interval: float) -> None:
        self.pingers, self.interval = pingers, interval
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []

    def __enter__(self) -> Pinging:
        for n, pinger in enumerate(self.pingers):
            thread = threading.Thread(target=pinger.ping_until, args=(self.stop, self.interval), daemon=True)
            self.threads.append(thread)
            thread.start()
            # Spread the pings over the interval rather than all at once.
            time.sleep(self.interval / len(self.pingers) if n < len(self.pingers) else 0)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(30)


def delays_between(pingers: list[Pinger], start: float, end: float) -> list[float]:
    """Return the answer delays (seconds) of the pings sent between `start` and `end`."""
    return [delay for p in pingers for sent, delay in p.samples if start <= sent < end]


def percentile(values: list[float], q: float) -> float:
    """Return the q-th percentile (0..100) of the values, nearest rank."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def summary(delays: list[float]) -> dict[str, float]:
    """Return count, p50, p99 and max of answer delays, in milliseconds."""
    if not delays:
        return {"n": 0, "p50": float("nan"), "p99": float("nan"), "max": float("nan")}
    return {
        "n": len(delays),
        "p50": statistics.median(delays) * 1000,
        "p99": percentile(delays, 99) * 1000,
        "max": max(delays) * 1000,
    }


def _build(database_url: str, people: int) -> dict[str, Any]:
    """Build the day in this process (bench.plenary's) and return what a test needs of it."""
    from sqlalchemy import select

    from bench.plenary import SECRET, build
    from collab import create_app
    from collab.domain.events import describe_event, event_links
    from collab.store.database import db
    from collab.store.models import Participant
    from collab.tokens import participant_token

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": SECRET})
    with app.app_context():
        event_id, _screen, _first = build(people)
        links = event_links(SECRET, event_id)
        with db.transaction() as session:
            ids = list(session.scalars(select(Participant.id).where(Participant.event_id == event_id)))
        tokens = [participant_token(pid) for pid in ids]
        rooms = [room["id"] for room in describe_event(event_id)["rooms"]]
        db.dispose()
    return {
        "secret": SECRET,
        "event_id": event_id,
        "join_code": links.join_code,
        "organiser_token": links.organiser_token,
        "screen_token": links.screen_token,
        "rooms": rooms,
        "participant_tokens": tokens,
    }


if __name__ == "__main__":
    print(json.dumps(_build(sys.argv[1], int(sys.argv[2]))))
