"""Does anything block the real server's event loop (eventlet)? Phones' ping delays while exports and writes run.

Run: `.venv/bin/python -m bench.event_loop [--people 150] [--pingers 100] [--phase 8]`. Builds a
full day (bench.plenary's: `people` participants, 7 cards each, about 1,000 cards) in a SQLite
file, starts `python app.py` on it, connects `pingers` phones that each send `get_event` (a cheap
acknowledged read) every `--interval` seconds, and measures their answer delays in four phases of
the same run, `--phase` seconds each:

- quiet: the pings alone (the baseline);
- export: the organiser downloads the archive (`event.json`) and the report (`report.html`)
  again and again over HTTP;
- writes: the other participants post cards (four questions and competence offers, which make the
  matcher run again) as fast as their acknowledgements come back, within the server's default
  post limit (each phone's burst of 20, then one every 3 s; `--unlimited` lifts it, a stress far
  beyond what the server lets participants send);
- export + writes: both.

Prints p50, p99 and max of the ping delays per phase and their ratio to the quiet phase, and how
long the exports and the posts took.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil
import requests
import socketio

from tests.support.crowd import Pinging, build_day, connect_all, delays_between, summary
from tests.support.live import UNLIMITED, LiveServer

EXPORTS = ("event.json", "report.html")


class Exporter:
    """The organiser downloading the exports one after the other until stopped."""

    def __init__(self, url: str, organiser_token: str) -> None:
        self.base = f"{url}/o/{organiser_token}/export"
        self.durations: dict[str, list[float]] = {name: [] for name in EXPORTS}
        self.failures: list[str] = []

    def run(self, stop: threading.Event) -> None:
        """Download each export in turn; keep how long each took."""
        n = 0
        while not stop.is_set():
            name = EXPORTS[n % len(EXPORTS)]
            n += 1
            start = time.monotonic()
            response = requests.get(f"{self.base}/{name}", timeout=60)
            if response.ok and len(response.content) > 1000:
                self.durations[name].append(time.monotonic() - start)
            else:
                self.failures.append(f"{name}: {response.status_code}")


class Writer:
    """A participant posting cards as fast as the acknowledgements come back, until stopped."""

    def __init__(self, url: str, token: str, name: str) -> None:
        self.sio = socketio.Client(reconnection=False)
        self.url, self.token, self.name = url, token, name
        self.delays: list[float] = []
        self.failures: list[str] = []
        self.refused = 0  # rate_limited answers
        self.posted = 0

    def connect(self) -> Writer:
        """Connect over websocket."""
        self.sio.connect(self.url, auth={"token": self.token}, transports=["websocket"], wait_timeout=20)
        return self

    def run(self, stop: threading.Event) -> None:
        """Post four-question cards, and every fifth one a competence offer (the matcher runs again)."""
        while not stop.is_set():
            self.posted += 1
            n = self.posted
            if n % 5 == 0:
                payload: dict[str, Any] = {
                    "client_id": f"{self.name}-offre-{n:05d}",
                    "board": "competences",
                    "column": "offre",
                    "text": f"J'anime des ateliers de concertation, essai {n}",
                    "skill": {"type": "methodes", "scope": "individuel", "keywords": ["concertation"]},
                }
            else:
                payload = {
                    "client_id": f"{self.name}-carte-{n:05d}",
                    "board": "four_questions",
                    "column": "comment",
                    "text": f"Mutualiser les moyens, idée {n} de {self.name}",
                }
            start = time.monotonic()
            try:
                ack = self.sio.call("post_card", payload, timeout=30)
            except socketio.exceptions.SocketIOError as exc:
                self.failures.append(f"{type(exc).__name__}: {exc}")
                return
            if isinstance(ack, dict) and ack.get("ok"):
                self.delays.append(time.monotonic() - start)
            elif isinstance(ack, dict) and ack.get("error", {}).get("code") == "rate_limited":
                self.refused += 1
                stop.wait(ack["error"]["details"]["retry_after"])  # as the phone's outbox does
            else:
                self.failures.append(f"{ack!r}"[:200])


def run_phase(
    server: psutil.Process, seconds: float, exporter: Exporter | None, writers: list[Writer]
) -> tuple[float, float, dict[str, list[float]], float]:
    """Run the exporter and the writers (if any) for `seconds`.

    Return the phase's start and end, the post delays and the server's CPU use (1.0: one core).
    """
    stop = threading.Event()
    threads = []
    if exporter is not None:
        threads.append(threading.Thread(target=exporter.run, args=(stop,), daemon=True))
    threads += [threading.Thread(target=w.run, args=(stop,), daemon=True) for w in writers]
    before = {w.name: len(w.delays) for w in writers}
    cpu = sum(server.cpu_times()[:2])
    own = sum(psutil.Process().cpu_times()[:2])
    start = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    end = time.monotonic()
    cpu = (sum(server.cpu_times()[:2]) - cpu) / (end - start)
    own = (sum(psutil.Process().cpu_times()[:2]) - own) / (end - start)
    print(f"  {seconds:.0f} s phase: server CPU {cpu:.0%}, clients' CPU {own:.0%}")
    for thread in threads:
        thread.join(120)
    return start, end, {w.name: w.delays[before[w.name] :] for w in writers}, cpu


def measure(
    people: int, pingers_n: int, writers_n: int, phase: float, interval: float, unlimited: bool = False
) -> dict[str, Any]:
    """Build the day, start the server, run the four phases; return the figures."""
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        database_url = f"sqlite:///{workdir / 'collab.sqlite3'}"
        built = time.monotonic()
        day = build_day(database_url, people)
        built = time.monotonic() - built
        server = LiveServer(
            workdir, {"COLLAB_CREATE_DEMO": "0", "COLLAB_SECRET_KEY": day["secret"]} | (UNLIMITED if unlimited else {})
        )
        server.start()
        try:
            tokens = day["participant_tokens"]
            assert len(tokens) >= pingers_n + writers_n, "not enough participants for the pingers and the writers"
            pingers = connect_all(server.url, tokens[:pingers_n])
            writers = [Writer(server.url, t, f"w{n}").connect() for n, t in enumerate(tokens[-writers_n:])]
            exporter = Exporter(server.url, day["organiser_token"])
            assert server.process is not None
            process = psutil.Process(server.process.pid)
            phases: dict[str, tuple[float, float, dict[str, list[float]], float]] = {}
            with Pinging(pingers, interval):
                time.sleep(2 * interval)  # every pinger is under way
                phases["quiet"] = run_phase(process, phase, None, [])
                phases["export"] = run_phase(process, phase, exporter, [])
                phases["writes"] = run_phase(process, phase, None, writers)
                phases["export + writes"] = run_phase(process, phase, exporter, writers)
            failures = [f for p in pingers for f in p.failures] + exporter.failures
            failures += [f for w in writers for f in w.failures]
            for pinger in pingers:
                pinger.sio.disconnect()
            for writer in writers:
                writer.sio.disconnect()
            server_log = server.log()
        finally:
            server.stop()
    return {
        "built_seconds": built,
        "pings": {name: summary(delays_between(pingers, s, e)) for name, (s, e, _, _) in phases.items()},
        "cpu": {name: cpu for name, (_, _, _, cpu) in phases.items()},
        "posts": {
            name: summary([d for delays in posts.values() for d in delays])
            for name, (_, _, posts, _) in phases.items()
            if posts
        },
        "exports": {name: summary(durations) for name, durations in exporter.durations.items()},
        "refused": sum(w.refused for w in writers),
        "failures": failures,
        "tracebacks": server_log.count("Traceback"),
    }


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=150)
    parser.add_argument("--pingers", type=int, default=100)
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--phase", type=float, default=8.0, help="seconds per phase")
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between one pinger's pings")
    parser.add_argument("--unlimited", action="store_true", help="lift the post limit (a stress test)")
    args = parser.parse_args()
    figures = measure(args.people, args.pingers, args.writers, args.phase, args.interval, args.unlimited)
    print(
        f"{args.people} participants ({args.people * 7} cards, built in {figures['built_seconds']:.0f} s); "
        f"{args.pingers} phones send get_event every {args.interval} s; {args.writers} writers "
        f"({'no post limit' if args.unlimited else 'default post limit'}, {figures['refused']} posts refused); "
        f"{args.phase:.0f} s per phase"
    )
    quiet = figures["pings"]["quiet"]
    print(f"{'ping answers':22}{'n':>6}{'p50':>9}{'p99':>9}{'max':>9}{'p50 ×':>8}{'p99 ×':>8}{'server CPU':>12}")
    for name, s in figures["pings"].items():
        print(
            f"{name:22}{s['n']:>6}{s['p50']:>7.1f}ms{s['p99']:>7.1f}ms{s['max']:>7.0f}ms"
            f"{s['p50'] / quiet['p50']:>7.1f}×{s['p99'] / quiet['p99']:>7.1f}×{figures['cpu'][name]:>11.0%}"
        )
    for title, table in (("post_card answers", figures["posts"]), ("export downloads", figures["exports"])):
        print(f"{title:22}{'n':>6}{'p50':>9}{'p99':>9}{'max':>9}")
        for name, s in table.items():
            print(f"{name:22}{s['n']:>6}{s['p50']:>7.1f}ms{s['p99']:>7.1f}ms{s['max']:>7.0f}ms")
    print(f"failures: {len(figures['failures'])} {figures['failures'][:5]}; server tracebacks: {figures['tracebacks']}")


if __name__ == "__main__":
    main()
