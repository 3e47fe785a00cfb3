"""In real Chromium: the organiser renames the seminar and a column and adds a scale; open screens follow at once."""

from __future__ import annotations

from tests.support.browser import PHONE, UNNAMED_CONTROLS, Pages
from tests.support.live import LiveServer


def test_the_organisers_edits_reach_the_screen_and_the_phones(pages: Pages, server: LiveServer) -> None:
    from playwright.sync_api import expect

    links = server.create_event(rooms=2)
    server.start()
    organiser = pages.open(links["organiser_url"], viewport={"width": 1440, "height": 900})
    screen = pages.open(links["screen_url"], viewport={"width": 1920, "height": 1080})
    phone = pages.join(links, "Camille", "Salle 1", "Intercommunalité", **PHONE)
    expect(organiser.get_by_role("status").first).to_contain_text("Connecté")
    section = organiser.get_by_role("region", name="Le séminaire")
    assert organiser.evaluate(UNNAMED_CONTROLS) == []

    # The title: the screen's header and the phone's top bar show the new one.
    details = section.get_by_role("form", name="Informations")
    details.get_by_label("Titre").fill("Coopérer 2027")
    details.get_by_label("Lieu").fill("Aurillac")
    details.get_by_role("button", name="Enregistrer les informations").click()
    expect(details.get_by_role("status")).to_have_text("Informations enregistrées.")
    expect(screen.locator(".screen__event")).to_have_text("Coopérer 2027")
    expect(phone.locator("[data-event-title]")).to_have_text("Coopérer 2027")
    expect(organiser.get_by_role("heading", level=1)).to_have_text("Coopérer 2027")

    # A column renamed: the open phone's column and its compose list take the new label.
    grid = section.get_by_role("form", name="Les quatre questions")
    grid.get_by_role("textbox", name="Libellé", exact=True).first.fill("Pourquoi, au fond ?")
    grid.get_by_role("button", name="Enregistrer le tableau").click()
    expect(grid.get_by_role("status")).to_have_text("Tableau enregistré.")
    board = phone.get_by_role("region", name="Pourquoi, au fond ?")
    expect(board).to_be_visible()
    expect(phone.get_by_label("Colonne").locator("option").first).to_have_text("Pourquoi, au fond ?")

    # A column added: the open phone draws it, and its "Écrire ici" picks it.
    grid.get_by_role("button", name="Ajouter une colonne").click()
    grid.get_by_role("textbox", name="Libellé", exact=True).last.fill("Avec qui ?")
    grid.get_by_role("textbox", name="Indication sur le téléphone").last.fill("Les partenaires à associer.")
    grid.get_by_role("button", name="Enregistrer le tableau").click()
    expect(grid.get_by_role("status")).to_have_text("Tableau enregistré.")
    added = phone.get_by_role("region", name="Avec qui ?")
    expect(added).to_contain_text("Les partenaires à associer.")
    added.get_by_role("button", name="Écrire ici").click()
    expect(phone.get_by_label("Colonne")).to_have_value("avec_qui")

    # A scale added; one a participant chose cannot be removed, and the refusal says why.
    scales = section.get_by_role("form", name="Échelles territoriales")
    scales.get_by_role("button", name="Ajouter une échelle").click()
    scales.get_by_role("textbox").last.fill("Massif central")
    scales.get_by_role("button", name="Enregistrer les échelles").click()
    expect(scales.get_by_role("status")).to_have_text("Échelles enregistrées.")
    scales.get_by_role("listitem").filter(has=organiser.get_by_role("textbox", name="Échelle 2")).get_by_role(
        "button", name="Retirer"
    ).click()
    scales.get_by_role("button", name="Enregistrer les échelles").click()
    expect(scales.get_by_role("alert")).to_contain_text("« Intercommunalité » est l'échelle de 1 participant")
    scales.get_by_role("button", name="Revenir aux échelles enregistrées").click()
    expect(scales.get_by_role("textbox", name="Échelle 2")).to_have_value("Intercommunalité")

    # A new phone sees the new scale in the join form, and the renamed column.
    other = pages.join(links, "Dominique", "Salle 1", "Massif central", **PHONE)
    expect(other.get_by_role("region", name="Pourquoi, au fond ?")).to_be_visible()
    assert [watch.problems for watch in pages.watches] == [[]] * len(pages.watches)
