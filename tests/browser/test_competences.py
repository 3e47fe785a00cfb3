"""In real Chromium: atelier 3 on two phones; an offer meets a need across rooms, both accept, the screen maps it."""

from __future__ import annotations

import os
from typing import Any

from tests.support.browser import UNNAMED_CONTROLS, PageWatch, join_form
from tests.support.live import ROOT, LiveServer

OFFER = "J'anime des ateliers de concertation avec les habitants sur les mobilités douces"
NEED = "Comment associer la population au futur plan vélo de l'intercommunalité ?"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_an_offer_meets_a_need_and_both_people_are_put_in_touch(chromium: Any, server: LiveServer) -> None:
    from playwright.sync_api import expect

    links = server.create_event(rooms=2)
    server.start()
    contexts = []
    watches = []

    def open_page(url: str, **options: Any) -> Any:
        context = chromium.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        watches.append(PageWatch(page, server.url))
        page.goto(url)
        return page

    def join(pseudonym: str, room: str) -> Any:
        page = open_page(links["join_url"], **PHONE)
        join_form(page, links["join_code"], pseudonym, room)
        return page

    def write(page: Any, column: str, text: str, kind: str, scope: str, keywords: str) -> None:
        page.get_by_label("Votre carte").fill(text)
        page.get_by_label("Colonne").select_option(label=column)
        page.get_by_label("Type de compétence").select_option(label=kind)
        page.get_by_label("Individuel ou collectif").select_option(label=scope)
        page.get_by_label("Mots-clés").fill(keywords)
        page.get_by_role("button", name="Envoyer").click()

    camille = join("Camille", "Salle 1")
    bao = join("Bao", "Salle 2")
    screen = open_page(links["screen_url"], viewport={"width": 1920, "height": 1080})
    console = open_page(links["rooms"][0]["facilitator_url"], viewport={"width": 1440, "height": 900})
    organiser = open_page(links["organiser_url"], viewport={"width": 1440, "height": 900})
    expect(screen.locator("[data-presence-total]")).to_have_text("2")

    # The organiser moves the day to atelier 3: phones show the competences board and its extra fields.
    row = organiser.get_by_role("row").filter(has_text="Nos compétences en partage")
    row.get_by_role("button", name="Aller à cette phase").click()
    for phone in (camille, bao):
        expect(phone.get_by_role("region", name="J'apporte")).to_be_visible()
        expect(phone.get_by_role("region", name="Il me manque")).to_be_visible()
        # The composer is one line until tapped; open, it asks for the competence's type.
        expect(phone.get_by_label("Type de compétence")).to_be_hidden()
        phone.get_by_placeholder("Écrire une carte…").click()
        expect(phone.get_by_label("Type de compétence")).to_be_visible()
        expect(phone.get_by_role("region", name="Mises en relation")).to_be_visible()
    expect(camille.get_by_role("region", name="Pourquoi ?")).to_be_hidden()
    assert camille.evaluate(UNNAMED_CONTROLS) == []
    # The screen shows the map by itself during atelier 3; the console shows it above the room.
    screen_map = screen.get_by_role("region", name="Réciprocité : nos compétences en partage")
    expect(screen_map).to_be_visible()
    expect(screen.get_by_role("button", name="Réciprocité")).to_have_attribute("aria-pressed", "true")
    console_map = console.locator("details").filter(has_text="Carte des compétences de l'événement")
    expect(console_map).to_be_visible()

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

    if os.environ.get("COLLAB_SCREENSHOTS"):
        # `make screenshots`: the README's phone put in touch, and the screen's competence map.
        target = ROOT / os.environ["COLLAB_SCREENSHOTS"]
        target.mkdir(parents=True, exist_ok=True)
        bao.wait_for_timeout(600)  # let the calm fade-in finish
        bao.screenshot(path=str(target / "screenshot-competences-phone.png"))
        screen.screenshot(path=str(target / "screenshot-competences-screen.png"))

    for watch in watches:
        assert watch.problems == []
    for context in contexts:
        context.close()
