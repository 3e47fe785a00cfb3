"""In real Chromium against a real server: a phone joins and posts, the screen and the console see it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.browser import PHONE, SMALL_PHONE, UNNAMED_CONTROLS, Pages
from tests.support.live import ROOT, LiveServer

CARD = "Mutualiser l'ingénierie entre communes"
OFFLINE = "Écrite hors ligne"


@dataclass
class Rooms:
    """Camille and Bao in room 1, Chloé in room 2, the screen and room 1's console."""

    phone: Any
    neighbour: Any
    elsewhere: Any
    screen: Any
    console: Any

    @property
    def room_1(self) -> Any:
        """Return room 1's region on the screen."""
        return self.screen.get_by_role("region", name="Salle 1", exact=True)


def open_the_rooms(pages: Pages, links: dict[str, Any]) -> Rooms:
    """Join three phones to two rooms, open the screen and room 1's console; the screen counts three people."""
    from playwright.sync_api import expect

    rooms = Rooms(
        phone=pages.join(links, "Camille", "Salle 1", **PHONE),
        neighbour=pages.join(links, "Bao", "Salle 1", **SMALL_PHONE),
        elsewhere=pages.join(links, "Chloé", "Salle 2", **SMALL_PHONE),
        screen=pages.open(links["screen_url"], viewport={"width": 1920, "height": 1080}),
        console=pages.open(links["rooms"][0]["facilitator_url"], viewport={"width": 1440, "height": 900}),
    )
    expect(rooms.screen.locator("[data-presence-total]")).to_have_text("3")
    return rooms


def a_card_posted_reaches_the_room_the_console_and_the_screen(rooms: Rooms) -> None:
    """Camille's card reaches room 1's phones, the console and the screen, and not room 2."""
    from playwright.sync_api import expect

    phone, neighbour = rooms.phone, rooms.neighbour
    phone.get_by_label("Votre carte").fill(CARD)
    phone.get_by_label("Colonne").select_option(label="Pourquoi ?")
    phone.get_by_role("button", name="Envoyer").click()

    expect(rooms.room_1.get_by_role("region", name="Pourquoi ?").get_by_text(CARD)).to_be_visible()
    expect(neighbour.get_by_role("region", name="Pourquoi ?").get_by_text(CARD)).to_be_visible()
    expect(rooms.console.get_by_role("region", name="Pourquoi ?").get_by_text(CARD)).to_be_visible()
    expect(phone.get_by_role("region", name="Pourquoi ?").get_by_text(CARD)).to_have_count(1)
    expect(rooms.elsewhere.get_by_text(CARD)).to_have_count(0)
    expect(rooms.screen.get_by_role("region", name="Salle 2", exact=True).get_by_text(CARD)).to_have_count(0)
    # No horizontal scroll on a small phone.
    assert neighbour.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def shoot_the_screen_at_atelier_2(rooms: Rooms, links: dict[str, Any]) -> None:
    """The README's screen is at 11h45, atelier 2: the organiser moves the day there."""
    from playwright.sync_api import expect

    screen = rooms.screen
    organiser = rooms.console.context.new_page()
    organiser.goto(links["organiser_url"])
    row = organiser.locator("tr", has_text="Quatre grandes questions")
    row.get_by_role("button", name="Aller à cette phase").click()
    expect(screen.locator("[data-now-title]")).to_have_text("Quatre grandes questions")
    organiser.close()
    for n, text in enumerate(["Un projet commun lisible par les habitants", "Des élus qui se parlent"]):
        rooms.neighbour.get_by_label("Votre carte").fill(text)
        rooms.neighbour.get_by_label("Colonne").select_option(index=n + 1)
        rooms.neighbour.get_by_role("button", name="Envoyer").click()
        expect(rooms.room_1.get_by_text(text)).to_be_visible()
    screen.wait_for_timeout(600)  # let the calm fade-in finish
    target = ROOT / os.environ["COLLAB_SCREENSHOTS"]
    target.mkdir(parents=True, exist_ok=True)
    screen.screenshot(path=str(target / "screenshot-screen.png"))


