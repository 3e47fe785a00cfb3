"""Closing an event: every writing event is refused with `closed` and writes nothing; reading goes on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from flask_socketio import SocketIOTestClient

from collab.domain.closing import close_event
from collab.domain.events import EventLinks
from collab.sockets.edge import REGISTERED
from tests.support.apps import link_principal, received
from tests.support.matrix import MATRIX, READ_ONLY, fingerprint

ORIGIN = {"Origin": "http://localhost"}
CARD = {"client_id": "closing-1", "board": "four_questions", "column": "pourquoi", "text": "x"}
# The role that sends each writing event in the loop below: the first allowed one in this order.
SENDERS = ("organiser", "facilitator", "participant", "participant_of_another_room")


def test_every_client_event_is_in_the_matrix_and_reads_are_marked_as_reads() -> None:
    assert set(REGISTERED) == set(MATRIX)
    assert {name for name, (_roles, writes) in REGISTERED.items() if not writes} == READ_ONLY


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_closed_event_refuses_every_writing_event_and_writes_nothing(
    scene: dict[str, Any],
    connect: Callable[[str | None], SocketIOTestClient],
    event: EventLinks,
) -> None:
    organiser = connect(scene["tokens"]["organiser"])
    assert organiser.emit("close_event", {}, callback=True)["closed"] is True
    clients = {role: connect(scene["tokens"][role]) for role in SENDERS}
    before = fingerprint()
    refused = []
    for name, (payload_of, allowed) in sorted(MATRIX.items()):
        # Reopening, a participant erasing themselves (tests/domain/test_privacy.py), choosing what the
        # screen presents (tests/sockets/test_screen_modes.py) and applying the grid
        # (tests/sockets/test_diagnosis.py) go on once closed.
        if name in READ_ONLY or name in ("reopen_event", "erase_me", "set_screen", "save_grid_answers"):
            continue
        role = next(r for r in SENDERS if r in allowed)
        ack = clients[role].emit(name, payload_of(scene), callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == "closed", (name, ack)
        refused.append(name)
    assert fingerprint() == before
    assert {"post_card", "hide_card", "save_synthesis", "place_dot", "accept_match", "close_event"} <= set(refused)
    # Reading goes on: sync, the event's state, the links.
    for name in sorted(READ_ONLY):
        payload_of, allowed = MATRIX[name]
        role = next(r for r in (*SENDERS, "screen") if r in allowed)
        ack = (clients.get(role) or connect(scene["tokens"][role])).emit(name, payload_of(scene), callback=True)
        assert ack["ok"] is True, (name, ack)
    assert fingerprint() == before


def test_closing_and_reopening_reach_every_socket_of_the_event(
    event: EventLinks, join: Callable[..., dict[str, Any]], connect: Callable[[str | None], SocketIOTestClient]
) -> None:
    organiser = connect(event.organiser_token)
    phone = connect(join()["token"])
    screen = connect(event.screen_token)
    for sio in (organiser, phone, screen):
        sio.get_received()
    ack = organiser.emit("close_event", {}, callback=True)
    assert ack["ok"] and ack["closed"] is True
    for sio in (organiser, phone, screen):
        assert [e["closed"] for e in received(sio, "event_changed")] == [True]
    assert phone.emit("get_event", {}, callback=True)["closed"] is True
    refused = phone.emit("post_card", CARD, callback=True)
    assert refused["error"]["code"] == "closed" and "closed" in refused["error"]["message"]
    # A refused write is still checked first: a malformed one says so.
    assert phone.emit("post_card", {"text": 3}, callback=True)["error"]["code"] == "invalid"
    ack = organiser.emit("reopen_event", {}, callback=True)
    assert ack["ok"] and ack["closed"] is False
    assert [e["closed"] for e in received(phone, "event_changed")] == [False]
    posted = phone.emit("post_card", CARD, callback=True)
    assert posted["ok"] is True


def test_a_closed_event_refuses_newcomers_and_keeps_its_pages_and_exports(
    client: FlaskClient, event: EventLinks, join: Callable[..., dict[str, Any]]
) -> None:
    close_event(link_principal(event.organiser_token))
    form = {"pseudonym": "Tard", "scale": "commune", "room": str(event.rooms[0].id)}
    response = client.post(f"/j/{event.join_code}", data=form, headers=ORIGIN)
    assert response.status_code == 400
    assert "Ce séminaire est clos" in response.get_data(as_text=True)
    for page in (f"/j/{event.join_code}", f"/s/{event.screen_token}", f"/o/{event.organiser_token}"):
        body = client.get(page).get_data(as_text=True)
        assert "Séminaire clos" in body, page
    for name in ("report.html", "cards.csv", "event.json"):
        assert client.get(f"/o/{event.organiser_token}/export/{name}").status_code == 200
    assert client.get(f"/j/{event.join_code}/grille").status_code == 200
