"""The grille de lecture over sockets: changes reach the event's staff only, malformed payloads write nothing,
and the published grid stays readable once the seminar is closed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask_socketio import SocketIOTestClient

from collab.domain.events import EventLinks
from tests.support.apps import received
from tests.support.cards import posted
from tests.support.matrix import fingerprint

Join = Callable[..., dict[str, Any]]
Connect = Callable[[str | None], SocketIOTestClient]


def test_a_point_reaches_every_staff_console_and_no_phone_nor_screen(
    connect: Connect, event: EventLinks, join: Join
) -> None:
    alix = join(room=0)
    card = posted(alix, "Qui porte le projet ?", "comment")["id"]
    mine, theirs = connect(event.rooms[0].facilitator_token), connect(event.rooms[1].facilitator_token)
    organiser, screen, phone = connect(event.organiser_token), connect(event.screen_token), connect(alix["token"])
    proposal = next(q for q in mine.emit("get_grid", {}, callback=True)["questions"] if q["key"] == "comment")
    assert proposal["proposals"][0]["cards"] == [card]
    for sio in (mine, theirs, organiser, screen, phone):
        sio.get_received()
    point_of = {"question": "comment", "text": "Qui porte le projet ?", "cards": [card]}
    ack = mine.emit("save_grid_point", point_of, callback=True)
    assert ack["ok"], ack
    (point,) = next(q for q in ack["questions"] if q["key"] == "comment")["points"]
    assert point["editable"] and point["cards"] == [card]
    for staff in (mine, theirs, organiser):
        assert received(staff, "grid_changed") == [{"published_at": None}]
    for other in (screen, phone):
        assert received(other, "grid_changed") == []
    seen = next(q for q in theirs.emit("get_grid", {}, callback=True)["questions"] if q["key"] == "comment")
    assert [(p["id"], p["editable"]) for p in seen["points"]] == [(point["id"], False)]
    refused = theirs.emit("delete_grid_point", {"point_id": point["id"]}, callback=True)
    assert refused["error"]["code"] == "forbidden"


def test_publishing_and_withdrawing_the_grid_tell_every_phone(connect: Connect, event: EventLinks, join: Join) -> None:
    alix, bao = join(room=0), join(room=1)
    facilitator = connect(event.rooms[0].facilitator_token)
    phones = [connect(alix["token"]), connect(bao["token"])]
    assert facilitator.emit("save_grid_point", {"question": "comment", "text": "Qui porte ?"}, callback=True)["ok"]
    for phone in phones:
        assert phone.emit("get_event", {}, callback=True)["grid_published"] is False
        phone.get_received()
    assert facilitator.emit("publish_grid", {}, callback=True)["ok"]
    for phone in phones:
        (state,) = received(phone, "event_changed")
        assert state["grid_published"] is True
    assert facilitator.emit("withdraw_grid", {}, callback=True)["ok"]
    for phone in phones:
        assert [state["grid_published"] for state in received(phone, "event_changed")] == [False]
    # Editing a point tells the staff only: no phone hears of it.
    assert facilitator.emit("save_grid_point", {"question": "comment", "text": "Qui décide ?"}, callback=True)["ok"]
    for phone in phones:
        assert received(phone, "event_changed") == []


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        ("save_grid_point", {"text": "Sans question"}),
        ("save_grid_point", {"point_id": 1, "question": "comment", "text": "Une question sur une modification"}),
        ("save_grid_point", {"point_id": 1, "text": "Des cartes sur une modification", "cards": [1]}),
        ("save_grid_point", {"question": "comment", "text": "x" * 601}),
        ("save_grid_point", {"question": "Comment ?", "text": "Une clé qui n'en est pas une"}),
        ("save_grid_point", {"question": "comment", "text": "Trop de cartes", "cards": list(range(1, 402))}),
        ("save_grid_point", {"question": "comment", "text": "Une carte en texte", "cards": ["1"]}),
        ("merge_grid_points", {"point_id": 1, "text": "Un seul point"}),
        ("move_grid_point", {"point_id": 1, "position": -1}),
        ("delete_grid_point", {"point_id": 0}),
        ("publish_grid", {"title": "Autre"}),
        ("withdraw_grid", {"grid": None}),
    ],
)
def test_a_malformed_grid_payload_is_refused_and_writes_nothing(
    connect: Connect, event: EventLinks, name: str, payload: dict[str, Any]
) -> None:
    organiser = connect(event.organiser_token)
    before = fingerprint()
    ack = organiser.emit(name, payload, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "invalid", ack
    assert fingerprint() == before


def test_the_published_grid_stays_readable_once_the_seminar_is_closed(connect: Connect, event: EventLinks) -> None:
    organiser = connect(event.organiser_token)
    organiser.emit("save_grid_point", {"question": "pourquoi", "text": "Pourquoi coopérer ?"}, callback=True)
    published = organiser.emit("publish_grid", {}, callback=True)["published"]
    assert [p["text"] for p in published["questions"][0]["points"]] == ["Pourquoi coopérer ?"]
    assert organiser.emit("close_event", {}, callback=True)["closed"] is True
    before = fingerprint()
    assert organiser.emit("withdraw_grid", {}, callback=True)["error"]["code"] == "closed"
    assert fingerprint() == before
    read = organiser.emit("get_grid", {}, callback=True)
    assert read["ok"] and read["published"] == published
