"""In real Chromium emulating cheap phones (360×640, 390×844, touch, 2× pixels): no sideways
scroll, thumb-sized targets, the field and the send button reachable with the keyboard open, an
honest connection state, and a first load under 100 KB over the wire."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pytest

from bench.first_load import BUDGET_BYTES, measure
from tests.support.browser import Pages, audit, join_form, shoot, socket, speaker
from tests.support.live import LiveServer, participant_token

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
# Every visible label or button whose words do not fit its box (cut, or hidden behind an ellipsis);
# a label kept for screen readers only (1 px wide) is not shown, so not cut.
CUT_WORDS = """() => [...document.querySelectorAll("label, legend, button, [class$='__label']")]
  .filter((el) => el.getClientRects().length && el.clientWidth > 1 && el.scrollWidth > el.clientWidth + 1)
  .map((el) => `${el.scrollWidth}>${el.clientWidth} ${el.textContent.trim().slice(0, 60)}`)"""


def upright(width: int, height: int) -> dict[str, Any]:
    """Return the options of a browser context emulating a phone held upright."""
    return {
        "viewport": {"width": width, "height": height},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
    }


# French at both sizes; English, whose words are longer, on the narrowest phone (at both for the screenshots).
RUNS = [(360, 640, "fr"), (390, 844, "fr"), (360, 640, "en")]
if os.environ.get("COLLAB_SCREENSHOTS"):
    RUNS.append((390, 844, "en"))


@pytest.mark.parametrize(("width", "height", "lang"), RUNS)
def test_a_phone_fits_the_thumb_and_the_keyboard(
    pages: Pages,
    server: LiveServer,
    width: int,
    height: int,
    lang: str,
) -> None:
    from playwright.sync_api import expect

    say = speaker(lang)
    links = server.create_event(rooms=3)
    server.start()
    page = pages.open(server.url + f"/?lang={lang}", **upright(width, height))
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

    # Sent, the composer is one line again; tapped, it opens: the field and its column sit in the
    # lower half of the screen, where the thumb is.
    expect(page.locator("[data-compose]")).to_have_attribute("data-open", "false")
    page.get_by_label(say("Votre carte")).click()
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
    assert pages.watches[0].problems == []


def test_the_connection_state_is_honest_and_a_card_waits_until_acknowledged(pages: Pages, server: LiveServer) -> None:
    from playwright.sync_api import expect

    links = server.create_event(rooms=2)
    server.start()
    page = pages.join(links, "Camille", "Salle 1", **upright(360, 640))
    context = page.context
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


def test_the_first_load_stays_under_100_kb_over_the_wire(pages: Pages, server: LiveServer) -> None:
    links = server.create_event(rooms=4)
    server.start()
    joining = pages.join(links, "Camille", "Salle 1", **upright(360, 640))
    context = joining.context
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


# The cards wholly in sight between the top of the screen and the composer.
CARDS_IN_SIGHT = """() => {
  const floor = document.querySelector("[data-compose]").getBoundingClientRect().top;
  return [...document.querySelectorAll(".board .card")].filter((card) => {
    const box = card.getBoundingClientRect();
    return box.height > 0 && box.top >= 0 && box.bottom <= floor;
  }).length;
}"""
NAMES = ["Bao", "Inès", "Jo"]  # short, as most pseudonyms are
BOOT_EVENT = "JSON.parse(document.getElementById('boot').textContent).event"
CARD_WORDS = [
    "Faire confiance aux élus des petites communes pour porter le projet",
    "Un comité de pilotage partagé entre les trois intercommunalités",
    "Les agriculteurs veulent vendre à la cantine mais les volumes manquent",
    "Mutualiser un poste de chargé de mission",
    "Le département finance, la région coordonne : qui décide ?",
]


def board_of(event: dict[str, Any], activity: str) -> str:
    """Return the key of the board an activity works on (its key or its kind)."""
    return str(next(b["key"] for b in event["boards"] if activity in (b["key"], b.get("kind"))))


def fill_board(
    server: LiveServer, links: dict[str, Any], event: dict[str, Any], board_key: str, n: int, tag: str
) -> None:
    """Post `n` (≤ 30) cards on room 1's board from neighbours' phones (10 each: posts are rate-limited)."""
    board = next(b for b in event["boards"] if b["key"] == board_key)
    room = links["rooms"][0]["id"]
    situation = event["rooms"][0].get("situation") or {}
    for first in range(0, n, 10):
        phone = socket(
            server.url, participant_token(server.url, links["join_code"], f"{NAMES[first // 10]} {tag[-1]}", room)
        )
        if board.get("kind") == "case_study" and situation.get("protagonists"):
            assert phone.call("take_role", {"role": situation["protagonists"][0]}, timeout=10)["ok"]
        for i in range(first, min(n, first + 10)):
            payload: dict[str, Any] = {
                "client_id": f"{tag}-{i:04d}-phone-board",
                "board": board_key,
                "column": board["columns"][i % len(board["columns"])]["key"],
                "text": f"{CARD_WORDS[i % len(CARD_WORDS)]} ({i + 1})",
            }
            if board.get("kind") == "competences":
                payload["skill"] = {"type": event["skill_types"][0]["key"], "scope": event["skill_scopes"][0]["key"]}
            ack = phone.call("post_card", payload, timeout=10)
            assert ack["ok"], ack
        phone.disconnect()


def settled_audit(page: Any, where: str) -> list[str]:
    """Run axe once the cards' fade-in is over: it reads colours as a person sees them settled."""
    page.wait_for_function("document.getAnimations().every((animation) => animation.playState !== 'running')")
    return audit(page, where)


