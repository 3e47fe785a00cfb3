"""Against a real server process (`python app.py`, eventlet, a SQLite file) with python-socketio clients."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import socketio

from tests.live import LiveServer, participant_token


class Phone:
    """A python-socketio client that records what it receives and keeps the room's last seq."""

    def __init__(self, url: str, token: str) -> None:
        self.sio = socketio.Client(reconnection=False)
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.arrived = threading.Condition()
        for name in ("card_posted", "card_hidden", "card_restored", "presence_changed"):
            self.sio.on(name, self._recorder(name))
        self.url, self.token = url, token

    def _recorder(self, name: str) -> Any:
        def record(payload: dict[str, Any]) -> None:
            with self.arrived:
                self.events.append((name, payload))
                self.arrived.notify_all()

        return record

    def connect(self) -> Phone:
        """Connect over websocket with the token."""
        self.sio.connect(self.url, auth={"token": self.token}, transports=["websocket"], wait_timeout=10)
        return self

    def call(self, event: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Emit an event and return its acknowledgement."""
        return dict(self.sio.call(event, payload, timeout=10))

    def wait_for(self, name: str, count: int, timeout: float = 10) -> list[dict[str, Any]]:
        """Wait until `count` events called `name` arrived, and return them."""
        deadline = time.monotonic() + timeout
        with self.arrived:
            while len(got := [p for n, p in self.events if n == name]) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"only {len(got)} of {count} {name} arrived"
                self.arrived.wait(left)
        return got


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    """Start a real server on a new SQLite file; stop it afterwards."""
    live = LiveServer(tmp_path, {"COLLAB_CREATE_DEMO": "0"})
    yield live
    live.stop()


def post(phone: Phone, client_id: str, text: str) -> dict[str, Any]:
    """Post a card into the Pourquoi ? column."""
    return phone.call(
        "post_card", {"client_id": client_id, "board": "four_questions", "column": "pourquoi", "text": text}
    )


def test_make_run_on_an_empty_database_creates_and_prints_the_demo_event(tmp_path: Path) -> None:
    live = LiveServer(tmp_path)
    live.start()
    try:
        printed = live.log()
        assert "Code participant" in printed
        assert f"{live.url}/j/" in printed and f"{live.url}/s/" in printed and f"{live.url}/f/" in printed
    finally:
        live.stop()


def test_post_receive_reconnect_and_resync(server: LiveServer) -> None:
    links = server.create_event(rooms=2)
    server.start()
    room, other_room = links["rooms"][0]["id"], links["rooms"][1]["id"]
    code = links["join_code"]
    alix = Phone(server.url, participant_token(server.url, code, "Alix", room)).connect()
    bao_token = participant_token(server.url, code, "Bao", room)
    bao = Phone(server.url, bao_token).connect()
    elsewhere = Phone(server.url, participant_token(server.url, code, "Chloé", other_room)).connect()
    screen = Phone(server.url, links["screen_url"].rsplit("/", 1)[1]).connect()
    facilitator = Phone(server.url, links["rooms"][0]["facilitator_url"].rsplit("/", 1)[1]).connect()

    first = post(alix, "client-first-1", "Coopérer pour durer")
    assert first["ok"] and first["seq"] == 1
    assert bao.wait_for("card_posted", 1)[0]["card"] == first["card"]
    assert screen.wait_for("card_posted", 1)[0]["card"]["text"] == "Coopérer pour durer"
    bao_seq = bao.wait_for("card_posted", 1)[-1]["seq"]

    bao.sio.disconnect()
    missed = [post(alix, f"client-missed-{n}", f"pendant l'absence {n}") for n in range(5)]
    assert facilitator.call("hide_card", {"card_id": missed[2]["card"]["id"]})["ok"]

    bao = Phone(server.url, bao_token).connect()
    catch_up = bao.call("sync", {"room_id": room, "since": bao_seq})
    assert [c["payload"]["seq"] for c in catch_up["changes"]] == [2, 3, 4, 5, 6, 7]
    board = {first["card"]["id"]: first["card"]}
    for change in catch_up["changes"]:
        if change["event"] == "card_posted":
            board[change["payload"]["card"]["id"]] = change["payload"]["card"]
        elif change["event"] == "card_hidden":
            del board[change["payload"]["card_id"]]
    everyone = alix.call("sync", {"room_id": room, "since": None})["snapshot"]["cards"]
    assert sorted(board) == [card["id"] for card in everyone]
    assert elsewhere.events == [] or all(name == "presence_changed" for name, _ in elsewhere.events)
    for phone in (alix, bao, elsewhere, screen, facilitator):
        phone.sio.disconnect()


def test_an_acknowledged_card_survives_a_restart_and_a_retry_lands_once(server: LiveServer) -> None:
    links = server.create_event(rooms=1)
    server.start()
    room = links["rooms"][0]["id"]
    token = participant_token(server.url, links["join_code"], "Dominique", room)
    phone = Phone(server.url, token).connect()
    ack = post(phone, "client-durable", "Ne rien perdre")
    phone.sio.disconnect()

    server.stop(signal.SIGKILL)
    server.start()
    phone = Phone(server.url, token).connect()  # the same participant after the restart
    assert post(phone, "client-durable", "Ne rien perdre") == ack
    snapshot = phone.call("sync", {"room_id": room, "since": None})
    assert [card["text"] for card in snapshot["snapshot"]["cards"]] == ["Ne rien perdre"]
    phone.sio.disconnect()


def test_a_bad_token_is_refused_by_the_real_server(server: LiveServer) -> None:
    server.create_event(rooms=1)
    server.start()
    with pytest.raises(socketio.exceptions.ConnectionError):
        Phone(server.url, "forged").connect()
