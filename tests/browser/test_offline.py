"""In real Chromium against a real server: a phone off the Wi-Fi catches up exactly and sends what it wrote once."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import pytest

from tests.support.browser import PageWatch
from tests.support.live import LiveServer, Phone, participant_token, post

OFFLINE_SECONDS = 30  # the phone that left the venue's Wi-Fi for half a minute
SOCKET_IO = "**/socket.io/**"
BOARD_CARDS = """() => [...document.querySelectorAll('.board [data-card-id]')].map((card) => [
  Number(card.dataset.cardId), card.querySelector('.card__text').textContent])"""


def join(page: Any, links: dict[str, Any], pseudonym: str) -> dict[str, Any]:
    """Join Salle 1 through the form and return the page's boot data (token, participant, event)."""
    from playwright.sync_api import expect

    page.goto(links["join_url"])
    page.get_by_label("Pseudonyme").fill(pseudonym)
    page.get_by_label("Échelle territoriale").select_option(label="Commune")
    page.get_by_role("group", name="Salle").get_by_role("radio", name="Salle 1").check()
    page.get_by_role("button", name="Rejoindre la salle").click()
    page.wait_for_url(f"**/e/{links['join_code']}")
    expect(page.get_by_role("status").first).to_contain_text("Connecté")
    return dict(page.evaluate("JSON.parse(document.getElementById('boot').textContent)"))


def write(page: Any, text: str) -> None:
    """Write a card on the phone into the Pourquoi ? column."""
    page.get_by_label("Votre carte").fill(text)
    page.get_by_label("Colonne").select_option(label="Pourquoi ?")
    page.get_by_role("button", name="Envoyer").click()


