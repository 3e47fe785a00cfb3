"""In real Chromium: every page of collab passes axe-core (no violation at all), in French and in
English, the consoles work from the keyboard, and only the phone announces new cards to a screen reader.

axe-core comes bundled in the axe-playwright-python package (a file on disk, never a CDN); its
source is evaluated in the page, which the Content-Security-Policy allows (no script tag is added).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from collab.i18n import DEFAULT_LOCALE
from tests.support.browser import BLOCKING, Pages, PageWatch, audit, join_form, shoot, shots_folder, socket, speaker
from tests.support.live import LiveServer, participant_token
from tests.support.plenary import seed

# The first size of each list is where English is audited (French is audited at every size).
PHONES = [(360, 640), (390, 844)]
PROJECTORS = [(1280, 720), (1920, 1080)]
CONSOLE = (1440, 900)
LANGUAGES = ("fr", "en")
# How many lines each element's text takes (a grid item is one box: its text's own rectangles tell).
LINES_OF_TEXT = """(all) => all.map((node) => {
  const range = document.createRange();
  range.selectNodeContents(node);
  return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
})"""


def blocking(lines: list[str]) -> list[str]:
    """Keep the serious and critical violations."""
    return [line for line in lines if line.split(": ", 1)[1].startswith(BLOCKING)]


def sizes_for(lang: str, every: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Return the sizes a language is audited at: French at every one; English at the first (the
    smallest), since what English changes is the length of words, or at every one for screenshots."""
    return every if lang == DEFAULT_LOCALE or shots_folder() else every[:1]


def screen_modes(links: dict[str, Any], hypotheses: list[int]) -> list[dict[str, Any]]:
    """Return one `set_screen` payload per mode of the plenary screen."""
    return [
        {"mode": "rooms"},
        {"mode": "welcome"},
        {"mode": "room", "room_id": links["rooms"][0]["id"]},
        {"mode": "combined"},
        {"mode": "syntheses", "slide": 0},
        {"mode": "hypothesis", "hypothesis_id": hypotheses[1]},
        {"mode": "competences"},
        {"mode": "wordcloud"},
    ]


class Audit:
    """What axe found on the pages audited in one language, and the pictures taken of them."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.say = speaker(lang)
        self.ask = "" if lang == DEFAULT_LOCALE else f"?lang={lang}"  # English through a link's ?lang=en
        self.found: list[str] = []

    def check(self, page: Any, where: str, shot: str | None = None) -> None:
        """Audit the page as it is now (in the language asked for), and take its picture."""
        assert page.evaluate("document.documentElement.lang") == self.lang, where
        self.found.extend(audit(page, where))
        if shot:
            shoot(page, shot)


def the_phone_pages_pass_axe(pages: Pages, server: LiveServer, links: dict[str, Any], axe: Audit) -> None:
    """The phone pages. English is chosen as a participant does: the home page's language switch."""
    from playwright.sync_api import expect

    for width, height in sizes_for(axe.lang, PHONES):
        home = pages.open(
            server.url + "/",
            viewport={"width": width, "height": height},
            is_mobile=True,
            has_touch=True,
            device_scale_factor=2,
        )
        if axe.lang != DEFAULT_LOCALE:
            home.get_by_role("navigation", name="Language").get_by_role("link", name="English").click()
            expect(home.locator("html")).to_have_attribute("lang", axe.lang)
        axe.check(home, f"home {width}×{height}", "home")
        lost = home.context.new_page()  # unwatched: its 404 is the point
        lost.goto(server.url + "/nulle-part")
        axe.check(lost, f"not found {width}×{height}", "not-found")
        home.goto(f"{server.url}/j/{links['join_code']}/grille")
        axe.check(home, f"grille {width}×{height}", "grille")
        home.goto(links["join_url"])
        axe.check(home, f"join {width}×{height}", "join")
        join_form(home, links["join_code"], f"Alix {width}", "Salle 1", say=axe.say)
        expect(home.locator(".card").first).to_be_visible()
        assert home.evaluate("document.scrollingElement.scrollWidth <= innerWidth"), f"phone {width}×{height}"
        axe.check(home, f"phone {width}×{height}", "phone")
        home.context.close()


