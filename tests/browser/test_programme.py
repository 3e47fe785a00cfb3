"""In real Chromium: the organiser drives the day, phones follow it live, a room's countdown agrees everywhere."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.support.browser import PageWatch
from tests.support.live import LiveServer


def test_the_organiser_drives_the_day_and_a_room_counts_down(chromium: Any, server: LiveServer) -> None:
    from playwright.sync_api import expect

    # The day as it runs for real: each atelier's board opens with its phase, none is open early.
    links = server.create_event(rooms=2, open_boards=False)
    server.start()
    contexts = []
    watches = []

    def open_page(url: str, skew_ms: int = 0, **options: Any) -> Any:
        context = chromium.new_context(**options)
        if skew_ms:
            # This device's clock is wrong; countdowns must still agree with everyone else's.
            context.add_init_script(f"{{ const now = Date.now; Date.now = () => now() + {skew_ms}; }}")
        contexts.append(context)
        page = context.new_page()
        watches.append(PageWatch(page, server.url))
        page.goto(url)
        return page

    phone = open_page(
        links["join_url"], skew_ms=7 * 60 * 1000, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    phone.get_by_label("Pseudonyme").fill("Camille")
    phone.get_by_label("Échelle territoriale").select_option(label="Commune")
    phone.get_by_role("group", name="Salle").get_by_role("radio", name="Salle 1").check()
    phone.get_by_role("button", name="Rejoindre la salle").click()
    phone.wait_for_url(f"**/e/{links['join_code']}")
    expect(phone.get_by_role("status").first).to_contain_text("Connecté")
    assert phone.evaluate("Math.round((Date.now() - performance.timeOrigin - performance.now()) / 1000)") == 420
    organiser = open_page(links["organiser_url"], viewport={"width": 1440, "height": 900})
    screen = open_page(links["screen_url"], viewport={"width": 1920, "height": 1080})
    console = open_page(links["rooms"][0]["facilitator_url"], viewport={"width": 1440, "height": 900})
    expect(organiser.get_by_role("status").first).to_contain_text("Connecté")

    # Before the day starts the phone shows the board; the first phase (accueil) is a waiting screen.
    board = phone.get_by_role("region", name="Pourquoi ?")
    expect(board).to_be_visible()
    # The console's list of the room's phase says the day has not started (it once drew blank),
    # and does not offer that as a choice.
    room_phase = console.get_by_label("Phase de la salle").locator("option:checked")
    expect(room_phase).to_have_text("Pas encore commencé")
    expect(room_phase).to_be_disabled()
    assert console.get_by_label("Phase de la salle").evaluate("(select) => select.selectedIndex") == 0
    organiser.get_by_role("button", name="Phase suivante").click()
    expect(room_phase).to_have_text("9h30 · Accueil")
    waiting = phone.get_by_role("region", name="Accueil")
    expect(waiting).to_be_visible()
    expect(waiting).to_contain_text("À 10h : Introduction du séminaire")
    expect(board).to_be_hidden()
    expect(screen.locator("[data-now-title]")).to_have_text("Accueil")
    expect(screen.locator("[data-next-title]")).to_have_text("Introduction du séminaire")

    # Three more steps reach the first atelier: the board comes back, without a reload.
    for title in ("Introduction du séminaire", "Présentation de la journée"):
        organiser.get_by_role("button", name="Phase suivante").click()
        expect(phone.get_by_role("region", name=title)).to_be_visible()
    organiser.get_by_role("button", name="Phase suivante").click()
    # The first atelier works on the case study: its board, not the four questions.
    board = phone.get_by_role("region", name="Finalités")
    expect(board).to_be_visible()
    expect(phone.get_by_role("region", name="Pourquoi ?")).to_be_hidden()
    expect(phone.locator("[data-waiting]")).to_be_hidden()
    screen_room_1 = screen.get_by_role("region", name="Salle 1", exact=True)
    expect(screen_room_1.get_by_role("region", name="Finalités")).to_be_visible()
    expect(console.get_by_role("region", name="Finalités")).to_be_visible()
    expect(screen.locator("[data-now-title]")).to_have_text("Décrypter les situations de coopération")

    # The facilitator moves their room alone to the pause, then back to following the event.
    console.get_by_label("Phase de la salle").select_option(label="11h30 · Pause")
    expect(phone.get_by_role("region", name="Pause")).to_be_visible()
    expect(board).to_be_hidden()
    expect(screen_room_1.locator("[data-room-phase]")).to_have_text("Pause")
    console.get_by_role("button", name="Suivre l'événement").click()
    expect(board).to_be_visible()

    # The room's facilitator starts a 2-minute countdown: the phone and the screen show the same time.
    console.get_by_label("Minutes").fill("2")
    console.get_by_role("button", name="Lancer").click()
    phone_timer = phone.locator("[data-timer] [data-timer-value]")
    screen_timer = screen_room_1.locator("[data-room-timer] [data-timer-value]")
    expect(phone_timer).to_have_text(re.compile(r"^(2:00|1:5\d)$"))
    expect(screen_timer).to_have_text(re.compile(r"^(2:00|1:5\d)$"))
    expect(screen.get_by_role("region", name="Salle 2", exact=True).locator("[data-room-timer]")).to_be_hidden()
    assert apart(phone_timer, screen_timer) <= 1

    # A phone that loads later sees the same remaining time.
    phone.reload()
    expect(phone_timer).to_have_text(re.compile(r"^(2:00|1:5\d)$"))
    assert apart(phone_timer, screen_timer) <= 1

    # Stopping it clears it everywhere.
    console.get_by_role("button", name="Arrêter").click()
    expect(phone.locator("[data-timer]")).to_be_hidden()
    expect(screen_room_1.locator("[data-room-timer]")).to_be_hidden()

    for watch in watches:
        assert watch.problems == []
    for context in contexts:
        context.close()


def test_the_organiser_edits_the_programme_and_renames_a_room(
    chromium: Any,
    server: LiveServer,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    links = server.create_event(rooms=2)
    server.start()
    organiser_context = chromium.new_context(viewport={"width": 1440, "height": 900})
    screen_context = chromium.new_context(viewport={"width": 1920, "height": 1080})
    organiser = organiser_context.new_page()
    screen = screen_context.new_page()
    watches = [PageWatch(organiser, server.url), PageWatch(screen, server.url)]
    organiser.goto(links["organiser_url"])
    screen.goto(links["screen_url"])
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

    for watch in watches:
        assert watch.problems == []
    organiser_context.close()
    screen_context.close()


def apart(first: Any, second: Any) -> int:
    """Return how many seconds two countdowns' texts ("1:58") differ by. Each page redraws its own
    countdown four times a second from its estimate of the server's clock, so at the turn of a second
    one may show the next second a moment before the other: a second apart, never more."""

    def seconds(text: str) -> int:
        minutes, _, rest = text.partition(":")
        return int(minutes) * 60 + int(rest)

    return abs(seconds(first.text_content()) - seconds(second.text_content()))
