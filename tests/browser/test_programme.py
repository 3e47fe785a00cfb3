"""In real Chromium: the organiser drives the day, phones follow it live, a room's countdown agrees everywhere."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.browser import Pages
from tests.support.live import LiveServer

SKEW_MS = 7 * 60 * 1000  # how wrong the phone's clock is


@dataclass
class Day:
    """The day as the test sees it: Camille's phone in room 1, the organiser's page, the screen, room 1's console."""

    phone: Any
    organiser: Any
    screen: Any
    console: Any

    @property
    def screen_room_1(self) -> Any:
        """Return room 1's region on the screen."""
        return self.screen.get_by_role("region", name="Salle 1", exact=True)

    @property
    def room_phase(self) -> Any:
        """Return the phase chosen in the console's list of the room's phase."""
        return self.console.get_by_label("Phase de la salle").locator("option:checked")


def open_the_day(pages: Pages, links: dict[str, Any]) -> Day:
    """Join Camille, whose phone is 7 minutes fast; open the organiser's page, the screen and the console."""
    from playwright.sync_api import expect

    phone_context = pages.context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    # This device's clock is wrong; countdowns must still agree with everyone else's.
    phone_context.add_init_script(f"{{ const now = Date.now; Date.now = () => now() + {SKEW_MS}; }}")
    phone = pages.open(links["join_url"], context=phone_context)
    phone.get_by_label("Pseudonyme").fill("Camille")
    phone.get_by_label("Échelle territoriale").select_option(label="Commune")
    phone.get_by_role("group", name="Salle").get_by_role("radio", name="Salle 1").check()
    phone.get_by_role("button", name="Rejoindre la salle").click()
    phone.wait_for_url(f"**/e/{links['join_code']}")
    expect(phone.get_by_role("status").first).to_contain_text("Connecté")
    assert phone.evaluate("Math.round((Date.now() - performance.timeOrigin - performance.now()) / 1000)") == 420
    day = Day(
        phone=phone,
        organiser=pages.open(links["organiser_url"], viewport={"width": 1440, "height": 900}),
        screen=pages.open(links["screen_url"], viewport={"width": 1920, "height": 1080}),
        console=pages.open(links["rooms"][0]["facilitator_url"], viewport={"width": 1440, "height": 900}),
    )
    expect(day.organiser.get_by_role("status").first).to_contain_text("Connecté")
    return day


def the_first_phase_is_a_waiting_screen(day: Day) -> None:
    """Before the day starts the phone shows the board; the first phase (accueil) is a waiting screen."""
    from playwright.sync_api import expect

    phone, screen, console = day.phone, day.screen, day.console
    board = phone.get_by_role("region", name="Pourquoi ?")
    expect(board).to_be_visible()
    # The console's list of the room's phase says the day has not started (it once drew blank),
    # and does not offer that as a choice.
    expect(day.room_phase).to_have_text("Pas encore commencé")
    expect(day.room_phase).to_be_disabled()
    assert console.get_by_label("Phase de la salle").evaluate("(select) => select.selectedIndex") == 0
    day.organiser.get_by_role("button", name="Phase suivante").click()
    expect(day.room_phase).to_have_text("9h30 · Accueil")
    waiting = phone.get_by_role("region", name="Accueil")
    expect(waiting).to_be_visible()
    expect(waiting).to_contain_text("À 10h : Introduction du séminaire")
    expect(board).to_be_hidden()
    expect(screen.locator("[data-now-title]")).to_have_text("Accueil")
    expect(screen.locator("[data-next-title]")).to_have_text("Introduction du séminaire")


def three_more_steps_reach_the_case_studys_board(day: Day) -> None:
    """Three more steps reach the first atelier: the board comes back, without a reload."""
    from playwright.sync_api import expect

    phone, organiser = day.phone, day.organiser
    for title in ("Introduction du séminaire", "Présentation de la journée"):
        organiser.get_by_role("button", name="Phase suivante").click()
        expect(phone.get_by_role("region", name=title)).to_be_visible()
    organiser.get_by_role("button", name="Phase suivante").click()
    # The first atelier works on the case study: its board, not the four questions.
    expect(phone.get_by_role("region", name="Finalités")).to_be_visible()
    expect(phone.get_by_role("region", name="Pourquoi ?")).to_be_hidden()
    expect(phone.locator("[data-waiting]")).to_be_hidden()
    expect(day.screen_room_1.get_by_role("region", name="Finalités")).to_be_visible()
    expect(day.console.get_by_role("region", name="Finalités")).to_be_visible()
    expect(day.screen.locator("[data-now-title]")).to_have_text("Décrypter les situations de coopération")