def the_consoles_pass_axe(pages: Pages, server: LiveServer, links: dict[str, Any], axe: Audit) -> None:
    """The consoles at a laptop's size and on the projector's; English through the link's ?lang=en."""
    from playwright.sync_api import expect

    say = axe.say
    for width, height in [CONSOLE, *(PROJECTORS if axe.lang == DEFAULT_LOCALE or shots_folder() else [])]:
        console = pages.open(
            links["rooms"][0]["facilitator_url"] + axe.ask, viewport={"width": width, "height": height}
        )
        expect(console.get_by_role("status").first).to_contain_text(say("Connecté"))
        expect(console.locator(".card").first).to_be_visible()
        # The test server listens on 127.0.0.1 only: the console says where phones go, and that they cannot.
        expect(console.locator("[data-venue-url]")).to_have_text(server.url)
        expect(console.locator("[data-venue-warning]")).to_have_text(
            say("Attention : le serveur n'écoute que cette machine ; les téléphones ne le joindront pas.")
        )
        axe.check(console, f"facilitator {width}×{height}", "facilitator")
        # The language kept in the cookie.
        organiser = pages.open(links["organiser_url"], context=console.context)
        expect(organiser.get_by_role("status").first).to_contain_text(say("Connecté"))
        expect(organiser.locator("[data-venue-url]")).to_have_text(server.url)
        axe.check(organiser, f"organiser {width}×{height}", "organiser")
        console.context.close()


def the_html_report_passes_axe(pages: Pages, server: LiveServer, links: dict[str, Any], axe: Audit) -> None:
    """The HTML report, as the organiser downloads it (in the page's language), with its own policy."""
    context = pages.context(viewport={"width": CONSOLE[0], "height": CONSOLE[1]})
    organiser = context.new_page()
    report = requests.get(links["organiser_url"] + "/export/report.html", params={"lang": axe.lang}, timeout=30)
    assert report.ok
    kept = {k: v for k, v in report.headers.items() if k.lower() in ("content-type", "content-security-policy")}
    organiser.route("**/report-preview", lambda route: route.fulfill(body=report.text, headers=kept))
    organiser.goto(server.url + "/report-preview")
    axe.check(organiser, "report")
    context.close()


def the_screen_passes_axe_in_every_mode(
    pages: Pages, server: LiveServer, links: dict[str, Any], hypotheses: list[int], axe: Audit
) -> None:
    """The plenary screen in every mode, at the projector sizes, in the light and the dark theme
    (English in the light one: its colours are French's)."""
    from playwright.sync_api import expect

    remote = socket(server.url, links["organiser_url"].rsplit("/", 1)[1])
    # The dark theme's colours are the same at every size: it is audited at the largest.
    for scheme in ("light", "dark") if axe.lang == DEFAULT_LOCALE else ("light",):
        for width, height in (
            sizes_for(axe.lang, PROJECTORS) if scheme == "light" or shots_folder() else PROJECTORS[-1:]
        ):
            # Without motion, what axe reads is what the screen shows once its cards have faded in.
            screen = pages.open(
                links["screen_url"] + axe.ask,
                viewport={"width": width, "height": height},
                color_scheme=scheme,
                reduced_motion="reduce",
            )
            expect(screen.locator("[data-status]")).to_have_attribute("data-status", "connected")
            for payload in screen_modes(links, hypotheses):
                assert remote.call("set_screen", payload, timeout=10)["ok"]
                expect(screen.locator("body")).to_have_attribute("data-mode", payload["mode"])
                mode = payload["mode"]
                if mode == "hypothesis":  # each verdict on one line, whatever the language's words
                    lines = screen.locator(".hyp-bar__label").evaluate_all(LINES_OF_TEXT)
                    assert lines == [1, 1, 1], (lines, width)
                axe.check(screen, f"screen {mode} {scheme} {width}×{height}", f"screen-{mode}-{scheme}")
            screen.context.close()
    assert remote.call("set_screen", {"mode": "rooms"}, timeout=10)["ok"]
    remote.disconnect()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_passes_axe_and_asks_nothing_of_another_origin(pages: Pages, server: LiveServer, lang: str) -> None:
    links = server.create_event(rooms=3)
    server.start()
    phone_socket, hypotheses = seed(server, links)
    axe = Audit(lang)
    the_phone_pages_pass_axe(pages, server, links, axe)
    the_consoles_pass_axe(pages, server, links, axe)
    the_html_report_passes_axe(pages, server, links, axe)
    the_screen_passes_axe_in_every_mode(pages, server, links, hypotheses, axe)
    phone_socket.disconnect()

    print("\n".join(axe.found) or "axe: no violation")
    assert blocking(axe.found) == []
    assert axe.found == []  # not even a moderate or minor finding
    # Venue mode: fonts, scripts, styles, icons and the socket all come from the laptop.
    for watch in pages.watches:
        assert watch.problems == []


