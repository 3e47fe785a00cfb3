"""The programme: phases moved and edited, rooms on their own phase, countdowns; domain and sockets."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from flask_socketio import SocketIOTestClient
from sqlalchemy import select

from collab.domain import programme
from collab.domain.errors import Forbidden, Invalid, NotFound
from collab.domain.events import EventLinks, describe_event
from collab.store.database import db
from collab.store.models import Change, ModerationAction
from tests.support.apps import link_principal, participant_principal, received
from tests.support.cards import counted

Join = Callable[..., dict[str, Any]]
Connect = Callable[[str | None], SocketIOTestClient]

PAUSE = {"start": "11:30", "end": "11:45", "kind": "pause", "title": "Pause café", "description": "", "activity": None}


def phase_ids(event: EventLinks) -> list[int]:
    """Return the ids of an event's phases in programme order."""
    return [phase["id"] for phase in describe_event(event.id)["programme"]]


def parse(stamp: str) -> datetime:
    """Return a time the server sent."""
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


# The domain, without sockets.


def test_the_organiser_steps_through_the_programme(event: EventLinks) -> None:
    organiser = link_principal(event.organiser_token)
    ids = phase_ids(event)
    assert programme.get_event(organiser)["current_phase_id"] is None
    with pytest.raises(Invalid):
        programme.step_phase(organiser, "previous")
    assert programme.step_phase(organiser, "next").event["current_phase_id"] == ids[0]  # type: ignore[index]
    assert programme.step_phase(organiser, "next").reply["current_phase_id"] == ids[1]
    assert programme.step_phase(organiser, "previous").reply["current_phase_id"] == ids[0]
    assert programme.set_phase(organiser, ids[-1]).reply["current_phase_id"] == ids[-1]
    with pytest.raises(Invalid):
        programme.step_phase(organiser, "next")
    assert describe_event(event.id)["current_phase_id"] == ids[-1]
    with db.transaction() as session:
        actions = session.scalars(select(ModerationAction.action)).all()
    assert actions.count("set_phase") == 4


def test_concurrent_steps_each_move_the_day_one_phase(event: EventLinks) -> None:
    organiser = link_principal(event.organiser_token)
    errors: list[BaseException] = []

    def step_twice() -> None:
        try:
            for _ in range(2):
                programme.step_phase(organiser, "next")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=step_twice) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert describe_event(event.id)["current_phase_id"] == phase_ids(event)[7]


def test_only_the_organiser_moves_the_event(event: EventLinks, join: Join) -> None:
    ids = phase_ids(event)
    for principal in (
        link_principal(event.rooms[0].facilitator_token),
        link_principal(event.screen_token),
        participant_principal(join()),
    ):
        with pytest.raises(Forbidden):
            programme.set_phase(principal, ids[1])
        with pytest.raises(Forbidden):
            programme.start_timer(principal, None, 60)
    with pytest.raises(NotFound):
        programme.set_phase(link_principal(event.organiser_token), 99999)
    assert describe_event(event.id)["current_phase_id"] is None
    assert counted(Change, ModerationAction) == (0, 0)


def test_a_room_follows_its_own_phase_then_the_event_again(event: EventLinks) -> None:
    ids = phase_ids(event)
    facilitator = link_principal(event.rooms[0].facilitator_token)
    room = event.rooms[0].id
    moved = programme.set_room_phase(facilitator, room, ids[3])
    assert moved.reply["seq"] == 1 and moved.reply["state"]["current_phase_id"] == ids[3]
    assert [c["event"] for c in moved.changes] == ["room_changed"]
    assert moved.changes[0]["payload"] == {"room_id": room, "seq": 1, "state": moved.reply["state"]}
    assert programme.set_room_phase(facilitator, room, ids[3]).changes == []  # already there
    back = programme.set_room_phase(facilitator, room, None)
    assert back.reply["seq"] == 2 and back.reply["state"]["current_phase_id"] is None
    with pytest.raises(Forbidden):
        programme.set_room_phase(facilitator, event.rooms[1].id, ids[3])
    with pytest.raises(NotFound):
        programme.set_room_phase(facilitator, room, 99999)


