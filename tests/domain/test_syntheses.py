"""A synthesis per room and per board: drafts and publications per board, refusals, the grouping by
atelier that the screen and the report follow, and the syntheses made before boards had their own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask_socketio import SocketIOTestClient

from collab.domain import case_study, syntheses
from collab.domain.access import Principal
from collab.domain.errors import Invalid
from collab.domain.events import EventLinks, describe_event
from collab.exports.files import export_file
from collab.store.database import db
from collab.store.models import Synthesis
from tests.support.apps import link_principal, participant_principal
from tests.support.cards import counted, posted

Join = Callable[..., dict[str, Any]]
Connect = Callable[[str | None], SocketIOTestClient]


def playing(participant: dict[str, Any]) -> dict[str, Any]:
    """Give the participant the first protagonist of their room's situation (atelier 1); return them."""
    event = describe_event(participant["event_id"])
    room = next(r for r in event["rooms"] if r["id"] == participant["room_id"])
    case_study.take_role(participant_principal(participant), room["situation"]["protagonists"][0])
    return participant


def facilitator(event: EventLinks, room: int = 0) -> Principal:
    """Return the principal of a room's facilitator."""
    return link_principal(event.rooms[room].facilitator_token)


def test_a_room_keeps_one_synthesis_per_board_each_with_the_board_columns(event: EventLinks, join: Join) -> None:
    alix = join(room=0, pseudonym="Alix")
    finalite = posted(playing(alix), "Nourrir les cantines", "finalites", "case_study")["id"]
    pourquoi = posted(alix, "Ne pas rester seul", "pourquoi", "four_questions")["id"]
    room_id = event.rooms[0].id
    case = syntheses.save_synthesis(facilitator(event), room_id, "case_study", [finalite], {"marges": "Des leviers."})
    grid = syntheses.save_synthesis(facilitator(event), room_id, "four_questions", [pourquoi], {"pourquoi": "Seul."})
    assert case["draft"]["board"] == "case_study" and grid["draft"]["board"] == "four_questions"
    # Saving one board's draft again replaces that one only.
    syntheses.save_synthesis(facilitator(event), room_id, "case_study", [], {"finalites": "Manger local."})
    assert counted(Synthesis) == (2,)
    first = syntheses.publish_synthesis(facilitator(event), room_id, "case_study")
    assert first["board"] == "case_study" and first["texts"] == {"finalites": "Manger local."} and first["cards"] == []
    second = syntheses.publish_synthesis(facilitator(event), room_id, "four_questions")
    assert [c["text"] for c in second["cards"]] == ["Ne pas rester seul"]
    read = syntheses.event_syntheses(link_principal(event.screen_token))
    assert sorted(s["board"] for s in read["syntheses"]) == ["case_study", "four_questions"]
    drafts = syntheses.event_syntheses(facilitator(event))["drafts"]
    assert {d["board"]: d["texts"] for d in drafts} == {
        "case_study": {"finalites": "Manger local."},
        "four_questions": {"pourquoi": "Seul."},
    }


@pytest.mark.parametrize(
    ("board", "texts", "which", "field"),
    [
        ("nowhere", {}, None, "board"),
        ("case_study", {"pourquoi": "Une question d'un autre tableau."}, None, "texts"),
        ("case_study", {"finalites": "x" * 2001}, None, "texts"),
        ("case_study", {}, "four_questions", "items"),  # a card of another board
        ("case_study", {}, "elsewhere", "items"),  # a card of another room
    ],
)
def test_a_bad_synthesis_of_a_board_is_refused_naming_the_field(
    event: EventLinks, join: Join, board: str, texts: dict[str, str], which: str | None, field: str
) -> None:
    here, there = join(room=0), join(room=1)
    made = {
        "four_questions": posted(here, "Une carte des quatre questions", "pourquoi", "four_questions")["id"],
        "elsewhere": posted(playing(there), "Une carte d'une autre salle", "finalites", "case_study")["id"],
    }
    items = [made[which]] if which else []
    with pytest.raises(Invalid) as refused:
        syntheses.save_synthesis(facilitator(event), event.rooms[0].id, board, items, texts)
    assert refused.value.details["field"] == field
    with pytest.raises(Invalid) as refused:
        syntheses.publish_synthesis(facilitator(event), event.rooms[0].id, "nowhere")
    assert refused.value.details["field"] == "board"
    assert counted(Synthesis) == (0,)


def test_syntheses_are_grouped_by_atelier_in_programme_order_room_by_room(event: EventLinks) -> None:
    described = describe_event(event.id)
    published = [
        {"room_id": 2, "room_name": "Salle 2", "board": "four_questions"},
        {"room_id": 1, "room_name": "Salle 1", "board": "case_study"},
        {"room_id": 2, "room_name": "Salle 2", "board": "case_study"},
        {"room_id": 3, "room_name": "Salle 3", "board": "gone"},  # a board removed from the event since
    ]
    groups = syntheses.by_atelier(described["boards"], described["programme"], published)
    assert [(g["board"], g["title"]) for g in groups] == [
        ("case_study", "Décrypter les situations de coopération"),
        ("four_questions", "Quatre grandes questions"),
        ("competences", "Nos compétences en partage"),
        ("gone", None),
    ]
    assert [s["room_name"] for s in groups[0]["syntheses"]] == ["Salle 1", "Salle 2"]
    assert [c["key"] for c in groups[1]["columns"]] == ["pourquoi", "pour_quoi", "comment", "conditions"]
    assert groups[2]["syntheses"] == []
    assert "finalites" in [c["key"] for c in groups[3]["columns"]]