def test_the_phone_announces_others_cards_and_the_screen_stays_quiet(chromium: Any, server: LiveServer) -> None:
    from playwright.sync_api import expect

    links = server.create_event(rooms=2)
    server.start()
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.goto(links["join_url"])
    join_form(phone, links["join_code"], "Camille", "Salle 1")
    screen = chromium.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    screen.goto(links["screen_url"])
    expect(screen.locator("[data-status]")).to_have_attribute("data-status", "connected")

    # My own card: written, not announced.
    phone.get_by_label("Votre carte").fill("Ma propre carte")
    phone.get_by_role("button", name="Envoyer").click()
    expect(phone.get_by_role("region", name="Pourquoi ?").get_by_text("Ma propre carte")).to_be_visible()
    announcer = phone.locator("[data-announce]")
    expect(announcer).to_have_attribute("aria-live", "polite")
    phone.wait_for_timeout(300)
    expect(announcer).to_have_text("")

    # A neighbour's card: one short announcement.
    neighbour = socket(server.url, participant_token(server.url, links["join_code"], "Bao", links["rooms"][0]["id"]))
    ack = neighbour.call(
        "post_card",
        {"client_id": "a11y-neighbour-card-0001", "board": "four_questions", "column": "comment", "text": "Se parler"},
        timeout=10,
    )
    assert ack["ok"], ack
    expect(announcer).to_have_text("Nouvelle carte dans « Comment ? ».")
    neighbour.disconnect()

    # The projector announces nothing (cards, counts, timers, its connection): only the rare
    # "event closed" banner, shared with every page, is a status.
    expect(screen.get_by_text("Se parler")).to_be_visible()
    live = screen.evaluate(
        """() => [...document.querySelectorAll('[aria-live], [role=status], [role=alert], [role=log], [role=marquee]')]
             .filter((el) => el.getAttribute('aria-live') !== 'off' && !el.matches('[data-closed-banner]'))
             .map((el) => el.outerHTML.slice(0, 80))"""
    )
    assert live == []
    context.close()


