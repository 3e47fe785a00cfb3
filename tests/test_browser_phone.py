"""In real Chromium emulating cheap phones (360×640, 390×844, touch, 2× pixels): no sideways
scroll, thumb-sized targets, the field and the send button reachable with the keyboard open, an
honest connection state, and a first load under 100 KB over the wire."""

from __future__ import annotations

import os
from typing import Any

import pytest

from bench.first_load import BUDGET_BYTES, measure
from tests.live import LiveServer
from tests.test_browser import PageWatch, join_form
from tests.test_browser_a11y import shoot, speaker
from tests.test_browser_screen_modes import socket

PHONES = [(360, 640), (390, 844)]
TAP = 44
KEYBOARD_OPEN_HEIGHT = 300  # what is left of a 640 px screen above an on-screen keyboard

# Every visible control smaller than a thumb (a radio or checkbox is tapped through its label).
SMALL_TARGETS = """(tap) => {
  const out = [];
  for (const el of document.querySelectorAll("a[href], button, input, select, textarea, summary, [tabindex]")) {
    if (el.type === "hidden" || !el.getClientRects().length || getComputedStyle(el).visibility === "hidden") continue;
    const target = (el.matches("input[type=radio], input[type=checkbox]") && el.closest("label")) || el;
    const box = target.getBoundingClientRect();
    const size = `${Math.round(box.width)}×${Math.round(box.height)}`;
    if (box.height < tap || box.width < tap) out.push(`${size} ${target.outerHTML.slice(0, 90)}`);
  }
  return out;
}"""
NO_SIDEWAYS_SCROLL = "document.scrollingElement.scrollWidth <= window.innerWidth"
# Every visible label or button whose words do not fit its box (cut, or hidden behind an ellipsis).
CUT_WORDS = """() => [...document.querySelectorAll("label, legend, button, [class$='__label']")]
  .filter((el) => el.getClientRects().length && el.scrollWidth > el.clientWidth + 1)
  .map((el) => `${el.scrollWidth}>${el.clientWidth} ${el.textContent.trim().slice(0, 60)}`)"""


def phone_context(browser: Any, width: int, height: int) -> Any:
    """Return a browser context emulating a phone held upright."""
    return browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=True, has_touch=True, device_scale_factor=2
    )


# French at both sizes; English, whose words are longer, on the narrowest phone (at both for the screenshots).
RUNS = [(360, 640, "fr"), (390, 844, "fr"), (360, 640, "en")]
if os.environ.get("COLLAB_SCREENSHOTS"):
    RUNS.append((390, 844, "en"))


@pytest.mark.parametrize(("width", "height", "lang"), RUNS)
def test_a_phone_fits_the_thumb_and_the_keyboard(
    chromium: Any,
    server: LiveServer,
    width: int,
    height: int,
    lang: str,
) -> None:
    from playwright.sync_api import expect

    say = speaker(lang)
    links = server.create_event(rooms=3)
    server.start()
    context = phone_context(chromium, width, height)
    page = context.new_page()
    watch = PageWatch(page, server.url)
    page.goto(server.url + f"/?lang={lang}")
    assert page.evaluate(NO_SIDEWAYS_SCROLL) and page.evaluate(SMALL_TARGETS, TAP) == [], "home"
    page.goto(links["join_url"])
    expect(page.locator("html")).to_have_attribute("lang", lang)
    assert page.evaluate(NO_SIDEWAYS_SCROLL) and page.evaluate(SMALL_TARGETS, TAP) == [], "join"
    join_form(page, links["join_code"], "Une participante au pseudonyme long", "Salle 2", say=say)
    # A long card must wrap, not widen the page.
    page.get_by_label(say("Votre carte")).fill("Mutualiser-l'ingénierie-territoriale-entre-intercommunalités " * 4)
    page.get_by_role("button", name=say("Envoyer")).click()
    expect(page.locator(".card").first).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL), "phone"
    assert page.evaluate(SMALL_TARGETS, TAP) == [], "phone"
    assert page.evaluate(CUT_WORDS) == [], "phone"

    # The field and its column sit in the lower half of the screen, where the thumb is.
    for field in (page.get_by_label(say("Colonne")), page.get_by_label(say("Votre carte"))):
        box = field.bounding_box()
        assert box is not None and box["y"] >= height / 2 and box["y"] + box["height"] <= height, box

    # The keyboard opens: the viewport shrinks to 300 px; the field, its column and Envoyer stay in it.
    page.get_by_label(say("Votre carte")).focus()
    page.get_by_label(say("Votre carte")).fill("Écrite le clavier ouvert")
    page.set_viewport_size({"width": width, "height": KEYBOARD_OPEN_HEIGHT})
    page.wait_for_timeout(200)
    for control in (
        page.get_by_role("button", name=say("Envoyer")),
        page.get_by_label(say("Votre carte")),
        page.get_by_label(say("Colonne")),
    ):
        box = control.bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= KEYBOARD_OPEN_HEIGHT, box
    page.get_by_role("button", name=say("Envoyer")).click()
    expect(page.locator(".card", has_text="Écrite le clavier ouvert")).to_be_visible()
    page.set_viewport_size({"width": width, "height": height})
    shoot(page, "phone-written")

    # Every moment of the day on the phone: the case study with its roles, atelier 3's fields,
    # a plenary's waiting screen, a dot vote on the cards.
    organiser = socket(server.url, links["organiser_url"].rsplit("/", 1)[1])
    programme = page.evaluate("JSON.parse(document.getElementById('boot').textContent).event.programme")
    moments = {
        "phone-case-study": next(p for p in programme if p.get("activity") == "case_study"),
        "phone-competences": next(p for p in programme if p.get("activity") == "competences"),
        "phone-plenary": next(p for p in programme if not p.get("activity")),
        "phone-four-questions": next(p for p in programme if p.get("activity") == "four_questions"),
    }
    for shot, phase in moments.items():
        assert organiser.call("set_phase", {"phase_id": phase["id"]}, timeout=10)["ok"]
        page.wait_for_timeout(800)
        assert page.evaluate(NO_SIDEWAYS_SCROLL), shot
        assert page.evaluate(SMALL_TARGETS, TAP) == [], shot
        assert page.evaluate(CUT_WORDS) == [], shot
        shoot(page, shot)
    room = links["rooms"][1]["id"]
    assert organiser.call("open_vote", {"room_id": room, "dots": 3}, timeout=10)["ok"]
    expect(page.get_by_role("region", name=say("Vote par points"))).to_be_visible()
    assert page.evaluate(SMALL_TARGETS, TAP) == [], "dot vote"
    assert page.evaluate(NO_SIDEWAYS_SCROLL), "dot vote"
    shoot(page, "phone-dot-vote")
    organiser.disconnect()
    assert watch.problems == []
    context.close()


