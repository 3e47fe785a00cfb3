"""In real Chromium at 1920×1080: the organiser steps the plenary screen through every mode,
with the remote's buttons and with the keys of a presentation clicker."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tests.support.browser import UNNAMED_CONTROLS, PageWatch
from tests.support.live import ROOT, LiveServer
from tests.support.plenary import CARDS, seed


def test_the_organiser_steps_the_screen_through_every_mode(chromium: Any, server: LiveServer) -> None:
    from playwright.sync_api import expect

    links = server.create_event(rooms=3)
    server.start()
    phone, hypotheses = seed(server, links)
    screen_context = chromium.new_context(viewport={"width": 1920, "height": 1080})
    organiser_context = chromium.new_context(viewport={"width": 1440, "height": 900})
    screen = screen_context.new_page()
    organiser = organiser_context.new_page()
    watches = [PageWatch(screen, server.url), PageWatch(organiser, server.url)]
    screen.goto(links["screen_url"])
    organiser.goto(links["organiser_url"])
    expect(organiser.get_by_role("status").first).to_contain_text("Connecté")
    remote = organiser.get_by_role("region", name="Écran de la plénière")
    shots = Path(ROOT / os.environ["COLLAB_SCREENSHOTS"]) if os.environ.get("COLLAB_SCREENSHOTS") else None
    if shots:
        shots.mkdir(parents=True, exist_ok=True)

    def mode(name: str) -> Any:
        return remote.locator(f'[data-screen-mode="{name}"]')

    def shows(name: str, shot: str | None = None) -> None:
        """The screen shows `name`, the remote has its button pressed; take its screenshot."""
        expect(screen.locator("body")).to_have_attribute("data-mode", name)
        expect(mode(name)).to_have_attribute("aria-pressed", "true")
        expect(remote.locator('[aria-pressed="true"]')).to_have_count(1)
        screen.wait_for_timeout(700)  # let the calm fade-in finish
        if shots:
            screen.screenshot(path=str(shots / f"screenshot-screen-{shot or name}.png"))

    # Until the organiser chooses, the screen shows every room, as it always did.
    expect(screen.locator("body")).to_have_attribute("data-mode", "rooms")
    expect(mode("rooms")).to_have_attribute("aria-pressed", "true")
    expect(screen.get_by_role("region", name="Salle 3", exact=True).get_by_text(CARDS[2][2])).to_be_visible()

    mode("welcome").click()
    welcome = screen.get_by_role("region", name=links["title"])
    expect(welcome).to_be_visible()
    expect(welcome.get_by_role("img", name="QR code pour rejoindre")).to_be_visible()
    expect(welcome).to_contain_text(links["join_url"])
    expect(welcome.get_by_role("list", name="Participants connectés par salle")).to_contain_text("Salle 3")
    expect(welcome.locator(".welcome__phase")).to_have_count(13)
    expect(screen.get_by_role("region", name="Salle 1", exact=True)).to_be_hidden()
    shows("welcome")

    # The clicker's keys: from the welcome to the rooms, then each room alone, large.
    organiser.locator("body").click(position={"x": 5, "y": 5})
    organiser.keyboard.press("PageDown")
    shows("rooms")
    for room in links["rooms"]:
        organiser.keyboard.press("ArrowRight")
        expect(screen.locator("body")).to_have_attribute("data-mode", "room")
        expect(screen.get_by_role("region", name=room["name"], exact=True)).to_be_visible()
        others = [r for r in links["rooms"] if r["id"] != room["id"]]
        for other in others:
            expect(screen.get_by_role("region", name=other["name"], exact=True)).to_be_hidden()
    shows("room")
    organiser.keyboard.press("ArrowLeft")
    expect(screen.get_by_role("region", name="Salle 2", exact=True)).to_be_visible()
    expect(screen.get_by_role("region", name="Salle 3", exact=True)).to_be_hidden()
    expect(remote.get_by_label("Salle", exact=True)).to_have_value(str(links["rooms"][1]["id"]))
    # A key typed in a field is the field's: the screen stays.
    organiser.get_by_label("Nom de la nouvelle salle").fill("Salle annexe")
    organiser.keyboard.press("ArrowRight")
    organiser.wait_for_timeout(300)
    expect(screen.get_by_role("region", name="Salle 2", exact=True)).to_be_visible()
    expect(screen.get_by_role("region", name="Salle 3", exact=True)).to_be_hidden()

    # The combined grid: the same idea from two rooms is one block, said to come from two rooms.
    mode("combined").click()
    combined = screen.get_by_role("region", name="Les quatre questions · toutes les salles")
    expect(combined).to_be_visible()
    why = combined.get_by_role("region", name="Pourquoi ?")
    shared = why.locator(".cgroup--shared")
    expect(shared).to_have_count(1)
    expect(shared).to_contain_text("2 salles")
    expect(shared).to_contain_text("Manque de confiance entre élus")
    expect(combined.locator(".cgroup--shared")).to_have_count(4)
    shows("combined")

    # The syntheses, one per slide, stepped with the keys.
    mode("syntheses").click()
    # Under the title of the atelier that worked the four questions, room by room.
    syntheses = screen.get_by_role("region", name="Quatre grandes questions")
    expect(syntheses.get_by_role("article")).to_have_count(1)
    expect(syntheses.get_by_role("article")).to_contain_text("Salle 1")
    expect(syntheses).to_contain_text("1 / 2")
    shows("syntheses")
    organiser.keyboard.press("ArrowRight")
    expect(syntheses.get_by_role("article")).to_contain_text("Salle 2")
    expect(syntheses).to_contain_text("2 / 2")
    expect(remote).to_contain_text("2 / 2")
    # Past the last synthesis: the hypotheses put to the vote, one per slide, with live bars.
    organiser.keyboard.press("ArrowRight")
    hypothesis = screen.get_by_role("region", name="Hypothèse 1 / 4 · vote clos")
    expect(hypothesis).to_be_visible()
    expect(hypothesis.locator('[data-verdict="a_nuancer"]')).to_contain_text("2 · 67 %")
    organiser.keyboard.press("ArrowRight")
    hypothesis = screen.get_by_role("region", name="Hypothèse 2 / 4 · vote ouvert")
    expect(hypothesis).to_be_visible()
    expect(hypothesis).to_contain_text("3 votes")
    vote = {"hypothesis_id": hypotheses[1], "verdict": "infirmee", "reason": ""}
    assert phone.call("vote_hypothesis", vote, timeout=10)["ok"]
    expect(hypothesis.locator('[data-verdict="infirmee"]')).to_contain_text("1 · 33 %")
    expect(hypothesis.locator('[data-verdict="validee"]')).to_contain_text("0 · 0 %")
    shows("hypothesis")
    phone.disconnect()
    organiser.keyboard.press("ArrowRight")
    expect(screen.get_by_role("region", name="Réciprocité : nos compétences en partage")).to_be_visible()
    shows("competences")

    organiser.keyboard.press("PageDown")
    cloud = screen.get_by_role("region", name="Les mots de la journée")
    expect(cloud).to_be_visible()
    expect(cloud.locator(".wordcloud__word").filter(has_text="confiance")).to_have_count(1)
    expect(cloud.locator(".wordcloud__word").filter(has_text="confiance")).to_have_attribute("data-count", "3")
    expect(cloud.locator(".wordcloud__word").filter(has_text="entre")).to_have_count(0)
    shows("wordcloud")
    # The last mode: → stays, ← goes back.
    organiser.keyboard.press("ArrowRight")
    organiser.wait_for_timeout(300)
    expect(screen.locator("body")).to_have_attribute("data-mode", "wordcloud")
    organiser.keyboard.press("PageUp")
    expect(screen.locator("body")).to_have_attribute("data-mode", "competences")

    # A screen opened now shows the organiser's choice at once.
    late = screen_context.new_page()
    watches.append(PageWatch(late, server.url))
    late.goto(links["screen_url"])
    expect(late.locator("body")).to_have_attribute("data-mode", "competences")

    assert organiser.evaluate(UNNAMED_CONTROLS) == []
    if shots:
        remote.screenshot(path=str(shots / "screenshot-organiser-remote.png"))
    for watch in watches:
        assert watch.problems == []
    screen_context.close()
    organiser_context.close()
