"""Socket tests of the self-diagnosis: each participant's own answers, their grid link, malformed payloads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask_socketio import SocketIOTestClient
from itsdangerous import URLSafeSerializer
from sqlalchemy import func, select

from collab.domain import closing, diagnosis
from collab.domain.events import EventLinks
from collab.store.database import db
from collab.store.models import GridAnswer
from collab.tokens import grid_token
from tests.support.apps import link_principal, participant_principal
from tests.support.grid import publish_grid
from tests.support.matrix import fingerprint

Join = Callable[..., dict[str, Any]]
Connect = Callable[[str | None], SocketIOTestClient]
ANSWERS = {"11": {"answer": "oui", "note": "Avec la métropole"}, "31": {"answer": "a_explorer", "note": ""}}


def test_a_participant_saves_and_reads_back_only_their_own_answers(
    connect: Connect, event: EventLinks, join: Join
) -> None:
    publish_grid(event.id)
    alix, bao = join(pseudonym="Alix"), join(room=1, pseudonym="Bao")
    phone, other = connect(alix["token"]), connect(bao["token"])
    console, screen = connect(event.rooms[0].facilitator_token), connect(event.screen_token)
    for sio in (phone, other, console, screen):
        sio.get_received()

    ack = phone.emit("save_grid_answers", {"situation": "Le PETR", "answers": ANSWERS}, callback=True)
    assert ack["ok"] and ack["situation"] == "Le PETR" and ack["answers"] == ANSWERS
    # Another participant's save and read reach their own diagnosis, never Alix's.
    assert other.emit("save_grid_answers", {"situation": "Autre", "answers": {}}, callback=True)["ok"]
    assert other.emit("get_grid_answers", {}, callback=True)["situation"] == "Autre"
    mine = phone.emit("get_grid_answers", {}, callback=True)
    assert mine["situation"] == "Le PETR" and mine["answers"] == ANSWERS
    # Nothing is broadcast: nobody else hears of it.
    for sio in (other, console, screen):
        assert sio.get_received() == []


def test_the_grid_link_reads_and_saves_its_participants_answers_and_nothing_else(
    connect: Connect, event: EventLinks, join: Join
) -> None:
    publish_grid(event.id)
    alix = join(pseudonym="Alix")
    diagnosis.save_answers(participant_principal(alix), "Le PETR", ANSWERS)
    desk = connect(grid_token(alix["id"]))
    assert desk.is_connected()
    assert desk.get_received() == []  # no room, no presence
    assert desk.emit("get_grid_answers", {}, callback=True)["answers"] == ANSWERS
    saved = desk.emit(
        "save_grid_answers", {"situation": "Le PETR", "answers": {"41": {"answer": "non"}}}, callback=True
    )
    assert saved["ok"] and diagnosis.get_answers(participant_principal(alix))["answers"] == {
        "41": {"answer": "non", "note": ""}
    }
    before = fingerprint()
    for name, payload in (
        ("post_card", {}),
        ("get_event", {}),
        ("sync", {"room_id": event.rooms[0].id}),
        ("erase_me", {"confirm": True}),
    ):
        ack = desk.emit(name, payload, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == "forbidden", (name, ack)
    assert fingerprint() == before


def test_forged_grid_links_and_a_participant_token_renamed_are_refused(
    app: Flask, connect: Connect, event: EventLinks, join: Join
) -> None:
    alix = join()
    participant_signed = "g." + alix["token"].removeprefix("p.")  # the participant's salt, not the grid's
    other_key = "g." + URLSafeSerializer("another-installation", salt="collab.grid").dumps({"g": alix["id"]})
    for token in (participant_signed, other_key, grid_token(10**9), "g.x"):
        assert not connect(token).is_connected(), token


@pytest.mark.parametrize(
    "payload",
    [
        {"situation": "x", "answers": {"11": {"answer": "peut-être", "note": ""}}},
        {"situation": "x", "answers": {"11": {"answer": "oui", "note": "n" * (2 * diagnosis.NOTE_MAX + 1)}}},
        {"situation": "s" * (2 * diagnosis.SITUATION_MAX + 1), "answers": {}},
        {"situation": "x", "answers": {"onze": {"answer": "oui", "note": ""}}},
        {"situation": "x", "answers": {"0": {"answer": "oui", "note": ""}}},
        {"situation": "x", "answers": {"11": {"answer": "oui", "note": "", "extra": 1}}},
        {"situation": "x", "answers": {"11": "oui"}},
        {"situation": 3, "answers": {}},
        {"situation": "x", "answers": [], "other": True},
        {"situation": "nul\x00", "answers": {}},
    ],
)
def test_malformed_answers_are_refused_at_the_edge_and_write_nothing(
    connect: Connect, event: EventLinks, join: Join, payload: dict[str, Any]
) -> None:
    publish_grid(event.id)
    phone = connect(join()["token"])
    before = fingerprint()
    ack = phone.emit("save_grid_answers", payload, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "invalid", ack
    assert fingerprint() == before


@pytest.mark.parametrize(
    ("answers", "code"),
    [
        ({"99": {"answer": "oui", "note": ""}}, "not_found"),  # a point the grid does not have
        ({"11": {"answer": "oui", "note": "n" * (diagnosis.NOTE_MAX + 1)}}, "invalid"),
    ],
)
def test_the_domain_refuses_what_the_grid_does_not_hold_and_writes_nothing(
    connect: Connect, event: EventLinks, join: Join, answers: dict[str, Any], code: str
) -> None:
    publish_grid(event.id)
    phone = connect(join()["token"])
    assert phone.emit("save_grid_answers", {"situation": "Avant", "answers": ANSWERS}, callback=True)["ok"]
    before = fingerprint()
    ack = phone.emit("save_grid_answers", {"situation": "Après", "answers": answers}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == code, ack
    assert fingerprint() == before


def test_a_closed_event_takes_answers_and_refuses_other_writes(connect: Connect, event: EventLinks, join: Join) -> None:
    publish_grid(event.id)
    alix = join()
    phone, desk = connect(alix["token"]), connect(grid_token(alix["id"]))
    closing.close_event(link_principal(event.organiser_token))
    assert phone.emit("save_grid_answers", {"situation": "Après", "answers": ANSWERS}, callback=True)["ok"]
    assert desk.emit("save_grid_answers", {"situation": "Plus tard", "answers": {}}, callback=True)["ok"]
    card = {"client_id": "after-close", "board": "four_questions", "column": "comment", "text": "x"}
    assert phone.emit("post_card", card, callback=True)["error"]["code"] == "closed"


def test_the_grid_link_dies_with_an_erased_participant(connect: Connect, event: EventLinks, join: Join) -> None:
    publish_grid(event.id)
    alix = join()
    token = grid_token(alix["id"])
    phone = connect(alix["token"])
    assert phone.emit("save_grid_answers", {"situation": "Le PETR", "answers": ANSWERS}, callback=True)["ok"]
    assert phone.emit("erase_me", {"confirm": True}, callback=True)["ok"]
    assert not connect(token).is_connected()
    with db.transaction() as session:
        assert session.scalar(select(func.count(GridAnswer.id))) == 0
