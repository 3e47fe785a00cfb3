"""The organiser edits the event itself: details, scales, boards and columns; domain and sockets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from flask_socketio import SocketIOTestClient
from sqlalchemy import select

from collab.domain import cards, case_study, editing, programme
from collab.domain.errors import Invalid, NotFound
from collab.domain.events import EventLinks, describe_event
from collab.domain.screen import set_screen
from collab.store.database import db
from collab.store.models import Base
from tests.support.apps import link_principal, participant_principal, received

Join = Callable[..., dict[str, Any]]
Connect = Callable[[str | None], SocketIOTestClient]

DETAILS = {
    "title": "Coopérer 2027",
    "starts_on": "2027-03-18",
    "place": "Salle des fêtes, Aurillac",
    "welcome": "Bienvenue !\nLe wifi : collab",
    "contact": "dpo@exemple.fr",
    "retention_days": 90,
    "erase_policy": "remove",
}


def rows() -> list[tuple[str, list[tuple[Any, ...]]]]:
    """Return every row of every table: what a refused edit must leave as it was."""
    with db.transaction() as session:
        return [
            (table.name, sorted((tuple(row) for row in session.execute(select(table)).all()), key=repr))
            for table in Base.metadata.sorted_tables
            if table.name != "presence"
        ]


def board(event: EventLinks, key: str) -> dict[str, Any]:
    """Return one of the event's boards as every screen sees it."""
    return next(b for b in describe_event(event.id)["boards"] if b["key"] == key)


def with_columns(current: dict[str, Any], columns: list[dict[str, Any]]) -> dict[str, Any]:
    """Return a board's values with other columns."""
    return {"key": current["key"], "title": current["title"], "kind": current["kind"], "columns": columns}


# The domain, without sockets.


def test_the_organiser_sets_the_events_details(event: EventLinks) -> None:
    organiser = link_principal(event.organiser_token)
    saved = editing.save_event_details(organiser, DETAILS | {"title": "  Coopérer   2027 "})
    assert saved.event is not None and saved.event["title"] == "Coopérer 2027"
    described = describe_event(event.id)
    assert {key: described[key] for key in DETAILS} == DETAILS
    assert programme.get_event(organiser)["starts_on"] == "2027-03-18"
    cleared = editing.save_event_details(organiser, DETAILS | {"starts_on": None, "retention_days": None})
    assert cleared.reply["starts_on"] is None and cleared.reply["retention_days"] is None


def test_the_join_page_shows_the_welcome_text_and_the_new_scales(event: EventLinks, client: FlaskClient) -> None:
    organiser = link_principal(event.organiser_token)
    assert "Le wifi" not in client.get(f"/j/{event.join_code}").get_data(as_text=True)
    editing.save_event_details(organiser, DETAILS)
    scales = [*describe_event(event.id)["scales"], {"key": None, "label": "Massif central"}]
    editing.save_scales(organiser, scales)
    page = client.get(f"/j/{event.join_code}").get_data(as_text=True)
    assert "Bienvenue !\nLe wifi : collab" in page
    assert '<option value="massif_central"' in page


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"starts_on": "18/03/2027"}, "starts_on"),
        ({"place": "x" * 201}, "place"),
        ({"welcome": "x" * 2001}, "welcome"),
        ({"contact": "x" * 201}, "contact"),
        ({"retention_days": -1}, "retention_days"),
        ({"retention_days": 3651}, "retention_days"),
        ({"erase_policy": "shred"}, "erase_policy"),
    ],
)
def test_bad_details_are_refused_naming_the_field(event: EventLinks, change: dict[str, Any], field: str) -> None:
    before = rows()
    with pytest.raises(Invalid) as refused:
        editing.save_event_details(link_principal(event.organiser_token), DETAILS | change)
    assert refused.value.details["field"] == field
    assert rows() == before


def test_scales_are_renamed_reordered_added_and_removed(event: EventLinks) -> None:
    organiser = link_principal(event.organiser_token)
    scales = describe_event(event.id)["scales"]
    assert scales[5] == {"key": "europe", "label": "Europe"}
    # "État / national" renamed and first, "Autre" removed (nobody chose it), a new one last.
    wanted = [{"key": "etat", "label": "État"}, *scales[:4], scales[5], {"key": None, "label": "Pays (Pyrénées)"}]
    saved = editing.save_scales(organiser, wanted)
    keys = [s["key"] for s in saved.reply["scales"]]
    assert keys == ["etat", "commune", "intercommunalite", "departement", "region", "europe", "pays_pyrenees"]
    assert saved.reply["scales"][0]["label"] == "État"
    assert describe_event(event.id)["scales"] == saved.reply["scales"]
    # A second scale of a similar name gets a key of its own.
    again = editing.save_scales(organiser, [*saved.reply["scales"], {"key": None, "label": "Pays Pyrénées"}])
    assert again.reply["scales"][-1]["key"] == "pays_pyrenees_2"


