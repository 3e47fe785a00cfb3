"""Beyond the matrix: ids of another event, forged and revoked tokens, the screen link trying to write."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import socketio
from flask import Flask
from flask_socketio import SocketIOTestClient
from itsdangerous import URLSafeSerializer
from sqlalchemy import delete, select

from collab.domain.access import hash_token
from collab.domain.events import EventLinks, create_event
from collab.domain.links import regenerate_link, revoke_link
from collab.domain.participants import join_event
from collab.sockets.edge import REGISTERED
from collab.store.database import db
from collab.store.models import AccessLink, Participant
from collab.tokens import participant_token
from tests.support.apps import SECRET, link_principal, link_token
from tests.support.live import LiveServer, RawSocket, row_counts
from tests.support.live import participant_token as join_live
from tests.support.matrix import MATRIX, build_scene, fingerprint

Connect = Callable[[str | None], SocketIOTestClient]
# The role of the scene's own event that sends each event: one allowed to, acting on the other event's ids.
SENDERS = ("organiser", "facilitator", "participant", "participant_of_another_room", "screen")


@pytest.fixture
def foreign(app: Flask, scene: dict[str, Any]) -> dict[str, Any]:
    """The same scene built in a second event of the same database: its ids are the forged ones."""
    other = create_event(SECRET, open_boards=True)

    def join(room: int = 0, pseudonym: str = "Camille", scale: str = "commune") -> dict[str, Any]:
        participant = join_event(other.join_code, pseudonym, scale, other.rooms[room].id)
        return participant | {"token": participant_token(participant["id"])}

    return build_scene(other, join)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_ids_of_another_event_are_refused_for_every_event(
    scene: dict[str, Any],
    foreign: dict[str, Any],
    connect: Connect,
) -> None:
    sockets = {role: connect(scene["tokens"][role]) for role in SENDERS}
    before = fingerprint()
    tried = []
    for name, (payload_of, allowed) in sorted(MATRIX.items()):
        forged = payload_of(foreign)
        if forged == payload_of(scene):
            continue  # the payload names no id: nothing to forge
        role = next(r for r in SENDERS if r in allowed)
        ack = sockets[role].emit(name, forged, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] in ("not_found", "forbidden", "invalid"), (name, role, ack)
        tried.append(name)
    print(f"\n{len(tried)} events refused ids of another event: {', '.join(tried)}")
    assert len(tried) >= 40  # 43 today: every event whose payload names an id
    assert fingerprint() == before


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_forged_replayed_and_revoked_tokens_are_refused(
    app: Flask,
    scene: dict[str, Any],
    event: EventLinks,
    connect: Connect,
) -> None:
    token = scene["tokens"]["participant"]
    payload, signature = token.rsplit(".", 1)
    tampered = payload + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    other_key = "p." + URLSafeSerializer("another-installation", salt="collab.participant").dumps({"p": 1})
    never_existed = participant_token(10**9)
    as_string_id = "p." + URLSafeSerializer(SECRET, salt="collab.participant").dumps({"p": "1"})
    for forged in (tampered, other_key, never_existed, as_string_id, token + "x", "p.", "p." * 100):
        assert not connect(forged).is_connected(), forged

    # A participant deleted while connected: their next event is refused, and so is their token.
    gone = join_event(event.join_code, "Parti", "commune", event.rooms[0].id)
    gone_token = participant_token(gone["id"])
    phone = connect(gone_token)
    assert phone.is_connected()
    with db.transaction() as session:
        session.execute(delete(Participant).where(Participant.id == gone["id"]))
    before = fingerprint()
    card = {"client_id": "after-deletion", "board": "four_questions", "column": "pourquoi", "text": "x"}
    assert phone.emit("post_card", card, callback=True)["error"]["code"] == "unauthorised"
    assert not connect(gone_token).is_connected()

    # A link revoked, and a link regenerated: the old tokens stay refused, the new one works.
    organiser = link_principal(event.organiser_token)
    with db.transaction() as session:
        screen_link, facilitator_link = (
            session.scalar(select(AccessLink.id).where(AccessLink.token_hash == hash_token(link_token(token))))
            for token in (event.screen_token, event.rooms[1].facilitator_token)
        )
    assert screen_link is not None and facilitator_link is not None
    revoke_link(organiser, screen_link)
    _, fresh = regenerate_link(SECRET, organiser, facilitator_link)
    before = fingerprint()
    assert not connect(event.screen_token).is_connected()
    assert not connect(event.rooms[1].facilitator_token).is_connected()
    assert connect(fresh.token).is_connected()
    assert fingerprint() == before


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[LiveServer, dict[str, Any]]]:
    """A real server with one event of two rooms, and its links."""
    server = LiveServer(tmp_path, {"COLLAB_CREATE_DEMO": "0"})
    links = server.create_event(rooms=2)
    server.start()
    yield server, links
    server.stop()


def test_the_screen_link_cannot_write_anything_on_a_real_server(live: tuple[LiveServer, dict[str, Any]]) -> None:
    server, links = live
    room = links["rooms"][0]["id"]
    phone = RawSocket(server, join_live(server.url, links["join_code"], "Alix", room))
    card = {"client_id": "screen-test-1", "board": "four_questions", "column": "pourquoi", "text": "x"}
    phone.ws.send("421" + json.dumps(["post_card", card]))
    card_id = phone.ack(1)["card"]["id"]
    phone.close()
    before = row_counts(server.workdir / "collab.sqlite3")

    screen = socketio.Client(reconnection=False)
    screen.connect(server.url, auth={"token": links["screen_url"].rsplit("/", 1)[1]}, transports=["websocket"])
    writing = sorted(name for name, (_roles, writes) in REGISTERED.items() if writes)
    ids = {"room_id": room, "card_id": card_id}
    for name in writing:
        ack = screen.call(name, ids, timeout=10)  # the role is refused before the payload is read
        assert ack["ok"] is False and ack["error"]["code"] == "forbidden", (name, ack)
    assert screen.call("get_screen", {}, timeout=10)["ok"]  # reading still works
    screen.disconnect()
    print(f"\nthe screen link was refused {len(writing)} writing events")
    assert row_counts(server.workdir / "collab.sqlite3") == before
