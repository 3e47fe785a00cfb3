"""Socket tests with Flask-SocketIO's test client: who may connect, who receives what, bad payloads."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask_socketio import SocketIOTestClient
from sqlalchemy import event as engine_events
from sqlalchemy import func, select, text

from collab.domain import presence
from collab.domain.events import EventLinks
from collab.domain.presence import OpenSocket
from collab.realtime import batching as realtime
from collab.realtime.scopes import event_scope
from collab.realtime.tallies import tally
from collab.sockets import presence_queue
from collab.store.database import db
from collab.store.models import Card, Change, Presence
from tests.support.apps import received
from tests.support.cards import counted
from tests.support.live import unbatched, wait_until

Join = Callable[..., dict[str, Any]]
Connect = Callable[[str | None], SocketIOTestClient]


def card(client_id: str = "client-0001", column: str = "pourquoi", text: str = "Parce que") -> dict[str, Any]:
    """Return a well-formed post_card payload."""
    return {"client_id": client_id, "board": "four_questions", "column": column, "text": text}


# What the tests count before and after: cards and changes.
WRITTEN = (Card, Change)


def presence_rows() -> int:
    """Return how many sockets the presence table holds."""
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(Presence)) or 0


class PresenceWrites:
    """Count the committed transactions that wrote the presence table, with listeners on the real engine."""

    def __init__(self) -> None:
        self.transactions = 0
        self.writing: set[int] = set()  # the connections whose open transaction wrote presence

    def __enter__(self) -> PresenceWrites:
        engine_events.listen(db.engine, "before_cursor_execute", self.executed)
        engine_events.listen(db.engine, "commit", self.committed)
        return self

    def __exit__(self, *exc: object) -> None:
        engine_events.remove(db.engine, "before_cursor_execute", self.executed)
        engine_events.remove(db.engine, "commit", self.committed)

    def executed(self, connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith(("INSERT INTO PRESENCE", "DELETE FROM PRESENCE")):
            self.writing.add(id(connection))

    def committed(self, connection: Any) -> None:
        if id(connection) in self.writing:
            self.writing.discard(id(connection))
            self.transactions += 1


@pytest.mark.parametrize("token", [None, "", "forged-token", "p.eyJwIjoxfQ.forged", 42])
def test_a_connection_without_a_valid_token_is_refused(connect: Connect, event: EventLinks, token: Any) -> None:
    sio = connect(token)
    assert not sio.is_connected()


def test_a_card_reaches_its_room_the_staff_and_the_screen_only(connect: Connect, event: EventLinks, join: Join) -> None:
    author = connect(join(room=0, pseudonym="Alix")["token"])
    neighbour = connect(join(room=0, pseudonym="Bao")["token"])
    elsewhere = connect(join(room=1, pseudonym="Chloé")["token"])
    facilitator = connect(event.rooms[0].facilitator_token)
    other_facilitator = connect(event.rooms[1].facilitator_token)
    screen = connect(event.screen_token)
    organiser = connect(event.organiser_token)
    for sio in (author, neighbour, elsewhere, facilitator, other_facilitator, screen, organiser):
        sio.get_received()

    ack = author.emit("post_card", card(text="Un PAT partagé"), callback=True)
    assert ack["ok"] and ack["card"]["text"] == "Un PAT partagé" and ack["seq"] == 1
    author_id = ack["card"]["author"]["id"]
    assert ack["card"]["author"] == {"id": author_id, "pseudonym": "Alix", "scale": "commune", "erased": False}

    expected = [{"room_id": event.rooms[0].id, "seq": 1, "card": ack["card"]}]
    for sio in (author, neighbour, facilitator, screen, organiser):
        assert received(sio, "card_posted") == expected
    for sio in (elsewhere, other_facilitator):
        assert received(sio, "card_posted") == []


def test_a_retried_post_lands_once_with_the_same_acknowledgement(connect: Connect, join: Join) -> None:
    participant = join()
    phone = connect(participant["token"])
    second_socket = connect(participant["token"])
    first = phone.emit("post_card", card(), callback=True)
    phone.get_received()
    second_socket.get_received()
    again = second_socket.emit("post_card", card(), callback=True)
    assert again == first
    assert received(phone, "card_posted") == [] and received(second_socket, "card_posted") == []
    assert counted(*WRITTEN) == (1, 1)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_card_takes_the_writing_connection_once_and_its_retry_writes_nothing(connect: Connect, join: Join) -> None:
    """On SQLite a post's other checks (who, is the event closed) read beside the writer or from memory."""
    phone = connect(join()["token"])
    assert db.engine is not None
    began: list[int] = []

    def listener(connection: Any) -> None:
        began.append(connection.connection.total_changes)

    engine_events.listen(db.engine, "begin", listener)
    try:
        first = phone.emit("post_card", card(), callback=True)
        assert first["ok"] and len(began) == 1
        again = phone.emit("post_card", card(), callback=True)
        assert again == first and len(began) == 2
    finally:
        engine_events.remove(db.engine, "begin", listener)
    with db.engine.connect() as connection:
        # The one writing connection has changed rows for the post (card, change, seq), none since.
        assert began[1] > began[0] and connection.connection.total_changes == began[1]
    assert counted(*WRITTEN) == (1, 1)