def test_a_synthesis_made_before_boards_had_their_own_is_still_shown_and_reported(event: EventLinks) -> None:
    # As migration 0007 leaves it: the row's board is the default, the published copy names none.
    room_id = event.rooms[1].id
    old = {"room_id": room_id, "room_name": "Salle 2", "cards": [], "texts": {"comment": "Un comité."}}
    with db.transaction() as session:
        session.add(Synthesis(room_id=room_id, items=[], texts={"comment": "Un comité."}, published=old))
    [shown] = syntheses.event_syntheses(link_principal(event.screen_token))["syntheses"]
    assert shown["board"] == "four_questions" and shown["texts"] == {"comment": "Un comité."}
    report = export_file(event.id, "md").text
    assert "### Quatre grandes questions\n\n#### Salle 2\n\n**Comment ?** Un comité." in report


def test_the_report_presents_the_syntheses_by_atelier_then_room(event: EventLinks, join: Join) -> None:
    alix, bao = join(room=0), join(room=1)
    finalite = posted(playing(alix), "Nourrir les cantines", "finalites", "case_study")["id"]
    posted(bao, "Un comité de pilotage", "comment", "four_questions")
    first, second = event.rooms[0].id, event.rooms[1].id
    organiser = link_principal(event.organiser_token)
    # Written in the reverse order of the day: the report follows the programme and the rooms.
    syntheses.save_synthesis(organiser, second, "four_questions", [], {"comment": "Salle 2 : gouverner ensemble."})
    syntheses.publish_synthesis(organiser, second, "four_questions")
    syntheses.save_synthesis(organiser, second, "case_study", [], {"marges": "Salle 2 : des marges."})
    syntheses.publish_synthesis(organiser, second, "case_study")
    texts = {"marges": "Salle 1 : peu de marges.", "finalites": "Salle 1 : manger local."}
    syntheses.save_synthesis(organiser, first, "case_study", [finalite], texts)
    syntheses.publish_synthesis(organiser, first, "case_study")
    report = export_file(event.id, "md").text
    part = report[report.index("## Synthèses des salles") :]
    order = [
        "### Décrypter les situations de coopération",
        "#### Salle 1",
        "**Finalités** Salle 1 : manger local.",  # the board's column order, not the order written
        "**Marges de manœuvre** Salle 1 : peu de marges.",
        "- Nourrir les cantines — _Finalités",
        "#### Salle 2",
        "**Marges de manœuvre** Salle 2 : des marges.",
        "### Quatre grandes questions",
        "#### Salle 2",
        "**Comment ?** Salle 2 : gouverner ensemble.",
        "## Hypothèses",
    ]
    positions = [part.index(line, part.index(order[i - 1]) if i else 0) for i, line in enumerate(order)]
    assert positions == sorted(positions)
    assert "Nos compétences en partage\n\n####" not in part  # an atelier without a synthesis is left out
    html = export_file(event.id, "html").text
    assert html.index("Décrypter les situations de coopération</h3>") < html.index("Quatre grandes questions</h3>")


def test_syntheses_per_board_over_sockets(connect: Connect, event: EventLinks, join: Join) -> None:
    participant = join(room=0, pseudonym="Alix")
    finalite = posted(playing(participant), "Nourrir les cantines", "finalites", "case_study")["id"]
    pourquoi = posted(participant, "Ne pas rester seul", "pourquoi", "four_questions")["id"]
    console, screen = connect(event.rooms[0].facilitator_token), connect(event.screen_token)
    room_id = event.rooms[0].id
    screen.get_received()
    refused = console.emit(
        "save_synthesis",
        {"room_id": room_id, "board": "case_study", "items": [pourquoi], "texts": {}},
        callback=True,
    )
    assert refused["error"]["code"] == "invalid" and refused["error"]["details"]["field"] == "items"
    refused = console.emit(
        "save_synthesis", {"room_id": room_id, "board": "nowhere", "items": [], "texts": {}}, callback=True
    )
    assert refused["error"]["code"] == "invalid" and refused["error"]["details"]["field"] == "board"
    refused = console.emit("publish_synthesis", {"room_id": room_id, "board": "case_study"}, callback=True)
    assert refused["error"]["code"] == "conflict"  # nothing saved for that board yet
    saved = console.emit(
        "save_synthesis",
        {"room_id": room_id, "board": "case_study", "items": [finalite], "texts": {"finalites": "Manger local."}},
        callback=True,
    )
    assert saved["ok"] and saved["draft"]["board"] == "case_study"
    published = console.emit("publish_synthesis", {"room_id": room_id, "board": "case_study"}, callback=True)
    assert published["ok"] and published["synthesis"]["board"] == "case_study"
    [sent] = [args[0] for args in (m["args"] for m in screen.get_received() if m["name"] == "synthesis_published")]
    assert sent == {"room_id": room_id, "board": "case_study", "synthesis": published["synthesis"]}
    assert counted(Synthesis) == (1,)
