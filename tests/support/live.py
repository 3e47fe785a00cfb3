"""A real collab server process for tests (`python app.py` on a free port, a temporary SQLite file or a
given database, alone or as one of several workers) and its clients."""

from __future__ import annotations

import atexit
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import requests
import socketio
import websocket

ROOT = Path(__file__).resolve().parents[2]
# For the tests and benchmarks about something else than abuse that post as fast as they can:
# the per-participant rate limits lifted.
UNLIMITED = {"COLLAB_RATE_POSTS": "0", "COLLAB_RATE_VOTES": "0"}
# Debian's Chromium, driven by Playwright, without reaching anything beyond this machine.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


# Ports for test servers, below the kernel's ephemeral range (32768-60999 here): a port the kernel hands
# out (bind to port 0) may be taken by any outgoing connection before the server binds it. Each test
# process (pytest-xdist's gw0, gw1…) draws from its own slice, and never hands out a port twice.
PORTS = range(20000, 32000)
_handed_out: set[int] = set()
# The events the CLI made in this test process, to copy (LiveServer.create_event): per command, day and
# environment, the folder holding the database and instance folder, the address they were made for, and
# what the CLI printed.
_events_made: dict[tuple[Any, ...], tuple[Path, str, str]] = {}


def free_port() -> int:
    """Return a TCP port nobody listens on now, that no other test process or outgoing connection takes."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    slices = max(1, int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")))
    index = int(worker[2:]) if worker[2:].isdigit() else 0
    size = len(PORTS) // slices
    base, first = PORTS.start + (index % slices) * size, os.getpid() % size
    for offset in range(size):
        port = base + (first + offset) % size
        if port in _handed_out:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise RuntimeError("no free port left for test servers")


class LiveServer:
    """Start, stop and restart `python app.py`; only the process it started is ever signalled."""

    def __init__(
        self,
        workdir: Path,
        extra_env: dict[str, str] | None = None,
        database_url: str | None = None,
        name: str = "server",
        script: tuple[str, ...] = ("app.py",),
    ) -> None:
        """Prepare a server in `workdir`, on `database_url` (default: a SQLite file there).

        Several servers may share a workdir and a database (workers): `name` tells their logs apart.
        `script`: what Python runs, given --host and --port (bench.scale runs bench.gevent_server too).
        """
        self.workdir = workdir
        self.script = script
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / f"{name}.log"
        self.env = (
            os.environ
            | {
                "COLLAB_INSTANCE_PATH": str(workdir / "instance"),
                "COLLAB_DATABASE_URL": database_url or f"sqlite:///{workdir / 'collab.sqlite3'}",
                "COLLAB_PUBLIC_URL": self.url,
                "PYTHONUNBUFFERED": "1",
            }
            | (extra_env or {})
        )
        self.process: subprocess.Popen[bytes] | None = None

    def flask(self, *args: str) -> str:
        """Run a flask command of collab against this server's database and return its output."""
        done = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "collab", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return done.stdout

    def create_event(self, rooms: int = 4, open_boards: bool = True) -> dict[str, Any]:
        """Create an event with the real CLI and return its links; `open_boards`: every board takes cards
        from the start (the day's phases are then not needed to post).

        A server not started yet, on its own new SQLite file, gets a copy of the database and instance
        folder the CLI made for the same settings earlier in this test process (its links rewritten to
        this server's address): the CLI's start and the database's creation cost 1.5 s of CPU and more
        of disk waits, some hundred times a run.
        """
        opened = ["--open-boards"] if open_boards else []
        command = ("create-event", "--rooms", str(rooms), *opened, "--json")
        database = self.workdir / "collab.sqlite3"
        if self.process is not None or self.env["COLLAB_DATABASE_URL"] != f"sqlite:///{database}":
            return dict(json.loads(self.flask(*command)))
        if database.exists() or (self.workdir / "instance").exists():
            return dict(json.loads(self.flask(*command)))
        own = {"COLLAB_INSTANCE_PATH", "COLLAB_DATABASE_URL", "COLLAB_PUBLIC_URL"}
        key = (command, date.today().isoformat(), tuple(sorted((k, v) for k, v in self.env.items() if k not in own)))
        if key not in _events_made:
            made = LiveServer(Path(tempfile.mkdtemp(prefix="collab-event-")), extra_env=None)
            atexit.register(shutil.rmtree, made.workdir, ignore_errors=True)
            made.env = self.env | {
                "COLLAB_INSTANCE_PATH": str(made.workdir / "instance"),
                "COLLAB_DATABASE_URL": f"sqlite:///{made.workdir / 'collab.sqlite3'}",
                "COLLAB_PUBLIC_URL": made.url,
            }
            _events_made[key] = (made.workdir, made.url, made.flask(*command))
        folder, url, printed = _events_made[key]
        for name in ("collab.sqlite3", "collab.sqlite3-wal"):
            if (folder / name).exists():
                shutil.copyfile(folder / name, self.workdir / name)
        shutil.copytree(folder / "instance", self.workdir / "instance")
        return dict(json.loads(printed.replace(url, self.url)))

    def start(self) -> None:
        """Start the server and wait until it answers."""
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, *self.script, "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        # 2-3 s alone, far more beside other test processes on two cores.
        wait_until_it_answers(self.process, self.url, self.log, seconds=60)

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop the server this object started."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def log(self) -> str:
        """Return what the server printed."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def wait_until_it_answers(process: subprocess.Popen[bytes], url: str, log: Callable[[], str], seconds: float) -> None:
    """Wait until the server `process` answers `url`/healthz; fail with `log()` if it exits or stays silent."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log()}")
        try:
            if requests.get(f"{url}/healthz", timeout=1).ok:
                return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise RuntimeError(f"server did not answer in {seconds:g} s: {log()}")


