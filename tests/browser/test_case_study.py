"""In real Chromium, phone-sized: atelier 1's case study. Phones take a role and write with it,
the console sees who plays whom and gives roles, filters work as cards arrive, the screen follows."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from tests.support.browser import PHONE, UNNAMED_CONTROLS, Pages
from tests.support.live import ROOT, LiveServer

SITUATION = "Un projet alimentaire territorial à trois intercommunalités"


IDEA = "La chambre d'agriculture veut garder la main sur l'animation"
OTHER = "Les élus veulent une légumerie avant tout"
LATE = "Un second élu rejoint la table"


@dataclass
class Room:
    """Room 1 in atelier 1 as the test sees it: Camille's and Bao's phones, the screen and the console."""

    camille: Any
    bao: Any
    screen: Any
    console: Any

    @property
    def actors(self) -> Any:
        """Return the actors' column on Camille's phone."""
        return self.camille.get_by_role("region", name="Jeux d'acteurs")

    @property
    def roles_panel(self) -> Any:
        """Return the console's roles panel."""
        return self.console.get_by_role("region", name="Rôles")

    @property
    def on_screen(self) -> Any:
        """Return room 1's region on the screen."""
        return self.screen.get_by_role("region", name="Salle 1", exact=True)


def post(page: Any, text: str, column: str) -> None:
    """Write a card on a phone and send it."""
    page.get_by_label("Votre carte").fill(text)
    page.get_by_label("Colonne").select_option(label=column)
    page.get_by_role("button", name="Envoyer").click()


def open_room_1(pages: Pages, links: dict[str, Any]) -> Room:
    """Join Camille and Bao to room 1, open the screen and the room's console."""
    from playwright.sync_api import expect

    room = Room(
        camille=pages.join(links, "Camille", "Salle 1", "Commune", **PHONE),
        bao=pages.join(links, "Bao", "Salle 1", "Région", **PHONE),
        screen=pages.open(links["screen_url"], viewport={"width": 1920, "height": 1080}),
        console=pages.open(links["rooms"][0]["facilitator_url"], viewport={"width": 1440, "height": 1000}),
    )
    expect(room.console.get_by_role("status").first).to_contain_text("Connecté")
    return room


def the_facilitator_moves_the_room_to_atelier_1(room: Room) -> None:
    """The facilitator moves the room to atelier 1: the phones show the case study and its situation."""
    from playwright.sync_api import expect

    room.console.get_by_label("Phase de la salle").select_option(
        label="10h30 · Décrypter les situations de coopération"
    )
    expect(room.actors).to_be_visible()
    expect(room.camille.get_by_role("region", name="Pourquoi ?")).to_be_hidden()
    expect(room.camille.get_by_text(SITUATION)).to_be_visible()


def camille_takes_a_role_before_writing(room: Room) -> None:
    """Before a role, the phone offers the protagonists instead of the compose form."""
    from playwright.sync_api import expect

    camille = room.camille
    roles = camille.get_by_role("region", name="Votre rôle")
    expect(roles.get_by_role("button", name="Chargé·e de mission PAT")).to_be_visible()
    expect(camille.get_by_label("Votre carte")).to_be_hidden()
    assert camille.evaluate(UNNAMED_CONTROLS) == []
    roles.get_by_role("button", name="Chargé·e de mission PAT").click()
    expect(roles.get_by_role("button", name="Vous jouez Chargé·e de mission PAT")).to_be_visible()
    expect(camille.get_by_label("Votre carte")).to_be_visible()


def the_console_sees_who_plays_whom(room: Room) -> None:
    """The console sees the role taken, and the roles nobody plays."""
    from playwright.sync_api import expect

    panel = room.roles_panel
    taken = panel.locator('[data-role-name="Chargé·e de mission PAT"]')
    expect(taken).to_contain_text("Camille")
    expect(panel.locator('[data-role-name="Élu·e communautaire"]')).to_contain_text("personne")
    expect(panel.get_by_text("Sans rôle : Bao")).to_be_visible()


def a_card_written_with_a_role_shows_it_and_the_scale(room: Room) -> None:
    """A card written with the role: the neighbour sees it with the role and the author's scale."""
    from playwright.sync_api import expect

    post(room.camille, IDEA, "Jeux d'acteurs")
    card = room.bao.get_by_role("region", name="Jeux d'acteurs").get_by_role("article").filter(has_text=IDEA)
    expect(card).to_be_visible()
    expect(card).to_contain_text("Chargé·e de mission PAT")
    expect(card).to_contain_text("Commune")
    expect(room.on_screen.get_by_role("region", name="Jeux d'acteurs").get_by_text(IDEA)).to_be_visible()