def a_hidden_card_leaves_at_once_and_comes_back(rooms: Rooms) -> None:
    """The facilitator hides the card: it leaves the phones and the screen at once, and comes back."""
    from playwright.sync_api import expect

    console_card = rooms.console.get_by_role("article").filter(has_text=CARD)
    console_card.get_by_role("button", name="Masquer").click()
    expect(rooms.room_1.get_by_text(CARD)).to_have_count(0)
    expect(rooms.neighbour.get_by_text(CARD)).to_have_count(0)
    expect(console_card.get_by_role("button", name="Rétablir")).to_be_visible()
    console_card.get_by_role("button", name="Rétablir").click()
    expect(rooms.room_1.get_by_text(CARD)).to_be_visible()
    expect(rooms.neighbour.get_by_text(CARD)).to_be_visible()


def a_reloaded_phone_keeps_its_participant_and_board(phone: Any) -> None:
    """Reloading the phone keeps the same participant and the same board."""
    from playwright.sync_api import expect

    phone.reload()
    expect(phone.get_by_text("Camille")).to_be_visible()
    expect(phone.get_by_role("region", name="Pourquoi ?").get_by_text(CARD)).to_have_count(1)


def a_card_written_offline_lands_once_back_online(rooms: Rooms) -> None:
    """Offline, a card waits on the phone; back online it lands once."""
    from playwright.sync_api import expect

    phone = rooms.phone
    phone.context.set_offline(True)
    expect(phone.get_by_role("status").first).not_to_contain_text("Connecté", timeout=15000)
    phone.get_by_label("Votre carte").fill(OFFLINE)
    phone.get_by_label("Colonne").select_option(label="Comment ?")
    phone.get_by_role("button", name="Envoyer").click()
    expect(phone.get_by_role("region", name="Comment ?").get_by_text(OFFLINE)).to_be_visible()
    phone.context.set_offline(False)
    expect(rooms.room_1.get_by_role("region", name="Comment ?").get_by_text(OFFLINE)).to_have_count(1, timeout=20000)
    expect(rooms.neighbour.get_by_text(OFFLINE)).to_have_count(1)
    expect(phone.get_by_text(OFFLINE)).to_have_count(1)


def test_a_phone_posts_and_the_room_the_console_and_the_screen_see_it(
    pages: Pages, server: LiveServer, tmp_path: Path
) -> None:
    links = server.create_event(rooms=4)
    server.start()
    rooms = open_the_rooms(pages, links)
    a_card_posted_reaches_the_room_the_console_and_the_screen(rooms)
    if os.environ.get("COLLAB_SCREENSHOTS"):
        shoot_the_screen_at_atelier_2(rooms, links)
    a_hidden_card_leaves_at_once_and_comes_back(rooms)
    a_reloaded_phone_keeps_its_participant_and_board(rooms.phone)
    a_card_written_offline_lands_once_back_online(rooms)

    for watch in pages.watches:
        assert [p for p in watch.problems if "ERR_INTERNET_DISCONNECTED" not in p] == []


def test_every_control_has_a_visible_label_that_names_it(chromium: Any, server: LiveServer) -> None:
    links = server.create_event(rooms=2)
    server.start()
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    pages = {
        "home": server.url + "/",
        "join": links["join_url"],
        "screen": links["screen_url"],
        "facilitator": links["rooms"][0]["facilitator_url"],
        "organiser": links["organiser_url"],
    }
    for name, url in pages.items():
        page.goto(url)
        assert page.evaluate(UNNAMED_CONTROLS) == [], name
    page.goto(links["join_url"])
    page.get_by_label("Pseudonyme").fill("Alix")
    page.get_by_label("Échelle territoriale").select_option(label="Europe")
    page.get_by_role("radio", name="Salle 2").check()
    page.get_by_role("button", name="Rejoindre la salle").click()
    page.wait_for_url("**/e/*")
    assert page.evaluate(UNNAMED_CONTROLS) == [], "participant"
    for question in ("Pourquoi ?", "Pour quoi ?", "Comment ?", "Dans quelles conditions ?"):
        assert page.get_by_role("region", name=question).count() == 1
    assert page.get_by_role("button", name="Envoyer").count() == 1
    context.close()