def test_a_scale_someone_chose_or_a_situation_has_stays(event: EventLinks, join: Join) -> None:
    organiser = link_principal(event.organiser_token)
    join(pseudonym="Camille", scale="europe")
    scales = describe_event(event.id)["scales"]
    before = rows()
    with pytest.raises(Invalid) as chosen:
        editing.save_scales(organiser, [s for s in scales if s["key"] != "europe"])
    assert chosen.value.details["reason"] == "scale_chosen" and chosen.value.details["label"] == "Europe"
    with pytest.raises(Invalid) as situated:
        editing.save_scales(organiser, [s for s in scales if s["key"] != "departement"])
    assert situated.value.details["reason"] == "scale_in_situation"
    assert rows() == before
    # "Autre": nobody chose it, no situation has it.
    kept = editing.save_scales(organiser, [s for s in scales if s["key"] != "autre"])
    assert "autre" not in [s["key"] for s in kept.reply["scales"]]


@pytest.mark.parametrize(
    ("scales", "field"),
    [
        ([], "scales"),
        ([{"key": None, "label": f"Échelle {n}"} for n in range(21)], "scales"),
        ([{"key": "commune", "label": " "}], "scales.0.label"),
        ([{"key": "commune", "label": "x" * 81}], "scales.0.label"),
        ([{"key": "commune", "label": "Commune"}, {"key": None, "label": "commune"}], "scales.1.label"),
        ([{"key": "commune", "label": "Commune"}, {"key": "commune", "label": "Ville"}], "scales.1.key"),
        ([{"key": "canton", "label": "Canton"}], "scales.0.key"),
    ],
)
def test_bad_scales_are_refused(event: EventLinks, scales: list[dict[str, Any]], field: str) -> None:
    before = rows()
    with pytest.raises(Invalid) as refused:
        editing.save_scales(link_principal(event.organiser_token), scales)
    assert refused.value.details["field"] == field
    assert rows() == before


def test_columns_are_added_renamed_reordered_and_removed_while_empty(event: EventLinks) -> None:
    organiser = link_principal(event.organiser_token)
    grid = board(event, "four_questions")
    columns = grid["columns"]
    renamed = [{**columns[1], "label": "À quoi bon ?", "hint": "Une finalité par carte"}, columns[0], *columns[2:3]]
    added = [*renamed, {"key": "ressources", "label": "Avec quelles ressources ?"}]
    saved = editing.save_board(organiser, with_columns(grid, added))
    assert saved.event is not None
    shown = next(b for b in saved.event["boards"] if b["key"] == "four_questions")
    keys = [c["key"] for c in columns]
    assert [c["key"] for c in shown["columns"]] == [keys[1], keys[0], keys[2], "ressources"]
    assert shown["columns"][0] == {"key": columns[1]["key"], "label": "À quoi bon ?", "hint": "Une finalité par carte"}
    assert board(event, "four_questions") == shown