def the_facilitator_moves_the_room_alone_to_the_pause_and_back(day: Day) -> None:
    """The facilitator moves their room alone to the pause, then back to following the event."""
    from playwright.sync_api import expect

    board = day.phone.get_by_role("region", name="Finalités")
    day.console.get_by_label("Phase de la salle").select_option(label="11h30 · Pause")
    expect(day.phone.get_by_role("region", name="Pause")).to_be_visible()
    expect(board).to_be_hidden()
    expect(day.screen_room_1.locator("[data-room-phase]")).to_have_text("Pause")
    day.console.get_by_role("button", name="Suivre l'événement").click()
    expect(board).to_be_visible()


def a_countdown_shows_the_same_time_on_the_phone_and_the_screen(day: Day) -> None:
    """The room's facilitator starts a 2-minute countdown: the phone and the screen show the same time,
    a phone that loads later too; stopping it clears it everywhere."""
    from playwright.sync_api import expect

    phone, console = day.phone, day.console
    console.get_by_label("Minutes").fill("2")
    console.get_by_role("button", name="Lancer").click()
    phone_timer = phone.locator("[data-timer] [data-timer-value]")
    screen_timer = day.screen_room_1.locator("[data-room-timer] [data-timer-value]")
    expect(phone_timer).to_have_text(re.compile(r"^(2:00|1:5\d)$"))
    expect(screen_timer).to_have_text(re.compile(r"^(2:00|1:5\d)$"))
    expect(day.screen.get_by_role("region", name="Salle 2", exact=True).locator("[data-room-timer]")).to_be_hidden()
    assert apart(phone_timer, screen_timer) <= 1

    # A phone that loads later sees the same remaining time.
    phone.reload()
    expect(phone_timer).to_have_text(re.compile(r"^(2:00|1:5\d)$"))
    assert apart(phone_timer, screen_timer) <= 1

    # Stopping it clears it everywhere.
    console.get_by_role("button", name="Arrêter").click()
    expect(phone.locator("[data-timer]")).to_be_hidden()
    expect(day.screen_room_1.locator("[data-room-timer]")).to_be_hidden()


def test_the_organiser_drives_the_day_and_a_room_counts_down(pages: Pages, server: LiveServer) -> None:
    # The day as it runs for real: each atelier's board opens with its phase, none is open early.
    links = server.create_event(rooms=2, open_boards=False)
    server.start()
    day = open_the_day(pages, links)
    the_first_phase_is_a_waiting_screen(day)
    three_more_steps_reach_the_case_studys_board(day)
    the_facilitator_moves_the_room_alone_to_the_pause_and_back(day)
    a_countdown_shows_the_same_time_on_the_phone_and_the_screen(day)

    for watch in pages.watches:
        assert watch.problems == []


def test_the_organiser_edits_the_programme_and_renames_a_room(
    pages: Pages,
    server: LiveServer,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    links = server.create_event(rooms=2)
    server.start()
    organiser = pages.open(links["organiser_url"], viewport={"width": 1440, "height": 900})
    screen = pages.open(links["screen_url"], viewport={"width": 1920, "height": 1080})
    expect(organiser.get_by_role("status").first).to_contain_text("Connecté")
    expect(screen.locator("[data-status]")).to_have_attribute("data-status", "connected")

    organiser.get_by_role("button", name="Ajouter une phase").click()
    organiser.get_by_label("Début").fill("08:45")
    organiser.get_by_label("Fin").fill("09:30")
    organiser.get_by_label("Type", exact=True).select_option(label="Accueil")
    organiser.get_by_label("Intitulé").fill("Café d'arrivée")
    organiser.get_by_role("button", name="Enregistrer", exact=True).click()
    rows = organiser.locator("[data-programme] tbody tr")
    expect(rows.first).to_contain_text("Café d'arrivée")
    rows.first.get_by_role("button", name="Aller à cette phase").click()
    expect(screen.locator("[data-now-title]")).to_have_text("Café d'arrivée")
    expect(screen.locator("[data-next-title]")).to_have_text("Accueil")

    rows.first.get_by_role("button", name="Descendre").click()
    expect(rows.nth(1)).to_contain_text("Café d'arrivée")
    expect(screen.locator("[data-next-title]")).not_to_have_text("Accueil")

    organiser.get_by_label("Nom de la salle").first.fill("Salle du Lac")
    organiser.get_by_role("button", name="Renommer").first.click()
    expect(screen.get_by_role("heading", name="Salle du Lac")).to_be_visible()

    for watch in pages.watches:
        assert watch.problems == []


def apart(first: Any, second: Any) -> int:
    """Return how many seconds two countdowns' texts ("1:58") differ by. Each page redraws its own
    countdown four times a second from its estimate of the server's clock, so at the turn of a second
    one may show the next second a moment before the other: a second apart, never more."""

    def seconds(text: str) -> int:
        minutes, _, rest = text.partition(":")
        return int(minutes) * 60 + int(rest)

    return abs(seconds(first.text_content()) - seconds(second.text_content()))