@dataclass
class Atelier:
    """Camille's phone in room 1 through the day's ateliers, and the organiser's socket that moves the day."""

    server: LiveServer
    links: dict[str, Any]
    page: Any
    event: dict[str, Any]
    organiser: Any

    @property
    def compose(self) -> Any:
        """Return the phone's composer."""
        return self.page.locator("[data-compose]")

    @property
    def situation(self) -> Any:
        """Return the phone's folding situation."""
        return self.page.locator("[data-situation]")

    def move_to(self, activity: str) -> None:
        """Move the day to the phase of `activity`, as the organiser does."""
        phase = next(p for p in self.event["programme"] if p.get("activity") == activity)
        assert self.organiser.call("set_phase", {"phase_id": phase["id"]}, timeout=10)["ok"]


def the_situation_opens_on_its_first_reading_then_stays_folded(atelier: Atelier) -> str:
    """Atelier 1: the situation opens on its first reading, then stays folded, across a reload too;
    Camille takes the situation's first role, which is returned."""
    from playwright.sync_api import expect

    page, event, situation = atelier.page, atelier.event, atelier.situation
    atelier.move_to("case_study")
    expect(situation).to_have_attribute("open", "")
    fill_board(atelier.server, atelier.links, event, board_of(event, "case_study"), 30, "a1")
    page.locator(".situation__summary").click()
    expect(situation).not_to_have_attribute("open", "")
    page.reload()
    expect(page.get_by_role("status").first).to_contain_text("Connecté")
    expect(page.locator(".board .card")).to_have_count(30)
    expect(situation).not_to_have_attribute("open", "")
    role = str(event["rooms"][0]["situation"]["protagonists"][0])
    page.get_by_role("button", name=role).first.click()
    expect(atelier.compose).to_be_visible()
    return role


def the_role_and_the_filters_are_one_line_of_two_buttons(atelier: Atelier, role: str) -> None:
    """The role and the filters are one line of two buttons, each saying what is chosen; the board
    has the screen, as in the other ateliers."""
    from playwright.sync_api import expect

    page = atelier.page
    bar = page.locator("[data-case-bar]")
    fold = bar.locator("[data-facets-fold]")
    expect(bar.get_by_role("button", name=f"Vous jouez {role}")).to_have_attribute("aria-expanded", "false")
    expect(fold).not_to_have_attribute("open", "")
    expect(fold.locator("summary")).to_have_text("Filtres aucun")  # what it shows: every card
    expect(page.get_by_label("Regrouper par")).to_be_hidden()
    expect(atelier.compose).to_have_attribute("data-open", "false")
    shoot(page, "phone-atelier-1")
    assert page.evaluate(CARDS_IN_SIGHT) >= 3, "phone-atelier-1"
    assert page.evaluate(NO_SIDEWAYS_SCROLL) and page.evaluate(SMALL_TARGETS, TAP) == [], "phone-atelier-1"
    assert settled_audit(page, "atelier 1") == []


def the_filter_bar_opens_chooses_and_folds_from_the_keyboard(atelier: Atelier) -> None:
    """From the keyboard: Enter opens the filter bar, a choice shows on its line, Escape folds it back."""
    from playwright.sync_api import expect

    page = atelier.page
    fold = page.locator("[data-case-bar]").locator("[data-facets-fold]")
    fold.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Regrouper par")).to_be_visible()
    assert settled_audit(page, "atelier 1, filters open") == []
    page.get_by_label("Regrouper par").select_option(label="échelle")
    page.get_by_label("Regrouper par").press("Escape")
    expect(fold).not_to_have_attribute("open", "")
    expect(fold.locator("summary")).to_be_focused()
    expect(fold.locator("[data-facets-chosen]")).to_have_text("par échelle")
    expect(page.locator(".board .cards__group").first).to_have_text("Commune")