def test_a_column_holding_cards_can_only_be_renamed(event: EventLinks, join: Join) -> None:
    organiser = link_principal(event.organiser_token)
    author = participant_principal(join())
    cards.post_card(author, "edit-0001", "four_questions", "pourquoi", "Parce que")
    cards.post_card(author, "edit-0002", "four_questions", "comment", "Ainsi")
    grid = board(event, "four_questions")
    columns = grid["columns"]
    keys = [c["key"] for c in columns]
    assert keys[0] == "pourquoi"
    before = rows()
    with pytest.raises(Invalid) as removed:
        editing.save_board(organiser, with_columns(grid, [c for c in columns if c["key"] != "pourquoi"]))
    assert removed.value.details["reason"] == "column_has_cards"
    assert removed.value.details["label"] == columns[0]["label"]
    with pytest.raises(Invalid) as moved:
        at = keys.index("comment")
        editing.save_board(organiser, with_columns(grid, [columns[at], *[c for c in columns if c["key"] != "comment"]]))
    assert moved.value.details["reason"] == "column_moved"
    with pytest.raises(Invalid) as kind:
        editing.save_board(organiser, with_columns(grid, columns) | {"kind": "case_study"})
    assert kind.value.details["field"] == "kind"
    assert rows() == before
    # Renamed, and an empty column moved and another added: fine.
    empty = [c for c in columns if c["key"] not in ("pourquoi", "comment")]
    done = editing.save_board(
        organiser,
        with_columns(
            grid,
            [*empty, {**columns[0], "label": "Pourquoi donc ?"}, columns[at], {"key": "autres", "label": "Autres"}],
        ),
    )
    assert done.reply["boards"][1]["columns"][-3]["label"] == "Pourquoi donc ?"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"key": "Grille 2"}, "key"),
        ({"title": ""}, "title"),
        ({"kind": "kanban"}, "kind"),
        ({"columns": []}, "columns"),
        ({"columns": [{"key": f"c{n}", "label": f"C {n}"} for n in range(13)]}, "columns"),
        ({"columns": [{"key": "mon avis", "label": "Mon avis"}]}, "columns.0.key"),
        ({"columns": [{"key": "a", "label": "A"}, {"key": "a", "label": "B"}]}, "columns.1.key"),
        ({"columns": [{"key": "a", "label": "x" * 81}]}, "columns.0.label"),
        ({"columns": [{"key": "a", "label": "A", "hint": "x" * 301}]}, "columns.0.hint"),
        ({"kind": "competences", "columns": [{"key": "offre", "label": "Offres"}]}, "columns"),
    ],
)
def test_a_bad_board_is_refused(event: EventLinks, change: dict[str, Any], field: str) -> None:
    new = {"key": "grille_2", "title": "Grille 2", "kind": "grid", "columns": [{"key": "avis", "label": "Avis"}]}
    before = rows()
    with pytest.raises(Invalid) as refused:
        editing.save_board(link_principal(event.organiser_token), new | change)
    assert refused.value.details["field"] == field
    assert rows() == before


def test_boards_are_added_up_to_ten_and_removed_when_unused(event: EventLinks, join: Join) -> None:
    organiser = link_principal(event.organiser_token)
    for n in range(7):
        editing.save_board(
            organiser, {"key": f"b{n}", "title": f"B {n}", "kind": "grid", "columns": [{"key": "x", "label": "X"}]}
        )
    assert len(describe_event(event.id)["boards"]) == 10
    with pytest.raises(Invalid):
        editing.save_board(
            organiser, {"key": "b7", "title": "B 7", "kind": "grid", "columns": [{"key": "x", "label": "X"}]}
        )
    assert [b["key"] for b in editing.delete_board(organiser, "b6").reply["boards"]][-1] == "b5"
    with pytest.raises(NotFound):
        editing.delete_board(organiser, "b6")
    with pytest.raises(Invalid) as in_programme:
        editing.delete_board(organiser, "case_study")
    assert in_programme.value.details["reason"] == "board_in_programme"
    # A board with cards, no longer in the programme, stays too.
    programme.set_open_boards(organiser, ["b0"])
    cards.post_card(participant_principal(join()), "edit-0003", "b0", "x", "Une carte")
    with pytest.raises(Invalid) as held:
        editing.delete_board(organiser, "b0")
    assert held.value.details["reason"] == "board_has_cards"
    # The board the plenary screen shows stays until the screen shows something else.
    set_screen(organiser, {"mode": "combined", "board": "b5"})
    with pytest.raises(Invalid) as shown:
        editing.delete_board(organiser, "b5")
    assert shown.value.details["reason"] == "board_on_screen"
    set_screen(organiser, {"mode": "rooms"})
    editing.delete_board(organiser, "b5")


def test_a_phase_names_a_board_of_the_event(event: EventLinks) -> None:
    organiser = link_principal(event.organiser_token)
    atelier = {"start": "17:00", "end": "17:30", "kind": "atelier", "title": "Bilan", "description": ""}
    before = rows()
    with pytest.raises(Invalid) as refused:
        programme.save_phase(organiser, None, atelier | {"activity": "bilan"})
    assert refused.value.details["field"] == "activity"
    assert rows() == before
    saved = programme.save_phase(organiser, None, atelier | {"activity": "competences"})
    assert saved.reply["programme"][-1]["activity"] == "competences"


# Sockets: every screen receives the change; refusals write nothing and name the field.


