"""The après-séminaire dossier: print-ready HTML and editable ODT, from the organiser's page and the command line."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from odf import teletype
from odf.opendocument import load
from odf.style import MasterPage, PageLayoutProperties
from odf.table import Table, TableCell, TableRow
from odf.text import H, P, PageNumber, TableOfContent

from collab.domain import cards, competences, moderation
from collab.domain.access import principal_for_participant
from collab.domain.dossier import dossier_facts
from collab.domain.events import EventLinks
from collab.domain.record import event_record
from collab.exports.dossier import dossier_context, dossier_page, french_spacing
from collab.exports.files import export_file
from collab.exports.odt import dossier_odt
from collab.store.database import db
from collab.store.models import Event, Hypothesis
from tests.support.apps import link_principal
from tests.support.exports_day import HELD, HIDDEN, seed_day

GRID = {
    "title": "Grille de lecture à l'usage des développeurs territoriaux",
    "questions": [
        {
            "key": "pourquoi",
            "label": "Pourquoi ?",
            "hint": "Les raisons de coopérer",
            "points": [{"id": 1, "text": "Quel intérêt partagé nomme-t-on ?", "cards": [3]}],
        },
        {"key": "comment", "label": "Comment ?", "hint": "", "points": []},
    ],
}
CONCLUSION = "Validée, à condition de nommer cet intérêt."
HIDDEN_OFFER = "Je forme aux marchés publics (carte masquée ensuite)"


@pytest.fixture
def day(event: EventLinks, join: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """A seminar day, with more needs nobody answers, a hidden offer, and a hidden card given as evidence."""
    made = seed_day(event, join)
    who = [principal_for_participant(p["id"]) for p in made["people"]]
    savoirs = {"type": "savoirs", "scope": "collectif"}

    # Room 1 moderates cards before showing them since the seed's end: these come from room 2.
    def need(person: int, text: str, keywords: list[str]) -> int:
        skill = savoirs | {"keywords": keywords}
        ack = cards.post_card(who[person], f"gap-{text[:10]}", "competences", "besoin", text, skill).reply
        return int(ack["card"]["id"])

    made["gaps"] = [
        need(2, "Monter un dossier LEADER de fonds européens", ["fonds europeens"]),
        need(2, "Trouver des cofinancements", ["Fonds européens"]),
        need(2, "Former les élus au numérique", ["numérique"]),
    ]
    skill = {"type": "savoir_faire", "scope": "individuel", "keywords": ["marchés publics"]}
    hidden_offer = cards.post_card(who[2], "hidden-offer", "competences", "offre", HIDDEN_OFFER, skill).reply
    moderation.hide_card(link_principal(event.rooms[1].facilitator_token), int(hidden_offer["card"]["id"]))
    with db.transaction() as session:
        hypothesis = session.query(Hypothesis).filter_by(event_id=event.id, conclusion=CONCLUSION).one()
        hypothesis.evidence = [made["cards"]["pourquoi"], made["cards"]["hidden"]]
    made["who"] = who
    return made


def odt_texts(body: bytes) -> tuple[list[str], list[str]]:
    """Return an ODT's headings and paragraphs as text."""
    doc = load(io.BytesIO(body))
    headings = [teletype.extractText(h) for h in doc.getElementsByType(H)]
    paragraphs = [teletype.extractText(p) for p in doc.getElementsByType(P)]
    return headings, paragraphs


def test_the_organiser_downloads_the_dossier_as_a_page_and_a_document(
    client: FlaskClient, event: EventLinks, day: dict[str, Any]
) -> None:
    base = f"/o/{event.organiser_token}/export"
    page = client.get(f"{base}/dossier.html")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert page.headers["Content-Disposition"] == f'attachment; filename="{event.join_code}-dossier.html"'
    html = page.get_data(as_text=True)
    # Self-contained and printable: its own style, allowed by its hash, and nothing fetched.
    assert "<link" not in html and "<script" not in html and "src=" not in html
    assert "@page" in html and "size: A4" in html and "break-before: page" in html
    policy = page.headers["Content-Security-Policy"]
    assert "style-src 'sha256-" in policy and "unsafe-inline" not in policy
    document = client.get(f"{base}/dossier.odt")
    assert document.status_code == 200 and document.mimetype == "application/vnd.oasis.opendocument.text"
    assert document.headers["Content-Disposition"] == f'attachment; filename="{event.join_code}-dossier.odt"'
    assert document.data.startswith(b"PK") and b"application/vnd.oasis.opendocument.text" in document.data[:100]
    for name in ("dossier.html", "dossier.odt"):
        for token in (event.screen_token, event.rooms[0].facilitator_token, "nope"):
            assert client.get(f"/o/{token}/export/{name}").status_code == 404
    organiser = client.get(f"/o/{event.organiser_token}").get_data(as_text=True)
    assert f"{base}/dossier.html" in organiser and f"{base}/dossier.odt" in organiser