def test_the_organiser_edits_the_programme(event: EventLinks) -> None:
    organiser = link_principal(event.organiser_token)
    before = phase_ids(event)
    added = programme.save_phase(organiser, None, PAUSE | {"start": "10:15", "end": "10:20"})
    new_id = added.reply["phase_id"]
    ids = [p["id"] for p in added.reply["programme"]]
    assert ids.index(new_id) == 3  # placed by its start time, after the 10:15 plenary
    edited = programme.save_phase(
        organiser, new_id, PAUSE | {"title": "  Pause   longue ", "start": "10:15", "end": "10:25"}
    )
    phase = next(p for p in edited.reply["programme"] if p["id"] == new_id)
    assert (phase["title"], phase["end"], phase["kind"]) == ("Pause longue", "10:25", "pause")
    moved = programme.move_phase(organiser, new_id, 0)
    assert moved.reply["programme"][0]["id"] == new_id
    programme.set_phase(organiser, new_id)
    deleted = programme.delete_phase(organiser, new_id)
    assert [p["id"] for p in deleted.reply["programme"]] == before
    assert deleted.reply["current_phase_id"] is None
    renamed = programme.rename_room(organiser, event.rooms[0].id, "  Salle   du Lac ")
    assert renamed.reply["rooms"][0]["id"] == event.rooms[0].id
    assert renamed.reply["rooms"][0]["name"] == "Salle du Lac"
    assert describe_event(event.id)["rooms"][0]["name"] == "Salle du Lac"


@pytest.mark.parametrize(
    "change",
    [
        {"start": "9:30"},
        {"end": "25:00"},
        {"start": "12:00", "end": "11:00"},
        {"kind": "sieste"},
        {"title": "   "},
        {"title": "x" * 201},
        {"description": "x" * 2001},
        {"activity": "four_questions"},  # only an atelier has an activity
    ],
)
def test_a_malformed_phase_is_refused(event: EventLinks, change: dict[str, Any]) -> None:
    organiser = link_principal(event.organiser_token)
    with pytest.raises(Invalid):
        programme.save_phase(organiser, None, PAUSE | change)
    assert len(phase_ids(event)) == len(describe_event(event.id)["programme"])
    assert counted(Change, ModerationAction) == (0, 0)


def test_deleting_the_phase_a_room_is_on_sends_the_room_back_to_the_event(event: EventLinks) -> None:
    organiser = link_principal(event.organiser_token)
    ids = phase_ids(event)
    programme.set_room_phase(organiser, event.rooms[2].id, ids[4])
    deleted = programme.delete_phase(organiser, ids[4])
    assert [c["payload"]["room_id"] for c in deleted.changes] == [event.rooms[2].id]
    assert deleted.changes[0]["payload"]["state"]["current_phase_id"] is None


def test_countdowns_for_a_room_and_for_the_event(event: EventLinks) -> None:
    facilitator = link_principal(event.rooms[0].facilitator_token)
    organiser = link_principal(event.organiser_token)
    room = event.rooms[0].id
    started = programme.start_timer(facilitator, room, 300)
    timer = started.reply["state"]["timer"]
    left = (parse(timer["ends_at"]) - parse(started.reply["now"])).total_seconds()
    assert timer["seconds"] == 300 and 299 <= left <= 300
    longer = programme.add_time(facilitator, room, 60).reply["state"]["timer"]
    assert longer["seconds"] == 360
    assert (parse(longer["ends_at"]) - parse(timer["ends_at"])).total_seconds() == 60
    assert programme.stop_timer(facilitator, room).reply["state"]["timer"] is None
    assert programme.stop_timer(facilitator, room).changes == []  # nothing to stop
    with pytest.raises(Invalid):
        programme.add_time(facilitator, room, 60)
    for seconds in (9, 3 * 3600 + 1):
        with pytest.raises(Invalid):
            programme.start_timer(facilitator, room, seconds)
    with pytest.raises(Forbidden):
        programme.start_timer(facilitator, event.rooms[1].id, 60)

    whole = programme.start_timer(organiser, None, 600)
    assert whole.event is not None and whole.event["timer"]["seconds"] == 600
    assert programme.get_event(link_principal(event.screen_token))["timer"] == whole.event["timer"]
    assert programme.stop_timer(organiser, None).reply["timer"] is None


# Sockets: who receives what.