def the_facilitator_gives_bao_a_role(room: Room) -> None:
    """The facilitator gives Bao a role; Bao writes with it."""
    from playwright.sync_api import expect

    panel = room.roles_panel
    panel.get_by_label("Participant").select_option(label="Bao")
    panel.get_by_label("Rôle", exact=True).select_option(label="Élu·e communautaire")
    panel.get_by_role("button", name="Attribuer le rôle").click()
    expect(room.bao.get_by_role("button", name="Vous jouez Élu·e communautaire")).to_be_visible()
    expect(panel.locator('[data-role-name="Élu·e communautaire"]')).to_contain_text("Bao")
    post(room.bao, OTHER, "Jeux d'acteurs")
    expect(room.actors.get_by_text(OTHER)).to_be_visible()


def filtering_by_role_and_grouping_by_scale_work_live(room: Room) -> None:
    """Filtering by role on a phone hides the other roles' cards, live; the folded bar says so."""
    from playwright.sync_api import expect

    camille, actors = room.camille, room.actors
    filters = camille.locator("[data-facets-fold]")
    filters.locator("summary").click()
    camille.get_by_label("Rôle", exact=True).select_option(label="Élu·e communautaire")
    expect(filters.locator("[data-facets-chosen]")).to_have_text("Élu·e communautaire")
    expect(actors.get_by_text(OTHER)).to_be_visible()
    expect(actors.get_by_text(IDEA)).to_be_hidden()
    post(room.bao, LATE, "Jeux d'acteurs")
    expect(actors.get_by_text(LATE)).to_be_visible()
    camille.get_by_label("Rôle", exact=True).select_option(label="tous")
    camille.get_by_label("Regrouper par").select_option(label="échelle")
    expect(actors.locator(".cards__group")).to_have_text(["Commune", "Région"])
    expect(actors.get_by_text(IDEA)).to_be_visible()
    expect(filters.locator("[data-facets-chosen]")).to_have_text("par échelle")


def shoot_the_case_study(room: Room) -> None:
    """`make screenshots`: the README's phone in the case study, and the console's roles panel."""
    target = ROOT / os.environ["COLLAB_SCREENSHOTS"]
    target.mkdir(parents=True, exist_ok=True)
    room.camille.wait_for_timeout(600)  # let the calm fade-in finish
    # What the phone shows once the situation is read: my role, the filter bar, the board.
    room.camille.locator("[data-roles]").evaluate("node => node.scrollIntoView()")
    room.camille.screenshot(path=str(target / "screenshot-case-study-phone.png"))
    room.console.set_viewport_size({"width": 390, "height": 844})
    room.roles_panel.screenshot(path=str(target / "screenshot-case-study-roles.png"))


def atelier_2_links_back_to_atelier_1s_analysis(room: Room) -> None:
    """Atelier 2: the four questions link back to what atelier 1 wrote on the same situation."""
    from playwright.sync_api import expect

    camille = room.camille
    room.console.get_by_label("Phase de la salle").select_option(label="11h45 · Quatre grandes questions")
    expect(camille.get_by_role("region", name="Pourquoi ?")).to_be_visible()
    back = camille.locator("[data-atelier1]")
    back.get_by_text("Voir l'analyse de l'atelier 1").click()
    expect(back.locator("summary")).to_have_text("Voir l'analyse de l'atelier 1 (3 cartes)")
    expect(back.get_by_text(IDEA)).to_be_visible()
    expect(back).to_contain_text("Chargé·e de mission PAT · Salle 1")
    expect(room.on_screen.locator("[data-atelier1] summary")).to_have_text("Voir l'analyse de l'atelier 1 (3 cartes)")
    expect(room.screen.get_by_role("region", name="Salle 2", exact=True).locator("[data-atelier1]")).to_be_hidden()


def test_phones_take_roles_and_write_the_case_study(pages: Pages, server: LiveServer) -> None:
    links = server.create_event(rooms=2)
    server.start()
    room = open_room_1(pages, links)
    the_facilitator_moves_the_room_to_atelier_1(room)
    camille_takes_a_role_before_writing(room)
    the_console_sees_who_plays_whom(room)
    a_card_written_with_a_role_shows_it_and_the_scale(room)
    the_facilitator_gives_bao_a_role(room)
    filtering_by_role_and_grouping_by_scale_work_live(room)

    # No horizontal scroll on the phone; screenshots for a look at 390 px.
    assert room.camille.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    if os.environ.get("COLLAB_SCREENSHOTS"):
        shoot_the_case_study(room)
    assert room.console.evaluate(UNNAMED_CONTROLS) == []
    assert room.screen.evaluate(UNNAMED_CONTROLS) == []

    atelier_2_links_back_to_atelier_1s_analysis(room)

    for watch in pages.watches:
        assert watch.problems == []


def test_the_organiser_writes_a_situation_and_a_room_takes_it(pages: Pages, server: LiveServer) -> None:
    from playwright.sync_api import expect

    links = server.create_event(rooms=2)
    server.start()
    organiser = pages.open(links["organiser_url"], viewport={"width": 1440, "height": 900})
    console = pages.open(links["rooms"][0]["facilitator_url"], viewport={"width": 1440, "height": 1000})
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

    for watch in pages.watches:
        assert watch.problems == []
