"""Exports: the report (Markdown, HTML), the self-diagnosis grid, the CSV of cards, the JSON archive and its restore."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from collab import create_app
from collab.domain.errors import Conflict, Invalid
from collab.domain.events import EventLinks, event_id_for_code
from collab.domain.record import event_record
from collab.exports.archive import archive_event, restore_event
from collab.exports.files import export_file
from collab.exports.table import cell
from collab.store.database import db
from tests.support.apps import SECRET, link_token
from tests.support.exports_day import FORMULA, HELD, HIDDEN, seed_day


@pytest.fixture
def day(event: EventLinks, join: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """An event filled as a seminar day."""
    return seed_day(event, join)


def test_the_record_holds_every_card_with_its_flags_and_the_day_around_it(
    event: EventLinks, day: dict[str, Any]
) -> None:
    record = event_record(event.id)
    by_id = {card["id"]: card for card in record["cards"]}
    assert by_id[day["cards"]["hidden"]]["hidden"] and not by_id[day["cards"]["hidden"]]["visible"]
    assert by_id[day["cards"]["held"]]["held"] == "moderation"
    assert by_id[day["cards"]["pourquoi_b"]]["votes"] == 2
    finalite = by_id[day["cards"]["finalite"]]
    assert finalite["role"] == day["situation"]["protagonists"][0] and finalite["scale_label"] == "Commune"
    assert finalite["situation_id"] == day["situation"]["id"]
    assert [p["pseudonym"] for p in record["participants"]] == ["Camille", "Bao", "Inès"]
    # Room by room, each room's syntheses in the order of the boards, each naming its board.
    assert [(s["room_name"], s["board"]) for s in record["syntheses"]] == [
        ("Salle 1", "case_study"),
        ("Salle 1", "four_questions"),
    ]
    assert record["syntheses"][1]["texts"] == {"pourquoi": "Coopérer pour ne pas rester seul."}
    assert record["dot_votes"][0]["placed"] == 2
    hypothesis = next(h for h in record["hypotheses"] if h["text"] == "La coopération suppose un intérêt partagé")
    assert {r["verdict"]: r["count"] for r in hypothesis["results"]} == {"validee": 1, "infirmee": 0, "a_nuancer": 1}
    assert hypothesis["reasons"] == [{"verdict": "a_nuancer", "label": "À nuancer", "reason": "Pas toujours"}]
    assert record["competences"]["totals"]["offers"] == 1
    assert [g["text"] for g in record["competences"]["gaps"]] == ["Monter un dossier de fonds européens LEADER"]


def test_the_markdown_report_lists_visible_cards_and_the_organiser_version_the_hidden_ones(
    event: EventLinks, day: dict[str, Any]
) -> None:
    public = export_file(event.id, "md").text
    for text in (
        "## Atelier 1 : Décrypter les situations de coopération",
        "### Situation : Un projet alimentaire territorial",
        "#### Pourquoi ?",
        "Mutualiser l'ingénierie rare",
        "rôle : Président·e du PETR",
        "échelle : Commune",
        "2 points",
        "épinglée",
        "## Synthèses des salles",
        "**Pourquoi ?** Coopérer pour ne pas rester seul.",
        "### 1. La coopération suppose un intérêt partagé",
        "Validée : 1 · Infirmée : 0 · À nuancer : 1 (2 votes)",
        "**Conclusion.** Validée, à condition de nommer cet intérêt.",
        "J'anime des concertations avec les habitants (Camille) ↔ Associer les habitants",
        "#### Besoins sans réponse",
    ):
        assert text in public, text
    assert HIDDEN not in public and HELD not in public
    organiser = export_file(event.id, "md", organiser=True).text
    assert f"- **[masquée]** {HIDDEN}" in organiser
    assert HELD in organiser and "en attente de modération" in organiser


def test_user_text_cannot_inject_markdown_or_html(event: EventLinks, join: Callable[..., dict[str, Any]]) -> None:
    from collab.domain import cards
    from tests.support.apps import participant_principal

    someone = participant_principal(join())
    cards.post_card(someone, "x1", "four_questions", "pourquoi", "<script>alert(1)</script> # titre [lien](http://x)")
    markdown = export_file(event.id, "md").text
    assert "\\<script\\>" in markdown and "\\[lien\\]" in markdown
    html = export_file(event.id, "html").text
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_html_report_is_one_self_contained_print_page(
    client: FlaskClient, event: EventLinks, day: dict[str, Any]
) -> None:
    response = client.get(f"/o/{event.organiser_token}/export/report.html")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{event.join_code}-compte-rendu.html"'
    page = response.get_data(as_text=True)
    assert "<link" not in page and "<script" not in page and "@page" in page
    # The page's only style block is allowed by its hash, and nothing else is.
    policy = response.headers["Content-Security-Policy"]
    assert "style-src 'sha256-" in policy and "unsafe-inline" not in policy and "script-src 'self'" in policy
    assert "Mutualiser l&#39;ingénierie rare" in page and HIDDEN.replace("'", "&#39;") not in page
    organiser = client.get(f"/o/{event.organiser_token}/export/report-organiser.html").get_data(as_text=True)
    assert (
        HIDDEN.replace("'", "&#39;") in organiser
        and "masquée" in organiser
        and "version de l'organisation" in organiser
    )


def test_the_csv_opens_in_a_french_spreadsheet_and_runs_no_formula(event: EventLinks, day: dict[str, Any]) -> None:
    body = export_file(event.id, "csv").text
    assert body.startswith("\ufeff") and "\r\n" in body and body.count("\n") == body.count("\r\n")
    rows = list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"), newline=""), delimiter=";"))
    assert len(rows) == len(event_record(event.id, competences=False)["cards"])
    by_text = {row["texte"]: row for row in rows}
    assert by_text[HIDDEN]["masquée"] == "oui" and by_text[HELD]["en attente"] == "oui"
    assert by_text["'" + FORMULA]["question"] == "Pour quoi ?"
    offer = by_text["J'anime des concertations avec les habitants"]
    assert (offer["type de compétence"], offer["portée"], offer["mots-clés"]) == (
        "Méthodes",
        "Individuel",
        "concertation",
    )
    first = by_text["Sécuriser l'approvisionnement des cantines"]
    assert (first["salle"], first["auteur"], first["échelle"], first["atelier"]) == (
        "Salle 1",
        "Camille",
        "Commune",
        "Décrypter la situation",
    )
    assert by_text["Mutualiser l'ingénierie rare"]["points"] == "2"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_cells_that_a_spreadsheet_would_run_get_an_apostrophe(app: Flask) -> None:
    for dangerous in ("=1+1", "+33 6", "-2", "@SUM(A1)", "\tx"):
        assert cell(dangerous) == "'" + dangerous
    assert cell("Une phrase = sûre") == "Une phrase = sûre" and cell(None) == "" and cell(True) == "oui"


def test_exports_are_for_the_organiser_link_only(client: FlaskClient, event: EventLinks) -> None:
    names = ("report.md", "report.html", "report-organiser.html", "cards.csv", "event.json")
    for name in names:
        response = client.get(f"/o/{event.organiser_token}/export/{name}")
        assert response.status_code == 200, name
        assert response.headers["Content-Disposition"].startswith(f'attachment; filename="{event.join_code}-')
        assert response.headers["Cache-Control"] == "no-store"
        for token in (event.screen_token, event.rooms[0].facilitator_token, "nope"):
            assert client.get(f"/o/{token}/export/{name}").status_code == 404
    assert client.get(f"/o/{event.organiser_token}/export/other.txt").status_code == 404
    page = client.get(f"/o/{event.organiser_token}").get_data(as_text=True)
    for name in names:
        assert f"/o/{event.organiser_token}/export/{name}" in page


def fresh_app(url: str, tmp_path: Path) -> Flask:
    """Return an app on another empty database (a second SQLite file or PostgreSQL schema)."""
    return create_app({"TESTING": True, "INSTANCE_PATH": tmp_path / "other", "DATABASE_URL": url, "SECRET_KEY": SECRET})


def test_the_json_archive_restores_the_same_event_into_an_empty_database(
    app: Flask, event: EventLinks, day: dict[str, Any], database_url: str, tmp_path: Path
) -> None:
    archive = json.loads(export_file(event.id, "json").text)
    assert {"events", "cards", "hypothesis_votes", "access_links", "changes"} <= set(archive["tables"])
    assert "presence" not in archive["tables"]
    other_url = _other_database(database_url, tmp_path)
    try:
        fresh_app(next(other_url), tmp_path)
        restored = restore_event(archive)
        assert restored["join_code"] == event.join_code
        assert archive_event(restored["id"]) == archive
        # The restored event works: new rows get fresh ids, and its organiser link is the same.
        from collab.domain import cards
        from collab.domain.access import principal_for_link
        from collab.domain.participants import join_event

        assert principal_for_link(link_token(event.organiser_token)).role == "organiser"
        newcomer = join_event(event.join_code, "Nouvelle", "commune", event.rooms[0].id)
        assert newcomer["id"] > max(p["id"] for p in archive["tables"]["participants"])
        from collab.domain.access import principal_for_participant

        activities_off = principal_for_participant(newcomer["id"])
        cards.post_card(activities_off, "after", "four_questions", "pourquoi", "encore")
        with pytest.raises(Conflict, match="join code"):
            restore_event(archive)
    finally:
        db.dispose()
        next(other_url, None)


def _other_database(database_url: str, tmp_path: Path) -> Any:
    """Yield the URL of a second empty database of the same kind, then drop it."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    from tests.support.apps import postgres_schema

    yield from postgres_schema()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_archive_of_another_kind_or_with_taken_ids_is_refused(app: Flask, event: EventLinks) -> None:
    archive = archive_event(event.id)
    for bad in ({}, {"format": "other"}, archive | {"version": 99}, archive | {"schema": "0001"}):
        with pytest.raises(Invalid):
            restore_event(bad)
    with pytest.raises(Conflict, match="join code"):
        restore_event(archive)
    renamed = json.loads(json.dumps(archive))
    renamed["join_code"] = renamed["tables"]["events"][0]["join_code"] = "NEWONE"
    with pytest.raises(Conflict, match="empty database"):
        restore_event(renamed)


