"""In real Chromium: the facilitator locks, reveals, edits, pins and merges; phones and the screen follow."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.browser import PHONE, UNNAMED_CONTROLS, Pages
from tests.support.live import LiveServer

IDEA = "Mutualiser l'ingénierie entre communes"
EDITED = "Mutualiser l'ingénierie entre intercommunalités"
DUPLICATE = "Mutualiser les ingénieurs des communes"


@dataclass
class Room:
    """Room 1 as the test sees it: two phones, the plenary screen and the facilitator's console."""

    alix: Any
    bao: Any
    screen: Any
    console: Any
    shots: str | None  # where COLLAB_MODERATION_SHOTS asks for screenshots

    @property
    def on_screen(self) -> Any:
        """Return room 1's region on the screen."""
        return self.screen.get_by_role("region", name="Salle 1", exact=True)

    @property
    def lock(self) -> Any:
        """Return the console's lock button."""
        return self.console.get_by_role("button", name="Verrouiller la salle")


def post(page: Any, text: str, column: str = "Pourquoi ?") -> None:
    """Write a card on a phone and send it."""
    page.get_by_label("Votre carte").fill(text)
    page.get_by_label("Colonne").select_option(label=column)
    page.get_by_role("button", name="Envoyer").click()


def open_the_room(pages: Pages, links: dict[str, Any]) -> Room:
    """Join two phones to room 1, open the screen and the room's console."""
    from playwright.sync_api import expect

    room = Room(
        alix=pages.join(links, "Alix", "Salle 1", **PHONE),
        bao=pages.join(links, "Bao", "Salle 1", **PHONE),
        screen=pages.open(links["screen_url"], viewport={"width": 1920, "height": 1080}),
        console=pages.open(links["rooms"][0]["facilitator_url"], viewport={"width": 1440, "height": 1000}),
        shots=os.environ.get("COLLAB_MODERATION_SHOTS"),
    )
    expect(room.lock).to_be_enabled()
    return room


def locking_stops_the_phones_and_unlocking_frees_them(room: Room) -> None:
    """Locked: the phone cannot write, and says why; unlocked: it can again, live."""
    from playwright.sync_api import expect

    alix, console = room.alix, room.console
    room.lock.click()
    expect(alix.get_by_label("Votre carte")).to_be_disabled()
    expect(alix.get_by_text("La salle est verrouillée")).to_be_visible()
    expect(alix.get_by_role("button", name="Envoyer")).to_be_disabled()
    expect(room.on_screen.get_by_text("Salle verrouillée")).to_be_visible()
    if room.shots:
        Path(room.shots).mkdir(parents=True, exist_ok=True)
        alix.screenshot(path=f"{room.shots}/phone-locked.png")
        room.screen.screenshot(path=f"{room.shots}/screen-locked.png")
    console.get_by_role("button", name="Déverrouiller").click()
    expect(alix.get_by_label("Votre carte")).to_be_enabled()
    expect(alix.get_by_text("La salle est verrouillée")).to_be_hidden()
    expect(room.on_screen.get_by_text("Salle verrouillée")).to_be_hidden()


def reveal_mode_holds_a_card_until_the_facilitator_reveals_it(room: Room) -> None:
    """Reveal mode: a card stays a placeholder for the others until the facilitator reveals it."""
    from playwright.sync_api import expect

    alix, bao, console, room_1 = room.alix, room.bao, room.console, room.on_screen
    console.get_by_label("Masquer les nouvelles cartes jusqu'à révélation").check()
    expect(console.get_by_label("Masquer les nouvelles cartes jusqu'à révélation")).to_be_checked()
    post(alix, IDEA)
    own = alix.get_by_role("article").filter(has_text=IDEA)
    expect(own.get_by_text("visible par vous et l'animation")).to_be_visible()
    expect(bao.get_by_text("Carte en attente de révélation")).to_be_visible()
    expect(bao.get_by_text(IDEA)).to_have_count(0)
    expect(room_1.get_by_text("1 carte en attente de révélation")).to_be_visible()
    expect(room_1.get_by_text(IDEA)).to_have_count(0)
    expect(console.get_by_role("region", name="File d'attente").get_by_text(IDEA)).to_be_visible()
    if room.shots:
        Path(room.shots).mkdir(parents=True, exist_ok=True)
        alix.screenshot(path=f"{room.shots}/phone-own-held.png")
        bao.screenshot(path=f"{room.shots}/phone-placeholder.png")
        room.screen.screenshot(path=f"{room.shots}/screen-held.png")
    console.get_by_role("button", name="Révéler les cartes (1)").click()
    expect(bao.get_by_text(IDEA)).to_be_visible()
    expect(bao.get_by_text("Carte en attente de révélation")).to_have_count(0)
    expect(own.get_by_text("visible par vous et l'animation")).to_have_count(0)
    expect(room_1.get_by_text(IDEA)).to_be_visible()
    expect(room_1.get_by_text("en attente de révélation")).to_be_hidden()
    console.get_by_label("Masquer les nouvelles cartes jusqu'à révélation").uncheck()
    expect(console.get_by_role("button", name="Révéler les cartes (0)")).to_be_disabled()


