"""Faults against a real server process: SIGKILL in the middle of a storm of posts, then retries."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import threading
import time
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import socketio

from tests.support.live import UNLIMITED, LiveServer, participant_token

pytestmark = pytest.mark.faults

CLIENTS = 50
CARDS_EACH = 200
ROOMS = 10
ACK_TIMEOUT = 20.0  # one acknowledgement, under the storm's load on a 2-core machine
STORM_DEADLINE = 600.0  # the whole test, from the first post to the last retry


class Storm:
    """What every client shares: how many acknowledgements came, when the server is killed, when it is back."""

    def __init__(self) -> None:
        self.acknowledged = 0
        self.stopped = 0  # clients that saw the server die (or posted everything) and wait for it
        self.changed = threading.Condition()
        self.restarted = threading.Event()
        self.deadline = time.monotonic() + STORM_DEADLINE

    def count_ack(self) -> None:
        """Count one acknowledgement and wake whoever waits for a number of them."""
        with self.changed:
            self.acknowledged += 1
            self.changed.notify_all()

    def count_stopped(self) -> None:
        """Count one client that stopped posting before the restart."""
        with self.changed:
            self.stopped += 1
            self.changed.notify_all()


@dataclass
class StormClient:
    """One participant's phone: posts its cards one after another and sorts each post by what came back."""

    url: str
    token: str
    number: int
    # client id → "acknowledged" | "failed" | "unknown" (no answer) | "unsent" (never left the phone)
    outcome: dict[str, str] = field(default_factory=dict)
    acks: dict[str, dict[str, Any]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    same_ack_after_restart: list[bool] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    stopped: bool = False

    def client_ids(self) -> list[str]:
        """Return this phone's client ids, in posting order."""
        return [f"storm-{self.number:02}-{n:03}" for n in range(CARDS_EACH)]

    def connect(self, storm: Storm) -> socketio.Client:
        """Connect over websocket, trying again until the storm's deadline (the server may be starting)."""
        while True:
            sio = socketio.Client(reconnection=False)
            try:
                sio.connect(self.url, auth={"token": self.token}, transports=["websocket"], wait_timeout=10)
                return sio
            except socketio.exceptions.ConnectionError:
                if time.monotonic() > storm.deadline:
                    raise
                time.sleep(0.2)

    def post(self, sio: socketio.Client, client_id: str) -> tuple[str, dict[str, Any] | None]:
        """Post one card; return how it went and its acknowledgement, if one came."""
        answer: list[dict[str, Any]] = []
        answered = threading.Event()

        def on_ack(ack: dict[str, Any]) -> None:
            answer.append(ack)
            answered.set()

        payload = {
            "client_id": client_id,
            "board": "four_questions",
            "column": "pourquoi",
            "text": self.texts[client_id],
        }
        try:
            sio.emit("post_card", payload, callback=on_ack)
        except socketio.exceptions.SocketIOError:
            return "unsent", None  # the client knew it was disconnected: nothing left it
        # python-socketio's own call() waits the whole timeout after a disconnect; this one does not.
        waited_until = time.monotonic() + ACK_TIMEOUT
        while not answered.wait(0.1):
            if not sio.connected or time.monotonic() > waited_until:
                return "unknown", None
        ack = answer[0]
        return ("acknowledged" if ack.get("ok") is True else "failed"), ack

    def run(self, storm: Storm) -> None:
        """Post every card until the server dies, then, once it is back, post again what was not acknowledged."""
        try:
            self._run(storm)
        except Exception as exc:  # reported by the test, which fails on any problem
            self.problems.append(f"client {self.number}: {exc!r}")
            if not self.stopped:
                storm.count_stopped()

    def _run(self, storm: Storm) -> None:
        ids = self.client_ids()
        self.texts = {client_id: f"Carte {client_id} de la tempête" for client_id in ids}
        self.outcome = dict.fromkeys(ids, "unsent")
        sio = self.connect(storm)
        for client_id in ids:
            if not sio.connected:
                break
            self.outcome[client_id], ack = self.post(sio, client_id)
            if ack is not None:
                self.acks[client_id] = ack
            if self.outcome[client_id] == "acknowledged":
                storm.count_ack()
        if sio.connected:
            sio.disconnect()
        self.stopped = True
        storm.count_stopped()

        assert storm.restarted.wait(max(0.0, storm.deadline - time.monotonic())), "the server was not restarted"
        sio = self.connect(storm)
        try:
            for client_id in ids:
                if self.outcome[client_id] == "acknowledged":
                    continue
                for _attempt in range(3):
                    status, ack = self.post(sio, client_id)
                    if status == "acknowledged" or time.monotonic() > storm.deadline:
                        break
                    if not sio.connected:
                        sio = self.connect(storm)
                if status != "acknowledged" or ack is None:
                    self.problems.append(f"{client_id}: still {status} after the restart ({ack})")
                    continue
                self.acks[client_id] = ack
            # A card acknowledged before the kill, posted again: the very same acknowledgement.
            before = [client_id for client_id in ids if self.outcome[client_id] == "acknowledged"]
            if before:
                status, ack = self.post(sio, before[-1])
                self.same_ack_after_restart.append(status == "acknowledged" and ack == self.acks[before[-1]])
        finally:
            sio.disconnect()


def query(database: Path, sql: str) -> list[Any]:
    """Return the rows of one query on the database file, read beside the server (or after its death)."""
    with closing(sqlite3.connect(database)) as connection:
        return connection.execute(sql).fetchall()


def stored_cards(database: Path) -> list[tuple[str, str, int]]:
    """Return (client id, text, participant) of every card in the database file."""
    return query(database, "SELECT client_id, text, participant_id FROM cards")


def integrity(database: Path) -> str:
    """Return what SQLite's own check says of the database file."""
    return str(query(database, "PRAGMA integrity_check")[0][0])


def room_sequences(database: Path) -> dict[int, list[int]]:
    """Return every room's change numbers, in order."""
    rows = query(database, "SELECT room_id, seq FROM changes ORDER BY room_id, seq")
    numbers: dict[int, list[int]] = {}
    for room_id, seq in rows:
        numbers.setdefault(room_id, []).append(seq)
    return numbers


@pytest.mark.timeout(STORM_DEADLINE + 120)
def test_a_crash_storm_loses_no_acknowledged_card_and_retries_land_once(tmp_path: Path) -> None:
    seed = int(os.environ.get("COLLAB_FAULTS_SEED", random.randrange(2**32)))
    rng = random.Random(seed)
    # The kill comes after a random number of acknowledgements, then a random few milliseconds:
    # always in the middle of the storm, whatever the machine's speed.
    kill_after = rng.randrange(CLIENTS * CARDS_EACH // 10, CLIENTS * CARDS_EACH * 7 // 10)
    kill_delay = rng.uniform(0, 0.05)
    print(
        f"\ncrash storm: seed {seed} (COLLAB_FAULTS_SEED), SIGKILL after {kill_after} acks + {kill_delay * 1000:.0f} ms"
    )

    server = LiveServer(tmp_path, {"COLLAB_CREATE_DEMO": "0"} | UNLIMITED)
    database = tmp_path / "collab.sqlite3"
    try:
        links = server.create_event(rooms=ROOMS)
        server.start()
        rooms = [room["id"] for room in links["rooms"]]
        clients = [
            StormClient(server.url, participant_token(server.url, links["join_code"], f"P{n:02}", rooms[n % ROOMS]), n)
            for n in range(CLIENTS)
        ]
        participants = {participant for (participant,) in query(database, "SELECT id FROM participants")}
        assert len(participants) == CLIENTS

        storm = Storm()
        started = time.monotonic()
        threads = [threading.Thread(target=client.run, args=(storm,), daemon=True) for client in clients]
        for thread in threads:
            thread.start()
        with storm.changed:
            storm.changed.wait_for(lambda: storm.acknowledged >= kill_after, timeout=STORM_DEADLINE / 2)
        assert storm.acknowledged >= kill_after, f"only {storm.acknowledged} acknowledgements before the deadline"
        time.sleep(kill_delay)
        server.stop(signal.SIGKILL)
        killed_at = time.monotonic() - started

        # Before any retry: every card acknowledged before the kill is already on disk.
        with storm.changed:  # each client notices the dead socket, or its post times out
            storm.changed.wait_for(lambda: storm.stopped == CLIENTS, timeout=ACK_TIMEOUT + 30)
        assert storm.stopped == CLIENTS, f"{CLIENTS - storm.stopped} clients still posting to a dead server"
        first = Counter(status for client in clients for status in client.outcome.values())
        assert integrity(database) == "ok"
        on_disk = {client_id for client_id, _text, _participant in stored_cards(database)}
        acknowledged_before = {
            client_id for client in clients for client_id, status in client.outcome.items() if status == "acknowledged"
        }
        assert acknowledged_before <= on_disk, f"acknowledged but lost: {sorted(acknowledged_before - on_disk)[:10]}"
        unknown_landed = sum(
            1
            for client in clients
            for client_id, status in client.outcome.items()
            if status == "unknown" and client_id in on_disk
        )

        server.start()
        storm.restarted.set()
        for thread in threads:
            thread.join(timeout=max(1.0, storm.deadline - time.monotonic()))
        elapsed = time.monotonic() - started
        assert not any(thread.is_alive() for thread in threads), "a client did not finish before the deadline"
        problems = [problem for client in clients for problem in client.problems]
        assert problems == []

        cards = stored_cards(database)
        sent = {client_id: (client.texts[client_id], client) for client in clients for client_id in client.texts}
        client_ids = [client_id for client_id, _text, _participant in cards]
        assert len(client_ids) == len(set(client_ids)), "a client id landed twice"
        assert set(client_ids) == set(sent), "a card is missing, or one was never sent"
        for client_id, text, participant in cards:
            assert text == sent[client_id][0]
            assert participant in participants
        by_participant = Counter(participant for _client_id, _text, participant in cards)
        assert sorted(by_participant.values()) == [CARDS_EACH] * CLIENTS
        for client in clients:
            for client_id, ack in client.acks.items():
                assert ack["card"]["client_id"] == client_id and ack["card"]["text"] == client.texts[client_id]
        assert all(same for client in clients for same in client.same_ack_after_restart)
        for room_id, numbers in room_sequences(database).items():
            assert numbers == list(range(1, len(numbers) + 1)), f"room {room_id}: numbers with gaps"
        server.stop()
        assert integrity(database) == "ok"
    finally:
        server.stop()

    print(
        f"crash storm: {CLIENTS} clients × {CARDS_EACH} cards, killed at {killed_at:.1f} s;"
        f" before the kill {first['acknowledged']} acknowledged, {first['failed']} failed,"
        f" {first['unknown']} unknown ({unknown_landed} of them had landed), {first['unsent']} not yet sent;"
        f" after restart and retries {len(cards)} cards, each once; {elapsed:.1f} s in all"
    )