def test_event_changed_reaches_every_socket_of_the_event(connect: Connect, event: EventLinks, join: Join) -> None:
    phones = [connect(join(room=n % 4, pseudonym=f"P{n}")["token"]) for n in range(3)]
    staff = [connect(t) for t in (event.screen_token, event.rooms[1].facilitator_token, event.organiser_token)]
    organiser = staff[-1]
    for sio in phones + staff:
        sio.get_received()
    ack = organiser.emit("step_phase", {"direction": "next"}, callback=True)
    assert ack["ok"] and ack["current_phase_id"] == phase_ids(event)[0] and "now" in ack
    expected = {k: v for k, v in ack.items() if k not in ("ok", "now")}
    for sio in phones + staff:
        [payload] = received(sio, "event_changed")
        assert {k: v for k, v in payload.items() if k != "now"} == expected
    state = phones[0].emit("get_event", {}, callback=True)
    assert state["ok"] and state["current_phase_id"] == ack["current_phase_id"]
    assert state["programme"] == ack["programme"] and state["rooms"] == ack["rooms"]


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        ("set_phase", {"phase_id": 1}),
        ("step_phase", {"direction": "next"}),
        ("save_phase", PAUSE),
        ("delete_phase", {"phase_id": 1}),
        ("move_phase", {"phase_id": 1, "position": 0}),
        ("rename_room", {"room_id": 1, "name": "Salle"}),
        ("start_timer", {"room_id": None, "seconds": 60}),
    ],
)
def test_only_the_organiser_runs_the_event(
    connect: Connect, event: EventLinks, join: Join, name: str, payload: dict[str, Any]
) -> None:
    before = describe_event(event.id)
    for token in (event.screen_token, event.rooms[0].facilitator_token, join()["token"]):
        sio = connect(token)
        sio.get_received()
        ack = sio.emit(name, payload, callback=True)
        assert ack["error"]["code"] == "forbidden", token
        assert received(sio, "event_changed") == []
    assert describe_event(event.id) == before
    assert counted(Change, ModerationAction) == (0, 0)


def test_a_room_change_reaches_its_room_only(connect: Connect, event: EventLinks, join: Join) -> None:
    room = event.rooms[0].id
    phone = connect(join(room=0)["token"])
    elsewhere = connect(join(room=1, pseudonym="Bao")["token"])
    facilitator = connect(event.rooms[0].facilitator_token)
    other_facilitator = connect(event.rooms[1].facilitator_token)
    screen = connect(event.screen_token)
    organiser = connect(event.organiser_token)
    everyone = (phone, elsewhere, facilitator, other_facilitator, screen, organiser)
    for sio in everyone:
        sio.get_received()

    ack = facilitator.emit("start_timer", {"room_id": room, "seconds": 120}, callback=True)
    assert ack["ok"] and ack["seq"] == 1 and ack["state"]["timer"]["seconds"] == 120
    expected = [{"room_id": room, "seq": 1, "state": ack["state"]}]
    for sio in (phone, facilitator, screen, organiser):
        assert received(sio, "room_changed") == expected
    for sio in (elsewhere, other_facilitator):
        assert received(sio, "room_changed") == []
    for sio in everyone:
        assert received(sio, "event_changed") == []

    phase = phase_ids(event)[3]
    moved = organiser.emit("set_room_phase", {"room_id": room, "phase_id": phase}, callback=True)
    assert moved["seq"] == 2 and moved["state"]["current_phase_id"] == phase
    # A phone that connects late gets the room's state (timer included) with its sync.
    late = connect(join(room=0, pseudonym="Late")["token"])
    synced = late.emit("sync", {"room_id": room, "since": None}, callback=True)
    assert synced["state"] == moved["state"] and synced["state"]["timer"] == ack["state"]["timer"]


