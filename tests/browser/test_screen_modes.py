"""In real Chromium at 1920×1080: the organiser steps the plenary screen through every mode,
with the remote's buttons and with the keys of a presentation clicker."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.browser import UNNAMED_CONTROLS, Pages
from tests.support.live import ROOT, LiveServer
from tests.support.plenary import CARDS, seed


@dataclass
class Plenary:
    """The plenary as the test sees it: the screen, the organiser's page and its remote."""

    links: dict[str, Any]
    screen: Any
    organiser: Any
    shots: Path | None  # where COLLAB_SCREENSHOTS asks for screenshots

    @property
    def remote(self) -> Any:
        """Return the organiser's remote for the screen."""
        return self.organiser.get_by_role("region", name="Écran de la plénière")

    def mode(self, name: str) -> Any:
        """Return the remote's button for the mode `name`."""
        return self.remote.locator(f'[data-screen-mode="{name}"]')

    def shows(self, name: str, shot: str | None = None) -> None:
        """The screen shows `name`, the remote has its button pressed; take its screenshot."""
        from playwright.sync_api import expect

        expect(self.screen.locator("body")).to_have_attribute("data-mode", name)
        expect(self.mode(name)).to_have_attribute("aria-pressed", "true")
        expect(self.remote.locator('[aria-pressed="true"]')).to_have_count(1)
        self.screen.wait_for_timeout(700)  # let the calm fade-in finish
        if self.shots:
            self.screen.screenshot(path=str(self.shots / f"screenshot-screen-{shot or name}.png"))


def open_the_screen_and_the_remote(pages: Pages, links: dict[str, Any]) -> Plenary:
    """Open the screen and the organiser's page, and wait until the organiser is connected."""
    from playwright.sync_api import expect

    plenary = Plenary(
        links=links,
        screen=pages.open(links["screen_url"], viewport={"width": 1920, "height": 1080}),
        organiser=pages.open(links["organiser_url"], viewport={"width": 1440, "height": 900}),
        shots=Path(ROOT / os.environ["COLLAB_SCREENSHOTS"]) if os.environ.get("COLLAB_SCREENSHOTS") else None,
    )
    expect(plenary.organiser.get_by_role("status").first).to_contain_text("Connecté")
    if plenary.shots:
        plenary.shots.mkdir(parents=True, exist_ok=True)
    return plenary


def the_screen_shows_every_room_until_the_organiser_chooses(plenary: Plenary) -> None:
    """Until the organiser chooses, the screen shows every room, as it always did."""
    from playwright.sync_api import expect

    expect(plenary.screen.locator("body")).to_have_attribute("data-mode", "rooms")
    expect(plenary.mode("rooms")).to_have_attribute("aria-pressed", "true")
    room_3 = plenary.screen.get_by_role("region", name="Salle 3", exact=True)
    expect(room_3.get_by_text(CARDS[2][2])).to_be_visible()


def the_welcome_shows_the_qr_code_and_the_programme(plenary: Plenary) -> None:
    """The welcome: the event's title, its QR code and link, who is connected, the thirteen phases."""
    from playwright.sync_api import expect

    screen, links = plenary.screen, plenary.links
    plenary.mode("welcome").click()
    welcome = screen.get_by_role("region", name=links["title"])
    expect(welcome).to_be_visible()
    expect(welcome.get_by_role("img", name="QR code pour rejoindre")).to_be_visible()
    expect(welcome).to_contain_text(links["join_url"])
    expect(welcome.get_by_role("list", name="Participants connectés par salle")).to_contain_text("Salle 3")
    expect(welcome.locator(".welcome__phase")).to_have_count(13)
    expect(screen.get_by_role("region", name="Salle 1", exact=True)).to_be_hidden()
    plenary.shows("welcome")


def the_clickers_keys_step_through_the_rooms(plenary: Plenary) -> None:
    """The clicker's keys: from the welcome to the rooms, then each room alone, large; a field keeps its keys."""
    from playwright.sync_api import expect

    screen, organiser, links = plenary.screen, plenary.organiser, plenary.links
    organiser.locator("body").click(position={"x": 5, "y": 5})
    organiser.keyboard.press("PageDown")
    plenary.shows("rooms")
    for room in links["rooms"]:
        organiser.keyboard.press("ArrowRight")
        expect(screen.locator("body")).to_have_attribute("data-mode", "room")
        expect(screen.get_by_role("region", name=room["name"], exact=True)).to_be_visible()
        others = [r for r in links["rooms"] if r["id"] != room["id"]]
        for other in others:
            expect(screen.get_by_role("region", name=other["name"], exact=True)).to_be_hidden()
    plenary.shows("room")
    organiser.keyboard.press("ArrowLeft")
    expect(screen.get_by_role("region", name="Salle 2", exact=True)).to_be_visible()
    expect(screen.get_by_role("region", name="Salle 3", exact=True)).to_be_hidden()
    expect(plenary.remote.get_by_label("Salle", exact=True)).to_have_value(str(links["rooms"][1]["id"]))
    # A key typed in a field is the field's: the screen stays.
    organiser.get_by_label("Nom de la nouvelle salle").fill("Salle annexe")
    organiser.keyboard.press("ArrowRight")
    organiser.wait_for_timeout(300)
    expect(screen.get_by_role("region", name="Salle 2", exact=True)).to_be_visible()
    expect(screen.get_by_role("region", name="Salle 3", exact=True)).to_be_hidden()