def test_the_cli_exports_every_format_and_imports_an_archive(
    runner: FlaskCliRunner, event: EventLinks, day: dict[str, Any], tmp_path: Path
) -> None:
    for fmt, expected in (("md", "## Hypothèses"), ("html", "<!doctype html>"), ("csv", "\ufeffid;salle")):
        result = runner.invoke(args=["export-event", event.join_code, "--format", fmt])
        assert result.exit_code == 0 and expected in result.output, result.output
    target = tmp_path / "event.json"
    result = runner.invoke(args=["export-event", event.join_code.lower(), "--output", str(target)])
    assert result.exit_code == 0 and target.exists()
    csv_file = tmp_path / "cards.csv"
    runner.invoke(args=["export-event", event.join_code, "--format", "csv", "--output", str(csv_file)])
    assert csv_file.read_bytes().startswith(b"\xef\xbb\xbfid;") and b"\r\n" in csv_file.read_bytes()
    refused = runner.invoke(args=["import-event", str(target)])
    assert refused.exit_code != 0 and f"already holds an event with the join code {event.join_code}" in refused.output
    unknown = runner.invoke(args=["export-event", "ZZZZZZ"])
    assert unknown.exit_code != 0 and "no event has this code" in unknown.output
    garbage = tmp_path / "garbage.json"
    garbage.write_text("not json")
    assert "cannot read" in runner.invoke(args=["import-event", str(garbage)]).output
    assert event_id_for_code(event.join_code) == event.id
