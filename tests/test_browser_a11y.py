"""In real Chromium: every page of collab passes axe-core (no serious or critical violation), the
consoles work from the keyboard, and only the phone announces new cards to a screen reader.

axe-core comes bundled in the axe-playwright-python package (a file on disk, never a CDN); its
source is evaluated in the page, which the Content-Security-Policy allows (no script tag is added).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import requests

from tests.conftest import missing
from tests.live import ROOT, LiveServer, participant_token
from tests.test_browser import PageWatch, chromium, join_form, server  # noqa: F401  (fixtures)
from tests.test_browser_screen_modes import seed, socket

PHONES = [(390, 844), (360, 640)]
PROJECTORS = [(1920, 1080), (1280, 720)]
CONSOLE = (1440, 900)
BLOCKING = ("serious", "critical")
# The one lesser finding left: on the overview of every room, each room's columns are regions
# named like the other rooms' ("Pourquoi ?"), inside regions named by their room.
KNOWN_MODERATE = ("moderate landmark-unique",)


def axe_source() -> str:
    """Return the axe-core script bundled with axe-playwright-python."""
    try:
        from axe_playwright_python.base import AXE_FILE_PATH
    except ImportError:
        missing("axe-playwright-python (requirements-dev.txt)")
    return Path(AXE_FILE_PATH).read_text()


def audit(page: Any, where: str) -> list[str]:
    """Run axe-core on the page as it is now; return its violations as lines, blocking ones first."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    found = []
    for violation in sorted(results["violations"], key=lambda v: v["impact"] not in BLOCKING):
        targets = ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        found.append(f"{where}: {violation['impact']} {violation['id']} ×{len(violation['nodes'])} {targets}")
    return found


def blocking(lines: list[str]) -> list[str]:
    """Keep the serious and critical violations."""
    return [line for line in lines if line.split(": ", 1)[1].startswith(BLOCKING)]


def shots_folder() -> Path | None:
    """Return the folder of every screen's screenshot (COLLAB_SCREENSHOTS/screens), or None."""
    if not os.environ.get("COLLAB_SCREENSHOTS"):
        return None
    folder = ROOT / os.environ["COLLAB_SCREENSHOTS"] / "screens"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def shoot(page: Any, name: str) -> None:
    """Save a screenshot of the page at its viewport size, when screenshots are asked for."""
    folder = shots_folder()
    if folder is not None:
        size = page.viewport_size
        page.screenshot(path=str(folder / f"{name}-{size['width']}x{size['height']}.png"))


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


def test_every_page_passes_axe_and_asks_nothing_of_another_origin(chromium: Any, server: LiveServer) -> None:  # noqa: F811
    from playwright.sync_api import expect

    links = server.create_event(rooms=3)
    server.start()
    phone_socket, hypotheses = seed(server, links)
    found: list[str] = []
    watches: list[PageWatch] = []

    def open_page(context: Any, url: str) -> Any:
        page = context.new_page()
        watches.append(PageWatch(page, server.url))
        page.goto(url)
        return page

    # The phone pages, at both phone sizes.
    for width, height in PHONES:
        context = chromium.new_context(
            viewport={"width": width, "height": height}, is_mobile=True, has_touch=True, device_scale_factor=2
        )
        home = open_page(context, server.url + "/")
        found += audit(home, "home")
        shoot(home, "home")
        lost = context.new_page()  # unwatched: its 404 is the point
        lost.goto(server.url + "/nulle-part")
        found += audit(lost, "not found")
        shoot(lost, "not-found")
        home.goto(f"{server.url}/j/{links['join_code']}/grille")
        found += audit(home, "grille")
        home.goto(links["join_url"])
        found += audit(home, "join")
        shoot(home, "join")
        join_form(home, links["join_code"], f"Alix {width}", "Salle 1")
        expect(home.locator(".card").first).to_be_visible()
        found += audit(home, "phone")
        shoot(home, "phone")
        context.close()

    # The consoles at a laptop's size and on the projector's.
    for width, height in [CONSOLE, *PROJECTORS]:
        context = chromium.new_context(viewport={"width": width, "height": height})
        console = open_page(context, links["rooms"][0]["facilitator_url"])
        expect(console.get_by_role("status").first).to_contain_text("Connecté")
        expect(console.locator(".card").first).to_be_visible()
        # The test server listens on 127.0.0.1 only: the console says where phones go, and that they cannot.
        expect(console.locator("[data-venue-url]")).to_have_text(server.url)
        expect(console.locator("[data-venue-warning]")).to_contain_text("les téléphones ne le joindront pas")
        found += audit(console, f"facilitator {width}×{height}")
        shoot(console, "facilitator")
        organiser = open_page(context, links["organiser_url"])
        expect(organiser.get_by_role("status").first).to_contain_text("Connecté")
        expect(organiser.locator("[data-venue-url]")).to_have_text(server.url)
        found += audit(organiser, f"organiser {width}×{height}")
        shoot(organiser, "organiser")
        context.close()
    context = chromium.new_context(viewport={"width": CONSOLE[0], "height": CONSOLE[1]})
    organiser = context.new_page()
    # The HTML report, as the organiser downloads it, with its own policy.
    report = requests.get(links["organiser_url"] + "/export/report.html", timeout=30)
    assert report.ok
    kept = {k: v for k, v in report.headers.items() if k.lower() in ("content-type", "content-security-policy")}
    organiser.route("**/report-preview", lambda route: route.fulfill(body=report.text, headers=kept))
    organiser.goto(server.url + "/report-preview")
    found += audit(organiser, "report")
    context.close()

    # The plenary screen in every mode, at both projector sizes and in both themes.
    remote = socket(server.url, links["organiser_url"].rsplit("/", 1)[1])
    for scheme in ("light", "dark"):
        for width, height in PROJECTORS:
            context = chromium.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
            screen = open_page(context, links["screen_url"])
            expect(screen.locator("[data-status]")).to_have_attribute("data-status", "connected")
            for payload in screen_modes(links, hypotheses):
                assert remote.call("set_screen", payload, timeout=10)["ok"]
                expect(screen.locator("body")).to_have_attribute("data-mode", payload["mode"])
                screen.wait_for_timeout(700)  # the calm fade-in: axe reads colours as shown
                found += audit(screen, f"screen {payload['mode']} {scheme} {width}×{height}")
                shoot(screen, f"screen-{payload['mode']}-{scheme}")
            context.close()
    assert remote.call("set_screen", {"mode": "rooms"}, timeout=10)["ok"]
    remote.disconnect()
    phone_socket.disconnect()

    print("\n".join(found) or "axe: no violation")
    assert blocking(found) == []
    assert [line for line in found if not line.split(": ", 1)[1].startswith(KNOWN_MODERATE)] == []
    # Venue mode: fonts, scripts, styles, icons and the socket all come from the laptop.
    for watch in watches:
        assert watch.problems == []


def test_the_phone_announces_others_cards_and_the_screen_stays_quiet(chromium: Any, server: LiveServer) -> None:  # noqa: F811
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


def test_the_facilitator_moderates_from_the_keyboard(chromium: Any, server: LiveServer) -> None:  # noqa: F811
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