def outbox(page: Any, boot: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the cards the phone keeps in localStorage until they land."""
    key = f"collab:outbox:{boot['event']['id']}:{boot['participant']['id']}"
    return list(page.evaluate("(key) => JSON.parse(localStorage.getItem(key) || '[]')", key))


def assert_board_is_the_database(page: Any, live: LiveServer, token: str, room: int) -> dict[str, Any]:
    """Check that the phone shows exactly what the server lets this participant see; return the snapshot."""
    from playwright.sync_api import expect

    expect(page.locator(".card--pending")).to_have_count(0, timeout=20000)
    reader = Phone(live.url, token).connect()  # the phone's own participant, on another socket
    try:
        synced = reader.call("sync", {"room_id": room, "since": None})
        replay = reader.call("sync", {"room_id": room, "since": 0})
    finally:
        reader.sio.disconnect()
    seq = synced["seq"]
    assert [change["payload"]["seq"] for change in replay["changes"]] == list(range(1, seq + 1))
    expect(page.locator(".board[data-room-id]")).to_have_attribute("data-seq", str(seq), timeout=20000)
    expected = sorted((card["id"], card["text"]) for card in synced["snapshot"]["cards"])
    deadline = time.monotonic() + 10
    while (shown := sorted(tuple(card) for card in page.evaluate(BOARD_CARDS))) != expected:
        assert time.monotonic() < deadline, f"the phone shows {shown}, the database says {expected}"
        time.sleep(0.2)
    assert len({card_id for card_id, _text in shown}) == len(shown)
    return dict(synced)


@pytest.mark.faults  # half a minute offline, by the clock: `make faults`
def test_a_phone_back_from_30_seconds_offline_shows_the_database_and_sends_its_cards_once(
    chromium: Any, server: LiveServer
) -> None:
    from playwright.sync_api import expect

    links = server.create_event(rooms=2)
    server.start()
    room = links["rooms"][0]["id"]
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    watch = PageWatch(page, server.url)
    boot = join(page, links, "Camille")
    token = boot["token"]
    others = [
        Phone(server.url, participant_token(server.url, links["join_code"], name, room)).connect()
        for name in ("Bao", "Chloé")
    ]
    facilitator = Phone(server.url, links["rooms"][0]["facilitator_url"].rsplit("/", 1)[1]).connect()
    before = [post(others[n % 2], f"before-card-{n}", f"Avant la coupure {n}")["card"] for n in range(4)]
    expect(page.get_by_text("Avant la coupure 3")).to_be_visible()

    # Off the Wi-Fi: what the phone writes waits on it, shown pending and kept in localStorage.
    context.set_offline(True)
    went_offline = time.monotonic()
    expect(page.get_by_role("status").first).not_to_contain_text("Connecté", timeout=15000)
    for n in range(2):
        write(page, f"Écrite hors ligne {n}")
    expect(page.locator(".card--pending")).to_have_count(2)
    expect(page.locator(".card--pending").first).to_contain_text("en attente")
    assert sorted(item["text"] for item in outbox(page, boot)) == ["Écrite hors ligne 0", "Écrite hors ligne 1"]

    # Meanwhile the room goes on: posts, a card hidden, one edited, two merged, the room locked and reopened.
    during = [post(others[n % 2], f"during-card-{n}", f"Pendant la coupure {n}")["card"] for n in range(6)]
    assert facilitator.call("hide_card", {"card_id": before[0]["id"]})["ok"]
    assert facilitator.call("edit_card", {"card_id": before[1]["id"], "text": "Avant la coupure 1, reformulée"})["ok"]
    merged = {"card_id": before[2]["id"], "card_ids": [during[0]["id"], during[1]["id"]]}
    assert facilitator.call("merge_cards", merged)["ok"]
    assert facilitator.call("lock_room", {"room_id": room, "locked": True})["ok"]
    refused = post(others[0], "locked-card-0", "Refusée : salle verrouillée")
    assert refused["error"]["code"] == "room_closed"
    assert facilitator.call("lock_room", {"room_id": room, "locked": False})["ok"]
    assert facilitator.call("hide_card", {"card_id": during[3]["id"]})["ok"]
    post(others[1], "after-unlock-0", "Après la réouverture")
    time.sleep(max(0.0, OFFLINE_SECONDS - (time.monotonic() - went_offline)))

    # Back online: the board is the database's, the two cards landed once, the outbox is empty.
    context.set_offline(False)
    expect(page.get_by_role("status").first).to_contain_text("Connecté", timeout=20000)
    synced = assert_board_is_the_database(page, server, token, room)
    texts = Counter(card["text"] for card in synced["snapshot"]["cards"])
    assert texts["Écrite hors ligne 0"] == texts["Écrite hors ligne 1"] == 1
    assert texts["Avant la coupure 1, reformulée"] == 1 and "Avant la coupure 0" not in texts
    assert "Pendant la coupure 0" not in texts and "Refusée : salle verrouillée" not in texts
    assert outbox(page, boot) == []
    expect(page.get_by_text("Avant la coupure 2")).to_have_count(1)

    # Written offline, then the page reloaded back online before its socket could send it: sent once.
    context.set_offline(True)
    expect(page.get_by_role("status").first).not_to_contain_text("Connecté", timeout=15000)
    write(page, "Écrite avant le rechargement")
    expect(page.locator(".card--pending")).to_have_count(1)
    page.route(SOCKET_IO, lambda route: route.abort())  # the page loads, its socket cannot connect
    context.set_offline(False)
    page.reload()
    expect(page.locator(".card--pending")).to_contain_text("Écrite avant le rechargement")
    expect(page.get_by_role("status").first).not_to_contain_text("Connecté")
    post(others[0], "while-reloading-0", "Pendant le rechargement")
    page.unroute(SOCKET_IO)
    expect(page.get_by_role("status").first).to_contain_text("Connecté", timeout=20000)
    synced = assert_board_is_the_database(page, server, token, room)
    texts = Counter(card["text"] for card in synced["snapshot"]["cards"])
    assert texts["Écrite avant le rechargement"] == 1 and texts["Pendant le rechargement"] == 1
    assert outbox(page, boot) == []

    # Failed requests are what being offline looks like; nothing else went wrong.
    assert [p for p in watch.problems if "ERR_INTERNET_DISCONNECTED" not in p and "ERR_FAILED" not in p] == []
    for phone in (*others, facilitator):
        phone.sio.disconnect()
    context.close()


@pytest.mark.faults  # cards landing one by one as `retry_after` allows: `make faults`
def test_a_long_offline_queue_over_the_post_limit_lands_whole_as_the_server_allows(
    chromium: Any, tmp_path: Any
) -> None:
    """The phone sends its queue at once on reconnecting; the server takes 3 and answers `rate_limited`
    with the wait for the others, which stay pending and are sent again when allowed: none lost, none doubled."""
    from playwright.sync_api import expect

    live = LiveServer(tmp_path, {"COLLAB_CREATE_DEMO": "0", "COLLAB_RATE_POSTS": "3/6"})
    try:
        links = live.create_event(rooms=1)
        live.start()
        room = links["rooms"][0]["id"]
        context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        page = context.new_page()
        watch = PageWatch(page, live.url)
        boot = join(page, links, "Dominique")
        context.set_offline(True)
        expect(page.get_by_role("status").first).not_to_contain_text("Connecté", timeout=15000)
        written = [f"Écrite dans le train {n}" for n in range(7)]
        for text in written:
            write(page, text)
        expect(page.locator(".card--pending")).to_have_count(7)

        context.set_offline(False)
        expect(page.get_by_role("status").first).to_contain_text("Connecté", timeout=20000)
        expect(page.locator(".card--pending")).to_have_count(4, timeout=5000)  # 3 landed, 4 wait their turn
        synced = assert_board_is_the_database(page, live, boot["token"], room)  # waits until none is pending
        assert Counter(card["text"] for card in synced["snapshot"]["cards"]) == Counter(written)
        assert outbox(page, boot) == []
        assert [p for p in watch.problems if "ERR_INTERNET_DISCONNECTED" not in p and "ERR_FAILED" not in p] == []
        assert "Traceback" not in live.log()
        context.close()
    finally:
        live.stop()
