"""In real Chromium at 1920×1080 and 1280×720: the plenary screen with a busy room (60 cards)
cuts nothing off, overlaps nothing, and keeps its type readable from the back of the room, in
French and (at 1280×720) in English.

The rule for type: the text people read (cards, phase, room names) is at least 1/40 of the screen's
height when the screen shows one room (the mode to read cards from 15 m), and cards at least 1/48
of it on the overview of every room (four rooms of four columns at a glance).
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.live import LiveServer, participant_token
from tests.test_browser import PageWatch
from tests.test_browser_a11y import shoot
from tests.test_browser_screen_modes import socket

PROJECTORS = [(1920, 1080), (1280, 720)]
COLUMNS = ["pourquoi", "pour_quoi", "comment", "conditions"]
CARDS = 60
MORE_CARDS = {"fr": "autres cartes", "en": "more cards"}  # "+ 12 autres cartes"

# What a person at the back of the room could miss: the page scrolls, a shown card leaves the
# screen or the list that clips it, two shown cards overlap.
LAYOUT = """() => {
  const problems = [];
  const doc = document.scrollingElement;
  if (doc.scrollWidth > innerWidth || doc.scrollHeight > innerHeight) {
    problems.push(`page scrolls ${doc.scrollWidth}×${doc.scrollHeight}`);
  }
  const shown = [...document.querySelectorAll(".card, .ccard, .cgroup")].filter((card) =>
    card.getClientRects().length && getComputedStyle(card).visibility !== "hidden");
  // What of a card shows: its box, cut by the first ancestor that clips (a column's list).
  const visible = (card) => {
    const box = card.getBoundingClientRect();
    let [top, bottom, left, right] = [box.top, box.bottom, box.left, box.right];
    for (let up = card.parentElement; up; up = up.parentElement) {
      const overflow = getComputedStyle(up).overflowY;
      if (overflow === "auto" || overflow === "scroll") return {top, bottom, left, right, scrolls: true};
      if (overflow === "hidden" || overflow === "clip") {
        const outer = up.getBoundingClientRect();
        // Only the newest card of a full column may be cut there, and it fades out (.cards--cut).
        if ((box.bottom > outer.bottom + 0.5 || box.top < outer.top - 0.5) && !card.closest(".cards--cut")) {
          problems.push(`cut by its column: ${card.textContent.slice(0, 40)}`);
        }
        top = Math.max(top, outer.top); bottom = Math.min(bottom, outer.bottom);
        left = Math.max(left, outer.left); right = Math.min(right, outer.right);
        break;
      }
    }
    return {top, bottom, left, right, scrolls: false};
  };
  const boxes = shown.map((card) => [card, visible(card)]);
  for (const [card, box] of boxes) {
    if (box.scrolls) continue; // a scroll container holds it: it is reachable
    if (box.left < 0 || box.top < 0 || box.right > innerWidth + 0.5 || box.bottom > innerHeight + 0.5) {
      problems.push(`off screen: ${card.textContent.slice(0, 40)}`);
    }
  }
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const [a, b] = [boxes[i][1], boxes[j][1]];
    const apart = a.right <= b.left + 0.5 || b.right <= a.left + 0.5
      || a.bottom <= b.top + 0.5 || b.bottom <= a.top + 0.5;
    const [one, other] = [boxes[i][0], boxes[j][0]];
    if (!apart && !one.contains(other) && !other.contains(one)) {
      problems.push(`overlap: ${one.textContent.slice(0, 30)} / ${other.textContent.slice(0, 30)}`);
    }
  }
  return {problems, shown: shown.length};
}"""
SIZES = """(selectors) => Object.fromEntries(selectors.map((selector) => {
  const node = [...document.querySelectorAll(selector)].find((el) => el.getClientRects().length);
  return [selector, node ? parseFloat(getComputedStyle(node).fontSize) : null];
}))"""


def fill_room(live: LiveServer, links: dict[str, Any]) -> None:
    """Post 60 cards of varied length into Salle 1 from ten phones, and a few into Salle 2."""
    room = links["rooms"][0]["id"]
    phones = [socket(live.url, participant_token(live.url, links["join_code"], f"Voix {n}", room)) for n in range(10)]
    for n in range(CARDS):
        text = f"Idée {n + 1} : " + "mutualiser l'ingénierie entre communes voisines " * (1 + n % 3)
        payload = {"client_id": f"projector-card-{n:04d}", "board": "four_questions", "column": COLUMNS[n % 4]}
        ack = phones[n % 10].call("post_card", payload | {"text": text.strip()}, timeout=10)
        assert ack["ok"], ack
    for phone in phones:
        phone.disconnect()
    other = socket(live.url, participant_token(live.url, links["join_code"], "Voisine", links["rooms"][1]["id"]))
    for n in range(3):
        payload = {"client_id": f"projector-other-{n:04d}", "board": "four_questions", "column": COLUMNS[n]}
        assert other.call("post_card", payload | {"text": f"Salle 2, idée {n + 1}"}, timeout=10)["ok"]
    other.disconnect()


# French at both sizes; English on the smaller (its words are longer), at both for the screenshots.
RUNS = [(1920, 1080, "fr"), (1280, 720, "fr"), (1280, 720, "en")]
if os.environ.get("COLLAB_SCREENSHOTS"):
    RUNS.append((1920, 1080, "en"))


@pytest.mark.parametrize(("width", "height", "lang"), RUNS)
def test_a_busy_room_reads_on_the_projector(
    chromium: Any,
    server: LiveServer,
    width: int,
    height: int,
    lang: str,
) -> None:
    from playwright.sync_api import expect

    links = server.create_event(rooms=4)
    server.start()
    fill_room(server, links)
    organiser = socket(server.url, links["organiser_url"].rsplit("/", 1)[1])
    context = chromium.new_context(viewport={"width": width, "height": height})
    screen = context.new_page()
    watch = PageWatch(screen, server.url)
    screen.goto(links["screen_url"] + f"?lang={lang}")
    expect(screen.locator("html")).to_have_attribute("lang", lang)
    expect(screen.locator("[data-status]")).to_have_attribute("data-status", "connected")
    room_1 = screen.get_by_role("region", name="Salle 1", exact=True)
    expect(room_1.locator(".card")).to_have_count(CARDS)

    sizes: dict[str, dict[str, float]] = {}
    for payload in ({"mode": "rooms"}, {"mode": "room", "room_id": links["rooms"][0]["id"]}, {"mode": "combined"}):
        assert organiser.call("set_screen", payload, timeout=10)["ok"]
        expect(screen.locator("body")).to_have_attribute("data-mode", payload["mode"])
        screen.wait_for_timeout(2000)  # the fade-in of new cards, and the columns fitted to the screen
        shoot(screen, f"screen-busy-{payload['mode']}")
        layout = screen.evaluate(LAYOUT)
        assert layout["problems"] == [], (payload["mode"], layout["problems"][:5])
        assert layout["shown"] >= 4, payload["mode"]  # every column of the busy room shows its newest card
        sizes[payload["mode"]] = screen.evaluate(
            SIZES, [".card__text", ".ccard__text", ".column__title", ".room__name", ".phase--now .phase__title"]
        )
        if payload["mode"] != "combined":
            # The cards that do not fit are counted, not lost: "+ N autres cartes" in each full column.
            more = room_1.locator("[data-more]:not([hidden])")
            expect(more.first).to_contain_text(MORE_CARDS[lang])
    organiser.disconnect()
    print(f"{width}×{height}", sizes)

    overview, single = sizes["rooms"], sizes["room"]
    assert overview[".card__text"] >= height / 48, overview
    assert overview[".phase--now .phase__title"] >= height / 40, overview
    assert single[".card__text"] >= height / 40, single
    assert single[".room__name"] >= height / 40, single
    assert watch.problems == []
    context.close()
