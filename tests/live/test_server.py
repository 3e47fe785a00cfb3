"""Against a real server process (`python app.py`, eventlet, a SQLite file) with python-socketio clients."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import socketio

from tests.support.live import UNLIMITED, LiveServer, Phone, participant_token, post


def test_make_run_on_an_empty_database_creates_and_prints_the_demo_event(tmp_path: Path) -> None:
    live = LiveServer(tmp_path)
    live.start()
    try:
        printed = live.log()
        assert "Code participant" in printed
        assert f"{live.url}/j/" in printed and f"{live.url}/s/" in printed and f"{live.url}/f/" in printed
        # The admin link is printed on the first start only; the command prints it again.
        admin_url = live.flask("admin-link").split(" : ", 1)[1].strip()
        assert admin_url.startswith(f"{live.url}/a/") and admin_url in printed
        live.stop()
        live.start()
        assert printed.count(admin_url) == 1 and live.log().count(admin_url) == 1
        assert "collab admin-link" in live.log()
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
    # Bao's own snapshot: Alix's would also hold her hidden card, marked hidden, hers alone to see.
    everyone = bao.call("sync", {"room_id": room, "since": None})["snapshot"]["cards"]
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


def post_from_both(phones: tuple[Phone, Phone], client_id: str, text: str) -> list[dict[str, Any]]:
    """Post the same card from two sockets at the same moment; return both acknowledgements."""
    start = threading.Barrier(2)
    acks: list[dict[str, Any]] = [{}, {}]

    def one(n: int) -> None:
        start.wait(timeout=10)
        acks[n] = post(phones[n], client_id, text)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return acks


def posted_until_sentinel(watcher: Phone, sentinel: str) -> list[dict[str, Any]]:
    """Post a sentinel card from `watcher` and return the cards it received up to its own one.

    A socket's messages leave the server in order: a broadcast made before the sentinel's post
    arrives before the sentinel's `card_posted`, so no waiting is needed to know none came.
    """
    post(watcher, sentinel, sentinel)
    deadline = time.monotonic() + 10
    with watcher.arrived:
        while not any(n == "card_posted" and p["card"]["client_id"] == sentinel for n, p in watcher.events):
            assert time.monotonic() < deadline, "the sentinel card never came back"
            watcher.arrived.wait(0.5)
        cards = [p["card"] for n, p in watcher.events if n == "card_posted"]
        watcher.events.clear()
    return cards[: [card["client_id"] for card in cards].index(sentinel)]


@pytest.mark.faults  # server processes killed and raced, twice each: `make faults`
def test_one_client_id_posted_at_once_from_two_sockets_lands_once_also_after_a_restart(
    database_url: str, tmp_path: Path
) -> None:
    server = LiveServer(tmp_path, {"COLLAB_CREATE_DEMO": "0", "COLLAB_DATABASE_URL": database_url} | UNLIMITED)
    try:
        links = server.create_event(rooms=1)
        server.start()
        room, code = links["rooms"][0]["id"], links["join_code"]
        token = participant_token(server.url, code, "Élise", room)
        watcher_token = participant_token(server.url, code, "Fanny", room)
        twins = {f"twin-card-{n:02}": f"Carte jumelle {n}" for n in range(20)}

        phones = (Phone(server.url, token).connect(), Phone(server.url, token).connect())
        watcher = Phone(server.url, watcher_token).connect()
        first = {client_id: post_from_both(phones, client_id, text) for client_id, text in twins.items()}
        for client_id, (one, other) in first.items():
            assert one["ok"] and one == other, client_id
        # One broadcast per card, none for the second post of each.
        assert [card["client_id"] for card in posted_until_sentinel(watcher, "sentinel-1")] == list(twins)
        for phone in (*phones, watcher):
            phone.sio.disconnect()

        server.stop(signal.SIGKILL)
        server.start()
        phones = (Phone(server.url, token).connect(), Phone(server.url, token).connect())
        watcher = Phone(server.url, watcher_token).connect()
        for client_id, text in twins.items():
            assert post_from_both(phones, client_id, text) == first[client_id]
        assert posted_until_sentinel(watcher, "sentinel-2") == []

        synced = watcher.call("sync", {"room_id": room, "since": None})
        texts = [card["text"] for card in synced["snapshot"]["cards"]]
        assert texts == [*twins.values(), "sentinel-1", "sentinel-2"]
        assert synced["seq"] == len(texts)  # numbers without gaps: a refused duplicate took none
        for phone in (*phones, watcher):
            phone.sio.disconnect()
    finally:
        server.stop()


@pytest.mark.faults  # server processes killed and raced, twice each: `make faults`
def test_one_client_id_posted_at_once_through_two_server_processes_lands_once(
    database_url: str, tmp_path: Path
) -> None:
    """One eventlet process runs a post's database work without yielding, so the twins above are
    served one after the other; two processes on one database really race, into the unique index."""
    env = {"COLLAB_CREATE_DEMO": "0", "COLLAB_DATABASE_URL": database_url} | UNLIMITED
    first_server, second_server = LiveServer(tmp_path, env), LiveServer(tmp_path, env)
    try:
        links = first_server.create_event(rooms=1)
        first_server.start()
        second_server.start()
        room = links["rooms"][0]["id"]
        token = participant_token(first_server.url, links["join_code"], "Gaël", room)
        phones = (Phone(first_server.url, token).connect(), Phone(second_server.url, token).connect())
        twins = {f"twin-process-{n:02}": f"Carte jumelle {n}" for n in range(30)}
        for client_id, text in twins.items():
            one, other = post_from_both(phones, client_id, text)
            assert one["ok"] and one == other, client_id
        synced = phones[0].call("sync", {"room_id": room, "since": None})
        assert [card["text"] for card in synced["snapshot"]["cards"]] == list(twins.values())
        assert synced["seq"] == len(twins)
        for phone in phones:
            phone.sio.disconnect()
    finally:
        first_server.stop()
        second_server.stop()
