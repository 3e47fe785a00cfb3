"""Crowds against a real server process (`python app.py`, eventlet): a venue's NAT, and exports while phones wait.

Each keeps a hundred or more sockets busy for a minute of a loaded machine: `make faults` runs them.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio

from tests.support.crowd import Pinging, build_day, connect_all, delays_between
from tests.support.live import UNLIMITED, LiveServer, each_event, participant_token

pytestmark = pytest.mark.faults
VENUE_PHONES = 150


class VenuePhone:
    """A phone on the venue's Wi-Fi: connects, posts one card, records the cards of its room."""

    def __init__(self, url: str, token: str, room_id: int) -> None:
        self.sio = socketio.Client(reconnection=False)
        self.url, self.token, self.room_id = url, token, room_id
        self.seen: set[str] = set()
        self.lock = threading.Lock()
        self.sio.on("changes", self._seen)

    def _seen(self, batch: dict[str, Any]) -> None:
        with self.lock:
            self.seen.update(p["card"]["text"] for name, p in each_event("changes", batch) if name == "card_posted")

    def connect(self) -> None:
        """Connect over websocket, as the phone page does."""
        self.sio.connect(self.url, auth={"token": self.token}, transports=["websocket"], wait_timeout=20)

    def post(self, text: str) -> dict[str, Any]:
        """Post a card and return its acknowledgement."""
        payload = {"client_id": f"venue-{abs(hash(text)):x}", "board": "four_questions", "column": "comment"}
        return dict(self.sio.call("post_card", payload | {"text": text}, timeout=30))


def run_all(action: Any, items: list[Any], parallel: int = 15) -> None:
    """Call `action(item)` for every item, `parallel` at a time, and re-raise the first failure."""
    failures: list[BaseException] = []

    def guarded(item: Any) -> None:
        try:
            action(item)
        except BaseException as exc:
            failures.append(exc)

    for start in range(0, len(items), parallel):
        threads = [threading.Thread(target=guarded, args=(item,)) for item in items[start : start + parallel]]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        if failures:
            raise failures[0]


def test_150_phones_behind_one_venue_address_join_post_and_receive(server: LiveServer) -> None:
    links = server.create_event(rooms=4)
    server.start()
    rooms = [room["id"] for room in links["rooms"]]
    # Every phone comes from 127.0.0.1, as a venue's Wi-Fi behind one public address looks to the server.
    phones = [
        VenuePhone(
            server.url,
            participant_token(server.url, links["join_code"], f"Tel{n:03d}", rooms[n % 4]),
            rooms[n % 4],
        )
        for n in range(VENUE_PHONES)
    ]
    run_all(VenuePhone.connect, phones)
    texts = {n: f"Idée du téléphone {n:03d}" for n in range(VENUE_PHONES)}
    acks: dict[int, dict[str, Any]] = {}
    run_all(lambda n: acks.__setitem__(n, phones[n].post(texts[n])), list(range(VENUE_PHONES)))

    assert all(ack["ok"] for ack in acks.values()) and len(acks) == VENUE_PHONES
    expected = {
        room: {f"Idée du téléphone {n:03d}" for n in range(VENUE_PHONES) if rooms[n % 4] == room} for room in rooms
    }
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(p.seen != expected[p.room_id] for p in phones):
        time.sleep(0.2)
    missing = [n for n, p in enumerate(phones) if p.seen != expected[p.room_id]]
    assert not missing, f"{len(missing)} phones did not receive every card of their room"
    for phone in phones:
        phone.sio.disconnect()
    assert "Traceback" not in server.log()


def test_phones_keep_getting_answers_while_the_organiser_exports_a_full_day(tmp_path: Path) -> None:
    day = build_day(f"sqlite:///{tmp_path / 'collab.sqlite3'}", people=150)
    live = LiveServer(tmp_path, {"COLLAB_CREATE_DEMO": "0", "COLLAB_SECRET_KEY": day["secret"]} | UNLIMITED)
    live.start()
    try:
        tokens = day["participant_tokens"]
        pingers = connect_all(live.url, tokens[:100])
        writer = socketio.Client(reconnection=False)
        writer.connect(live.url, auth={"token": tokens[-1]}, transports=["websocket"], wait_timeout=20)
        export = f"{live.url}/o/{day['organiser_token']}/export"
        with Pinging(pingers, interval=1.0):
            time.sleep(1.5)
            start = time.monotonic()
            for round_, name in enumerate(("event.json", "report.html", "event.json", "report.html")):
                assert requests.get(f"{export}/{name}", timeout=60).ok
                for n in range(10):  # a burst of writes between the downloads, one an offer (the matcher runs again)
                    skill = {"type": "methodes", "scope": "individuel", "keywords": ["concertation"]}
                    ack = writer.call(
                        "post_card",
                        {"client_id": f"burst-{round_}-{n}", "board": "competences", "column": "offre"}
                        | {"text": f"J'anime des concertations ({name}, {n})", "skill": skill},
                        timeout=30,
                    )
                    assert ack["ok"], ack
            end = time.monotonic()
            time.sleep(1.5)
        failures = [f for p in pingers for f in p.failures]
        assert not failures, failures[:5]
        # Every phone got answers while the exports and the writes ran, none timed out.
        assert all(delays_between([p], start, end) for p in pingers)
        writer.disconnect()
        for pinger in pingers:
            pinger.close()
        assert "Traceback" not in live.log()
    finally:
        live.stop()
