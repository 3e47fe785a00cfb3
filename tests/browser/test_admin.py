"""In real Chromium: a new organiser prepares a seminar from the admin link, then erases an old one."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from tests.support.browser import PHONE, Pages
from tests.support.live import ROOT, LiveServer

BAD_TEMPLATE = """title = ""
rooms = 0
scales = []
[[boards]]
key = "mes idées"
title = "Idées"
kind = "mur"
columns = [{ key = "idee", label = "Une idée" }]
[[phases]]
start = "9h"
end = "10:00"
kind = "atelier"
activity = "absent"
title = "Les idées"
"""


def shoot(page: Any, name: str) -> None:
    """Save a screenshot of the page for the docs, when screenshots are asked for."""
    if os.environ.get("COLLAB_SCREENSHOTS"):
        folder = ROOT / os.environ["COLLAB_SCREENSHOTS"] / "screens"
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


EVENTS = "Les séminaires de ce serveur"


def the_admin_page_lists_the_seminars_to_come(page: Any, old: dict[str, Any]) -> None:
    """The admin page opens on the server's seminars, the old one among those to come."""
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", name="Administration du serveur")).to_be_visible()
    events = page.get_by_role("region", name=EVENTS)
    expect(events.get_by_role("row").filter(has_text=old["join_code"])).to_contain_text("À venir")


def a_malformed_template_is_refused_with_every_problem(page: Any, tmp_path: Path) -> None:
    """A malformed template file: every problem is listed, nothing is created."""
    from playwright.sync_api import expect

    bad = tmp_path / "modele.toml"
    bad.write_text(BAD_TEMPLATE, encoding="utf-8")
    form = page.get_by_role("region", name="Préparer un séminaire")
    form.get_by_label("Titre", exact=True).fill("Rencontre régionale des développeurs")
    form.get_by_label("Modèle", exact=True).select_option(label="Un fichier de modèle (.toml), choisi ci-dessous")
    form.get_by_label("Fichier de modèle (.toml)").set_input_files(str(bad))
    form.get_by_role("button", name="Créer le séminaire").click()
    expect(page.get_by_text("Ce modèle ne convient pas ; rien n'a été créé.")).to_be_visible()
    assert page.locator(".admin__problems li").count() >= 2
    expect(page.get_by_label("Titre", exact=True)).to_have_value("Rencontre régionale des développeurs")
    shoot(page, "admin-refused-1440x900")


def a_seminar_is_made_from_a_generic_template(page: Any) -> tuple[str, str]:
    """From a generic template, with its date, place and two rooms; return its code and organiser link."""
    from playwright.sync_api import expect

    page.get_by_label("Titre", exact=True).fill("Rencontre régionale des développeurs")
    page.get_by_label("Date", exact=True).fill("2027-03-18")
    page.get_by_label("Lieu", exact=True).fill("Maison de la région, Lyon")
    page.get_by_label("Nombre de salles").fill("2")
    page.get_by_label("Modèle", exact=True).select_option(label="Une salle, quatre questions")
    page.get_by_role("button", name="Créer le séminaire").click()
    expect(page.get_by_role("heading", name="Rencontre régionale des développeurs")).to_be_visible()
    expect(page.get_by_text("Le séminaire est prêt.")).to_be_visible()
    code = page.locator(".code--large").text_content()
    assert code and len(code) == 6
    staff = page.get_by_role("region", name="Liens secrets de l'équipe")
    expect(staff.get_by_role("row")).to_have_count(5)  # header, organiser, screen, two rooms
    shoot(page, "admin-links-1440x900")
    organiser_url = page.get_by_role("link", name="Ouvrir la page d'organisation").get_attribute("href")
    assert organiser_url
    return code, organiser_url


def the_print_view_has_a_sheet_to_join_and_one_per_room(page: Any) -> None:
    """The print view: one A4 sheet to join, one per room with its console's QR code."""
    from playwright.sync_api import expect

    page.get_by_role("link", name="Imprimer les fiches des salles").click()
    expect(page.get_by_role("article")).to_have_count(3)
    expect(page.get_by_role("img", name="QR code de la console d'animation de Salle 2")).to_be_visible()
    page.emulate_media(media="print")
    shoot(page, "admin-print")
    page.emulate_media(media="screen")


def the_organiser_renames_a_column_and_adds_a_scale_and_a_phase(page: Any, organiser_url: str) -> None:
    """On the organiser page: a column renamed, a scale and a phase added."""
    from playwright.sync_api import expect

    page.goto(organiser_url)
    expect(page.get_by_role("status").first).to_contain_text("Connecté")
    section = page.get_by_role("region", name="Le séminaire")
    grid = section.get_by_role("form", name="Les quatre questions")
    grid.get_by_role("textbox", name="Libellé", exact=True).first.fill("Pourquoi agir ensemble ?")
    grid.get_by_role("button", name="Enregistrer le tableau").click()
    expect(grid.get_by_role("status")).to_have_text("Tableau enregistré.")
    scales = section.get_by_role("form", name="Échelles territoriales")
    scales.get_by_role("button", name="Ajouter une échelle").click()
    scales.get_by_role("textbox").last.fill("Massif central")
    scales.get_by_role("button", name="Enregistrer les échelles").click()
    expect(scales.get_by_role("status")).to_have_text("Échelles enregistrées.")
    page.get_by_role("button", name="Ajouter une phase").click()
    page.get_by_label("Début").fill("08:45")
    page.get_by_label("Fin").fill("09:30")
    page.get_by_label("Type", exact=True).select_option(label="Accueil")
    page.get_by_label("Intitulé").fill("Café d'arrivée")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator("[data-programme] tbody tr").first).to_contain_text("Café d'arrivée")


