"""In real Chromium, phone-sized: atelier 1's case study. Phones take a role and write with it,
the console sees who plays whom and gives roles, filters work as cards arrive, the screen follows."""

from __future__ import annotations

import os
from typing import Any

from tests.support.browser import UNNAMED_CONTROLS, PageWatch, join_form
from tests.support.live import ROOT, LiveServer

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
SITUATION = "Un projet alimentaire territorial à trois intercommunalités"


def test_phones_take_roles_and_write_the_case_study(chromium: Any, server: LiveServer) -> None:
    from playwright.sync_api import expect

    links = server.create_event(rooms=2)
    server.start()
    contexts: list[Any] = []
    watches: list[PageWatch] = []

    def open_page(url: str, **options: Any) -> Any:
        context = chromium.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        watches.append(PageWatch(page, server.url))
        page.goto(url)
        return page

    def join(pseudonym: str, scale: str) -> Any:
        page = open_page(links["join_url"], **PHONE)
        join_form(page, links["join_code"], pseudonym, "Salle 1", scale=scale)
        return page

    def post(page: Any, text: str, column: str) -> None:
        page.get_by_label("Votre carte").fill(text)
        page.get_by_label("Colonne").select_option(label=column)
        page.get_by_role("button", name="Envoyer").click()

    camille = join("Camille", "Commune")
    bao = join("Bao", "Région")
    screen = open_page(links["screen_url"], viewport={"width": 1920, "height": 1080})
    console = open_page(links["rooms"][0]["facilitator_url"], viewport={"width": 1440, "height": 1000})
    expect(console.get_by_role("status").first).to_contain_text("Connecté")

    # The facilitator moves the room to atelier 1: the phones show the case study and its situation.
    console.get_by_label("Phase de la salle").select_option(label="10h30 · Décrypter les situations de coopération")
    actors = camille.get_by_role("region", name="Jeux d'acteurs")
    expect(actors).to_be_visible()
    expect(camille.get_by_role("region", name="Pourquoi ?")).to_be_hidden()
    expect(camille.get_by_text(SITUATION)).to_be_visible()

    # Before a role, the phone offers the protagonists instead of the compose form.
    roles = camille.get_by_role("region", name="Votre rôle")
    expect(roles.get_by_role("button", name="Chargé·e de mission PAT")).to_be_visible()
    expect(camille.get_by_label("Votre carte")).to_be_hidden()
    assert camille.evaluate(UNNAMED_CONTROLS) == []
    roles.get_by_role("button", name="Chargé·e de mission PAT").click()
    expect(roles.get_by_role("button", name="Vous jouez Chargé·e de mission PAT")).to_be_visible()
    expect(camille.get_by_label("Votre carte")).to_be_visible()

    # The console sees the role taken, and the roles nobody plays.
    panel = console.get_by_role("region", name="Rôles")
    taken = panel.locator('[data-role-name="Chargé·e de mission PAT"]')
    expect(taken).to_contain_text("Camille")
    expect(panel.locator('[data-role-name="Élu·e communautaire"]')).to_contain_text("personne")
    expect(panel.get_by_text("Sans rôle : Bao")).to_be_visible()

    # A card written with the role: the neighbour sees it with the role and the author's scale.
    idea = "La chambre d'agriculture veut garder la main sur l'animation"
    post(camille, idea, "Jeux d'acteurs")
    card = bao.get_by_role("region", name="Jeux d'acteurs").get_by_role("article").filter(has_text=idea)
    expect(card).to_be_visible()
    expect(card).to_contain_text("Chargé·e de mission PAT")
    expect(card).to_contain_text("Commune")
    room_1 = screen.get_by_role("region", name="Salle 1", exact=True)
    expect(room_1.get_by_role("region", name="Jeux d'acteurs").get_by_text(idea)).to_be_visible()

    # The facilitator gives Bao a role; Bao writes with it.
    panel.get_by_label("Participant").select_option(label="Bao")
    panel.get_by_label("Rôle", exact=True).select_option(label="Élu·e communautaire")
    panel.get_by_role("button", name="Attribuer le rôle").click()
    expect(bao.get_by_role("button", name="Vous jouez Élu·e communautaire")).to_be_visible()
    expect(panel.locator('[data-role-name="Élu·e communautaire"]')).to_contain_text("Bao")
    other = "Les élus veulent une légumerie avant tout"
    post(bao, other, "Jeux d'acteurs")
    expect(actors.get_by_text(other)).to_be_visible()

    # Filtering by role on a phone hides the other roles' cards, live; the folded bar says so.
    filters = camille.locator("[data-facets-fold]")
    filters.locator("summary").click()
    camille.get_by_label("Rôle", exact=True).select_option(label="Élu·e communautaire")
    expect(filters.locator("[data-facets-chosen]")).to_have_text("Élu·e communautaire")
    expect(actors.get_by_text(other)).to_be_visible()
    expect(actors.get_by_text(idea)).to_be_hidden()
    late = "Un second élu rejoint la table"
    post(bao, late, "Jeux d'acteurs")
    expect(actors.get_by_text(late)).to_be_visible()
    camille.get_by_label("Rôle", exact=True).select_option(label="tous")
    camille.get_by_label("Regrouper par").select_option(label="échelle")
    expect(actors.locator(".cards__group")).to_have_text(["Commune", "Région"])
    expect(actors.get_by_text(idea)).to_be_visible()
    expect(filters.locator("[data-facets-chosen]")).to_have_text("par échelle")

    # No horizontal scroll on the phone; screenshots for a look at 390 px.
    assert camille.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    if os.environ.get("COLLAB_SCREENSHOTS"):
        # `make screenshots`: the README's phone in the case study, and the console's roles panel.
        target = ROOT / os.environ["COLLAB_SCREENSHOTS"]
        target.mkdir(parents=True, exist_ok=True)
        camille.wait_for_timeout(600)  # let the calm fade-in finish
        # What the phone shows once the situation is read: my role, the filter bar, the board.
        camille.locator("[data-roles]").evaluate("node => node.scrollIntoView()")
        camille.screenshot(path=str(target / "screenshot-case-study-phone.png"))
        console.set_viewport_size({"width": 390, "height": 844})
        panel.screenshot(path=str(target / "screenshot-case-study-roles.png"))
    assert console.evaluate(UNNAMED_CONTROLS) == []
    assert screen.evaluate(UNNAMED_CONTROLS) == []

    # Atelier 2: the four questions link back to what atelier 1 wrote on the same situation.
    console.get_by_label("Phase de la salle").select_option(label="11h45 · Quatre grandes questions")
    expect(camille.get_by_role("region", name="Pourquoi ?")).to_be_visible()
    back = camille.locator("[data-atelier1]")
    back.get_by_text("Voir l'analyse de l'atelier 1").click()
    expect(back.locator("summary")).to_have_text("Voir l'analyse de l'atelier 1 (3 cartes)")
    expect(back.get_by_text(idea)).to_be_visible()
    expect(back).to_contain_text("Chargé·e de mission PAT · Salle 1")
    expect(room_1.locator("[data-atelier1] summary")).to_have_text("Voir l'analyse de l'atelier 1 (3 cartes)")
    expect(screen.get_by_role("region", name="Salle 2", exact=True).locator("[data-atelier1]")).to_be_hidden()

    for watch in watches:
        assert watch.problems == []
    for context in contexts:
        context.close()