def the_roles_button_opens_the_picker_and_folds_it_again(atelier: Atelier, role: str) -> None:
    """The role's button, reached from the keyboard, opens the picker and folds it again."""
    from playwright.sync_api import expect

    page = atelier.page
    mine = page.locator("[data-case-bar]").get_by_role("button", name=f"Vous jouez {role}")
    page.keyboard.press("Shift+Tab")
    expect(mine).to_be_focused()
    page.keyboard.press("Enter")
    expect(mine).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("button", name="Garder mon rôle")).to_be_visible()
    assert settled_audit(page, "atelier 1, role picker open") == []
    page.get_by_role("button", name="Garder mon rôle").click()
    expect(mine).to_be_focused()
    expect(page.get_by_role("button", name="Garder mon rôle")).to_be_hidden()


def in_ateliers_2_and_3_the_board_has_the_screen(atelier: Atelier) -> None:
    """The situation is there, folded; the composer is one line; the board has the screen."""
    from playwright.sync_api import expect

    page, event = atelier.page, atelier.event
    for activity, shot in (("four_questions", "phone-atelier-2"), ("competences", "phone-atelier-3")):
        atelier.move_to(activity)
        fill_board(atelier.server, atelier.links, event, board_of(event, activity), 30, shot)
        expect(page.locator(".board .card:visible")).to_have_count(30)
        expect(atelier.situation).to_be_visible()
        expect(atelier.situation).not_to_have_attribute("open", "")
        expect(atelier.compose).to_have_attribute("data-open", "false")
        expect(page.get_by_label("Colonne")).to_be_hidden()
        expect(page.get_by_placeholder("Écrire une carte…")).to_be_visible()
        shoot(page, shot)
        assert page.evaluate(CARDS_IN_SIGHT) >= 3, shot
        assert page.evaluate(NO_SIDEWAYS_SCROLL) and page.evaluate(SMALL_TARGETS, TAP) == [], shot


def atelier_3s_composer_keeps_the_type_and_scope(atelier: Atelier) -> None:
    """Atelier 3: tapping the line opens the composer with its fields; sending closes it, and the
    type and scope stay for the next card, and after a reload."""
    from playwright.sync_api import expect

    page, compose = atelier.page, atelier.compose
    page.get_by_placeholder("Écrire une carte…").click()
    expect(compose).to_have_attribute("data-open", "true")
    expect(page.get_by_label("Colonne")).to_be_visible()
    kind, scope = atelier.event["skill_types"][1], atelier.event["skill_scopes"][1]
    page.get_by_label("Type de compétence").select_option(kind["key"])
    page.get_by_label("Individuel ou collectif").select_option(scope["key"])
    page.get_by_label("Votre carte").fill("Animer une réunion publique")
    page.get_by_role("button", name="Envoyer").click()
    expect(page.locator(".card", has_text="Animer une réunion publique")).to_be_visible()
    expect(compose).to_have_attribute("data-open", "false")
    expect(page.get_by_label("Type de compétence")).to_be_hidden()
    page.get_by_placeholder("Écrire une carte…").click()
    expect(page.get_by_label("Type de compétence")).to_have_value(kind["key"])
    expect(page.get_by_label("Individuel ou collectif")).to_have_value(scope["key"])
    page.reload()
    expect(page.get_by_role("status").first).to_contain_text("Connecté")
    page.get_by_placeholder("Écrire une carte…").click()
    expect(page.get_by_label("Type de compétence")).to_have_value(kind["key"])
    expect(page.get_by_label("Individuel ou collectif")).to_have_value(scope["key"])


def an_empty_or_too_long_card_is_refused_and_kept(page: Any) -> None:
    """Empty: Envoyer says so. Too long: the count turns red, the phone says so and keeps every character."""
    from playwright.sync_api import expect

    page.get_by_role("button", name="Envoyer").click()
    expect(page.locator("[data-compose-message]")).to_have_text("Écrivez d'abord votre carte.")
    long = "Une idée qui prend toute la place. " * 143  # 5,005 characters
    page.get_by_label("Votre carte").fill(long)
    expect(page.locator("[data-compose-count]")).to_have_text(f"{len(long)} / 500")
    expect(page.locator("[data-compose-count]")).to_have_class(_contains("compose__count--over"))
    expect(page.locator("[data-compose-message]")).to_contain_text("Trop long")
    page.get_by_role("button", name="Envoyer").click()
    expect(page.locator("[data-compose-message]")).to_contain_text("Trop long")
    assert page.get_by_label("Votre carte").input_value() == long
    expect(page.locator(".card--pending")).to_have_count(0)