def an_edited_card_shows_its_new_text_marked_as_changed(room: Room) -> None:
    """The facilitator edits a card: the phones show the new text, marked as changed."""
    from playwright.sync_api import expect

    console, bao = room.console, room.bao
    card = console.get_by_role("article").filter(has_text=IDEA)
    card.get_by_role("button", name="Modifier").click()
    console.get_by_label("Nouveau texte").fill(EDITED)
    if room.shots:
        card.screenshot(path=f"{room.shots}/console-edit.png")
    console.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(bao.get_by_text(EDITED)).to_be_visible()
    expect(bao.get_by_role("article").filter(has_text=EDITED).get_by_text("modifiée")).to_be_visible()
    expect(room.alix.get_by_text(EDITED)).to_be_visible()


def p_pins_the_focused_card_first_of_its_column(room: Room) -> None:
    """A keyboard shortcut on the focused card: P pins it, first of its column everywhere."""
    from playwright.sync_api import expect

    console, room_1 = room.console, room.on_screen
    post(room.bao, DUPLICATE)
    expect(room_1.get_by_text(DUPLICATE)).to_be_visible()
    first_on_screen = room_1.get_by_role("region", name="Pourquoi ?").get_by_role("article").first
    expect(first_on_screen).to_contain_text(DUPLICATE)  # newest first
    console.get_by_role("article").filter(has_text=EDITED).focus()
    console.keyboard.press("p")
    expect(room.alix.get_by_role("article").filter(has_text=EDITED).get_by_text("épinglée")).to_be_visible()
    expect(first_on_screen).to_contain_text(EDITED)
    if room.shots:
        console.locator("[data-room-id]").first.screenshot(path=f"{room.shots}/console-focus.png")


def shoot_the_console_at_work(room: Room, shots: str) -> None:
    """Screenshot the console with a queue and a selection, a phone and the screen (for the docs)."""
    from playwright.sync_api import expect

    console = room.console
    post(room.alix, "Un projet commun lisible par les habitants", "Comment ?")
    console.get_by_label("Valider les cartes avant publication").check()
    post(room.bao, "Des élus qui se parlent entre territoires", "Dans quelles conditions ?")
    expect(console.get_by_role("region", name="File d'attente").get_by_role("listitem")).to_have_count(1)
    console.get_by_role("article").filter(has_text=DUPLICATE).get_by_label("Sélectionner").check()
    console.wait_for_timeout(600)
    console.screenshot(path=f"{shots}/console.png", full_page=True)
    room.bao.screenshot(path=f"{shots}/phone.png")
    room.screen.screenshot(path=f"{shots}/screen.png")
    console.get_by_role("article").filter(has_text=DUPLICATE).get_by_label("Sélectionner").uncheck()


