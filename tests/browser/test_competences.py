"""In real Chromium: atelier 3 on two phones; an offer meets a need across rooms, both accept, the screen maps it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from tests.support.browser import PHONE, UNNAMED_CONTROLS, Pages
from tests.support.live import ROOT, LiveServer

OFFER = "J'anime des ateliers de concertation avec les habitants sur les mobilités douces"
NEED = "Comment associer la population au futur plan vélo de l'intercommunalité ?"


@dataclass
class Day:
    """Atelier 3 as the test sees it: Camille in room 1, Bao in room 2, the screen and two consoles."""

    camille: Any
    bao: Any
    screen: Any
    console: Any
    organiser: Any

    @property
    def screen_map(self) -> Any:
        """Return the screen's competence map."""
        return self.screen.get_by_role("region", name="Réciprocité : nos compétences en partage")

    @property
    def console_map(self) -> Any:
        """Return the room console's folded competence map."""
        return self.console.locator("details").filter(has_text="Carte des compétences de l'événement")


def write(page: Any, column: str, text: str, kind: str, scope: str, keywords: str) -> None:
    """Write an offer or a need on a phone, with its competence's type, scope and keywords, and send it."""
    page.get_by_label("Votre carte").fill(text)
    page.get_by_label("Colonne").select_option(label=column)
    page.get_by_label("Type de compétence").select_option(label=kind)
    page.get_by_label("Individuel ou collectif").select_option(label=scope)
    page.get_by_label("Mots-clés").fill(keywords)
    page.get_by_role("button", name="Envoyer").click()


def open_the_day(pages: Pages, links: dict[str, Any]) -> Day:
    """Join Camille to room 1 and Bao to room 2; open the screen, room 1's console and the organiser's."""
    from playwright.sync_api import expect

    day = Day(
        camille=pages.join(links, "Camille", "Salle 1", **PHONE),
        bao=pages.join(links, "Bao", "Salle 2", **PHONE),
        screen=pages.open(links["screen_url"], viewport={"width": 1920, "height": 1080}),
        console=pages.open(links["rooms"][0]["facilitator_url"], viewport={"width": 1440, "height": 900}),
        organiser=pages.open(links["organiser_url"], viewport={"width": 1440, "height": 900}),
    )
    expect(day.screen.locator("[data-presence-total]")).to_have_text("2")
    return day


def the_organiser_moves_the_day_to_atelier_3(day: Day) -> None:
    """The organiser moves the day to atelier 3: phones show the competences board and its extra fields."""
    from playwright.sync_api import expect

    row = day.organiser.get_by_role("row").filter(has_text="Nos compétences en partage")
    row.get_by_role("button", name="Aller à cette phase").click()
    for phone in (day.camille, day.bao):
        expect(phone.get_by_role("region", name="J'apporte")).to_be_visible()
        expect(phone.get_by_role("region", name="Il me manque")).to_be_visible()
        # The composer is one line until tapped; open, it asks for the competence's type.
        expect(phone.get_by_label("Type de compétence")).to_be_hidden()
        phone.get_by_placeholder("Écrire une carte…").click()
        expect(phone.get_by_label("Type de compétence")).to_be_visible()
        expect(phone.get_by_role("region", name="Mises en relation")).to_be_visible()
    expect(day.camille.get_by_role("region", name="Pourquoi ?")).to_be_hidden()
    assert day.camille.evaluate(UNNAMED_CONTROLS) == []
    # The screen shows the map by itself during atelier 3; the console shows it above the room.
    expect(day.screen_map).to_be_visible()
    expect(day.screen.get_by_role("button", name="Réciprocité")).to_have_attribute("aria-pressed", "true")
    expect(day.console_map).to_be_visible()


def camille_offers_and_bao_needs(day: Day) -> None:
    """Camille offers; Bao's need is refused twice with a reason, then sent worded differently."""
    from playwright.sync_api import expect

    camille, bao = day.camille, day.bao
    # Camille (Salle 1) offers; the card lands with its type, scope and keywords as tags.
    write(camille, "J'apporte", OFFER, "Savoir-faire", "Collectif", "concertation, mobilité")
    offer_card = camille.get_by_role("region", name="J'apporte").get_by_role("article").filter(has_text=OFFER)
    expect(offer_card.get_by_role("list", name="Compétence")).to_contain_text("Savoir-faire")
    expect(offer_card).to_contain_text("mobilité")
    expect(offer_card).not_to_contain_text("en attente")

    # Bao (Salle 2) forgets the type, then types six keywords: told why, nothing is sent.
    bao.get_by_label("Votre carte").fill(NEED)
    bao.get_by_label("Colonne").select_option(label="Il me manque")
    bao.get_by_role("button", name="Envoyer").click()
    expect(bao.get_by_text("Choisissez le type de compétence")).to_be_visible()
    write(bao, "Il me manque", NEED, "Savoir-faire", "Individuel", "a, b, c, d, e, f")
    expect(bao.get_by_text("5 mots-clés au plus, séparés par des virgules.")).to_be_visible()
    expect(bao.get_by_label("Votre carte")).to_have_value(NEED)
    # Worded differently, the need matches the offer by its type and a keyword.
    write(bao, "Il me manque", NEED, "Savoir-faire", "Individuel", "mobilité, participation")
    expect(bao.get_by_role("region", name="Il me manque").get_by_role("article").filter(has_text=NEED)).to_be_visible()