def participant_token(server_url: str, code: str, pseudonym: str, room_id: int, scale: str = "commune") -> str:
    """Join an event through the real join form and return the token the phone page carries."""
    with requests.Session() as browser:
        joined = browser.post(
            f"{server_url}/j/{code}",
            data={"pseudonym": pseudonym, "scale": scale, "room": str(room_id)},
            headers={"Origin": server_url},
            timeout=10,
        )
        joined.raise_for_status()
        return boot_data(joined.text)["token"]


def boot_data(page: str) -> dict[str, Any]:
    """Return the JSON a page hands to its script (`<script type="application/json" id="boot">`)."""
    found = re.search(r'<script[^>]*id="boot"[^>]*>(.*?)</script>', page, re.S)
    assert found, "the page carries no boot data"
    return dict(json.loads(found.group(1)))


def each_event(name: str, payload: Any) -> list[tuple[str, Any]]:
    """Return a received event as the events it stands for: a `changes` batch as its changes, in order."""
    if name == "changes":
        return [(change["event"], change["payload"]) for change in payload["changes"]]
    return [(name, payload)]


def unbatched(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return a Socket.IO test client's received messages with each `changes` batch replaced by its changes."""
    return [
        {"name": name, "args": [payload], "namespace": message.get("namespace", "/")}
        for message in messages
        for name, payload in each_event(message["name"], message["args"][0] if message["args"] else None)
    ]


class Phone:
    """A python-socketio client that records what it receives and keeps the room's last seq."""

    def __init__(self, url: str, token: str) -> None:
        self.sio = socketio.Client(reconnection=False)
        self.events: list[tuple[str, dict[str, Any]]] = []
        # The `changes` messages as they came (each a batch), to see how changes were grouped.
        self.batches: list[dict[str, Any]] = []
        self.arrived = threading.Condition()
        for name in ("changes", "presence_changed", "hypothesis_results"):
            self.sio.on(name, self._recorder(name))
        self.url, self.token = url, token

    def _recorder(self, name: str) -> Any:
        def record(payload: dict[str, Any]) -> None:
            with self.arrived:
                if name == "changes":
                    self.batches.append(payload)
                self.events.extend(each_event(name, payload))
                self.arrived.notify_all()

        return record

    def connect(self) -> Phone:
        """Connect over websocket with the token."""
        self.sio.connect(self.url, auth={"token": self.token}, transports=["websocket"], wait_timeout=10)
        return self

    def call(self, event: str, payload: dict[str, Any], timeout: float = 10) -> dict[str, Any]:
        """Emit an event and return its acknowledgement."""
        return dict(self.sio.call(event, payload, timeout=timeout))

    def wait_for(self, name: str, count: int, timeout: float = 10) -> list[dict[str, Any]]:
        """Wait until `count` events called `name` arrived, and return them."""
        deadline = time.monotonic() + timeout
        with self.arrived:
            while len(got := [p for n, p in self.events if n == name]) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"only {len(got)} of {count} {name} arrived"
                self.arrived.wait(left)
        return got


def post(phone: Phone, client_id: str, text: str) -> dict[str, Any]:
    """Post a card into the Pourquoi ? column."""
    return phone.call(
        "post_card", {"client_id": client_id, "board": "four_questions", "column": "pourquoi", "text": text}
    )


class RawSocket:
    """A Socket.IO connection spoken by hand over a websocket, to send frames no client library would."""

    def __init__(self, server: LiveServer, token: str) -> None:
        self.ws = websocket.create_connection(
            f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket", timeout=10, origin=server.url
        )
        assert self.text().startswith("0")  # Engine.IO open
        self.ws.send("40" + json.dumps({"token": token}))
        while not (frame := self.text()).startswith("40"):  # staff get their presence first
            assert frame.startswith("42"), frame

    def text(self) -> str:
        """Return the next frame, a text one."""
        frame = self.ws.recv()
        assert isinstance(frame, str), frame
        return frame

    def ack(self, ack_id: int) -> Any:
        """Return the payload of the acknowledgement `ack_id`, skipping broadcasts and pings."""
        while True:
            frame = self.text()
            if frame == "2":
                self.ws.send("3")
            elif frame.startswith(f"43{ack_id}["):
                return json.loads(frame[len(f"43{ack_id}") :])[0]

    def works(self) -> bool:
        """Tell whether the connection still answers a well-formed event."""
        self.ws.send('4299["get_event",{}]')
        return bool(self.ack(99)["ok"])

    def closed(self) -> bool:
        """Tell whether the server closed the connection (reading until it does, or times out)."""
        try:
            while True:
                frame = self.ws.recv()
                if frame == "":
                    return True
        except (websocket.WebSocketConnectionClosedException, ConnectionError, websocket.WebSocketProtocolException):
            return True
        except websocket.WebSocketTimeoutException:
            return False

    def close(self) -> None:
        """Close the websocket."""
        self.ws.close()


def row_counts(database: Path) -> dict[str, int]:
    """Return the number of rows of every table of a running server's SQLite file (presence aside)."""
    with sqlite3.connect(database) as connection:
        tables = [name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables if t != "presence"}


def wait_until(condition: Any, timeout: float = 10) -> None:
    """Wait until `condition()` is true."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)