def next_years_seminar_is_made_from_this_ones_template(page: Any, admin_url: str, tmp_path: Path, code: str) -> str:
    """Next year's seminar is made from this one's template file, downloaded from the organiser page."""
    from playwright.sync_api import expect

    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le modèle (.toml)").click()
    template = tmp_path / "seminaire.toml"
    download.value.save_as(template)
    page.goto(admin_url)
    page.get_by_label("Titre", exact=True).fill("Rencontre régionale 2028")
    page.get_by_label("Modèle", exact=True).select_option(label="Un fichier de modèle (.toml), choisi ci-dessous")
    page.get_by_label("Fichier de modèle (.toml)").set_input_files(str(template))
    page.get_by_role("button", name="Créer le séminaire").click()
    expect(page.get_by_role("heading", name="Rencontre régionale 2028")).to_be_visible()
    next_code = page.locator(".code--large").text_content()
    assert next_code and next_code != code
    expect(page.get_by_role("region", name="Liens secrets de l'équipe").get_by_role("row")).to_have_count(5)
    return next_code


def the_first_seminar_is_deleted_once_its_code_is_typed(
    page: Any, admin_url: str, code: str, next_code: str, old: dict[str, Any], organiser_url: str
) -> None:
    """The admin page lists both; the first is deleted once its code is typed, and its links die with it."""
    from playwright.sync_api import expect

    page.goto(admin_url)
    events = page.get_by_role("region", name=EVENTS)
    row = events.get_by_role("row").filter(has_text=code)
    expect(row).to_contain_text("2027-03-18")
    expect(row).to_contain_text("Maison de la région, Lyon")
    row.get_by_text("Supprimer…").click()
    row.get_by_role("textbox").fill("ABCDEF")
    row.get_by_role("button", name="Supprimer définitivement").click()
    expect(page.get_by_text("Tapez le code du séminaire pour le supprimer.")).to_be_visible()
    row = events.get_by_role("row").filter(has_text=code)
    row.get_by_role("textbox").fill(code.lower())
    row.get_by_role("button", name="Supprimer définitivement").click()
    expect(page.get_by_role("status")).to_contain_text(f"Le séminaire {code} a été supprimé.")
    expect(events.get_by_role("row").filter(has_text=code)).to_have_count(0)
    expect(events.get_by_role("row").filter(has_text=next_code)).to_contain_text("Rencontre régionale 2028")
    expect(events.get_by_role("row").filter(has_text=old["join_code"])).to_have_count(1)
    shoot(page, "admin-1440x900")
    assert page.goto(organiser_url).status == 404


def a_phone_joins_the_second_seminar_as_it_was_edited(pages: Pages, origin: str, next_code: str) -> None:
    """A phone joins the second seminar: the new scale in the form, the renamed column on the board."""
    from playwright.sync_api import expect

    phone = pages.open(f"{origin}/j/{next_code}", **PHONE)
    expect(phone.get_by_role("heading", name="Rencontre régionale 2028")).to_be_visible()
    phone.get_by_label("Pseudonyme").fill("Camille")
    phone.get_by_label("Échelle territoriale").select_option(label="Massif central")
    phone.get_by_role("radio", name="Salle 2").check()
    phone.get_by_role("button", name="Rejoindre la salle").click()
    phone.wait_for_url(f"**/e/{next_code}")
    expect(phone.get_by_role("status").first).to_contain_text("Connecté")
    expect(phone.get_by_role("region", name="Pourquoi agir ensemble ?")).to_be_visible()
    shoot(phone, "admin-next-phone-390x844")


def test_a_new_organiser_prepares_a_seminar_from_the_admin_link(
    pages: Pages, server: LiveServer, tmp_path: Path
) -> None:
    old = server.create_event(rooms=1)
    admin_url = json.loads(server.flask("admin-link", "--json"))["admin_url"]
    server.start()
    page = pages.open(admin_url, viewport={"width": 1440, "height": 900})
    the_admin_page_lists_the_seminars_to_come(page, old)
    a_malformed_template_is_refused_with_every_problem(page, tmp_path)
    code, organiser_url = a_seminar_is_made_from_a_generic_template(page)
    the_print_view_has_a_sheet_to_join_and_one_per_room(page)
    the_organiser_renames_a_column_and_adds_a_scale_and_a_phase(page, organiser_url)
    next_code = next_years_seminar_is_made_from_this_ones_template(page, admin_url, tmp_path, code)
    the_first_seminar_is_deleted_once_its_code_is_typed(page, admin_url, code, next_code, old, organiser_url)
    a_phone_joins_the_second_seminar_as_it_was_edited(pages, server.url, next_code)

    # The refused form (400) and the deleted event's page (404) are answered as they should be.
    watch, phone_watch = pages.watches
    expected = "Failed to load resource: the server responded with a status of 40"
    assert [problem for problem in watch.problems if not problem.startswith(expected)] == []
    assert phone_watch.problems == []
