"""In real Chromium at 1920×1080 and 1280×720: the plenary screen on a full day (250 cards a room,
some of 500 characters) cuts no text mid-line, overlaps nothing, puts nothing outside the
screen, keeps its type readable from the back of the room, and shows every card of a room within
a bounded time; in French and (at 1280×720) in English. A closed seminar keeps its header and
the organiser still drives its screen.

The rule for type: the text people read (cards, phase, room names) is at least 1/40 of the screen's
height when the screen shows one room (the mode to read cards from 15 m), and cards at least 1/48
of it on the overview of every room (four rooms of four columns at a glance).
"""

from __future__ import annotations

import math
import os
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from collab import create_app
from collab.domain.access import principal_for_participant
from collab.domain.cards import post_card
from collab.domain.participants import join_event
from collab.store.database import db
from tests.support.apps import app_config
from tests.support.browser import PageWatch, shoot, socket
from tests.support.live import LiveServer, participant_token
from tests.support.plenary import looks_right

PROJECTORS = [(1920, 1080), (1280, 720)]
COLUMNS = ["pourquoi", "pour_quoi", "comment", "conditions"]
CARDS = 250  # a room's cards on a full day
VOICES = 12  # the phones that write them
CARD_MAX = 500
MORE_CARDS = {"fr": "autres cartes", "en": "more cards"}  # "+ 12 autres cartes"
PAGE_MS = 12000  # PAGE_MS in static/js/lib/screen/rooms.js: one room alone turns a page this often
# The bound the README promises: one room alone shows every card within ⌈n / 2⌉ pages, n the
# cards of its longest column (a page holds at least two cards clamped to four lines).
IDEAS = [
    "mutualiser l'ingénierie entre communes voisines",
    "un diagnostic partagé du territoire avant toute décision",
    "la confiance entre élus se construit dans la durée",
    "associer les habitants dès le début du projet",
    "des moyens financiers pérennes, pas des appels à projets",
    "clarifier qui fait quoi entre l'intercommunalité et les communes",
    "un animateur neutre pour les réunions du comité de pilotage",
    "former les agents à la coopération et au travail en réseau",
    "sortir de la logique de guichet",
    "des outils numériques partagés et simples",
    "un calendrier réaliste qui tient compte des élections",
    "échanger les bonnes pratiques avec d'autres territoires",
]

# The ids of a room's cards on its shown board: every one, or those on screen now.
CARD_IDS = """([roomId, shown]) => [...document.querySelectorAll(
  `.room[data-room-id="${roomId}"] .columns:not([hidden]) .card[data-card-id]`)]
  .filter((card) => !shown || (card.getClientRects().length && getComputedStyle(card).visibility !== "hidden"))
  .map((card) => Number(card.dataset.cardId))"""
SIZES = """(selectors) => Object.fromEntries(selectors.map((selector) => {
  const node = [...document.querySelectorAll(selector)].find((el) => el.getClientRects().length);
  return [selector, node ? parseFloat(getComputedStyle(node).fontSize) : null];
}))"""


def fill_rooms(live: LiveServer, links: dict[str, Any], per_room: int = CARDS) -> None:
    """Write `per_room` cards of varied length (some of 500 characters) into each room, through the domain.

    A thousand socket round trips would make the test slow; the domain functions write the same
    cards straight into the server's database, before it starts.
    """
    app = create_app(app_config(live.env["COLLAB_DATABASE_URL"], live.workdir))
    with app.app_context():
        for index, room in enumerate(links["rooms"]):
            joined = [join_event(links["join_code"], f"Voix {index}-{n}", "commune", room["id"]) for n in range(VOICES)]
            voices = [principal_for_participant(participant["id"]) for participant in joined]
            for n in range(per_room):
                text = card_text(index * per_room + n)
                post_card(voices[n % VOICES], f"projector-{index}-{n:04d}", "four_questions", COLUMNS[n % 4], text)
    db.dispose()