def test_the_connection_state_is_honest_and_a_card_waits_until_acknowledged(chromium: Any, server: LiveServer) -> None:
    from playwright.sync_api import expect

    links = server.create_event(rooms=2)
    server.start()
    context = phone_context(chromium, 360, 640)
    page = context.new_page()
    page.goto(links["join_url"])
    join_form(page, links["join_code"], "Camille", "Salle 1")
    status = page.locator(".topbar [data-status]")
    expect(status).to_have_text("Connecté")

    # Off the Wi-Fi: "Hors ligne", and a card written now is shown pending.
    context.set_offline(True)
    expect(status).to_have_text("Hors ligne")
    expect(status).to_have_attribute("data-status", "offline")
    page.get_by_label("Votre carte").fill("Écrite hors ligne")
    page.get_by_role("button", name="Envoyer").click()
    pending = page.locator(".card--pending", has_text="Écrite hors ligne")
    expect(pending).to_contain_text("en attente")

    # Back on the Wi-Fi but the laptop's server is down: "Reconnexion…", the card still pending.
    server.stop()
    context.set_offline(False)
    expect(status).to_have_text("Reconnexion…", timeout=15000)
    expect(pending).to_have_count(1)

    # The server is back: "Connecté", and the card is acknowledged (no longer pending).
    server.start()
    expect(status).to_have_text("Connecté", timeout=30000)
    expect(page.locator(".card--pending")).to_have_count(0, timeout=20000)
    expect(page.locator(".card", has_text="Écrite hors ligne")).to_have_count(1)
    context.close()


def test_the_first_load_stays_under_100_kb_over_the_wire(chromium: Any, server: LiveServer) -> None:
    links = server.create_event(rooms=4)
    server.start()
    context = phone_context(chromium, 360, 640)
    joining = context.new_page()
    joining.goto(links["join_url"])
    join_form(joining, links["join_code"], "Camille", "Salle 1")
    board = joining.url
    context.new_cdp_session(joining).send("Network.clearBrowserCache")
    joining.close()
    first = measure(context, board)
    print(f"first load: {first['requests']} requests, {first['wire']} B over the wire, {first['decoded']} B decoded")
    assert first["wire"] < BUDGET_BYTES
    assert first["wire"] < first["decoded"] / 2  # compressed
    assert any("socket.io.esm" in row["url"] for row in first["rows"])
    # Waking up later: every versioned file comes from the cache, only the page and the socket travel.
    again = measure(context, board)
    assert again["wire"] < 15_000
    assert all(row["cached"] for row in again["rows"] if "/static/v/" in row["url"])
    context.close()
