"""In real Chromium: a facilitator runs a dot vote with phones, then publishes a synthesis the screen shows."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tests.support.browser import PageWatch, join_form
from tests.support.live import LiveServer

# The same Chromium and live server as the main browser test.

FIRST = "Mutualiser l'ingénierie entre communes"
SECOND = "Des élus qui se parlent régulièrement"


def test_a_dot_vote_and_a_published_synthesis(chromium: Any, server: LiveServer, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    links = server.create_event(rooms=2)
    server.start()
    contexts = [
        chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True),
        chromium.new_context(viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True),
        chromium.new_context(viewport={"width": 1920, "height": 1080}),
        chromium.new_context(viewport={"width": 1440, "height": 900}),
    ]
    phone_context, neighbour_context, screen_context, console_context = contexts
    watches = []

    def open_page(context: Any, url: str) -> Any:
        page = context.new_page()
        watches.append(PageWatch(page, server.url))
        page.goto(url)
        return page

    def join(context: Any, pseudonym: str) -> Any:
        page = open_page(context, links["join_url"])
        join_form(page, links["join_code"], pseudonym, "Salle 1")
        return page

    phone = join(phone_context, "Camille")
    neighbour = join(neighbour_context, "Bao")
    screen = open_page(screen_context, links["screen_url"])
    console = open_page(console_context, links["rooms"][0]["facilitator_url"])
    for text in (FIRST, SECOND):
        phone.get_by_label("Votre carte").fill(text)
        phone.get_by_label("Colonne").select_option(label="Pourquoi ?")
        phone.get_by_role("button", name="Envoyer").click()
        expect(console.get_by_role("article").filter(has_text=text)).to_be_visible()

    # The facilitator opens a vote of 2 dots: phones get dot buttons and what they have left.
    console.get_by_label("Points par participant").fill("2")
    console.get_by_role("button", name="Ouvrir le vote").click()
    expect(phone.get_by_text("Il vous reste 2 points sur 2.")).to_be_visible()
    phone_first = phone.get_by_role("article").filter(has_text=FIRST)
    phone_first.get_by_role("button", name="Ajouter un point").click()
    expect(phone.get_by_text("Il vous reste 1 point sur 2.")).to_be_visible()
    phone_first.get_by_role("button", name="Ajouter un point").click()
    expect(phone.get_by_text("Vous avez placé vos 2 points.")).to_be_visible()
    expect(phone_first.get_by_role("button", name="Ajouter un point")).to_be_disabled()
    assert neighbour.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scroll
    if os.environ.get("COLLAB_VOTES_SHOTS"):
        phone.screenshot(path=str(Path(os.environ["COLLAB_VOTES_SHOTS"]) / "votes-phone-open.png"))

    console_first = console.get_by_role("article").filter(has_text=FIRST)
    expect(console_first.get_by_text("2 points")).to_be_visible()
    expect(neighbour.get_by_role("article").filter(has_text=FIRST).get_by_text("2 points")).to_be_visible()
    room_1 = screen.get_by_role("region", name="Salle 1", exact=True)
    expect(room_1.get_by_role("article").filter(has_text=FIRST).get_by_text("2 points")).to_be_visible()

    neighbour.get_by_role("article").filter(has_text=SECOND).get_by_role("button", name="Ajouter un point").click()
    phone_first.get_by_role("button", name="Retirer un point").click()
    expect(console_first.get_by_text("1 point")).to_be_visible()
    expect(console.get_by_role("article").filter(has_text=SECOND).get_by_text("1 point")).to_be_visible()
    phone_first.get_by_role("button", name="Ajouter un point").click()
    expect(console_first.get_by_text("2 points")).to_be_visible()

    # Closed: no more dot buttons; counts stay; the console sorts by votes.
    console.get_by_role("button", name="Clore le vote").click()
    expect(phone.get_by_role("button", name="Ajouter un point")).to_have_count(0)
    expect(phone_first.get_by_text("2 points")).to_be_visible()
    column = console.get_by_role("region", name="Pourquoi ?")
    expect(column.get_by_role("article").first).to_contain_text(SECOND)  # newest first
    console.get_by_role("button", name="Trier par votes").click()
    expect(column.get_by_role("article").first).to_contain_text(FIRST)

    # The synthesis: both cards, the second moved up, a text for "Pourquoi ?", published.
    editor = console.get_by_role("region", name="Synthèse de la salle")
    console_first.get_by_role("button", name="Ajouter à la synthèse").click()
    console.get_by_role("article").filter(has_text=SECOND).get_by_role("button", name="Ajouter à la synthèse").click()
    expect(editor.get_by_role("listitem")).to_have_count(2)
    editor.get_by_role("listitem").filter(has_text=SECOND).get_by_role("button", name="Monter").click()
    expect(editor.get_by_role("listitem").first).to_contain_text(SECOND)
    editor.get_by_label("Pourquoi ?").fill("Parce que seuls, les territoires n'y arrivent pas.")
    editor.get_by_role("button", name="Publier la synthèse").click()
    expect(editor.get_by_role("status")).to_contain_text("Synthèse publiée")

    screen.get_by_role("button", name="Synthèses").click()
    published = screen.get_by_role("article").filter(has_text="Salle 1")
    expect(published.get_by_text("Parce que seuls, les territoires n'y arrivent pas.")).to_be_visible()
    expect(published.get_by_role("listitem").nth(0)).to_contain_text(SECOND)
    expect(published.get_by_role("listitem").nth(1)).to_contain_text(FIRST)

    # A screen that opens later asks for what was published.
    late = open_page(screen_context, links["screen_url"])
    late.get_by_role("button", name="Synthèses").click()
    expect(late.get_by_role("article").filter(has_text="Salle 1").get_by_text(FIRST)).to_be_visible()

    if os.environ.get("COLLAB_VOTES_SHOTS"):
        target = Path(os.environ["COLLAB_VOTES_SHOTS"])
        for name, page in (("phone", phone), ("console", console), ("screen", screen), ("neighbour", neighbour)):
            page.screenshot(path=str(target / f"votes-{name}.png"), full_page=name != "screen")

    for watch in watches:
        assert watch.problems == []
    for context in contexts:
        context.close()