BAD_PAYLOADS = [
    "just a string",
    ["a", "list"],
    None,
    42,
    {},
    card() | {"extra": 1},
    card() | {"text": 12},
    card() | {"text": "x" * 5000},
    card() | {"text": ""},
    card() | {"column": "nope"},
    card() | {"board": "nope"},
    card() | {"column": "<script>"},
    card() | {"client_id": "short"},
    card() | {"client_id": "has space in it"},
    card() | {"client_id": None},
    {"client_id": "client-0001", "board": "four_questions", "column": "pourquoi"},
    {"nested": {"deep": [1, 2, {"x": "y"}]}},
]


@pytest.mark.parametrize("payload", BAD_PAYLOADS)
def test_a_malformed_post_gets_an_error_and_writes_nothing(connect: Connect, join: Join, payload: Any) -> None:
    phone = connect(join()["token"])
    ack = phone.emit("post_card", payload, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "invalid" and ack["error"]["message"]
    assert counted(*WRITTEN) == (0, 0)
    assert phone.is_connected()
    assert phone.emit("post_card", card(), callback=True)["ok"]  # the connection still works


def test_extra_arguments_and_unknown_events_are_refused(connect: Connect, join: Join) -> None:
    phone = connect(join()["token"])
    ack = phone.emit("post_card", card(), {"second": 1}, callback=True)
    assert ack["error"]["code"] == "invalid"
    assert phone.emit("drop_tables", {}, callback=True)["error"]["code"] == "unknown_event"
    assert counted(*WRITTEN) == (0, 0)


@pytest.mark.parametrize("role", ["screen", "facilitator", "organiser"])
def test_only_participants_post(connect: Connect, event: EventLinks, role: str) -> None:
    token = {
        "screen": event.screen_token,
        "facilitator": event.rooms[0].facilitator_token,
        "organiser": event.organiser_token,
    }[role]
    ack = connect(token).emit("post_card", card(), callback=True)
    assert ack["error"]["code"] == "forbidden"
    assert counted(*WRITTEN) == (0, 0)


def test_hide_and_restore_reach_the_room(connect: Connect, event: EventLinks, join: Join) -> None:
    phone = connect(join(room=0)["token"])
    screen = connect(event.screen_token)
    facilitator = connect(event.rooms[0].facilitator_token)
    posted = phone.emit("post_card", card(), callback=True)["card"]

    for token in (event.screen_token, event.rooms[1].facilitator_token, join(room=0, pseudonym="X")["token"]):
        refused = connect(token).emit("hide_card", {"card_id": posted["id"]}, callback=True)
        assert refused["error"]["code"] == "forbidden"
    assert counted(*WRITTEN) == (1, 1)

    for sio in (phone, screen, facilitator):
        sio.get_received()
    ack = facilitator.emit("hide_card", {"card_id": posted["id"]}, callback=True)
    assert ack == {"ok": True, "seq": 2, "card_id": posted["id"]}
    for sio in (phone, screen, facilitator):
        assert received(sio, "card_hidden") == [
            {"room_id": event.rooms[0].id, "seq": 2, "card_id": posted["id"], "board": "four_questions"}
        ]

    room = event.rooms[0].id
    # Its author still has it, marked hidden (their phone says why); another phone and the screen do not.
    [own] = phone.emit("sync", {"room_id": room, "since": None}, callback=True)["snapshot"]["cards"]
    assert own["id"] == posted["id"] and own["hidden"] is True
    neighbour = connect(join(room=0, pseudonym="Voisin")["token"])
    assert neighbour.emit("sync", {"room_id": room, "since": None}, callback=True)["snapshot"]["cards"] == []
    assert screen.emit("sync", {"room_id": room, "since": None}, callback=True)["snapshot"]["cards"] == []
    staff = facilitator.emit("sync", {"room_id": room, "since": None}, callback=True)["snapshot"]["cards"]
    assert [c["hidden"] for c in staff] == [True]

    facilitator.emit("restore_card", {"card_id": posted["id"]}, callback=True)
    restored = received(screen, "card_restored")
    assert restored == [{"room_id": room, "seq": 3, "card": posted | {"hidden": False}}]
    assert [c["id"] for c in phone.emit("sync", {"room_id": room}, callback=True)["snapshot"]["cards"]] == [
        posted["id"]
    ]


def test_a_phone_that_was_away_catches_up_exactly(connect: Connect, event: EventLinks, join: Join) -> None:
    away = join(room=0, pseudonym="Dominique")
    phone = connect(away["token"])
    other = connect(join(room=0, pseudonym="Eli")["token"])
    facilitator = connect(event.rooms[0].facilitator_token)
    room = event.rooms[0].id

    board: dict[int, dict[str, Any]] = {}
    seq = 0
    for n in range(3):
        other.emit("post_card", card(client_id=f"client-a{n:03}", text=f"avant {n}"), callback=True)
    for message in unbatched(phone.get_received()):
        if message["name"] == "card_posted":
            payload = message["args"][0]
            board[payload["card"]["id"]] = payload["card"]
            seq = payload["seq"]
    assert seq == 3

    phone.disconnect()
    missed = [
        other.emit("post_card", card(client_id=f"client-b{n:03}", text=f"pendant {n}"), callback=True) for n in range(4)
    ]
    facilitator.emit("hide_card", {"card_id": missed[0]["card"]["id"]}, callback=True)
    facilitator.emit("hide_card", {"card_id": next(iter(board))}, callback=True)

    phone = connect(away["token"])
    catch_up = phone.emit("sync", {"room_id": room, "since": seq}, callback=True)
    assert [c["payload"]["seq"] for c in catch_up["changes"]] == list(range(4, 10))
    for change in catch_up["changes"]:
        payload = change["payload"]
        if change["event"] == "card_posted":
            board[payload["card"]["id"]] = payload["card"]
        elif change["event"] == "card_hidden":
            board.pop(payload["card_id"])
    # What everyone but the author sees (the author keeps their hidden cards, marked): the screen's.
    everyone = connect(event.screen_token).emit("sync", {"room_id": room, "since": None}, callback=True)
    assert sorted(board) == [c["id"] for c in everyone["snapshot"]["cards"]]
    assert catch_up["seq"] == 9


def test_sync_is_validated_and_scoped(connect: Connect, event: EventLinks, join: Join) -> None:
    phone = connect(join(room=0)["token"])
    assert phone.emit("sync", {"room_id": event.rooms[1].id}, callback=True)["error"]["code"] == "forbidden"
    assert phone.emit("sync", {"room_id": 99999}, callback=True)["error"]["code"] == "not_found"
    assert phone.emit("sync", {"room_id": "1"}, callback=True)["error"]["code"] == "invalid"
    assert phone.emit("sync", {"room_id": 1, "since": -1}, callback=True)["error"]["code"] == "invalid"


def test_presence_counts_participants_per_room(connect: Connect, event: EventLinks, join: Join) -> None:
    screen = connect(event.screen_token)
    first = received(screen, "presence_changed")
    assert first == [{"rooms": [{"room_id": r.id, "count": 0} for r in event.rooms], "total": 0}]
    camille = join(room=0)
    phone = connect(camille["token"])
    connect(camille["token"])  # the same person on a second tab counts once
    connect(join(room=2, pseudonym="Bao")["token"])
    latest = received(screen, "presence_changed")[-1]
    assert latest["total"] == 2
    assert {r["room_id"]: r["count"] for r in latest["rooms"]}[event.rooms[0].id] == 1
    phone.disconnect()
    assert received(screen, "presence_changed")[-1]["total"] == 2  # still one tab open


def test_a_burst_of_phones_is_written_in_a_few_transactions_and_counted(
    app: Flask, connect: Connect, event: EventLinks, join: Join
) -> None:
    screen = connect(event.screen_token)
    tokens = [join(room=n % 4, pseudonym=f"P{n:03}")["token"] for n in range(200)]
    seen: list[dict[str, Any]] = []

    def screen_shows(total: int) -> bool:
        seen.extend(received(screen, "presence_changed"))
        return seen[-1]["total"] == total

    app.config["TALLY_MS"] = 300
    with PresenceWrites() as writes:
        phones = [connect(token) for token in tokens]
        wait_until(lambda: presence_rows() == 200)
        wait_until(lambda: screen_shows(200))
        arrived = writes.transactions
        for phone in phones:
            phone.disconnect()
        wait_until(lambda: presence_rows() == 0)
        wait_until(lambda: screen_shows(0))
    app.config["TALLY_MS"] = 0
    # 200 arrivals, then 200 departures: a transaction per interval, not per phone.
    assert arrived <= 20 and writes.transactions - arrived <= 20, (arrived, writes.transactions)
    assert max(s["total"] for s in seen) == 200
    assert next(s for s in seen if s["total"] == 200)["rooms"] == [{"room_id": r.id, "count": 50} for r in event.rooms]


def test_a_staff_socket_counts_the_queued_phones_and_a_phone_gone_before_its_write_leaves_no_row(
    app: Flask, connect: Connect, event: EventLinks, join: Join, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second, brief = (join(room=0, pseudonym=name)["token"] for name in ("Alix", "Bao", "Chloé"))
    connect(first)  # the first after a quiet spell is written at once
    app.config["TALLY_MS"] = 2000
    # The interval's timer is held for the whole test, however slow a loaded machine makes its steps;
    # `_scheduled` goes back to False after it, so the next tests schedule their own.
    timers: list[float] = []
    monkeypatch.setattr(presence_queue, "_write_later", lambda _app, wait: timers.append(wait))
    monkeypatch.setattr(presence_queue, "_scheduled", False)
    with PresenceWrites() as writes:
        connect(second)  # within the interval: queued
        connect(brief).disconnect()  # queued, then taken off the queue
        assert (presence_rows(), writes.transactions) == (1, 0)
        screen = connect(event.screen_token)
        # The queue is written before the screen reads the counts: Bao is counted, Chloé never was.
        assert [p["total"] for p in received(screen, "presence_changed")][-1] == 2
        assert (presence_rows(), writes.transactions) == (2, 1)
    assert len(timers) == 1  # Bao's write was put off to the interval's end, once
    app.config["TALLY_MS"] = 0


def test_a_count_the_interval_held_back_is_read_as_it_leaves_not_as_it_was_written(
    app: Flask, connect: Connect, event: EventLinks, join: Join
) -> None:
    """With workers, another one may record a socket between this worker's write and its held-back send."""
    first, second, elsewhere = (join(room=0, pseudonym=name) for name in ("Alix", "Bao", "Chloé"))
    connect(first["token"])  # written and counted at once
    app.config["TALLY_MS"] = 2000
    connect(second["token"])  # within the interval: queued
    screen = connect(event.screen_token)  # writes the queue: its count waits for the interval's end
    assert [p["total"] for p in received(screen, "presence_changed")] == [2]
    # Another worker records Chloé's socket meanwhile (and sends its own count to its own screens).
    presence.record_sockets([OpenSocket("elsewhere-1", event.id, event.rooms[0].id, elsewhere["id"], "other:5001")], [])
    seen: list[dict[str, Any]] = []

    def screen_shows(total: int) -> bool:
        seen.extend(received(screen, "presence_changed"))
        return bool(seen) and seen[-1]["total"] == total

    wait_until(lambda: screen_shows(3))
    app.config["TALLY_MS"] = 0


def test_a_batch_the_database_refuses_is_written_at_a_later_try(
    app: Flask, connect: Connect, event: EventLinks, join: Join, caplog: pytest.LogCaptureFixture
) -> None:
    screen = connect(event.screen_token)
    token = join(room=1)["token"]
    with db.transaction() as session:
        session.execute(text("ALTER TABLE presence RENAME TO presence_away"))
    with caplog.at_level(logging.WARNING, logger="collab.sockets.presence_queue"):
        phone = connect(token)  # its write fails; the phone is connected all the same
        assert phone.is_connected()
        with db.transaction() as session:
            session.execute(text("ALTER TABLE presence_away RENAME TO presence"))
        wait_until(lambda: presence_rows() == 1)
    assert "not written, trying again" in caplog.text and "dropped" not in caplog.text
    wait_until(lambda: any(p["total"] == 1 for p in received(screen, "presence_changed")))


def test_a_count_that_fails_as_it_leaves_is_logged_and_the_next_one_goes_out(
    app: Flask, connect: Connect, event: EventLinks, caplog: pytest.LogCaptureFixture
) -> None:
    screen = connect(event.screen_token)
    screen.get_received()
    scope = event_scope(event.id)

    def failing() -> dict[str, Any]:
        raise RuntimeError("the database went away")

    with app.app_context(), caplog.at_level(logging.ERROR, logger="collab.realtime"):
        tally(scope, "hypothesis_results", ("hypothesis_results", 1), failing)
        tally(scope, "hypothesis_results", ("hypothesis_results", 1), lambda: {"hypothesis_id": 1, "results": {}})
    assert "could not be sent" in caplog.text
    assert received(screen, "hypothesis_results") == [{"hypothesis_id": 1, "results": {}}]


def test_changes_wait_longer_after_sends_that_took_long_and_never_beyond_the_longest_tick(
    app: Flask, connect: Connect, join: Join
) -> None:
    """After sends that took d (the median of the last few), the next changes wait PACE × d, at most MAX_TICK."""
    author = connect(join(room=0, pseudonym="Alix")["token"])
    reader = connect(join(room=0, pseudonym="Bao")["token"])
    app.config["BROADCAST_TICK_MS"] = 20
    arrivals: list[float] = []

    def arrived(count: int) -> bool:
        arrivals.extend(time.monotonic() for _ in received(reader, "card_posted"))
        return len(arrivals) == count

    def gap_after_sends_that_took(seconds: float, first: str, second: str) -> float:
        time.sleep(realtime.MAX_TICK)  # nothing left lately: the first change leaves at once
        realtime._costs.extend([seconds] * realtime._costs.maxlen)  # type: ignore[operator]
        reader.get_received()
        arrivals.clear()
        ack = author.emit("post_card", card(client_id=first), callback=True)
        assert ack["ok"], ack
        assert author.emit("post_card", card(client_id=second), callback=True)["ok"]
        wait_until(lambda: arrived(2), timeout=10)
        return arrivals[1] - arrivals[0]

    try:
        # Sends of 25 ms: the next waits PACE × 25 ms (200 ms), not the 20 ms tick.
        assert gap_after_sends_that_took(0.025, "client-slow-1", "client-slow-2") >= realtime.PACE * 0.025 * 0.85
        # Sends of 5 s would ask for PACE × 5 s: the wait stops at MAX_TICK.
        assert gap_after_sends_that_took(5.0, "client-slower-1", "client-slower-2") < realtime.MAX_TICK + 1
    finally:
        realtime._costs.clear()
        app.config["BROADCAST_TICK_MS"] = 0


def test_with_other_workers_heard_from_lately_changes_wait_for_the_sends_of_all_of_them(app: Flask) -> None:
    """Each worker sends a room's changes to its share of the phones: the pause counts every worker
    that relayed something within PEERS_SEEN, so that workers batch as much as one process would."""
    try:
        realtime._costs.clear()
        realtime.sent(0.01)
        alone = realtime._pause
        assert alone == pytest.approx(realtime.PACE * 0.01)
        with app.app_context():
            realtime.relayed({"changes": []}, "another-worker")
        realtime.sent(0.01)
        assert realtime._pause == pytest.approx(2 * alone)
        # A worker silent for longer than PEERS_SEEN no longer counts.
        realtime._peers["another-worker"] = time.monotonic() - realtime.PEERS_SEEN - 1
        realtime.sent(0.01)
        assert realtime._pause == pytest.approx(alone)
    finally:
        realtime._peers.clear()
        realtime._costs.clear()
        realtime._pause = 0.0
