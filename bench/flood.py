"""Does one participant flooding posts slow everyone else's acknowledgements? With and without the rate limit.

Run: `.venv/bin/python -m bench.flood [--others 40] [--every 4] [--sockets 3] [--phase 10]`. Builds a
day (bench.plenary's) in a SQLite file, starts `python app.py` on it, and connects `others`
participants who each post a card every `--every` seconds (under the post limit, as people do) and
time their acknowledgements. Phases of `--phase` seconds in the same run:

- quiet: the others alone (the baseline);
- flood: one more participant posts from `--sockets` sockets as fast as the answers come back.

The whole is run twice, on two servers: with the default limits (`COLLAB_RATE_POSTS` 20/60) and with
them lifted (`0`), so the figures show what the limit buys. Prints the others' p50, p95 and p99
per phase, their ratio to the quiet phase, and the flooder's accepted and refused posts.
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import socketio

from tests.support.crowd import build_day, percentile
from tests.support.live import UNLIMITED, LiveServer

COUNTER = itertools.count()


class Poster:
    """A participant's socket posting a card every `every` seconds (0: as fast as answers come back)."""

    def __init__(self, url: str, token: str) -> None:
        self.sio = socketio.Client(reconnection=False)
        self.sio.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=20)
        self.samples: list[tuple[float, float]] = []  # (sent, seconds to the ok answer)
        self.refused: list[tuple[float, str]] = []  # (sent, error code)

    def post_until(self, stop: threading.Event, every: float, offset: float) -> None:
        """Post until `stop`, the first after `offset` seconds."""
        stop.wait(offset)
        while not stop.is_set():
            sent = time.monotonic()
            n = next(COUNTER)
            payload = {"client_id": f"flood-bench-{n:07d}", "board": "four_questions", "column": "comment"}
            try:
                ack = self.sio.call("post_card", payload | {"text": f"Mutualiser, idée {n}"}, timeout=30)
            except socketio.exceptions.SocketIOError as exc:
                self.refused.append((sent, type(exc).__name__))
                return
            if isinstance(ack, dict) and ack.get("ok"):
                self.samples.append((sent, time.monotonic() - sent))
            else:
                self.refused.append((sent, str(ack.get("error", {}).get("code") if isinstance(ack, dict) else ack)))
            if every:
                stop.wait(max(0.0, every - (time.monotonic() - sent)))


def run(posters: list[Poster], every: float, seconds: float) -> tuple[float, float]:
    """Run the posters (each every `every` seconds, spread) for `seconds`; return the start and end."""
    stop = threading.Event()
    threads = [
        threading.Thread(target=p.post_until, args=(stop, every, every * n / max(1, len(posters))), daemon=True)
        for n, p in enumerate(posters)
    ]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    end = time.monotonic()
    for thread in threads:
        thread.join(60)
    return start, end


def between(posters: list[Poster], start: float, end: float) -> list[float]:
    """Return the acknowledgement delays of the posts sent between `start` and `end`."""
    return [delay for p in posters for sent, delay in p.samples if start + 1 <= sent < end]


def measure(day: dict[str, Any], workdir: Path, limits: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    """Start a server with `limits`, run quiet then flood; return the others' delays and the flooder's counts."""
    server = LiveServer(workdir, {"COLLAB_CREATE_DEMO": "0", "COLLAB_SECRET_KEY": day["secret"]} | limits)
    server.start()
    try:
        tokens = day["participant_tokens"]
        others = [Poster(server.url, token) for token in tokens[: args.others]]
        flooder = [Poster(server.url, tokens[-1]) for _ in range(args.sockets)]
        background = threading.Thread(target=run, args=(others, args.every, 2 * args.phase + 1), daemon=True)
        background.start()
        time.sleep(args.phase)  # quiet: the others alone
        quiet = between(others, 0, time.monotonic())
        flood_start = time.monotonic()
        run(flooder, 0, args.phase)
        flood = between(others, flood_start, time.monotonic())
        background.join(60)
        for poster in [*others, *flooder]:
            poster.sio.disconnect()
        return {
            "quiet": quiet,
            "flood": flood,
            "accepted": sum(len(p.samples) for p in flooder),
            "refused": sum(len(p.refused) for p in flooder),
            "others_refused": sum(len(p.refused) for p in others),
            "tracebacks": server.log().count("Traceback"),
        }
    finally:
        server.stop()


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=60)
    parser.add_argument("--others", type=int, default=40)
    parser.add_argument("--every", type=float, default=4.0, help="seconds between one participant's posts")
    parser.add_argument("--sockets", type=int, default=3, help="the flooder's sockets")
    parser.add_argument("--phase", type=float, default=10.0, help="seconds per phase")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        day = build_day(f"sqlite:///{workdir / 'collab.sqlite3'}", args.people)
        for name, limits in (("limit 20/60", {}), ("no limit", UNLIMITED)):
            results[name] = measure(day, workdir, limits, args)
    print(
        f"{args.others} participants post a card every {args.every:g} s each; one more floods from "
        f"{args.sockets} sockets; {args.phase:g} s per phase"
    )
    print(f"{'others acks':24}{'n':>6}{'p50':>9}{'p95':>9}{'p99':>9}{'p95 ×':>8}   flooder ok / refused")
    for name, r in results.items():
        base = percentile(r["quiet"], 95)
        for phase in ("quiet", "flood"):
            d = sorted(r[phase])
            flooder = f"{r['accepted']} / {r['refused']}" if phase == "flood" else ""
            print(
                f"{name + ', ' + phase:24}{len(d):>6}"
                + "".join(f"{percentile(d, q) * 1000:>7.1f}ms" for q in (50, 95, 99))
                + f"{percentile(d, 95) / base:>7.1f}×   {flooder}"
            )
        print(f"  others refused: {r['others_refused']}; server tracebacks: {r['tracebacks']}")


if __name__ == "__main__":
    main()
