"""Soak: phones come and go in waves for COLLAB_SOAK_SECONDS against a real server; nothing it holds keeps growing.

`make faults` runs it (marker `faults`); `COLLAB_SOAK_SECONDS` (default 600) sets how long.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest
import socketio

from collab.store.database import READERS
from tests.support.live import LiveServer, participant_token

SOAK_SECONDS = float(os.environ.get("COLLAB_SOAK_SECONDS", "600"))
pytestmark = [pytest.mark.faults, pytest.mark.timeout(SOAK_SECONDS + 600)]
CLIENTS = 300
WAVE = 30
# How long after the last phone left the server may take to notice the ones that vanished
# without a goodbye (Socket.IO's ping interval 25 s + timeout 20 s), plus margin.
DRAIN_SECONDS = 60
# Bounds, generous on purpose (a loaded 2-core machine, other tests beside): CPython keeps freed
# memory in its arenas, so RSS levels off rather than falling back to the byte; a leak of a few
# kilobytes per connection over thousands of connections would still cross them.
RSS_GROWTH_MB = 40  # second half of the run over the first half, and after the run over the baseline
FD_MARGIN = 10


@dataclass
class Sample:
    """What the server holds at one moment."""

    at: float
    rss_mb: float
    fds: int
    db_handles: int
    sockets: int


def sample(process: psutil.Process, database: Path, started: float) -> Sample:
    """Measure the server process: memory, open descriptors, handles on the database files, TCP sockets."""
    files = [f.path for f in process.open_files()]
    return Sample(
        at=time.monotonic() - started,
        rss_mb=process.memory_info().rss / 2**20,
        fds=process.num_fds(),
        db_handles=sum(1 for path in files if path.startswith(str(database))),
        sockets=len(process.net_connections(kind="tcp")),
    )


def presence_rows(database: Path) -> int:
    """Return how many open sockets the database still records."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        return int(connection.execute("SELECT count(*) FROM presence").fetchone()[0])


def visit(url: str, token: str, room_id: int, n: int, abrupt: bool) -> None:
    """One phone's visit: connect, catch up, post a card (first visit only), ask for the programme, leave.

    Posting only once per phone keeps the boards, hence the snapshots, the same size after the
    first round: what grows afterwards is the server's, not the day's data.
    """
    sio = socketio.Client(reconnection=False)
    sio.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=20)
    try:
        assert sio.call("sync", {"room_id": room_id, "since": None}, timeout=30)["ok"]
        if n < CLIENTS:
            card = {"client_id": f"soak-{n:07d}", "board": "four_questions", "column": "comment", "text": f"Visite {n}"}
            assert sio.call("post_card", card, timeout=30)["ok"]
        assert sio.call("get_event", {}, timeout=30)["ok"]
    finally:
        if abrupt and sio.eio.ws is not None:
            # The phone leaves the Wi-Fi: the connection drops with no Socket.IO goodbye.
            sio.eio.ws.sock.shutdown(socket.SHUT_RDWR)
        sio.disconnect()


def test_phones_coming_and_going_leave_memory_descriptors_and_connections_level(
    server: LiveServer, tmp_path: Path
) -> None:
    links = server.create_event(rooms=4)
    server.start()
    assert server.process is not None
    process = psutil.Process(server.process.pid)
    database = tmp_path / "collab.sqlite3"
    rooms = [room["id"] for room in links["rooms"]]
    phones = [
        (participant_token(server.url, links["join_code"], f"Soak{n:03d}", rooms[n % 4]), rooms[n % 4])
        for n in range(CLIENTS)
    ]
    failures: list[str] = []
    visits = 0

    def wave(first: int) -> None:
        nonlocal visits
        threads = []
        for k in range(WAVE):
            index = (first + k) % CLIENTS
            token, room_id = phones[index]

            def run(token: str = token, room_id: int = room_id, n: int = visits + k) -> None:
                try:
                    visit(server.url, token, room_id, n, abrupt=n % 3 == 0)
                except Exception as exc:
                    failures.append(f"{type(exc).__name__}: {exc}")

            threads.append(threading.Thread(target=run))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        visits += WAVE

    started = time.monotonic()
    wave(0)  # warm up: first imports, caches, the pool's connection
    time.sleep(2)
    baseline = sample(process, database, started)
    samples = [baseline]
    first = WAVE
    soak_end = time.monotonic() + SOAK_SECONDS
    next_sample = time.monotonic() + 5
    while time.monotonic() < soak_end:
        wave(first)
        first += WAVE
        if time.monotonic() >= next_sample:
            samples.append(sample(process, database, started))
            next_sample = time.monotonic() + 5
    during = samples[1:]
    deadline = time.monotonic() + DRAIN_SECONDS
    while time.monotonic() < deadline:
        time.sleep(5)
        after = sample(process, database, started)
        if after.sockets <= baseline.sockets and presence_rows(database) == 0:
            break
    rows = presence_rows(database)

    print(f"\n{visits} visits by {CLIENTS} phones in waves of {WAVE} over {SOAK_SECONDS:.0f} s")
    print(f"{'t (s)':>7}{'RSS MB':>9}{'fds':>6}{'db handles':>12}{'tcp':>6}")
    for s in [baseline, *during, after]:
        print(f"{s.at:>7.0f}{s.rss_mb:>9.1f}{s.fds:>6}{s.db_handles:>12}{s.sockets:>6}")
    print(f"after: presence rows {rows}, failures {len(failures)}")

    assert not failures, failures[:5]
    assert during, "the soak ran too short to sample"
    half = len(during) // 2
    first_half, second_half = during[: max(half, 1)], during[half:]
    # Levels off: the second half of the run holds no more than the first half, within the bounds.
    assert max(s.rss_mb for s in second_half) <= max(s.rss_mb for s in first_half) + RSS_GROWTH_MB
    assert max(s.fds for s in second_half) <= max(s.fds for s in first_half) + FD_MARGIN
    # The writer's connection and the readers' pool at most (the file, its WAL, its shared memory each).
    most_handles = max(baseline.db_handles, 3 * (1 + READERS))
    assert max(s.db_handles for s in during) <= most_handles
    # Returns to baseline once everyone left: no socket, no presence row, no extra handle.
    assert rows == 0
    assert after.sockets <= baseline.sockets
    assert after.fds <= baseline.fds + FD_MARGIN
    assert after.db_handles <= most_handles
    assert after.rss_mb <= baseline.rss_mb + RSS_GROWTH_MB
    assert "Traceback" not in server.log()
