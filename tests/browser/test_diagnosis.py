"""In real Chromium, on a 360×640 phone: a participant applies the published grid to their situation,
reloads, goes offline and back, opens their answers with their personal link elsewhere, and prints it."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import pypdfium2
import pytest

from tests.support.browser import SMALL_PHONE, Pages, audit, join_form, speaker
from tests.support.grid import publish_grid_at
from tests.support.live import LiveServer

DESK = {"viewport": {"width": 1280, "height": 800}}


def stored(server: LiveServer) -> list[tuple[str, dict[str, Any]]]:
    """Return every stored self-diagnosis, read from the server's database: situation and answers."""
    with sqlite3.connect(server.workdir / "collab.sqlite3") as connection:
        rows = connection.execute("SELECT situation, answers FROM grid_answers ORDER BY id").fetchall()
    return [(situation, json.loads(answers)) for situation, answers in rows]


def point(page: Any, text: str) -> Any:
    """Return the group of a point of the grid, named by its text."""
    return page.get_by_role("group", name=text)


def shots(tmp_path: Path) -> Path:
    """Return where this test's pictures go: COLLAB_SCREENSHOTS/grid when asked, else the test's folder."""
    folder = Path(os.environ["COLLAB_SCREENSHOTS"]) / "grid" if os.environ.get("COLLAB_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_phone_applies_the_grid_keeps_it_offline_and_prints_it(
    pages: Pages, server: LiveServer, tmp_path: Path, lang: str
) -> None:
    from playwright.sync_api import expect

    say = speaker(lang)
    out = shots(tmp_path)
    links = server.create_event(rooms=2)
    publish_grid_at(server.env["COLLAB_DATABASE_URL"], links["join_code"])
    server.start()

    # A participant joins (in their language), then finds the grid on their phone page.
    phone = pages.open(f"{links['join_url']}?lang={lang}", **SMALL_PHONE)
    join_form(phone, links["join_code"], "Alix", "Salle 1", say=say)
    phone.get_by_role("link", name=say("Appliquer la grille de lecture à ma situation")).click()
    phone.wait_for_url(f"**/j/{links['join_code']}/grille")
    state = phone.locator("[data-grid-state]")
    expect(state).to_have_text(say("Réponses enregistrées."))
    expect(phone.get_by_role("region", name="Dans quelles conditions ?")).to_be_visible()

    phone.get_by_label(say("Ma situation de coopération")).fill("Contrat de réciprocité ville-campagne")
    first = point(phone, "Un besoin partagé est-il nommé ?")
    first.get_by_role("radio", name=say("Oui")).check()
    first.get_by_label(say("Ma note")).fill("Avec la métropole")
    point(phone, "Qui gagne quoi à coopérer ?").get_by_role("radio", name=say("En partie")).check()
    expect(state).to_have_text(say("Réponses enregistrées."))
    assert stored(server) == [
        (
            "Contrat de réciprocité ville-campagne",
            {"11": {"answer": "oui", "note": "Avec la métropole"}, "12": {"answer": "en_partie", "note": ""}},
        )
    ]
    assert phone.evaluate("document.scrollingElement.scrollWidth <= innerWidth")
    assert audit(phone, f"grid {lang} 360×640") == []
    phone.screenshot(path=str(out / f"grid-phone-{lang}.png"))

    # A reload keeps everything.
    phone.reload()
    expect(phone.get_by_label(say("Ma situation de coopération"))).to_have_value(
        "Contrat de réciprocité ville-campagne"
    )
    expect(point(phone, "Un besoin partagé est-il nommé ?").get_by_role("radio", name=say("Oui"))).to_be_checked()
    expect(point(phone, "Un besoin partagé est-il nommé ?").get_by_label(say("Ma note"))).to_have_value(
        "Avec la métropole"
    )
    expect(point(phone, "Qui gagne quoi à coopérer ?").get_by_role("radio", name=say("En partie"))).to_be_checked()

    # Offline: the answers go on in the browser, and reach the server when the connection returns.
    phone.context.set_offline(True)
    expect(state).to_contain_text(say("Hors ligne"))
    later = point(phone, "Mutualiser l'ingénierie rare")
    later.get_by_role("radio", name=say("À explorer")).check()
    later.get_by_label(say("Ma note")).fill("Voir avec le PETR")
    point(phone, "Une instance de suivi existe-t-elle ?").get_by_role("radio", name=say("Non")).check()
    kept = phone.evaluate("Object.entries(localStorage).filter(([k]) => k.startsWith('collab.grid.'))")
    assert len(kept) == 1 and json.loads(kept[0][1])["unsent"] is True
    assert "31" in json.loads(kept[0][1])["answers"]
    assert "31" not in stored(server)[0][1]
    phone.context.set_offline(False)
    expect(state).to_have_text(say("Réponses enregistrées."), timeout=20000)
    situation, answers = stored(server)[0]
    assert answers["31"] == {"answer": "a_explorer", "note": "Voir avec le PETR"}
    assert answers["41"] == {"answer": "non", "note": ""} and len(answers) == 4

    # The personal link opens the answers in another browser (the desk computer), and saves from there.
    link = phone.get_by_role("link", name=say("Mon lien personnel vers ma grille")).get_attribute("href")
    assert link and "/grille/g." in link
    expect(phone.get_by_role("img", name=say("Code QR de votre lien personnel"))).to_be_visible()
    desk = pages.open(f"{link}?lang={lang}", **DESK)
    expect(desk.get_by_label(say("Ma situation de coopération"))).to_have_value(situation)
    expect(point(desk, "Mutualiser l'ingénierie rare").get_by_label(say("Ma note"))).to_have_value("Voir avec le PETR")
    expect(point(desk, "Une instance de suivi existe-t-elle ?").get_by_role("radio", name=say("Non"))).to_be_checked()
    expect(desk.locator("[data-grid-state]")).to_have_text(say("Réponses enregistrées."))
    point(desk, "Le but commun tient-il en une phrase ?").get_by_role("radio", name=say("Oui")).check()
    expect(desk.locator("[data-grid-state]")).to_have_text(say("Réponses enregistrées."))
    assert stored(server)[0][1]["21"] == {"answer": "oui", "note": ""}
    # The phone, back from another offline spell with nothing to send, takes what the desk saved.
    phone.context.set_offline(True)
    expect(state).to_contain_text(say("Hors ligne"))
    phone.context.set_offline(False)
    expect(point(phone, "Le but commun tient-il en une phrase ?").get_by_role("radio", name=say("Oui"))).to_be_checked(
        timeout=20000
    )
    expect(state).to_have_text(say("Réponses enregistrées."))
    assert audit(desk, f"grid {lang} desk") == []
    desk.screenshot(path=str(out / f"grid-desk-{lang}.png"), full_page=True)

    # Printed: the situation, each point with its answer and note; no button, no link, no field.
    desk.emulate_media(media="print")
    expect(desk.get_by_role("button", name=say("Imprimer ou enregistrer en PDF"))).to_be_hidden()
    expect(desk.locator(".lang-switch")).to_be_hidden()
    expect(desk.locator("[data-grid-situation-print]")).to_have_text(situation)
    desk.screenshot(path=str(out / f"grid-print-{lang}.png"), full_page=True)
    pdf = pypdfium2.PdfDocument(desk.pdf(path=str(out / f"grid-{lang}.pdf"), format="A4", print_background=True))
    try:
        text = "".join(pdf[n].get_textpage().get_text_range() for n in range(len(pdf)))
        width, height = pdf[0].get_size()
        assert abs(width - 595.3) < 1 and abs(height - 841.9) < 1  # A4 (210 × 297 mm), in points
        bitmap = pdf[0].render(scale=0.5)
        assert len(set(bytes(bitmap.buffer))) > 2, "the first page is blank"
    finally:
        pdf.close()
    flat = " ".join(text.split())
    for expected in (situation, "Voir avec le PETR", "Avec la métropole", say("À explorer"), "Pourquoi ?"):
        assert expected in flat, expected
    for absent in (say("Imprimer ou enregistrer en PDF"), say("Mon lien personnel vers ma grille"), "English"):
        assert absent not in flat, absent
    # While offline, a reconnection attempt that fires fails and Chromium logs it: expected, and only that.
    for watch in pages.watches:
        assert [p for p in watch.problems if "ERR_INTERNET_DISCONNECTED" not in p] == []