def the_combined_grid_shows_a_shared_idea_once(plenary: Plenary) -> None:
    """The combined grid: the same idea from two rooms is one block, said to come from two rooms."""
    from playwright.sync_api import expect

    plenary.mode("combined").click()
    combined = plenary.screen.get_by_role("region", name="Les quatre questions · toutes les salles")
    expect(combined).to_be_visible()
    why = combined.get_by_role("region", name="Pourquoi ?")
    shared = why.locator(".cgroup--shared")
    expect(shared).to_have_count(1)
    expect(shared).to_contain_text("2 salles")
    expect(shared).to_contain_text("Manque de confiance entre élus")
    expect(combined.locator(".cgroup--shared")).to_have_count(4)
    plenary.shows("combined")


def the_keys_step_through_the_syntheses_and_the_hypotheses(plenary: Plenary, phone: Any, hypotheses: list[int]) -> None:
    """The syntheses, one per slide, then the hypotheses put to the vote, with live bars, then the competences."""
    from playwright.sync_api import expect

    screen, organiser = plenary.screen, plenary.organiser
    plenary.mode("syntheses").click()
    # Under the title of the atelier that worked the four questions, room by room.
    syntheses = screen.get_by_role("region", name="Quatre grandes questions")
    expect(syntheses.get_by_role("article")).to_have_count(1)
    expect(syntheses.get_by_role("article")).to_contain_text("Salle 1")
    expect(syntheses).to_contain_text("1 / 2")
    plenary.shows("syntheses")
    organiser.keyboard.press("ArrowRight")
    expect(syntheses.get_by_role("article")).to_contain_text("Salle 2")
    expect(syntheses).to_contain_text("2 / 2")
    expect(plenary.remote).to_contain_text("2 / 2")
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
    plenary.shows("hypothesis")
    phone.disconnect()
    organiser.keyboard.press("ArrowRight")
    expect(screen.get_by_role("region", name="Réciprocité : nos compétences en partage")).to_be_visible()
    plenary.shows("competences")


def the_word_cloud_is_the_last_mode(plenary: Plenary) -> None:
    """The word cloud counts the day's words; past it, → stays and ← goes back."""
    from playwright.sync_api import expect

    screen, organiser = plenary.screen, plenary.organiser
    organiser.keyboard.press("PageDown")
    cloud = screen.get_by_role("region", name="Les mots de la journée")
    expect(cloud).to_be_visible()
    expect(cloud.locator(".wordcloud__word").filter(has_text="confiance")).to_have_count(1)
    expect(cloud.locator(".wordcloud__word").filter(has_text="confiance")).to_have_attribute("data-count", "3")
    expect(cloud.locator(".wordcloud__word").filter(has_text="entre")).to_have_count(0)
    plenary.shows("wordcloud")
    # The last mode: → stays, ← goes back.
    organiser.keyboard.press("ArrowRight")
    organiser.wait_for_timeout(300)
    expect(screen.locator("body")).to_have_attribute("data-mode", "wordcloud")
    organiser.keyboard.press("PageUp")
    expect(screen.locator("body")).to_have_attribute("data-mode", "competences")


def a_screen_opened_now_shows_the_organisers_choice(plenary: Plenary, pages: Pages) -> None:
    """A screen opened now, beside the first, shows the organiser's choice at once."""
    from playwright.sync_api import expect

    late = pages.open(plenary.links["screen_url"], context=plenary.screen.context)
    expect(late.locator("body")).to_have_attribute("data-mode", "competences")


def test_the_organiser_steps_the_screen_through_every_mode(pages: Pages, server: LiveServer) -> None:
    links = server.create_event(rooms=3)
    server.start()
    phone, hypotheses = seed(server, links)
    plenary = open_the_screen_and_the_remote(pages, links)
    the_screen_shows_every_room_until_the_organiser_chooses(plenary)
    the_welcome_shows_the_qr_code_and_the_programme(plenary)
    the_clickers_keys_step_through_the_rooms(plenary)
    the_combined_grid_shows_a_shared_idea_once(plenary)
    the_keys_step_through_the_syntheses_and_the_hypotheses(plenary, phone, hypotheses)
    the_word_cloud_is_the_last_mode(plenary)
    a_screen_opened_now_shows_the_organisers_choice(plenary, pages)

    assert plenary.organiser.evaluate(UNNAMED_CONTROLS) == []
    if plenary.shots:
        plenary.remote.screenshot(path=str(plenary.shots / "screenshot-organiser-remote.png"))
    for watch in pages.watches:
        assert watch.problems == []