def test_the_facilitator_moderates_from_the_keyboard(chromium: Any, server: LiveServer) -> None:
    from playwright.sync_api import expect

    links = server.create_event(rooms=2)
    server.start()
    phone = socket(server.url, participant_token(server.url, links["join_code"], "Bao", links["rooms"][0]["id"]))
    for n, text in enumerate(["Première idée", "Deuxième idée"]):
        payload = {"client_id": f"keyboard-card-{n:04d}", "board": "four_questions", "column": "pourquoi", "text": text}
        ack = phone.call("post_card", payload, timeout=10)
        assert ack["ok"], ack
    phone.disconnect()
    context = chromium.new_context(viewport={"width": CONSOLE[0], "height": CONSOLE[1]})
    console = context.new_page()
    console.goto(links["rooms"][0]["facilitator_url"])
    expect(console.get_by_role("status").first).to_contain_text("Connecté")
    why = console.get_by_role("region", name="Pourquoi ?")
    expect(why.get_by_text("Deuxième idée")).to_be_visible()

    # Tab reaches the first card of the board; every stop on the way shows where the focus is.
    stops = 0
    while stops < 120:
        console.keyboard.press("Tab")
        stops += 1
        focused = console.evaluate(
            """() => { const el = document.activeElement; const style = getComputedStyle(el);
                 return {card: el.matches('.card'), text: el.textContent,
                         ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2
                               || style.boxShadow !== 'none'}; }"""
        )
        assert focused["ring"], f"no visible focus at Tab stop {stops}"
        if focused["card"]:
            break
    else:
        raise AssertionError("Tab never reached a card")
    assert "idée" in focused["text"]

    # ↓ to the other card, then M hides it, M again restores it, P pins it.
    first = console.evaluate("document.activeElement.textContent")
    console.keyboard.press("ArrowDown")
    second = console.evaluate("document.activeElement.textContent")
    assert second != first
    target = "Première idée" if "Première idée" in second else "Deuxième idée"
    card = why.locator(".card", has_text=target)
    console.keyboard.press("m")
    expect(card).to_have_class(_contains("card--hidden"))
    console.keyboard.press("m")
    expect(card).not_to_have_class(_contains("card--hidden"))
    console.keyboard.press("p")
    expect(card).to_have_class(_contains("card--pinned"))

    # The room's lock is a button: Enter on it locks the room.
    lock = console.get_by_role("button", name="Verrouiller la salle")
    lock.focus()
    console.keyboard.press("Enter")
    expect(console.locator("[data-room-state]")).to_contain_text("errouill")
    context.close()


def _contains(css_class: str) -> Any:
    """Return a pattern matching a class attribute that holds `css_class`."""
    import re

    return re.compile(rf"(^|\s){re.escape(css_class)}(\s|$)")


def test_the_staff_pages_pass_axe_on_a_phone(chromium: Any, server: LiveServer) -> None:
    """Organisers and facilitators check their pages on their phone during the day: audit them at 390 px."""
    from playwright.sync_api import expect

    links = server.create_event(rooms=3)
    admin_url = json.loads(server.flask("admin-link", "--json"))["admin_url"]
    server.start()
    phone_socket, hypotheses = seed(server, links)
    found: list[str] = []
    # Reduced motion: a card fading in (opacity from 0) would be measured mid-way by axe's contrast check.
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, reduced_motion="reduce"
    )
    page = context.new_page()
    watch = PageWatch(page, server.url)
    for where, url in (
        ("organiser", links["organiser_url"]),
        ("facilitator", links["rooms"][0]["facilitator_url"]),
    ):
        page.goto(url)
        expect(page.get_by_role("status").first).to_contain_text("Connecté")
        found.extend(audit(page, f"{where} 390×844"))
        assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth"), where
        shoot(page, f"{where}-phone")
    page.goto(admin_url)
    expect(page.locator("h1")).to_be_visible()
    found.extend(audit(page, "admin 390×844"))
    shoot(page, "admin-phone")
    page.goto(links["screen_url"])
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "connected")
    remote = socket(server.url, links["organiser_url"].rsplit("/", 1)[1])
    for payload in screen_modes(links, hypotheses):
        assert remote.call("set_screen", payload, timeout=10)["ok"]
        expect(page.locator("body")).to_have_attribute("data-mode", payload["mode"])
        found.extend(audit(page, f"screen {payload['mode']} 390×844"))
    remote.disconnect()
    phone_socket.disconnect()
    print("\n".join(found) or "axe: no violation")
    assert found == []
    assert watch.problems == []
    context.close()
