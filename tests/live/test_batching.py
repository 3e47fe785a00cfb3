"""Batched changes and throttled counts, against a real server process (the default tick and interval)."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from tests.support.crowd import build_day, connect_all
from tests.support.live import LiveServer, Phone, participant_token, post, wait_until

CARD = {"board": "four_questions", "column": "pourquoi"}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    """Start a real server on a new SQLite file, with a tick long enough to gather a burst."""
    live = LiveServer(tmp_path, {"COLLAB_CREATE_DEMO": "0", "COLLAB_BROADCAST_TICK_MS": "100"})
    yield live
    live.stop()


def token(url: str) -> str:
    """Return the token at the end of a secret link."""
    return url.rsplit("/", 1)[1]


def seqs(phone: Phone, room_id: int) -> list[int]:
    """Return the seq of every numbered change the phone received for the room, in arrival order."""
    return [p["seq"] for _name, p in phone.events if isinstance(p, dict) and p.get("room_id") == room_id and "seq" in p]


def test_a_burst_of_cards_reaches_the_room_in_fewer_messages_in_seq_order(server: LiveServer) -> None:
    links = server.create_event(rooms=1)
    server.start()
    room = links["rooms"][0]["id"]
    writers = [
        Phone(server.url, participant_token(server.url, links["join_code"], f"P{n}", room)).connect() for n in range(4)
    ]
    reader = Phone(server.url, participant_token(server.url, links["join_code"], "Lectrice", room)).connect()
    screen = Phone(server.url, token(links["screen_url"])).connect()
    acks: list[dict[str, Any]] = []

    def write(n: int) -> None:
        for k in range(5):
            acks.append(post(writers[n], f"burst-{n}-{k:04d}", f"carte {n}.{k}"))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(acks) == 20 and all(ack["ok"] for ack in acks)
    for phone in (reader, screen):
        assert len(phone.wait_for("card_posted", 20)) == 20
        assert seqs(phone, room) == list(range(1, 21))  # every change once, in order, none skipped
        # Four phones posting at once: some changes shared a message.
        assert len(phone.batches) < 20
        assert all(batch["room_id"] == room for batch in phone.batches)


def test_the_author_gets_its_held_card_whole_once_and_in_order_amid_a_burst(server: LiveServer) -> None:
    links = server.create_event(rooms=1)
    server.start()
    room = links["rooms"][0]["id"]
    author = Phone(server.url, participant_token(server.url, links["join_code"], "Autrice", room)).connect()
    other = Phone(server.url, participant_token(server.url, links["join_code"], "Autre", room)).connect()
    facilitator = Phone(server.url, token(links["rooms"][0]["facilitator_url"])).connect()
    assert facilitator.call("set_card_modes", {"room_id": room, "reveal_mode": True})["ok"]
    others: list[dict[str, Any]] = []
    writer = threading.Thread(target=lambda: others.extend(post(other, f"other-{k:04d}", "x") for k in range(10)))
    writer.start()
    held = post(author, "author-held-1", "Ma carte cachée")
    writer.join(30)
    assert held["ok"] and held["card"]["held"] == "reveal"
    last = max([held["seq"], *[ack["seq"] for ack in others]])
    wait_until(lambda: last in seqs(author, room) and last in seqs(other, room))
    # The author gets its card whole, once, in its place: every seq arrives once and in order.
    mine = [p for name, p in author.events if name == "card_posted" and p["seq"] == held["seq"]]
    assert [p["card"]["text"] for p in mine] == ["Ma carte cachée"]
    assert seqs(author, room) == list(range(1, last + 1))
    # The other phone only ever sees the placeholder.
    theirs = [p for name, p in other.events if name == "card_posted" and p["seq"] == held["seq"]]
    assert [p["card"]["text"] for p in theirs] == [None]


def test_vote_results_are_throttled_and_the_last_counts_arrive(server: LiveServer) -> None:
    links = server.create_event(rooms=1)
    server.start()
    room = links["rooms"][0]["id"]
    organiser = Phone(server.url, token(links["organiser_url"])).connect()
    screen = Phone(server.url, token(links["screen_url"])).connect()
    phones = [
        Phone(server.url, participant_token(server.url, links["join_code"], f"V{n}", room)).connect() for n in range(12)
    ]
    hypothesis = organiser.call("get_hypotheses", {})["hypotheses"][0]["id"]
    assert organiser.call("open_hypothesis", {"hypothesis_id": hypothesis})["ok"]
    threads = [
        threading.Thread(
            target=phone.call, args=("vote_hypothesis", {"hypothesis_id": hypothesis, "verdict": "validee"})
        )
        for phone in phones
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    wait_until(lambda: any(p["results"]["total"] == 12 for n, p in screen.events if n == "hypothesis_results"))
    time.sleep(0.6)  # longer than an interval: nothing else is on its way
    results = [p for n, p in screen.events if n == "hypothesis_results"]
    assert results[-1]["results"] == {"validee": 12, "infirmee": 0, "a_nuancer": 0, "total": 12}
    assert len(results) < 12


def test_the_author_hears_its_acknowledgement_before_its_card_goes_round_the_room(server: LiveServer) -> None:
    links = server.create_event(rooms=1)
    server.start()
    room = links["rooms"][0]["id"]
    author = Phone(server.url, participant_token(server.url, links["join_code"], "Autrice", room)).connect()
    for n in range(3):
        time.sleep(0.2)  # a quiet tick: the change leaves without waiting for others
        # The card's own change had not reached its author when the acknowledgement did.
        assert heard_when_acknowledged(author, f"first-{n:04d}") == n
        assert len(author.wait_for("card_posted", n + 1)) == n + 1


def heard_when_acknowledged(phone: Phone, client_id: str) -> int:
    """Post a card; return how many cards the phone had heard of when the acknowledgement arrived."""
    heard: list[int] = []
    acked = threading.Event()

    def on_ack(ack: dict[str, Any]) -> None:
        assert ack["ok"]
        heard.append(len(phone.wait_for("card_posted", 0)))
        acked.set()

    phone.sio.emit("post_card", {**CARD, "client_id": client_id, "text": client_id}, callback=on_ack)
    assert acked.wait(10)
    return heard[0]


def test_200_phones_arriving_and_leaving_at_once_are_counted_and_recorded(tmp_path: Path) -> None:
    day = build_day(f"sqlite:///{tmp_path / 'collab.sqlite3'}", people=200)
    live = LiveServer(tmp_path, {"COLLAB_CREATE_DEMO": "0", "COLLAB_SECRET_KEY": day["secret"]})
    live.start()
    try:
        screen = Phone(live.url, day["screen_token"]).connect()
        # A reconnect storm: 50 handshakes at a time, their presence written a batch per interval.
        phones = connect_all(live.url, day["participant_tokens"], parallel=50)
        wait_until(lambda: shown(screen)["total"] == 200)
        assert presence_rows(tmp_path) == 200
        by_room = {room["room_id"]: room["count"] for room in shown(screen)["rooms"]}
        assert sum(by_room.values()) == 200 and set(by_room) == set(day["rooms"])
        threads = [threading.Thread(target=phone.close) for phone in phones]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        wait_until(lambda: shown(screen)["total"] == 0)
        assert presence_rows(tmp_path) == 0
        screen.sio.disconnect()
    finally:
        live.stop()
    assert "Traceback" not in live.log()


def shown(screen: Phone) -> dict[str, Any]:
    """Return the last `presence_changed` a screen received (none yet: no one)."""
    return next((p for n, p in reversed(screen.events) if n == "presence_changed"), {"total": None, "rooms": []})


def presence_rows(workdir: Path) -> int:
    """Return how many sockets the server's presence table holds."""
    with closing(sqlite3.connect(workdir / "collab.sqlite3")) as connection:
        return int(connection.execute("SELECT count(*) FROM presence").fetchone()[0])