def test_the_organiser_writes_a_situation_and_a_room_takes_it(chromium: Any, server: LiveServer) -> None:
    from playwright.sync_api import expect

    links = server.create_event(rooms=2)
    server.start()
    organiser_context = chromium.new_context(viewport={"width": 1440, "height": 900})
    console_context = chromium.new_context(viewport={"width": 1440, "height": 1000})
    organiser = organiser_context.new_page()
    console = console_context.new_page()
    watches = [PageWatch(organiser, server.url), PageWatch(console, server.url)]
    organiser.goto(links["organiser_url"])
    console.goto(links["rooms"][0]["facilitator_url"])
    expect(organiser.get_by_role("status").first).to_contain_text("Connecté")
    expect(console.get_by_role("status").first).to_contain_text("Connecté")

    situations = organiser.get_by_role("region", name="Situations")
    situations.get_by_role("button", name="Ajouter une situation").click()
    situations.get_by_label("Titre").fill("Une maison de santé entre deux communes")
    situations.get_by_label("Description").fill("Deux communes voisines, un seul médecin.")
    situations.get_by_label("Commune").check()
    situations.get_by_label("Protagonistes (un par ligne)").fill("Maire de A\nMaire de B\nMédecin")
    situations.get_by_role("button", name="Enregistrer la situation").click()
    listed = situations.locator("[data-situation-rows]").get_by_role("listitem").filter(has_text="Une maison de santé")
    expect(listed).to_contain_text("aucune salle")
    assert organiser.evaluate(UNNAMED_CONTROLS) == []

    # The facilitator gives the room the new situation: its protagonists are the roles to take.
    panel = console.get_by_role("region", name="Rôles")
    panel.get_by_label("Situation de la salle").select_option(label="Une maison de santé entre deux communes")
    expect(panel.locator('[data-role-name="Médecin"]')).to_contain_text("personne")
    expect(console.locator("[data-room-situation]")).to_have_text("Une maison de santé entre deux communes")

    # The organiser's page follows, and gives another room the same situation right there.
    rooms = situations.get_by_role("list", name="Situation de chaque salle")
    expect(rooms.get_by_label("Salle 1").locator("option:checked")).to_have_text(
        "Une maison de santé entre deux communes"
    )
    rooms.get_by_label("Salle 2").select_option(label="Une maison de santé entre deux communes")
    expect(listed).to_contain_text("Salle 1, Salle 2")

    # An empty title is refused, and the page says so.
    situations.get_by_role("button", name="Modifier").last.click()
    situations.get_by_label("Titre").fill(" ")
    situations.get_by_role("button", name="Enregistrer la situation").click()
    expect(organiser.locator("[data-run-message]")).to_contain_text("La situation n'a pas pu être enregistrée")

    for watch in watches:
        assert watch.problems == []
    organiser_context.close()
    console_context.close()
