"""In real Chromium: a facilitator runs a dot vote with phones, then publishes a synthesis the screen shows."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.browser import PHONE, SMALL_PHONE, Pages
from tests.support.live import LiveServer

FIRST = "Mutualiser l'ingénierie entre communes"
SECOND = "Des élus qui se parlent régulièrement"


@dataclass
class Room:
    """Room 1 as the test sees it: Camille's phone, Bao's (the neighbour's), the screen and the console."""

    phone: Any
    neighbour: Any
    screen: Any
    console: Any

    def on_console(self, text: str) -> Any:
        """Return the card that says `text` on the console."""
        return self.console.get_by_role("article").filter(has_text=text)

    def on_phone(self, text: str) -> Any:
        """Return the card that says `text` on Camille's phone."""
        return self.phone.get_by_role("article").filter(has_text=text)


def open_room_1(pages: Pages, links: dict[str, Any]) -> Room:
    """Join Camille and Bao to room 1, open the screen and the room's console."""
    return Room(
        phone=pages.join(links, "Camille", "Salle 1", **PHONE),
        neighbour=pages.join(links, "Bao", "Salle 1", **SMALL_PHONE),
        screen=pages.open(links["screen_url"], viewport={"width": 1920, "height": 1080}),
        console=pages.open(links["rooms"][0]["facilitator_url"], viewport={"width": 1440, "height": 900}),
    )


def camille_writes_two_cards(room: Room) -> None:
    """Camille writes two cards in "Pourquoi ?"; the console shows them."""
    from playwright.sync_api import expect

    for text in (FIRST, SECOND):
        room.phone.get_by_label("Votre carte").fill(text)
        room.phone.get_by_label("Colonne").select_option(label="Pourquoi ?")
        room.phone.get_by_role("button", name="Envoyer").click()
        expect(room.on_console(text)).to_be_visible()


def the_facilitator_opens_a_vote_of_two_dots(room: Room) -> None:
    """The facilitator opens a vote of 2 dots: phones get dot buttons and what they have left."""
    from playwright.sync_api import expect

    phone, phone_first = room.phone, room.on_phone(FIRST)
    room.console.get_by_label("Points par participant").fill("2")
    room.console.get_by_role("button", name="Ouvrir le vote").click()
    expect(phone.get_by_text("Il vous reste 2 points sur 2.")).to_be_visible()
    phone_first.get_by_role("button", name="Ajouter un point").click()
    expect(phone.get_by_text("Il vous reste 1 point sur 2.")).to_be_visible()
    phone_first.get_by_role("button", name="Ajouter un point").click()
    expect(phone.get_by_text("Vous avez placé vos 2 points.")).to_be_visible()
    expect(phone_first.get_by_role("button", name="Ajouter un point")).to_be_disabled()
    assert room.neighbour.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scroll
    if os.environ.get("COLLAB_VOTES_SHOTS"):
        phone.screenshot(path=str(Path(os.environ["COLLAB_VOTES_SHOTS"]) / "votes-phone-open.png"))


def the_dots_show_everywhere_and_follow_each_change(room: Room) -> None:
    """The console, the neighbour and the screen count the dots, and follow a dot moved."""
    from playwright.sync_api import expect

    console_first, phone_first = room.on_console(FIRST), room.on_phone(FIRST)
    expect(console_first.get_by_text("2 points")).to_be_visible()
    expect(room.neighbour.get_by_role("article").filter(has_text=FIRST).get_by_text("2 points")).to_be_visible()
    room_1 = room.screen.get_by_role("region", name="Salle 1", exact=True)
    expect(room_1.get_by_role("article").filter(has_text=FIRST).get_by_text("2 points")).to_be_visible()

    room.neighbour.get_by_role("article").filter(has_text=SECOND).get_by_role("button", name="Ajouter un point").click()
    phone_first.get_by_role("button", name="Retirer un point").click()
    expect(console_first.get_by_text("1 point")).to_be_visible()
    expect(room.on_console(SECOND).get_by_text("1 point")).to_be_visible()
    phone_first.get_by_role("button", name="Ajouter un point").click()
    expect(console_first.get_by_text("2 points")).to_be_visible()


def closed_the_counts_stay_and_the_console_sorts_by_votes(room: Room) -> None:
    """Closed: no more dot buttons; counts stay; the console sorts by votes."""
    from playwright.sync_api import expect

    console = room.console
    console.get_by_role("button", name="Clore le vote").click()
    expect(room.phone.get_by_role("button", name="Ajouter un point")).to_have_count(0)
    expect(room.on_phone(FIRST).get_by_text("2 points")).to_be_visible()
    column = console.get_by_role("region", name="Pourquoi ?")
    expect(column.get_by_role("article").first).to_contain_text(SECOND)  # newest first
    console.get_by_role("button", name="Trier par votes").click()
    expect(column.get_by_role("article").first).to_contain_text(FIRST)


def the_facilitator_publishes_a_synthesis_of_both_cards(room: Room) -> None:
    """The synthesis: both cards, the second moved up, a text for "Pourquoi ?", published."""
    from playwright.sync_api import expect

    editor = room.console.get_by_role("region", name="Synthèse de la salle")
    room.on_console(FIRST).get_by_role("button", name="Ajouter à la synthèse").click()
    room.on_console(SECOND).get_by_role("button", name="Ajouter à la synthèse").click()
    expect(editor.get_by_role("listitem")).to_have_count(2)
    editor.get_by_role("listitem").filter(has_text=SECOND).get_by_role("button", name="Monter").click()
    expect(editor.get_by_role("listitem").first).to_contain_text(SECOND)
    editor.get_by_label("Pourquoi ?").fill("Parce que seuls, les territoires n'y arrivent pas.")
    editor.get_by_role("button", name="Publier la synthèse").click()
    expect(editor.get_by_role("status")).to_contain_text("Synthèse publiée")


def the_screen_shows_the_synthesis_in_its_order(screen: Any) -> None:
    """The screen's syntheses show the text and the cards in the facilitator's order."""
    from playwright.sync_api import expect

    screen.get_by_role("button", name="Synthèses").click()
    published = screen.get_by_role("article").filter(has_text="Salle 1")
    expect(published.get_by_text("Parce que seuls, les territoires n'y arrivent pas.")).to_be_visible()
    expect(published.get_by_role("listitem").nth(0)).to_contain_text(SECOND)
    expect(published.get_by_role("listitem").nth(1)).to_contain_text(FIRST)


def a_screen_opened_later_asks_for_what_was_published(pages: Pages, room: Room, links: dict[str, Any]) -> None:
    """A screen that opens later, beside the first, asks for what was published."""
    from playwright.sync_api import expect

    late = pages.open(links["screen_url"], context=room.screen.context)
    late.get_by_role("button", name="Synthèses").click()
    expect(late.get_by_role("article").filter(has_text="Salle 1").get_by_text(FIRST)).to_be_visible()


def test_a_dot_vote_and_a_published_synthesis(pages: Pages, server: LiveServer, tmp_path: Path) -> None:
    links = server.create_event(rooms=2)
    server.start()
    room = open_room_1(pages, links)
    camille_writes_two_cards(room)
    the_facilitator_opens_a_vote_of_two_dots(room)
    the_dots_show_everywhere_and_follow_each_change(room)
    closed_the_counts_stay_and_the_console_sorts_by_votes(room)
    the_facilitator_publishes_a_synthesis_of_both_cards(room)
    the_screen_shows_the_synthesis_in_its_order(room.screen)
    a_screen_opened_later_asks_for_what_was_published(pages, room, links)

    if os.environ.get("COLLAB_VOTES_SHOTS"):
        target = Path(os.environ["COLLAB_VOTES_SHOTS"])
        shown = (
            ("phone", room.phone),
            ("console", room.console),
            ("screen", room.screen),
            ("neighbour", room.neighbour),
        )
        for name, page in shown:
            page.screenshot(path=str(target / f"votes-{name}.png"), full_page=name != "screen")

    for watch in pages.watches:
        assert watch.problems == []
