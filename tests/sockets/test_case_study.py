"""Atelier 1 over sockets: roles in the room's situation, cards tagged with them, situations edited,
and the four-question grid reading back atelier 1's cards."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_socketio import SocketIOTestClient
from sqlalchemy import func, select

from collab.domain.events import EventLinks, describe_event
from collab.store.models import Card, Change, ModerationAction, Participant, Situation
from tests.support.apps import received
from tests.support.cards import counted, post

Join = Callable[..., dict[str, Any]]
Connect = Callable[[str | None], SocketIOTestClient]


# What the tests count before and after: cards, changes, log lines, roles taken and situations.
WRITTEN = (
    Card,
    Change,
    ModerationAction,
    select(func.count()).where(Participant.role.is_not(None)),
    select(func.count()).select_from(Situation),
)


def situation_of(event: EventLinks, room: int) -> dict[str, Any]:
    """Return the situation a room of the event works."""
    rooms = describe_event(event.id)["rooms"]
    return dict(rooms[room]["situation"])


def test_a_role_taken_reaches_the_room_and_tags_the_cards(connect: Connect, event: EventLinks, join: Join) -> None:
    room_id = event.rooms[0].id
    situation = situation_of(event, 0)
    alix = connect(join(room=0, pseudonym="Alix", scale="region")["token"])
    bao = connect(join(room=0, pseudonym="Bao")["token"])
    elsewhere = connect(join(room=1, pseudonym="Chloé")["token"])
    console = connect(event.rooms[0].facilitator_token)
    screen = connect(event.screen_token)
    everyone = (alix, bao, elsewhere, console, screen)
    for sio in everyone:
        sio.get_received()

    refused = post(alix, "Les trois EPCI ne veulent pas la même chose", column="jeux_acteurs", board="case_study")
    assert not refused["ok"] and refused["error"]["details"]["field"] == "role"
    role = situation["protagonists"][1]
    taken = alix.emit("take_role", {"role": role}, callback=True)
    assert taken == {"ok": True, "seq": 1, "role": role}
    for sio in (alix, bao, console, screen):
        [change] = received(sio, "roles_changed")
        assert change["seq"] == 1 and change["room_id"] == room_id
        assert {(r["pseudonym"], r["role"]) for r in change["roles"]} == {("Alix", role), ("Bao", None)}
    assert received(elsewhere, "roles_changed") == []

    posted = post(alix, "Les trois EPCI ne veulent pas la même chose", column="jeux_acteurs", board="case_study")
    assert posted["ok"]
    card = posted["card"]
    assert (card["role"], card["situation_id"], card["skill"]) == (role, situation["id"], None)
    assert card["author"]["scale"] == "region"
    # The four-question grid takes cards without a role.
    assert post(bao, "Parce que seuls, on ne fait rien", column="pourquoi", board="four_questions")["ok"]

    synced = console.emit("sync", {"room_id": room_id}, callback=True)
    assert {(r["pseudonym"], r["role"]) for r in synced["roles"]} == {("Alix", role), ("Bao", None)}
    assert [c["role"] for c in synced["snapshot"]["cards"]] == [role, None]


def test_a_role_must_be_a_protagonist_of_the_rooms_situation(connect: Connect, event: EventLinks, join: Join) -> None:
    alix = connect(join(room=0)["token"])
    other_room_role = situation_of(event, 1)["protagonists"][0]
    before = counted(*WRITTEN)
    for payload in ({"role": other_room_role}, {"role": ""}, {"role": 3}, {}, {"role": "x", "extra": 1}):
        ack = alix.emit("take_role", payload, callback=True)
        assert not ack["ok"] and ack["error"]["code"] == "invalid", payload
    assert counted(*WRITTEN) == before
    dropped = alix.emit("take_role", {"role": None}, callback=True)
    assert dropped["ok"] and dropped["role"] is None


def test_the_facilitator_hands_out_roles_in_their_room_only(connect: Connect, event: EventLinks, join: Join) -> None:
    alix = join(room=0, pseudonym="Alix")
    chloe = join(room=1, pseudonym="Chloé")
    phone = connect(alix["token"])
    console = connect(event.rooms[0].facilitator_token)
    other_console = connect(event.rooms[1].facilitator_token)
    role = situation_of(event, 0)["protagonists"][0]
    phone.get_received()

    before = counted(*WRITTEN)
    refused = other_console.emit("assign_role", {"participant_id": alix["id"], "role": role}, callback=True)
    assert refused["error"]["code"] == "forbidden"
    refused = console.emit("assign_role", {"participant_id": chloe["id"], "role": role}, callback=True)
    assert refused["error"]["code"] == "forbidden"
    refused = phone.emit("assign_role", {"participant_id": alix["id"], "role": role}, callback=True)
    assert refused["error"]["code"] == "forbidden"
    refused = console.emit("assign_role", {"participant_id": 99999, "role": role}, callback=True)
    assert refused["error"]["code"] == "not_found"
    assert counted(*WRITTEN) == before

    assigned = console.emit("assign_role", {"participant_id": alix["id"], "role": role}, callback=True)
    assert assigned["ok"]
    [change] = received(phone, "roles_changed")
    assert [r["role"] for r in change["roles"] if r["participant_id"] == alix["id"]] == [role]
    assert post(phone, "Le PETR veut piloter", column="jeux_acteurs", board="case_study")["card"]["role"] == role


def test_another_situation_clears_the_rooms_roles(connect: Connect, event: EventLinks, join: Join) -> None:
    room_id = event.rooms[0].id
    phone = connect(join(room=0)["token"])
    elsewhere = connect(join(room=2)["token"])
    console = connect(event.rooms[0].facilitator_token)
    assert phone.emit("take_role", {"role": situation_of(event, 0)["protagonists"][0]}, callback=True)["ok"]
    card = post(phone, "Qui finance la légumerie ?", column="jeux_acteurs", board="case_study")["card"]
    other = situation_of(event, 3)
    for sio in (phone, elsewhere):
        sio.get_received()

    moved = console.emit("set_room_situation", {"room_id": room_id, "situation_id": other["id"]}, callback=True)
    assert moved["ok"]
    assert moved["rooms"][0]["situation"]["id"] == other["id"]
    for sio in (phone, elsewhere):
        [state] = received(sio, "event_changed")
        assert state["rooms"][0]["situation"]["title"] == other["title"]
    synced = phone.emit("sync", {"room_id": room_id}, callback=True)
    assert [r["role"] for r in synced["roles"]] == [None]
    # The card keeps the situation and role it was written in.
    assert synced["snapshot"]["cards"][0]["situation_id"] == card["situation_id"] != other["id"]
    refused = post(phone, "Sans rôle dans la nouvelle situation", column="jeux_acteurs", board="case_study")
    assert refused["error"]["details"]["field"] == "role"
    wrong = console.emit(
        "set_room_situation", {"room_id": event.rooms[1].id, "situation_id": other["id"]}, callback=True
    )
    assert wrong["error"]["code"] == "forbidden"


def test_the_organiser_writes_the_situations(connect: Connect, event: EventLinks, join: Join) -> None:
    organiser = connect(event.organiser_token)
    console = connect(event.rooms[0].facilitator_token)
    phone = connect(join(room=0)["token"])
    values = {
        "title": "  Une  maison de santé pluriprofessionnelle ",
        "description": "Trois communes, une ARS, des médecins qui partent.",
        "scales": ["region", "commune"],
        "protagonists": ["Maire", "ARS", "  Maire ", "Médecin généraliste"],
    }
    before = counted(*WRITTEN)
    for sio in (console, phone):
        assert sio.emit("save_situation", values, callback=True)["error"]["code"] == "forbidden"
    for bad in ({"title": ""}, {"scales": ["lune"]}, {"protagonists": ["x" * 121]}, {"title": 5}):
        ack = organiser.emit("save_situation", values | bad, callback=True)
        assert not ack["ok"] and ack["error"]["code"] == "invalid", bad
    assert counted(*WRITTEN) == before
    phone.get_received()

    saved = organiser.emit("save_situation", values, callback=True)
    assert saved["ok"]
    situation = saved["situation"]
    assert situation["title"] == "Une maison de santé pluriprofessionnelle"
    assert situation["scales"] == ["commune", "region"]
    assert situation["protagonists"] == ["Maire", "ARS", "Médecin généraliste"]
    [state] = received(phone, "event_changed")
    assert situation in state["situations"]

    room_id = event.rooms[0].id
    assert console.emit("set_room_situation", {"room_id": room_id, "situation_id": situation["id"]}, callback=True)[
        "ok"
    ]
    assert phone.emit("take_role", {"role": "ARS"}, callback=True)["ok"]
    phone.get_received()
    # Striking a protagonist from the list ends that role in the rooms working the situation.
    edited = organiser.emit(
        "save_situation", values | {"situation_id": situation["id"], "protagonists": ["Maire"]}, callback=True
    )
    assert edited["ok"] and edited["situation"]["protagonists"] == ["Maire"]
    [change] = received(phone, "roles_changed")
    assert [r["role"] for r in change["roles"]] == [None]

    deleted = organiser.emit("delete_situation", {"situation_id": situation["id"]}, callback=True)
    assert deleted["ok"] and deleted["rooms"][0]["situation"] is None
    assert situation["id"] not in [s["id"] for s in deleted["situations"]]
    gone = organiser.emit("delete_situation", {"situation_id": situation["id"]}, callback=True)
    assert gone["error"]["code"] == "not_found"


def test_the_grid_reads_back_the_case_study_of_its_situation(connect: Connect, event: EventLinks, join: Join) -> None:
    situation = situation_of(event, 0)
    organiser = connect(event.organiser_token)
    # Two rooms work the same situation.
    moved = {"room_id": event.rooms[1].id, "situation_id": situation["id"]}
    assert organiser.emit("set_room_situation", moved, callback=True)["ok"]
    alix = connect(join(room=0, pseudonym="Alix")["token"])
    bao = connect(join(room=1, pseudonym="Bao")["token"])
    role = situation["protagonists"][0]
    for sio in (alix, bao):
        assert sio.emit("take_role", {"role": role}, callback=True)["ok"]
    kept = post(alix, "Chaque EPCI veut sa part", column="jeux_acteurs", board="case_study")["card"]
    hidden = post(alix, "Un propos à masquer", column="finalites", board="case_study")["card"]
    other_room = post(bao, "La chambre d'agriculture temporise", column="marges", board="case_study")["card"]
    post(alix, "Pour nourrir les cantines", column="pour_quoi", board="four_questions")
    assert organiser.emit("hide_card", {"card_id": hidden["id"]}, callback=True)["ok"]

    screen = connect(event.screen_token)
    answer = screen.emit("get_situation_cards", {"situation_id": situation["id"]}, callback=True)
    assert answer["ok"] and answer["situation"]["title"] == situation["title"]
    assert [(c["id"], c["room_name"], c["role"]) for c in answer["cards"]] == [
        (kept["id"], event.rooms[0].name, role),
        (other_room["id"], event.rooms[1].name, role),
    ]
    assert (
        alix.emit("get_situation_cards", {"situation_id": situation["id"]}, callback=True)["cards"] == answer["cards"]
    )
    assert screen.emit("get_situation_cards", {"situation_id": 99999}, callback=True)["error"]["code"] == "not_found"