def merging_leaves_one_card_and_undoing_brings_both_back(room: Room) -> None:
    """Merging two duplicates leaves one card on the screen; undoing it brings both back."""
    from playwright.sync_api import expect

    console, bao = room.console, room.bao
    for text in (EDITED, DUPLICATE):
        console.get_by_role("article").filter(has_text=text).get_by_label("Sélectionner").check()
    console.get_by_role("button", name="Fusionner la sélection").click()
    why = room.on_screen.get_by_role("region", name="Pourquoi ?")
    expect(why.get_by_role("article")).to_have_count(1)
    expect(why.get_by_text(EDITED)).to_be_visible()
    expect(why.get_by_text(DUPLICATE)).to_have_count(0)
    # Bao's words merged into Alix's card: on Bao's phone the card is theirs too, and says what they wrote.
    theirs = bao.locator(".card--mine", has_text=EDITED)
    expect(theirs.locator(".card__with")).to_have_text("avec Alix")
    expect(theirs.locator(".card__yours")).to_have_text(f"Vous aviez écrit : « {DUPLICATE} »")
    merged = console.get_by_role("article").filter(has_text=EDITED)
    expect(merged.get_by_text(DUPLICATE)).to_be_visible()  # the duplicate, listed with its author
    if room.shots:
        console.screenshot(path=f"{room.shots}/console-merged.png", full_page=True)
    merged.get_by_role("button", name="Défaire la fusion").click()
    expect(why.get_by_role("article")).to_have_count(2)
    expect(why.get_by_text(DUPLICATE)).to_be_visible()
    expect(bao.get_by_text(DUPLICATE)).to_be_visible()


def a_paused_activity_closes_the_phones_form(room: Room) -> None:
    """A paused activity closes the phone's form with its own words."""
    from playwright.sync_api import expect

    room.console.get_by_role("radio", name="En pause").check()
    expect(room.bao.get_by_text("Activité en pause")).to_be_visible()
    expect(room.bao.get_by_label("Votre carte")).to_be_disabled()
    room.console.get_by_role("radio", name="Ouverte").check()
    expect(room.bao.get_by_label("Votre carte")).to_be_enabled()


def a_card_written_offline_that_meets_a_lock_comes_back_to_its_author(room: Room) -> None:
    """A card written offline that meets a locked room is not retried forever: it comes back to its author."""
    from playwright.sync_api import expect

    alix, console = room.alix, room.console
    alix.context.set_offline(True)
    expect(alix.get_by_role("status").first).not_to_contain_text("Connecté", timeout=15000)
    post(alix, "Écrite hors ligne", "Comment ?")
    room.lock.click()
    expect(console.get_by_role("button", name="Déverrouiller")).to_be_visible()
    alix.context.set_offline(False)
    expect(alix.get_by_text("votre carte n'a pas été publiée")).to_be_visible(timeout=20000)
    expect(alix.get_by_label("Votre carte")).to_have_value("Écrite hors ligne")
    expect(alix.get_by_label("Votre carte")).to_be_disabled()
    expect(room.on_screen.get_by_text("Écrite hors ligne")).to_have_count(0)
    console.get_by_role("button", name="Déverrouiller").click()
    expect(alix.get_by_label("Votre carte")).to_be_enabled()


def deleting_asks_first_then_the_card_leaves_every_board(room: Room) -> None:
    """Deleting asks first, then the card leaves every board."""
    from playwright.sync_api import expect

    console = room.console
    console.once("dialog", lambda dialog: dialog.accept())
    console.get_by_role("article").filter(has_text=DUPLICATE).get_by_role("button", name="Supprimer").click()
    expect(room.on_screen.get_by_role("region", name="Pourquoi ?").get_by_role("article")).to_have_count(1)
    expect(room.bao.get_by_text(DUPLICATE)).to_have_count(0)


def test_the_facilitator_runs_the_room_and_phones_and_screen_follow(pages: Pages, server: LiveServer) -> None:
    links = server.create_event(rooms=2)
    server.start()
    room = open_the_room(pages, links)
    locking_stops_the_phones_and_unlocking_frees_them(room)
    reveal_mode_holds_a_card_until_the_facilitator_reveals_it(room)
    an_edited_card_shows_its_new_text_marked_as_changed(room)
    p_pins_the_focused_card_first_of_its_column(room)
    if room.shots:
        shoot_the_console_at_work(room, room.shots)

    # Every control of the console, with cards and their tools, has a visible name.
    assert room.console.evaluate(UNNAMED_CONTROLS) == []
    assert room.alix.evaluate(UNNAMED_CONTROLS) == []

    merging_leaves_one_card_and_undoing_brings_both_back(room)
    a_paused_activity_closes_the_phones_form(room)
    a_card_written_offline_that_meets_a_lock_comes_back_to_its_author(room)
    deleting_asks_first_then_the_card_leaves_every_board(room)

    for watch in pages.watches:
        assert [p for p in watch.problems if "ERR_INTERNET_DISCONNECTED" not in p] == []