@pytest.mark.parametrize(("width", "height"), PHONES)
def test_in_every_atelier_the_phone_shows_the_board_first(
    pages: Pages, server: LiveServer, width: int, height: int
) -> None:
    links = server.create_event(rooms=2)
    server.start()
    page = pages.join(links, "Camille", "Salle 1", **upright(width, height))
    event = page.evaluate(BOOT_EVENT)
    organiser = socket(server.url, links["organiser_url"].rsplit("/", 1)[1])
    atelier = Atelier(server, links, page, event, organiser)
    role = the_situation_opens_on_its_first_reading_then_stays_folded(atelier)
    the_role_and_the_filters_are_one_line_of_two_buttons(atelier, role)
    the_filter_bar_opens_chooses_and_folds_from_the_keyboard(atelier)
    the_roles_button_opens_the_picker_and_folds_it_again(atelier, role)
    in_ateliers_2_and_3_the_board_has_the_screen(atelier)
    atelier_3s_composer_keeps_the_type_and_scope(atelier)
    an_empty_or_too_long_card_is_refused_and_kept(page)
    organiser.disconnect()
    assert pages.watches[0].problems == []


def test_the_author_is_told_their_card_was_hidden_and_sees_a_merged_card_as_theirs(
    pages: Pages, server: LiveServer
) -> None:
    from playwright.sync_api import expect

    links = server.create_event(rooms=2)
    server.start()
    page = pages.join(links, "Alix", "Salle 1", **upright(390, 844))
    for text in ("Une carte qui sera masquée", "Ma carte en double"):
        page.get_by_label("Votre carte").fill(text)
        page.get_by_role("button", name="Envoyer").click()
        expect(page.locator(".card:not(.card--pending)", has_text=text)).to_be_visible()
    mine = {
        text: int(page.locator(".card", has_text=text).get_attribute("data-card-id") or 0)
        for text in ("Une carte qui sera masquée", "Ma carte en double")
    }
    room = links["rooms"][0]["id"]
    camille = socket(server.url, participant_token(server.url, links["join_code"], "Camille", room))
    posted = {
        "client_id": "camille-card-0001",
        "board": "four_questions",
        "column": "pourquoi",
        "text": "La carte de Camille",
    }
    theirs = camille.call("post_card", posted, timeout=10)["card"]["id"]
    console = socket(server.url, links["rooms"][0]["facilitator_url"].rsplit("/", 1)[1])

    # Hidden by the facilitator: the author still sees it, marked, and is told why.
    assert console.call("hide_card", {"card_id": mine["Une carte qui sera masquée"]}, timeout=10)["ok"]
    hidden = page.locator(".card", has_text="Une carte qui sera masquée")
    expect(hidden.locator(".badge--hidden")).to_have_text("masquée par l'animation")
    expect(page.locator("[data-compose-message]")).to_contain_text("a été masquée par l'animation")
    # The others no longer receive it; its author does, after a reload too.
    others = camille.call("sync", {"room_id": room}, timeout=10)["snapshot"]["cards"]
    assert mine["Une carte qui sera masquée"] not in [card["id"] for card in others]
    page.reload()
    expect(page.get_by_role("status").first).to_contain_text("Connecté")
    expect(hidden.locator(".badge--hidden")).to_have_text("masquée par l'animation")

    # Merged into Camille's card: the card is mine too, and says what I wrote.
    merge = {"card_id": theirs, "card_ids": [mine["Ma carte en double"]]}
    assert console.call("merge_cards", merge, timeout=10)["ok"]
    merged = page.locator(".card", has_text="La carte de Camille")
    expect(merged).to_have_class(_contains("card--mine"))
    expect(merged.locator(".card__author")).to_have_text("Vous")
    expect(merged.locator(".card__with")).to_have_text("avec Camille")
    expect(merged.locator(".card__yours")).to_have_text("Vous aviez écrit : « Ma carte en double »")
    shoot(page, "phone-hidden-merged")
    camille.disconnect()
    console.disconnect()
    assert pages.watches[0].problems == []


def _contains(css_class: str) -> Any:
    """Return a pattern matching a class attribute that holds `css_class`."""
    import re

    return re.compile(rf"(^|\s){re.escape(css_class)}(\s|$)")
