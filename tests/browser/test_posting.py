"""In real Chromium against a real server: a phone joins and posts, the screen and the console see it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tests.support.browser import UNNAMED_CONTROLS, PageWatch, join_form
from tests.support.live import ROOT, LiveServer


def test_a_phone_posts_and_the_room_the_console_and_the_screen_see_it(
    chromium: Any, server: LiveServer, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    links = server.create_event(rooms=4)
    server.start()
    phone_context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    neighbour_context = chromium.new_context(viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True)
    elsewhere_context = chromium.new_context(viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True)
    screen_context = chromium.new_context(viewport={"width": 1920, "height": 1080})
    console_context = chromium.new_context(viewport={"width": 1440, "height": 900})
    watches = []

    def open_page(context: Any, url: str) -> Any:
        page = context.new_page()
        watches.append(PageWatch(page, server.url))
        page.goto(url)
        return page

    def join(context: Any, pseudonym: str, room: str) -> Any:
        page = open_page(context, links["join_url"])
        join_form(page, links["join_code"], pseudonym, room)
        return page

    phone = join(phone_context, "Camille", "Salle 1")
    neighbour = join(neighbour_context, "Bao", "Salle 1")
    elsewhere = join(elsewhere_context, "Chloé", "Salle 2")
    screen = open_page(screen_context, links["screen_url"])
    console = open_page(console_context, links["rooms"][0]["facilitator_url"])
    expect(screen.locator("[data-presence-total]")).to_have_text("3")

    phone.get_by_label("Votre carte").fill("Mutualiser l'ingénierie entre communes")
    phone.get_by_label("Colonne").select_option(label="Pourquoi ?")
    phone.get_by_role("button", name="Envoyer").click()

    card_text = "Mutualiser l'ingénierie entre communes"
    room_1 = screen.get_by_role("region", name="Salle 1", exact=True)
    expect(room_1.get_by_role("region", name="Pourquoi ?").get_by_text(card_text)).to_be_visible()
    expect(neighbour.get_by_role("region", name="Pourquoi ?").get_by_text(card_text)).to_be_visible()
    expect(console.get_by_role("region", name="Pourquoi ?").get_by_text(card_text)).to_be_visible()
    expect(phone.get_by_role("region", name="Pourquoi ?").get_by_text(card_text)).to_have_count(1)
    expect(elsewhere.get_by_text(card_text)).to_have_count(0)
    expect(screen.get_by_role("region", name="Salle 2", exact=True).get_by_text(card_text)).to_have_count(0)
    # No horizontal scroll on a small phone.
    assert neighbour.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    if os.environ.get("COLLAB_SCREENSHOTS"):
        # The README's screen is at 11h45, atelier 2: the organiser moves the day there.
        organiser = console_context.new_page()
        organiser.goto(links["organiser_url"])
        row = organiser.locator("tr", has_text="Quatre grandes questions")
        row.get_by_role("button", name="Aller à cette phase").click()
        expect(screen.locator("[data-now-title]")).to_have_text("Quatre grandes questions")
        organiser.close()
        for n, text in enumerate(["Un projet commun lisible par les habitants", "Des élus qui se parlent"]):
            neighbour.get_by_label("Votre carte").fill(text)
            neighbour.get_by_label("Colonne").select_option(index=n + 1)
            neighbour.get_by_role("button", name="Envoyer").click()
            expect(room_1.get_by_text(text)).to_be_visible()
        screen.wait_for_timeout(600)  # let the calm fade-in finish
        target = ROOT / os.environ["COLLAB_SCREENSHOTS"]
        target.mkdir(parents=True, exist_ok=True)
        screen.screenshot(path=str(target / "screenshot-screen.png"))

    # The facilitator hides the card: it leaves the phones and the screen at once, and comes back.
    console_card = console.get_by_role("article").filter(has_text=card_text)
    console_card.get_by_role("button", name="Masquer").click()
    expect(room_1.get_by_text(card_text)).to_have_count(0)
    expect(neighbour.get_by_text(card_text)).to_have_count(0)
    expect(console_card.get_by_role("button", name="Rétablir")).to_be_visible()
    console_card.get_by_role("button", name="Rétablir").click()
    expect(room_1.get_by_text(card_text)).to_be_visible()
    expect(neighbour.get_by_text(card_text)).to_be_visible()

    # Reloading the phone keeps the same participant and the same board.
    phone.reload()
    expect(phone.get_by_text("Camille")).to_be_visible()
    expect(phone.get_by_role("region", name="Pourquoi ?").get_by_text(card_text)).to_have_count(1)

    # Offline, a card waits on the phone; back online it lands once.
    phone_context.set_offline(True)
    expect(phone.get_by_role("status").first).not_to_contain_text("Connecté", timeout=15000)
    phone.get_by_label("Votre carte").fill("Écrite hors ligne")
    phone.get_by_label("Colonne").select_option(label="Comment ?")
    phone.get_by_role("button", name="Envoyer").click()
    expect(phone.get_by_role("region", name="Comment ?").get_by_text("Écrite hors ligne")).to_be_visible()
    phone_context.set_offline(False)
    expect(room_1.get_by_role("region", name="Comment ?").get_by_text("Écrite hors ligne")).to_have_count(
        1, timeout=20000
    )
    expect(neighbour.get_by_text("Écrite hors ligne")).to_have_count(1)
    expect(phone.get_by_text("Écrite hors ligne")).to_have_count(1)

    for watch in watches:
        assert [p for p in watch.problems if "ERR_INTERNET_DISCONNECTED" not in p] == []
    for context in (phone_context, neighbour_context, elsewhere_context, screen_context, console_context):
        context.close()


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