def test_the_dossier_speaks_french_with_its_spacing_or_the_requested_english(
    client: FlaskClient, event: EventLinks, day: dict[str, Any]
) -> None:
    competences.accept_match(day["who"][2], day["cards"]["offer"], day["cards"]["need"], "ines@exemple.fr")
    base = f"/o/{event.organiser_token}/export/dossier.html"
    french = client.get(base).get_data(as_text=True)
    assert '<html lang="fr">' in french
    assert "Besoins sans réponse\u00a0: propositions pour la suite" in french
    assert "Pourquoi\u202f?" in french and "Pourquoi ?" not in french
    english = client.get(f"{base}?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english
    for heading in ("The workshops&#39; syntheses", "Hypotheses and verdicts", "Directory of competences"):
        assert heading in english, heading
    # The day's own words stay as written; only the French page respaces them.
    assert "Synthèses des ateliers" not in english and "Pourquoi ?" in english
    odt_en = client.get(f"/o/{event.organiser_token}/export/dossier.odt?lang=en").data
    assert "NEED Inès — Associer les habitants à un projet de mobilité · ines@exemple.fr" in odt_texts(odt_en)[1]
    assert "6. Participation" in odt_texts(odt_en)[0] and "1. The workshops' syntheses" in odt_texts(odt_en)[0]


def test_the_cli_writes_the_dossier_page_and_document(
    runner: FlaskCliRunner, event: EventLinks, day: dict[str, Any], tmp_path: Path
) -> None:
    page, document = tmp_path / "dossier.html", tmp_path / "dossier.odt"
    result = runner.invoke(args=["export-event", event.join_code, "--format", "dossier", "--output", str(page)])
    assert result.exit_code == 0, result.output
    assert page.read_text(encoding="utf-8").startswith("<!doctype html>")
    result = runner.invoke(args=["export-event", event.join_code, "--format", "odt", "--output", str(document)])
    assert result.exit_code == 0, result.output
    headings, _ = odt_texts(document.read_bytes())
    assert "1. Synthèses des ateliers" in headings
    # A binary file is never written to the terminal.
    refused = runner.invoke(args=["export-event", event.join_code, "--format", "odt"])
    assert refused.exit_code != 0 and "--output" in refused.output


def test_the_odt_holds_the_record_part_by_part(app: Flask, event: EventLinks, day: dict[str, Any]) -> None:
    with db.transaction() as session:
        stored = session.get(Event, event.id)
        assert stored is not None
        stored.grid, stored.grid_published_at = GRID, datetime.now(UTC)
        stored.starts_on, stored.place = date(2015, 3, 19), "Lyon, Hôtel de Région"
    record = event_record(event.id)
    body = export_file(event.id, "odt").body
    assert isinstance(body, bytes)
    headings, paragraphs = odt_texts(body)
    text = "\n".join(headings + paragraphs)
    parts = [h for h in headings if h[:2] in {f"{n}." for n in range(1, 7)}]
    assert parts == [
        "1. Synthèses des ateliers",
        "2. Hypothèses et verdicts",
        "3. Grille de lecture",
        "4. Annuaire des compétences",
        "5. Besoins sans réponse\u00a0: propositions pour la suite",
        "6. Participation",
    ]
    # A4 pages, numbered at the foot.
    document = load(io.BytesIO(body))
    layout = document.getElementsByType(PageLayoutProperties)[0]
    assert (layout.getAttribute("pagewidth"), layout.getAttribute("pageheight")) == ("21cm", "29.7cm")
    assert document.getElementsByType(MasterPage)[0].getElementsByType(PageNumber)
    # A table of contents a word processor keeps up to date (page numbers included).
    contents = load(io.BytesIO(body)).getElementsByType(TableOfContent)[0]
    assert [teletype.extractText(p) for p in contents.getElementsByType(P)] == ["Sommaire", *parts]
    assert "jeudi 19 mars 2015 · Lyon, Hôtel de Région" in paragraphs
    # The syntheses, room by room, with their texts.
    for synthesis in record["syntheses"]:
        assert synthesis["room_name"] in headings
        for value in synthesis["texts"].values():
            assert french_spacing(value) in text
    # The hypotheses with their verdicts, reasons and conclusion.
    hypothesis = next(h for h in record["hypotheses"] if h["state"] != "draft")
    assert f"Hypothèse 1 · {hypothesis['text']}" in headings
    assert "À nuancer\u00a0: Pas toujours" in paragraphs
    assert f"Conclusion\u00a0: {hypothesis['conclusion']}" in paragraphs
    assert "Parce qu'aucune commune ne peut porter seule une légumerie" in paragraphs
    # The published grid's questions and points.
    assert "Pourquoi\u202f?" in headings and "Comment\u202f?" in headings
    assert "Quel intérêt partagé nomme-t-on\u202f?" in paragraphs and "Aucun point retenu." in paragraphs
    # Participation: people per room and scale, cards per board.
    assert "3 participants · " in text


def test_an_unpublished_grid_is_said_so(event: EventLinks, day: dict[str, Any]) -> None:
    with db.transaction() as session:
        stored = session.get(Event, event.id)
        assert stored is not None
        stored.grid, stored.grid_published_at = None, None
    html = export_file(event.id, "dossier").text
    assert "La grille de lecture n'a pas été publiée." in html
    with db.transaction() as session:
        stored = session.get(Event, event.id)
        assert stored is not None
        stored.grid = GRID  # drafted, not published
    assert "La grille de lecture n'a pas été publiée." in export_file(event.id, "dossier").text


def test_contacts_appear_only_for_pairs_both_people_accepted(event: EventLinks, day: dict[str, Any]) -> None:
    # Camille said yes to the offer–need pair with Inès; Inès has not yet.
    for fmt in ("dossier", "odt"):
        body = export_file(event.id, fmt).body
        assert b"camille@exemple.fr" not in (body if isinstance(body, bytes) else body.encode())
    assert "Aucune mise en relation acceptée des deux côtés." in export_file(event.id, "dossier").text
    competences.accept_match(day["who"][2], day["cards"]["offer"], day["cards"]["need"], "ines@exemple.fr")
    html = export_file(event.id, "dossier").text
    assert "camille@exemple.fr" in html and "ines@exemple.fr" in html
    _, paragraphs = odt_texts(export_file(event.id, "odt").body)  # type: ignore[arg-type]
    assert "APPORT Camille — J'anime des concertations avec les habitants · camille@exemple.fr" in paragraphs
    assert "BESOIN Inès — Associer les habitants à un projet de mobilité · ines@exemple.fr" in paragraphs
    # Withdrawn again: the contacts leave the dossier.
    competences.withdraw_match(day["who"][0], day["cards"]["offer"], day["cards"]["need"])
    assert "ines@exemple.fr" not in export_file(event.id, "dossier").text


def test_a_hidden_card_appears_nowhere(event: EventLinks, day: dict[str, Any]) -> None:
    kept = "Mutualiser l'ingénierie rare"  # kept in a published synthesis, hidden since
    assert kept.replace("'", "&#39;") in export_file(event.id, "dossier").text
    moderation.hide_card(link_principal(event.rooms[0].facilitator_token), day["cards"]["pourquoi_b"])
    html = export_file(event.id, "dossier").text
    headings, paragraphs = odt_texts(export_file(event.id, "odt").body)  # type: ignore[arg-type]
    odt = "\n".join(headings + paragraphs)
    for text in (HIDDEN, HELD, HIDDEN_OFFER, kept):
        assert text.replace("'", "&#39;") not in html and text not in odt, text
    # The visible evidence is there, the hidden one given as evidence is not.
    assert "Parce qu&#39;aucune commune ne peut porter seule une légumerie" in html


def test_needs_nobody_answered_are_grouped_into_themes(app: Flask, event: EventLinks, day: dict[str, Any]) -> None:
    record = event_record(event.id)
    gaps = {g["text"] for g in record["competences"]["gaps"]}
    assert "Monter un dossier de fonds européens LEADER" in gaps and "Former les élus au numérique" in gaps
    themes = dossier_context(record, dossier_facts(event.id))["themes"]
    assert [(t["title"], sorted(n["text"] for n in t["needs"])) for t in themes] == [
        (
            "Fonds européens",
            [
                "Monter un dossier LEADER de fonds européens",
                "Monter un dossier de fonds européens LEADER",
                "Trouver des cofinancements",
            ],
        ),
        ("Numérique", ["Former les élus au numérique"]),
    ]
    html = export_file(event.id, "dossier").text
    assert "Proposition 1 · Fonds européens" in html and "3 besoins exprimés" in html


def test_verdicts_by_scale_are_a_table_with_the_total_row(app: Flask, event: EventLinks, day: dict[str, Any]) -> None:
    record = event_record(event.id)
    hypothesis = next(h for h in record["hypotheses"] if h["state"] != "draft")
    hypothesis["by_scale"] = [
        {
            "scale": "commune",
            "label": "Commune",
            "total": 1,
            "results": [{"verdict": "validee", "label": "Validée", "count": 1}],
        },
        {
            "scale": "region",
            "label": "Région",
            "total": 1,
            "results": [{"verdict": "a_nuancer", "label": "À nuancer", "count": 1}],
        },
    ]
    with app.test_request_context("/"):
        html = dossier_page(record, dossier_facts(event.id), "")
        document = dossier_odt(record, dossier_facts(event.id))
    table = load(io.BytesIO(document)).getElementsByType(Table)[0]
    rows = table.getElementsByType(TableRow)
    cells = [[teletype.extractText(cell) for cell in row.getElementsByType(TableCell)] for row in rows]
    assert cells == [
        ["Échelle", "Validée", "Infirmée", "À nuancer", "Votes"],
        ["Commune", "1", "0", "0", "1"],
        ["Région", "0", "0", "1", "1"],
        ["Ensemble", "1", "0", "1", "2"],
    ]
    rows = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert '<tr><th scope="row">Commune</th><td>1</td><td>0</td><td>0</td><td>1</td></tr>' in rows
    assert '<tr><th scope="row">Région</th><td>0</td><td>0</td><td>1</td><td>1</td></tr>' in rows
    assert '<th scope="row">Ensemble</th><td>1</td><td>0</td><td>1</td><td>2</td>' in rows
