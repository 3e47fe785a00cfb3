"""The spreadsheets (XLSX, ODS) of a seeded day, read back with openpyxl and odfpy and held against the database."""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from collab.config import Config
from collab.domain import cards
from collab.domain.events import EventLinks
from collab.domain.privacy import erase_participant
from collab.exports.files import export_file
from collab.exports.sheets import NAME_MAX, sheet_names
from collab.store.database import db
from collab.store.models import Card, Dot, Event, Hypothesis, HypothesisVote, Participant, Room
from tests.support.apps import participant_principal
from tests.support.exports_day import FORMULA, HELD, HIDDEN, seed_day

# Text a spreadsheet would run as a formula, or read as a number, if it were not written as text.
FORMULA_LIKE = (FORMULA, "+33 6 12 34 56 78", "-x", "@x", "=1+1")
# Markup, a line break and runs of spaces, which ODF's XML would lose if they were not written as it says.
MARKUP = '<b>Deux</b>  espaces & "guillemets"\n   puis une ligne'
SHEETS = ["Décrypter la situation", "Les quatre questions", "Nos compétences en partage"]
PARIS = ZoneInfo("Europe/Paris")
Rows = dict[str, list[list[Any]]]


@pytest.fixture
def day(event: EventLinks, join: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """A seeded day, with formula-like cards and one whose author erased themselves."""
    made = seed_day(event, join)
    writer = participant_principal(made["people"][2])
    for n, text in enumerate([*FORMULA_LIKE[1:], MARKUP]):
        cards.post_card(writer, f"formula-{n}", "four_questions", "comment", text)
    leaver = participant_principal(join(room=1, pseudonym="Dana", scale="departement"))
    cards.post_card(leaver, "leaving", "four_questions", "conditions", "Une carte dont l'autrice s'est effacée")
    erase_participant(leaver)
    return made


def read_xlsx(body: bytes) -> Rows:
    """Return each sheet's rows of values as openpyxl reads them."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(body))
    return {page.title: [[cell.value for cell in row] for row in page.iter_rows()] for page in book}


def read_ods(body: bytes) -> Rows:
    """Return each sheet's rows of values as odfpy reads them, typed by each cell's value type."""
    from odf import teletype
    from odf.opendocument import load
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = load(io.BytesIO(body))
    sheets: Rows = {}
    for table in document.spreadsheet.getElementsByType(Table):
        rows = []
        for row in table.getElementsByType(TableRow):
            values: list[Any] = []
            for cell in row.getElementsByType(TableCell):
                kind = cell.getAttribute("valuetype")
                if kind == "float":
                    number = float(cell.getAttribute("value"))
                    values.append(int(number) if number.is_integer() else number)
                elif kind == "boolean":
                    values.append(cell.getAttribute("booleanvalue") == "true")
                elif kind == "date":
                    values.append(datetime.fromisoformat(cell.getAttribute("datevalue")))
                elif kind == "string":
                    values.append("\n".join(teletype.extractText(p) for p in cell.getElementsByType(P)))
                else:
                    assert kind is None, kind
                    values.append(None)
            rows.append(values)
        sheets[str(table.getAttribute("name"))] = rows
    return sheets


READERS = {"xlsx": read_xlsx, "ods": read_ods}


def local(moment: datetime) -> datetime:
    """Return a stored time (UTC) as the spreadsheets give it: Paris wall-clock time, to the second."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(PARIS).replace(tzinfo=None, microsecond=0)


def database_day(event_id: int) -> dict[str, Any]:
    """Read what the spreadsheets must hold straight from the tables, without the export's code."""
    with db.transaction() as session:
        event = session.get(Event, event_id)
        assert event is not None
        scales = {s["key"]: s["label"] for s in event.scales}
        rows = session.execute(
            select(Card, Room.name, Participant)
            .join(Room, Card.room_id == Room.id)
            .join(Participant, Card.participant_id == Participant.id)
            .where(Room.event_id == event_id, Card.deleted_at.is_(None))
            .order_by(Room.position, Card.seq)
        ).tuples()
        dots = session.execute(
            select(Dot, Card.text, Room.name)
            .join(Card, Dot.card_id == Card.id)
            .join(Room, Card.room_id == Room.id)
            .where(Room.event_id == event_id)
            .order_by(Dot.id)
        ).tuples()
        votes = session.execute(
            select(HypothesisVote, Hypothesis.text, Participant.scale)
            .join(Hypothesis, HypothesisVote.hypothesis_id == Hypothesis.id)
            .join(Participant, HypothesisVote.participant_id == Participant.id)
            .where(Hypothesis.event_id == event_id)
            .order_by(Hypothesis.position, HypothesisVote.id)
        ).tuples()
        day: dict[str, Any] = {"cards": {}, "dots": [], "votes": []}
        for card, room, author in rows:
            day["cards"].setdefault(card.board, []).append(
                {
                    "id": card.id,
                    "room": room,
                    "text": card.text,
                    "author": author.pseudonym if author.erased_at is None else "contribution retirée",
                    "scale": scales[author.scale],
                    "pinned": card.pinned,
                    "hidden": card.hidden,
                    "held": card.held is not None,
                    "created": local(card.created_at),
                    "skill": card.skill,
                }
            )
        day["dots"] = [(room, dot.card_id, text, local(dot.created_at)) for dot, text, room in dots]
        day["votes"] = [
            (hypothesis, vote.verdict, vote.reason or None, scales[scale], local(vote.updated_at))
            for vote, hypothesis, scale in votes
        ]
    return day


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_workbook_holds_every_card_dot_and_vote_of_the_database_typed(
    event: EventLinks, day: dict[str, Any], fmt: str
) -> None:
    file = export_file(event.id, fmt)
    assert isinstance(file.body, bytes) and file.filename == f"{event.join_code}-cartes.{fmt}"
    sheets = READERS[fmt](file.body)
    assert list(sheets) == [*SHEETS, "Gommettes", "Votes sur les hypothèses"]
    stored = database_day(event.id)
    dots_per_card = Counter(card_id for _, card_id, _, _ in stored["dots"])
    for name, board in zip(SHEETS, ("case_study", "four_questions", "competences"), strict=True):
        header, *rows = sheets[name]
        column = dict(zip(header, range(len(header)), strict=True))
        expected = stored["cards"][board]
        assert len(rows) == len(expected), name
        for row, card in zip(rows, expected, strict=True):
            assert row[column["id"]] == card["id"] and type(row[column["id"]]) is int
            assert (row[column["salle"]], row[column["texte"]]) == (card["room"], card["text"])
            assert (row[column["auteur"]], row[column["échelle"]]) == (card["author"], card["scale"])
            flags = [row[column[key]] for key in ("épinglée", "masquée", "en attente")]
            assert flags == [card["pinned"], card["hidden"], card["held"]]
            assert all(type(flag) is bool for flag in flags)
            assert row[column["points"]] == dots_per_card[card["id"]] and type(row[column["points"]]) is int
            assert row[column["créée le"]] == card["created"] and type(row[column["créée le"]]) is datetime
        if board == "competences":
            skills = [
                (row[column["type de compétence"]], row[column["portée"]], row[column["mots-clés"]]) for row in rows
            ]
            assert ("Méthodes", "Individuel", "concertation") in skills
            assert ("Savoirs", "Collectif", "leader, fonds européens") in skills
            assert all(card["skill"] for card in expected)
        else:
            assert "type de compétence" not in column
        assert ("rôle" in column) == (board == "case_study")
    # Hidden and held cards are there, flagged, as in the CSV; an erased author is named as the CSV names them.
    questions = {row[4]: row for row in sheets["Les quatre questions"][1:]}
    assert questions[HIDDEN][9] is True and questions[HELD][10] is True
    assert questions["Une carte dont l'autrice s'est effacée"][5] == "contribution retirée"
    for text in FORMULA_LIKE:
        assert text in questions, text
    with db.transaction() as session:
        assert MARKUP in questions and session.scalar(select(Card.id).where(Card.text == MARKUP))
    # The venue's wall clock: in December, Paris is an hour ahead of UTC.
    with db.transaction() as session:
        posted = session.get(Card, day["cards"]["pourquoi"])
        assert posted is not None
        utc = posted.created_at.replace(tzinfo=None, microsecond=0)
    assert questions["Parce qu'aucune commune ne peut porter seule une légumerie"][-1] == utc + timedelta(hours=1)
    assert sheets["Gommettes"][0] == ["salle", "carte", "texte", "placée le"]
    assert [tuple(row) for row in sheets["Gommettes"][1:]] == stored["dots"]
    assert len(stored["dots"]) == 2 and stored["dots"][0][2] == "Mutualiser l'ingénierie rare"
    assert sheets["Votes sur les hypothèses"][0] == ["hypothèse", "verdict", "raison", "échelle", "votée le"]
    labels = {"validee": "Validée", "infirmee": "Infirmée", "a_nuancer": "À nuancer"}
    assert [tuple(row) for row in sheets["Votes sur les hypothèses"][1:]] == [
        (hypothesis, labels[verdict], reason, scale, when)
        for hypothesis, verdict, reason, scale, when in stored["votes"]
    ]
    assert [row[3] for row in sheets["Votes sur les hypothèses"][1:]] == ["Commune", "Région"]


def test_the_xlsx_filters_freezes_and_sizes_each_header_and_keeps_formula_like_text_as_text(
    event: EventLinks, day: dict[str, Any]
) -> None:
    from openpyxl import load_workbook

    body = export_file(event.id, "xlsx").body
    assert isinstance(body, bytes)
    book = load_workbook(io.BytesIO(body))
    for page in book:
        assert page.freeze_panes == "A2", page.title
        assert page.auto_filter.ref == f"A1:{page.cell(1, page.max_column).column_letter}{page.max_row}"
        assert page["A1"].font.bold
        assert all(page.column_dimensions[letter].width >= 8 for letter in ("A", "B", "C"))
    page = book["Les quatre questions"]
    texts = {row[4].value: row[4] for row in page.iter_rows(min_row=2)}
    for text in FORMULA_LIKE:
        assert texts[text].data_type == "s", text
    assert page.column_dimensions["E"].width > page.column_dimensions["A"].width  # the text is the wide column
    assert page.cell(2, page.max_column).number_format == "dd/mm/yyyy hh:mm"  # créée le
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert not any(b"<f>" in archive.read(name) for name in archive.namelist() if name.startswith("xl/worksheets/"))


def test_the_ods_filters_freezes_and_sizes_each_header_and_keeps_formula_like_text_as_text(
    event: EventLinks, day: dict[str, Any]
) -> None:
    from odf import teletype
    from odf.opendocument import load
    from odf.table import DatabaseRange, Table, TableCell, TableColumn

    body = export_file(event.id, "ods").body
    assert isinstance(body, bytes)
    document = load(io.BytesIO(body))
    tables = document.spreadsheet.getElementsByType(Table)
    ranges = {
        str(r.getAttribute("targetrangeaddress")): r for r in document.spreadsheet.getElementsByType(DatabaseRange)
    }
    sheets = read_ods(body)
    for table in tables:
        name = str(table.getAttribute("name"))
        header = sheets[name][0]
        last = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[len(header) - 1]
        quoted = "'" + name + "'"
        address = f"{quoted}.A1:{quoted}.{last}{len(sheets[name])}"
        assert ranges[address].getAttribute("displayfilterbuttons") == "true", name
        assert len(table.getElementsByType(TableColumn)) == len(header)
    out = io.StringIO()
    document.settings.toXml(0, out)
    settings = out.getvalue()
    for name in sheets:
        entry = settings.split(f'config:name="{name}"')[1].split("</config:config-item-map-entry>")[0]
        assert (
            '"VerticalSplitMode" config:type="short">2<' in entry
            and '"VerticalSplitPosition" config:type="int">1<' in entry
        )
    questions = next(t for t in tables if t.getAttribute("name") == "Les quatre questions")
    found = [cell for cell in questions.getElementsByType(TableCell) if teletype.extractText(cell) in FORMULA_LIKE]
    assert len(found) == len(FORMULA_LIKE)
    assert all(cell.getAttribute("valuetype") == "string" and cell.getAttribute("formula") is None for cell in found)


def test_sheet_names_are_valid_unique_and_short() -> None:
    names = sheet_names(["Les quatre questions", "Q/R : [bilan]*?", "x" * 40, "X" * 40, "'", "Gommettes", "gommettes"])
    assert names[:2] == ["Les quatre questions", "Q R bilan"]
    assert all(len(name) <= NAME_MAX and not set(name) & set("[]:*?/\\") for name in names)
    assert names[2] == "x" * NAME_MAX and names[3] == "X" * 27 + " (2)"
    assert names[4] == "Tableau" and names[5:] == ["Gommettes", "gommettes (2)"]


def test_the_time_zone_setting_must_name_a_zone(tmp_path: Path) -> None:
    assert Config(INSTANCE_PATH=tmp_path, SECRET_KEY="s" * 32).TIMEZONE == "Europe/Paris"
    with pytest.raises(ValueError, match="COLLAB_TIMEZONE"):
        Config(INSTANCE_PATH=tmp_path, SECRET_KEY="s" * 32, TIMEZONE="Mars/Olympus")


def test_the_organiser_downloads_both_workbooks_and_no_other_link_does(
    client: FlaskClient, event: EventLinks, day: dict[str, Any]
) -> None:
    page = client.get(f"/o/{event.organiser_token}").get_data(as_text=True)
    types = {
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ods": "application/vnd.oasis.opendocument.spreadsheet",
    }
    for fmt, mimetype in types.items():
        url = f"/o/{event.organiser_token}/export/cards.{fmt}"
        assert f'href="{url}"' in page
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200 and response.mimetype == mimetype
        assert response.headers["Content-Disposition"] == f'attachment; filename="{event.join_code}-cartes.{fmt}"'
        assert "Content-Encoding" not in response.headers  # a zip already
        assert len(READERS[fmt](response.get_data())["Gommettes"]) == 3
        for token in (day["people"][0]["token"], event.rooms[0].facilitator_token, event.screen_token):
            assert client.get(f"/o/{token}/export/cards.{fmt}").status_code == 404


def test_the_cli_writes_both_workbooks(
    runner: FlaskCliRunner, app: Flask, event: EventLinks, day: dict[str, Any], tmp_path: Path
) -> None:
    help_text = runner.invoke(args=["export-event", "--help"]).output
    assert "xlsx" in help_text and "ods" in help_text
    for fmt in ("xlsx", "ods"):
        target = tmp_path / f"cards.{fmt}"
        result = runner.invoke(args=["export-event", event.join_code, "--format", fmt, "--output", str(target)])
        assert result.exit_code == 0, result.output
        sheets = READERS[fmt](target.read_bytes())
        assert [row[4] for row in sheets["Les quatre questions"][1:]] == [
            card["text"] for card in database_day(event.id)["cards"]["four_questions"]
        ]
        refused = runner.invoke(args=["export-event", event.join_code, "--format", fmt])
        assert refused.exit_code != 0 and "--output" in refused.output


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_day_without_cards_gives_each_sheet_its_header_alone(event: EventLinks, fmt: str) -> None:
    body = export_file(event.id, fmt).body
    assert isinstance(body, bytes)
    sheets = READERS[fmt](body)
    assert list(sheets) == [*SHEETS, "Gommettes", "Votes sur les hypothèses"]
    assert all(len(rows) == 1 and rows[0][0] in ("id", "salle", "hypothèse") for rows in sheets.values())