def test_a_change_reaches_every_socket_as_event_changed(event: EventLinks, join: Join, connect: Connect) -> None:
    organiser = connect(event.organiser_token)
    phone = connect(join()["token"])
    screen = connect(event.screen_token)
    ack = organiser.emit("save_event_details", DETAILS, callback=True)
    assert ack["ok"] is True and ack["title"] == DETAILS["title"]
    for sio in (phone, screen):
        (changed,) = received(sio, "event_changed")
        assert changed["title"] == DETAILS["title"] and changed["place"] == DETAILS["place"]
    grid = board(event, "four_questions")
    columns = [{**grid["columns"][0], "label": "Pourquoi, au fond ?"}, *grid["columns"][1:]]
    assert organiser.emit("save_board", with_columns(grid, columns), callback=True)["ok"] is True
    (changed,) = received(phone, "event_changed")
    shown = next(b for b in changed["boards"] if b["key"] == "four_questions")
    assert shown["columns"][0]["label"] == "Pourquoi, au fond ?"
    scales = [*describe_event(event.id)["scales"], {"key": None, "label": "Massif"}]
    assert organiser.emit("save_scales", {"scales": scales}, callback=True)["ok"] is True
    assert received(screen, "event_changed")[-1]["scales"][-1] == {"key": "massif", "label": "Massif"}


@pytest.mark.parametrize(
    ("name", "payload", "field"),
    [
        ("save_event_details", {"title": ""}, "title"),
        ("save_event_details", {"title": "T", "erase_policy": "shred"}, "erase_policy"),
        ("save_event_details", {"title": "T", "retention_days": "90"}, "retention_days"),
        ("save_event_details", {"title": "T", "color": "red"}, "color"),
        ("save_scales", {"scales": [{"key": None, "label": f"É{n}"} for n in range(21)]}, "scales"),
        ("save_scales", {"scales": [{"key": "Commune", "label": "Commune"}]}, "scales.0.key"),
        (
            "save_board",
            {"key": "g", "title": "G", "kind": "grid", "columns": [{"key": "mon avis", "label": "Avis"}]},
            "columns.0.key",
        ),
        ("save_board", {"key": "g", "title": "G", "kind": "kanban", "columns": [{"key": "a", "label": "A"}]}, "kind"),
        ("delete_board", {"key": "nope"}, None),
        (
            "save_phase",
            {"start": "17:00", "end": "17:30", "kind": "atelier", "title": "Bilan", "activity": "bilan"},
            "activity",
        ),
        ("delete_board", {"key": "Une grille"}, "key"),
    ],
)
def test_bad_input_over_sockets_writes_nothing(
    event: EventLinks, connect: Connect, name: str, payload: dict[str, Any], field: str | None
) -> None:
    organiser = connect(event.organiser_token)
    before = rows()
    ack = organiser.emit(name, payload, callback=True)
    assert ack["ok"] is False, ack
    details = ack["error"].get("details", {})
    fields = [details["field"]] if "field" in details else [f["field"] for f in details.get("fields", [])]
    assert field is None or field in fields, ack
    assert received(organiser, "event_changed") == []
    assert rows() == before


def test_removing_a_used_scale_or_a_column_with_cards_over_sockets(
    event: EventLinks, join: Join, connect: Connect
) -> None:
    organiser = connect(event.organiser_token)
    cards.post_card(participant_principal(join(scale="europe")), "edit-0004", "four_questions", "pourquoi", "Oui")
    scales = [s for s in describe_event(event.id)["scales"] if s["key"] != "europe"]
    before = rows()
    refused = organiser.emit("save_scales", {"scales": scales}, callback=True)
    assert refused["error"]["details"] == {"field": "scales", "reason": "scale_chosen", "label": "Europe", "count": 1}
    grid = board(event, "four_questions")
    ack = organiser.emit("save_board", with_columns(grid, grid["columns"][1:]), callback=True)
    assert ack["error"]["details"]["reason"] == "column_has_cards"
    assert rows() == before


def test_a_closed_event_refuses_edits(event: EventLinks, connect: Connect) -> None:
    organiser = connect(event.organiser_token)
    assert organiser.emit("close_event", {}, callback=True)["ok"] is True
    ack = organiser.emit("save_event_details", DETAILS, callback=True)
    assert ack["error"]["code"] == "closed"
    assert describe_event(event.id)["title"] != DETAILS["title"]


def test_the_organiser_assigns_a_new_situation_to_a_room(event: EventLinks) -> None:
    organiser = link_principal(event.organiser_token)
    created = case_study.save_situation(organiser, None, {"title": "Un nouveau cas", "protagonists": ["Maire"]})
    situation = created.reply["situation"]["id"]
    moved = case_study.set_room_situation(organiser, event.rooms[3].id, situation)
    assert moved.reply["rooms"][3]["situation"]["id"] == situation
