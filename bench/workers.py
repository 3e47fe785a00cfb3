"""What a second worker costs and brings: one process on PostgreSQL against two workers sharing Redis.

Run: `.venv/bin/python -m bench.workers [--cards 300] [--writers 8] [--posts 25]`. Needs PostgreSQL
(COLLAB_TEST_POSTGRES, as the tests) and Redis (COLLAB_TEST_REDIS). In the same run, each on a
fresh PostgreSQL schema:

- one process (no message queue): the baseline;
- two workers (`python app.py` twice, one Redis channel).

Latency: one phone posts `--cards` cards one after another on worker 1; a reader on worker 1 and,
with two workers, a reader on worker 2 receive them. Prints the acknowledgement's and each
reader's delivery median and p99.

Throughput: `--writers` phones, spread over the workers, each post `--posts` cards as fast as
their acknowledgements come back, first all into one room (its row lock takes the writers in
turn), then each into a room of its own. Prints cards per second and the ratio to one process.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import socketio
import sqlalchemy

from tests.support.live import UNLIMITED, LiveServer, each_event, participant_token

POSTGRES_URL = os.environ.get("COLLAB_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("COLLAB_TEST_REDIS", "redis://127.0.0.1:6379/0")


@contextmanager
def postgres_schema() -> Iterator[str]:
    """Yield the URL of a new, empty schema of the test database; drop it afterwards."""
    admin = sqlalchemy.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    schema = f"bench_{secrets.token_hex(6)}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


def p99(values: list[float]) -> float:
    """Return the 99th percentile."""
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.99) - 1)]


def phone(url: str, token: str) -> socketio.Client:
    """Connect a phone over websocket."""
    client = socketio.Client(reconnection=False)
    client.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=20)
    return client


def card(client_id: str, text: str) -> dict[str, Any]:
    """Return a post_card payload."""
    return {"client_id": client_id, "board": "four_questions", "column": "comment", "text": text}


def latency(urls: list[str], links: dict[str, Any], cards: int) -> dict[str, Any]:
    """Post cards one after another on the first worker; time acknowledgements and deliveries."""
    room = links["rooms"][0]["id"]
    sent: dict[str, float] = {}
    delivered: dict[str, list[float]] = {url: [] for url in urls}
    done = {url: threading.Event() for url in urls}
    readers = []
    for n, url in enumerate(urls):
        reader = socketio.Client(reconnection=False)

        def on_changes(batch: dict[str, Any], url: str = url) -> None:
            for name, payload in each_event("changes", batch):
                if name == "card_posted":
                    delivered[url].append(time.perf_counter() - sent[payload["card"]["client_id"]])
            if len(delivered[url]) == cards:
                done[url].set()

        reader.on("changes", on_changes)
        token = participant_token(url, links["join_code"], f"Lecteur {n}", room)
        reader.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=20)
        readers.append(reader)
    writer = phone(urls[0], participant_token(urls[0], links["join_code"], "Auteur", room))
    acks = []
    for n in range(cards):
        client_id = f"latency-{n:06d}"
        sent[client_id] = time.perf_counter()
        ack = writer.call("post_card", card(client_id, f"carte {n}"), timeout=20)
        assert ack["ok"], ack
        acks.append(time.perf_counter() - sent[client_id])
    for url in urls:
        assert done[url].wait(30), f"{len(delivered[url])} of {cards} cards reached the reader on {url}"
    for client in [writer, *readers]:
        client.disconnect()
    result = {"ack": [a * 1000 for a in acks]}
    for n, url in enumerate(urls):
        result[f"reader {n + 1}"] = [d * 1000 for d in delivered[url]]
    return result


def throughput(urls: list[str], links: dict[str, Any], writers: int, posts: int, one_room: bool) -> float:
    """Have `writers` phones, spread over the workers, post as fast as they can; return cards per second."""
    rooms = [room["id"] for room in links["rooms"]]
    phones = []
    for n in range(writers):
        url = urls[n % len(urls)]
        room = rooms[0] if one_room else rooms[n % len(rooms)]
        phones.append(phone(url, participant_token(url, links["join_code"], f"W{n}", room)))
    start = threading.Barrier(writers + 1)

    def write(n: int) -> None:
        start.wait(timeout=60)
        for k in range(posts):
            ack = phones[n].call("post_card", card(f"w{n}-{k:05d}-{one_room}", f"idée {k}"), timeout=30)
            assert ack["ok"], ack

    with ThreadPoolExecutor(max_workers=writers) as pool:
        runs = [pool.submit(write, n) for n in range(writers)]
        start.wait(timeout=60)
        begun = time.perf_counter()
        for run in runs:
            run.result(timeout=300)
        elapsed = time.perf_counter() - begun
    for client in phones:
        client.disconnect()
    return writers * posts / elapsed


def measure(count: int, args: argparse.Namespace) -> dict[str, Any]:
    """Start `count` workers on a fresh schema and measure them."""
    with tempfile.TemporaryDirectory() as tmp, postgres_schema() as database_url:
        env = {"COLLAB_CREATE_DEMO": "0", "COLLAB_SECRET_KEY": secrets.token_urlsafe(32)} | UNLIMITED
        if count > 1:
            env |= {"COLLAB_MESSAGE_QUEUE": REDIS_URL, "COLLAB_MESSAGE_CHANNEL": f"bench-{secrets.token_hex(6)}"}
        servers = [LiveServer(Path(tmp), env, database_url, name=f"worker{n}") for n in range(count)]
        links = servers[0].create_event(rooms=args.writers)
        for server in servers:
            server.start()
        try:
            urls = [server.url for server in servers]
            result = latency(urls, links, args.cards)
            result["one room"] = throughput(urls, links, args.writers, args.posts, one_room=True)
            result["own rooms"] = throughput(urls, links, args.writers, args.posts, one_room=False)
        finally:
            for server in servers:
                server.stop()
        return result


def main() -> None:
    """Measure one process, then two workers, and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=300)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--posts", type=int, default=25)
    args = parser.parse_args()
    results = {"one process": measure(1, args), "two workers": measure(2, args)}
    print(f"{args.cards} cards one after another from a phone on worker 1 (PostgreSQL, loopback)")
    print(f"{'':<13}{'ack median':>11}{'ack p99':>9}  {'delivery median / p99, reader on worker 1 | worker 2':>50}")
    for name, r in results.items():
        line = f"{name:<13}{statistics.median(r['ack']):>9.2f}ms{p99(r['ack']):>7.2f}ms  "
        for reader in ("reader 1", "reader 2"):
            if reader in r:
                line += f"   {statistics.median(r[reader]):>6.2f} / {p99(r[reader]):>6.2f} ms"
        print(line)
    print(f"{args.writers} phones posting {args.posts} cards each as fast as acknowledged, spread over the workers")
    base = results["one process"]
    for name, r in results.items():
        print(
            f"{name:<13} one room {r['one room']:>6.0f} cards/s ({r['one room'] / base['one room']:.2f}×), "
            f"a room each {r['own rooms']:>6.0f} cards/s ({r['own rooms'] / base['own rooms']:.2f}×)"
        )


if __name__ == "__main__":
    main()