def card_text(n: int) -> str:
    """Return the text of the n-th card: short, medium, long, and every seventh of 500 characters."""
    start = IDEAS[n % len(IDEAS)]
    if n % 7 == 3:
        long = f"Idée {n + 1} : " + " ".join(IDEAS[(n + k) % len(IDEAS)] for k in range(12))
        return long[: CARD_MAX + 1].rsplit(" ", 1)[0]  # whole words, at most 500 characters
    return f"Idée {n + 1} : " + " ".join([start, *IDEAS[n % 5 : n % 5 + n % 4]])


# French at both sizes; English on the smaller (its words are longer), at both for the screenshots.
RUNS = [(1920, 1080, "fr"), (1280, 720, "fr"), (1280, 720, "en")]
if os.environ.get("COLLAB_SCREENSHOTS"):
    RUNS.append((1920, 1080, "en"))


def open_screen(chromium: Any, links: dict[str, Any], width: int, height: int, lang: str) -> tuple[Any, Any]:
    """Open the screen on a paused clock (the test turns one room's pages); return its context and page."""
    from playwright.sync_api import expect

    context = chromium.new_context(viewport={"width": width, "height": height})
    screen = context.new_page()
    screen.clock.install()
    screen.goto(links["screen_url"] + f"?lang={lang}")
    expect(screen.locator("html")).to_have_attribute("lang", lang)
    expect(screen.locator("[data-status]")).to_have_attribute("data-status", "connected")
    screen.clock.pause_at(datetime.now(UTC) + timedelta(seconds=2))
    return context, screen


@pytest.mark.parametrize(("width", "height", "lang"), RUNS)
def test_a_full_day_reads_on_the_projector(
    chromium: Any,
    server: LiveServer,
    width: int,
    height: int,
    lang: str,
) -> None:
    from playwright.sync_api import expect

    links = server.create_event(rooms=4)
    fill_rooms(server, links)
    server.start()
    organiser = socket(server.url, links["organiser_url"].rsplit("/", 1)[1])
    context, screen = open_screen(chromium, links, width, height, lang)
    watch = PageWatch(screen, server.url)
    room_id = links["rooms"][0]["id"]
    room_1 = screen.get_by_role("region", name="Salle 1", exact=True)
    expect(room_1.locator(".card")).to_have_count(CARDS, timeout=20000)  # a thousand cards to sync

    sizes: dict[str, dict[str, float]] = {}
    for payload in ({"mode": "rooms"}, {"mode": "room", "room_id": room_id}, {"mode": "combined"}):
        assert organiser.call("set_screen", payload, timeout=10)["ok"]
        expect(screen.locator("body")).to_have_attribute("data-mode", payload["mode"])
        if payload["mode"] == "combined":
            expect(screen.locator(".cgroup").first).to_be_visible()  # the server's grouping came back
        shoot(screen, f"screen-busy-{payload['mode']}")
        layout = looks_right(screen, payload["mode"])
        assert layout["shown"] >= 4, payload["mode"]  # every column shows its newest cards
        assert layout["clamped"] >= 1, payload["mode"]  # the long cards end with an ellipsis
        sizes[payload["mode"]] = screen.evaluate(
            SIZES, [".card__text", ".ccard__text", ".column__title", ".room__name", ".phase--now .phase__title"]
        )
        if payload["mode"] == "rooms":
            # The cards that do not fit are counted, not lost: "+ N autres cartes" in each full column.
            more = room_1.locator("[data-more]:not([hidden])")
            expect(more).to_have_count(len(COLUMNS))
            expect(more.first).to_contain_text(MORE_CARDS[lang])

    # The word cloud of the day: no long or repeated card takes it over, nothing leaves the screen.
    assert organiser.call("set_screen", {"mode": "wordcloud", "board": None}, timeout=10)["ok"]
    expect(screen.locator(".wordcloud__word").first).to_be_visible()
    shoot(screen, "screen-busy-wordcloud")
    looks_right(screen, "wordcloud")
    words = screen.locator(".wordcloud__word")
    last = words.nth(words.count() - 1).bounding_box()
    assert last is not None and last["y"] + last["height"] <= height, last

    # One room alone pages through all its cards by itself: each is on screen within the bound.
    assert organiser.call("set_screen", {"mode": "room", "room_id": room_id}, timeout=10)["ok"]
    expect(screen.locator("body")).to_have_attribute("data-mode", "room")
    every = set(screen.evaluate(CARD_IDS, [room_id, False]))
    assert len(every) == CARDS
    pages = int(room_1.get_attribute("data-pages") or 0)
    assert 2 <= pages <= math.ceil(CARDS / len(COLUMNS) / 2), pages
    expect(room_1.locator("[data-page]:not([hidden])").first).to_contain_text("1 / ")
    seen: set[int] = set()
    for page in range(pages):
        shown = screen.evaluate(CARD_IDS, [room_id, True])
        assert len(shown) >= len(COLUMNS), (page, len(shown))  # every column shows a page
        seen |= set(shown)
        looks_right(screen, f"room, page {page + 1}")
        if page == 1:
            expect(room_1.locator("[data-page]:not([hidden])").first).to_contain_text("2 / ")
            shoot(screen, "screen-busy-room-page-2")
        screen.clock.run_for(PAGE_MS)
    assert seen == every, f"{len(every - seen)} cards never shown in {pages} pages"
    organiser.disconnect()
    print(f"{width}×{height}", sizes, f"{pages} pages")

    overview, single = sizes["rooms"], sizes["room"]
    assert overview[".card__text"] >= height / 48, overview
    assert overview[".phase--now .phase__title"] >= height / 40, overview
    assert single[".card__text"] >= height / 40, single
    assert single[".room__name"] >= height / 40, single
    assert watch.problems == []
    context.close()