def test_room_staff_only_run_their_room(connect: Connect, event: EventLinks, join: Join) -> None:
    room = event.rooms[0].id
    attempts = [
        ("set_room_phase", {"room_id": room, "phase_id": None}),
        ("start_timer", {"room_id": room, "seconds": 60}),
        ("add_time", {"room_id": room, "seconds": 60}),
        ("stop_timer", {"room_id": room}),
    ]
    for token in (event.rooms[1].facilitator_token, event.screen_token, join(room=0)["token"]):
        sio = connect(token)
        for name, payload in attempts:
            assert sio.emit(name, payload, callback=True)["error"]["code"] == "forbidden", (token, name)
    facilitator = connect(event.rooms[0].facilitator_token)
    assert facilitator.emit("start_timer", {"room_id": None, "seconds": 60}, callback=True)["error"]["code"] == (
        "forbidden"
    )
    assert facilitator.emit("stop_timer", {"room_id": 99999}, callback=True)["error"]["code"] == "not_found"
    assert counted(Change, ModerationAction) == (0, 0)


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        ("get_event", {"x": 1}),
        ("get_event", None),
        ("set_phase", {"phase_id": "1"}),
        ("set_phase", {"phase_id": 0}),
        ("step_phase", {"direction": "sideways"}),
        ("step_phase", {}),
        ("set_room_phase", {"room_id": 1}),
        ("save_phase", PAUSE | {"kind": "sieste"}),
        ("save_phase", PAUSE | {"start": "9h30"}),
        ("save_phase", PAUSE | {"title": "x" * 5000}),
        ("save_phase", PAUSE | {"extra": True}),
        ("save_phase", PAUSE | {"title": "   "}),
        ("delete_phase", {"phase_id": True}),
        ("move_phase", {"phase_id": 1, "position": -1}),
        ("move_phase", {"phase_id": 1, "position": 9999}),
        ("rename_room", {"room_id": 1, "name": ""}),
        ("rename_room", {"room_id": 1, "name": "x" * 500}),
        ("start_timer", {"room_id": None, "seconds": 5}),
        ("start_timer", {"room_id": None, "seconds": 3 * 3600 + 1}),
        ("start_timer", {"room_id": None, "seconds": 60.5}),
        ("start_timer", {"seconds": 60}),
        ("add_time", {"room_id": None, "seconds": "60"}),
        ("stop_timer", {"room_id": "all"}),
    ],
)
def test_malformed_programme_payloads_are_invalid(connect: Connect, event: EventLinks, name: str, payload: Any) -> None:
    organiser = connect(event.organiser_token)
    organiser.get_received()
    before = describe_event(event.id)
    ack = organiser.emit(name, payload, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "invalid", ack
    assert received(organiser, "event_changed") == []
    assert describe_event(event.id) == before
    assert counted(Change, ModerationAction) == (0, 0)


def test_the_organiser_opens_one_more_room_with_its_facilitator_link(
    event: EventLinks, join: Join, connect: Connect
) -> None:
    phone = connect(join(room=0)["token"])
    screen = connect(event.screen_token)
    organiser = connect(event.organiser_token)
    for sio in (phone, screen):
        sio.get_received()
    ack = organiser.emit("add_room", {"name": "  Salle   annexe "}, callback=True)
    assert ack["ok"] and ack["room"]["name"] == "Salle annexe"
    assert ack["room"]["facilitator_url"].startswith("http://collab.test/f/")
    for sio in (phone, screen):
        [changed] = received(sio, "event_changed")
        assert [room["name"] for room in changed["rooms"]][-1] == "Salle annexe"
    described = describe_event(event.id)["rooms"]
    assert len(described) == 5 and described[-1]["situation"] == described[0]["situation"]
    new_room = ack["room"]["id"]
    facilitator = connect(ack["room"]["facilitator_url"].rsplit("/", 1)[1])
    assert facilitator.emit("sync", {"room_id": new_room}, callback=True)["snapshot"] == {"cards": []}
    assert facilitator.emit("sync", {"room_id": event.rooms[0].id}, callback=True)["error"]["code"] == "forbidden"
    assert screen.emit("sync", {"room_id": new_room}, callback=True)["ok"]


def test_only_the_organiser_adds_a_room_with_a_sensible_name(event: EventLinks, join: Join, connect: Connect) -> None:
    before = counted(Change, ModerationAction)
    for token in (join()["token"], event.screen_token, event.rooms[0].facilitator_token):
        assert connect(token).emit("add_room", {"name": "Salle X"}, callback=True)["error"]["code"] == "forbidden"
    organiser = connect(event.organiser_token)
    for payload in ({"name": "   "}, {"name": "x" * 81}, {"name": 3}, {"name": "ok", "extra": 1}, {}):
        assert organiser.emit("add_room", payload, callback=True)["error"]["code"] == "invalid"
    assert counted(Change, ModerationAction) == before and len(describe_event(event.id)["rooms"]) == 4