def both_accept_and_read_each_others_contact(day: Day) -> None:
    """Bao asks to meet the proposed Camille, Camille accepts, and each reads the other's contact."""
    from playwright.sync_api import expect

    camille, bao = day.camille, day.bao
    # Bao's "Qui pourrait m'aider" proposes Camille's offer, says who, where and why.
    helpers = bao.get_by_role("region", name="Qui pourrait m'aider")
    proposal = helpers.get_by_role("article", name=OFFER)
    expect(proposal).to_be_visible()
    expect(proposal).to_contain_text("Camille")
    expect(proposal).to_contain_text("Salle 1")
    expect(proposal).to_contain_text("mobilité")
    proposal.get_by_role("button", name="Être mis en relation").click()
    proposal.get_by_label("Vos coordonnées (facultatif)").fill("bao@example.org")
    proposal.get_by_role("button", name="Confirmer la mise en relation").click()
    expect(proposal).to_contain_text("en attente de Camille")

    # Camille sees the request under "Qui je pourrais aider" and accepts it.
    helped = camille.get_by_role("region", name="Qui je pourrais aider").get_by_role("article", name=NEED)
    expect(helped).to_contain_text("Bao souhaite vous rencontrer.")
    expect(helped).to_contain_text("Salle 2")
    helped.get_by_role("button", name="Être mis en relation").click()
    helped.get_by_label("Vos coordonnées (facultatif)").fill("camille@example.org")
    helped.get_by_role("button", name="Confirmer la mise en relation").click()

    # Both read each other's contact.
    expect(helped).to_contain_text("Vous êtes mis en relation avec Bao.")
    expect(helped).to_contain_text("Contact de Bao : bao@example.org")
    expect(proposal).to_contain_text("Contact de Camille : camille@example.org")
    for phone in (camille, bao):
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scroll


def the_console_and_the_screen_map_the_pair(day: Day) -> None:
    """The console and the screen count one offer, one need and their pair; the screen's toggle works."""
    from playwright.sync_api import expect

    console_map, screen_map, screen = day.console_map, day.screen_map, day.screen
    # The console sums the map up in its folded heading and shows it whole when unfolded.
    expect(console_map.locator("summary")).to_contain_text("1 offre, 1 besoin, 1 correspondance")
    console_map.locator("summary").click()
    expect(console_map.get_by_role("region", name="Les correspondances les plus fortes")).to_contain_text(NEED)

    # The screen's map counts one offer, one need, the pair, and lists it among the strongest.
    expect(screen_map.locator('[data-total="offers"] dd')).to_have_text("1")
    expect(screen_map.locator('[data-total="needs"] dd')).to_have_text("1")
    expect(screen_map.locator('[data-total="matches"] dd')).to_have_text("1")
    expect(screen_map.locator('[data-total="gaps"] dd')).to_have_text("0")
    strongest = screen_map.get_by_role("region", name="Les correspondances les plus fortes")
    expect(strongest.get_by_role("listitem").filter(has_text=OFFER).filter(has_text=NEED)).to_be_visible()
    expect(screen_map.locator('[data-type="savoir_faire"]')).to_contain_text("1 offre")
    expect(screen_map.locator('[data-type="savoir_faire"]')).to_contain_text("1 besoin")

    # The toggle gives the boards back; pressed again, the map returns.
    screen.get_by_role("button", name="Réciprocité").click()
    expect(screen_map).to_be_hidden()
    expect(screen.get_by_role("region", name="Salle 2", exact=True).get_by_text(NEED)).to_be_visible()
    screen.get_by_role("button", name="Réciprocité").click()
    expect(screen_map).to_be_visible()


def test_an_offer_meets_a_need_and_both_people_are_put_in_touch(pages: Pages, server: LiveServer) -> None:
    links = server.create_event(rooms=2)
    server.start()
    day = open_the_day(pages, links)
    the_organiser_moves_the_day_to_atelier_3(day)
    camille_offers_and_bao_needs(day)
    both_accept_and_read_each_others_contact(day)
    the_console_and_the_screen_map_the_pair(day)

    if os.environ.get("COLLAB_SCREENSHOTS"):
        # `make screenshots`: the README's phone put in touch, and the screen's competence map.
        target = ROOT / os.environ["COLLAB_SCREENSHOTS"]
        target.mkdir(parents=True, exist_ok=True)
        day.bao.wait_for_timeout(600)  # let the calm fade-in finish
        day.bao.screenshot(path=str(target / "screenshot-competences-phone.png"))
        day.screen.screenshot(path=str(target / "screenshot-competences-screen.png"))

    for watch in pages.watches:
        assert watch.problems == []