@pytest.mark.parametrize(("width", "height"), PROJECTORS)
def test_a_closed_hypothesis_fits_the_screen_whole(chromium: Any, server: LiveServer, width: int, height: int) -> None:
    from playwright.sync_api import expect

    links = server.create_event(rooms=2)
    server.start()
    organiser = socket(server.url, links["organiser_url"].rsplit("/", 1)[1])
    # Six voters from six territorial scales: six bars by scale under the results.
    scales = ["commune", "intercommunalite", "departement", "region", "etat", "europe"]
    room = links["rooms"][0]["id"]
    phones = [
        socket(server.url, participant_token(server.url, links["join_code"], f"Votant {n}", room, scale))
        for n, scale in enumerate(scales)
    ]
    phone = phones[0]
    # Three long cards cited as evidence: the screen shows them, clamped.
    card = "Un poste de chargé de mission mutualisé entre trois intercommunalités rurales, " * 4
    cited = []
    for n in range(3):
        posted = {"client_id": f"projector-cited-{n:04d}", "board": "four_questions", "column": "comment"}
        posted["text"] = card[:280]
        ack = phone.call("post_card", posted, timeout=10)
        assert ack["ok"], ack
        cited.append(ack["card"]["id"])
    text = "Les intercommunalités deviennent le lieu de la coopération " + "entre communes voisines, " * 20
    saved = organiser.call(
        "save_hypothesis", {"hypothesis_id": None, "text": text[:500], "evidence": cited}, timeout=10
    )
    hypothesis_id = saved["hypothesis"]["id"]
    assert organiser.call("open_hypothesis", {"hypothesis_id": hypothesis_id}, timeout=10)["ok"]
    reason = "Oui, à condition que les maires gardent la main sur les décisions qui touchent leur commune. " * 3
    vote = {"hypothesis_id": hypothesis_id, "verdict": "a_nuancer", "reason": reason[:280]}
    assert phone.call("vote_hypothesis", vote, timeout=10)["ok"]
    for other, verdict in zip(phones[1:], ("validee", "infirmee", "validee", "a_nuancer", "validee"), strict=True):
        assert other.call("vote_hypothesis", vote | {"verdict": verdict, "reason": ""}, timeout=10)["ok"]
    assert organiser.call("close_hypothesis", {"hypothesis_id": hypothesis_id}, timeout=10)["ok"]
    conclusion = "Validée, à condition que la gouvernance reste partagée et que chaque commune garde sa voix. " * 8
    concluded = {"hypothesis_id": hypothesis_id, "conclusion": conclusion}
    assert organiser.call("conclude_hypothesis", concluded, timeout=10)["ok"]
    assert organiser.call("set_screen", {"mode": "hypothesis", "hypothesis_id": hypothesis_id}, timeout=10)["ok"]
    context, screen = open_screen(chromium, links, width, height, "fr")
    expect(screen.locator("body")).to_have_attribute("data-mode", "hypothesis")
    expect(screen.locator(".hyp-reason")).to_have_count(1)
    expect(screen.locator(".hyp-scale")).to_have_count(6)
    expect(screen.locator(".hyp-cited__card")).to_have_count(2)  # the first two, and "et 1 autre"
    expect(screen.locator(".hyp-cited__more")).to_have_text("et 1 autre")
    ending = screen.locator(".hyp-results__conclusion")
    expect(ending).to_be_visible()
    shoot(screen, "screen-hypothesis-closed")
    layout = looks_right(screen, "hypothesis")
    assert layout["clamped"] >= 1  # the long conclusion ends with an ellipsis, inside the screen
    box = ending.bounding_box()
    assert box is not None and box["y"] + box["height"] <= height
    for someone in phones:
        someone.disconnect()
    organiser.disconnect()
    context.close()


def test_a_closed_seminar_keeps_its_header_and_the_organiser_drives_its_screen(
    chromium: Any, server: LiveServer
) -> None:
    from playwright.sync_api import expect

    links = server.create_event(rooms=4)
    fill_rooms(server, links, per_room=12)
    server.start()
    organiser = socket(server.url, links["organiser_url"].rsplit("/", 1)[1])
    assert organiser.call("close_event", {}, timeout=10)["closed"] is True
    context, screen = open_screen(chromium, links, 1280, 720, "fr")
    watch = PageWatch(screen, server.url)
    for reload in (False, True):
        if reload:
            screen.reload()
            expect(screen.locator("[data-status]")).to_have_attribute("data-status", "connected")
        expect(screen.locator("[data-closed-banner]")).to_be_visible()
        header = screen.locator(".screen__top")
        expect(header.locator("[data-event-title]")).to_be_visible()
        expect(header.locator(".screen__qr")).to_be_visible()
        top = header.bounding_box()
        rooms = screen.locator(".screen__rooms").bounding_box()
        assert top is not None and rooms is not None
        # The header is on screen, whole, and the boards start below it.
        assert top["y"] >= 0 and top["height"] > 100 and rooms["y"] >= top["y"] + top["height"] - 0.5, (top, rooms)
        looks_right(screen, "closed")
    # Presenting is reading: every mode is still the organiser's to choose.
    room_id = links["rooms"][1]["id"]
    for payload in (
        {"mode": "room", "room_id": room_id},
        {"mode": "combined"},
        {"mode": "wordcloud", "board": None},
        {"mode": "syntheses"},
        {"mode": "welcome"},
        {"mode": "rooms"},
    ):
        ack = organiser.call("set_screen", payload, timeout=10)
        assert ack["ok"], ack
        expect(screen.locator("body")).to_have_attribute("data-mode", payload["mode"])
        screen.clock.run_for(2000)
        if payload["mode"] != "welcome":  # the welcome view is a header of its own
            expect(screen.locator(".screen__top")).to_be_visible()
        looks_right(screen, f"closed, {payload['mode']}")
    shoot(screen, "screen-closed")
    organiser.disconnect()
    assert watch.problems == []
    context.close()
