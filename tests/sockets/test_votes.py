"""Socket tests of dot votes and syntheses: who receives what, refused roles and malformed payloads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask_socketio import SocketIOTestClient

from collab.domain.events import EventLinks
from collab.store.models import Change, Dot, DotVote, ModerationAction, Synthesis
from tests.support.apps import received
from tests.support.cards import counted, posted

Join = Callable[..., dict[str, Any]]
Connect = Callable[[str | None], SocketIOTestClient]


# What the tests count before and after: votes, dots, changes, syntheses and log lines.
WRITTEN = (DotVote, Dot, Change, Synthesis, ModerationAction)


def test_a_vote_reaches_the_room_its_staff_and_the_screen(connect: Connect, event: EventLinks, join: Join) -> None:
    alix = connect(join(room=0, pseudonym="Alix")["token"])
    bao = connect(join(room=0, pseudonym="Bao")["token"])
    elsewhere = connect(join(room=1, pseudonym="Chloé")["token"])
    console = connect(event.rooms[0].facilitator_token)
    other_console = connect(event.rooms[1].facilitator_token)
    screen = connect(event.screen_token)
    card = posted(alix, "Un PAT partagé")
    room_id = event.rooms[0].id
    everyone = (alix, bao, elsewhere, console, other_console, screen)
    for sio in everyone:
        sio.get_received()

    opened = console.emit("open_vote", {"room_id": room_id, "dots": 2}, callback=True)
    assert opened["ok"] and opened["seq"] == 2
    expected = [{"room_id": room_id, "seq": 2, "vote": opened["vote"]}]
    for sio in (alix, bao, console, screen):
        assert received(sio, "vote_opened") == expected
    for sio in (elsewhere, other_console):
        assert received(sio, "vote_opened") == []

    placed = bao.emit("place_dot", {"card_id": card["id"]}, callback=True)
    assert placed == {
        "ok": True,
        "seq": 3,
        "card_id": card["id"],
        "votes": 1,
        "mine": {str(card["id"]): 1},
        "left": 1,
    }
    for sio in (alix, bao, console, screen):
        assert received(sio, "votes_changed") == [{"room_id": room_id, "seq": 3, "card_id": card["id"], "votes": 1}]
    for sio in (elsewhere, other_console):
        assert received(sio, "votes_changed") == []

    # A phone that reconnects learns the open vote and its own dots.
    synced = bao.emit("sync", {"room_id": room_id, "since": 1}, callback=True)
    assert [c["event"] for c in synced["changes"]] == ["vote_opened", "votes_changed"]
    assert synced["vote"] == {"id": opened["vote"]["id"], "dots": 2, "mine": {str(card["id"]): 1}}
    assert alix.emit("sync", {"room_id": room_id, "since": None}, callback=True)["vote"]["mine"] == {}

    closed = console.emit("close_vote", {"room_id": room_id}, callback=True)
    assert closed == {"ok": True, "seq": 4, "vote_id": opened["vote"]["id"]}
    for sio in (alix, bao, console, screen):
        assert received(sio, "vote_closed") == [{"room_id": room_id, "seq": 4, "vote_id": opened["vote"]["id"]}]
    refused = bao.emit("place_dot", {"card_id": card["id"]}, callback=True)
    assert refused["ok"] is False and refused["error"]["code"] == "conflict"


@pytest.mark.parametrize("role", ["screen", "other_facilitator", "participant"])
def test_only_the_rooms_staff_opens_and_closes_votes(
    connect: Connect, event: EventLinks, join: Join, role: str
) -> None:
    token = {
        "screen": event.screen_token,
        "other_facilitator": event.rooms[1].facilitator_token,
        "participant": join(room=0)["token"],
    }[role]
    sio = connect(token)
    room_id = event.rooms[0].id
    for name, payload in (("open_vote", {"room_id": room_id, "dots": 3}), ("close_vote", {"room_id": room_id})):
        ack = sio.emit(name, payload, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == "forbidden"
    assert counted(*WRITTEN) == (0, 0, 0, 0, 0)


@pytest.mark.parametrize("role", ["screen", "facilitator", "organiser", "other_room"])
def test_only_participants_of_the_room_place_dots(connect: Connect, event: EventLinks, join: Join, role: str) -> None:
    phone = connect(join(room=0)["token"])
    card = posted(phone, "Une carte")
    connect(event.organiser_token).emit("open_vote", {"room_id": event.rooms[0].id, "dots": 3}, callback=True)
    token = {
        "screen": event.screen_token,
        "facilitator": event.rooms[0].facilitator_token,
        "organiser": event.organiser_token,
        "other_room": join(room=1, pseudonym="Chloé")["token"],
    }[role]
    before = counted(*WRITTEN)
    sio = connect(token)
    for name in ("place_dot", "withdraw_dot"):
        ack = sio.emit(name, {"card_id": card["id"]}, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == "forbidden"
    assert counted(*WRITTEN) == before


BAD_VOTE_PAYLOADS = [
    ("open_vote", {"room_id": 1}),
    ("open_vote", {"room_id": 1, "dots": "3"}),
    ("open_vote", {"room_id": 1, "dots": 3.0}),
    ("open_vote", {"room_id": 1, "dots": True}),
    ("open_vote", {"room_id": 1, "dots": 0}),
    ("open_vote", {"room_id": 1, "dots": 21}),
    ("open_vote", {"room_id": 1, "dots": 3, "extra": 1}),
    ("close_vote", {"room": 1}),
    ("save_synthesis", {"room_id": 1, "board": "four_questions", "items": "1,2", "texts": {}}),
    ("save_synthesis", {"room_id": 1, "board": "four_questions", "items": [0], "texts": {}}),
    ("save_synthesis", {"room_id": 1, "board": "four_questions", "items": [], "texts": {"Pourquoi ?": "x"}}),
    ("save_synthesis", {"room_id": 1, "board": "four_questions", "items": [], "texts": {"pourquoi": 3}}),
    ("save_synthesis", {"room_id": 1, "board": "four_questions", "items": [], "texts": {"pourquoi": "x" * 5000}}),
    ("save_synthesis", {"room_id": 1, "board": "four_questions", "items": [], "texts": {"pourquoi": "x" * 2001}}),
    ("save_synthesis", {"room_id": 1, "board": "four_questions", "items": list(range(1, 300)), "texts": {}}),
    # The board is required, and one of the event's.
    ("save_synthesis", {"room_id": 1, "items": [], "texts": {}}),
    ("save_synthesis", {"room_id": 1, "board": "nowhere", "items": [], "texts": {}}),
    ("save_synthesis", {"room_id": 1, "board": "Four Questions", "items": [], "texts": {}}),
    ("publish_synthesis", {"room_id": "1", "board": "four_questions"}),
    ("publish_synthesis", {"room_id": 1}),
    ("publish_synthesis", {"room_id": 1, "board": "nowhere"}),
    ("get_syntheses", {"all": True}),
]


@pytest.mark.parametrize(("name", "payload"), BAD_VOTE_PAYLOADS)
def test_malformed_staff_payloads_get_invalid(connect: Connect, event: EventLinks, name: str, payload: Any) -> None:
    console = connect(event.organiser_token)
    if "room_id" in payload and payload["room_id"] == 1:
        payload = payload | {"room_id": event.rooms[0].id}
    ack = console.emit(name, payload, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "invalid", ack
    assert counted(*WRITTEN) == (0, 0, 0, 0, 0)


@pytest.mark.parametrize("payload", [None, [], {}, {"card_id": "1"}, {"card_id": 0}, {"card_id": 1, "n": 2}])
def test_malformed_dots_get_invalid(connect: Connect, event: EventLinks, join: Join, payload: Any) -> None:
    phone = connect(join()["token"])
    for name in ("place_dot", "withdraw_dot"):
        ack = phone.emit(name, payload, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == "invalid"
    assert counted(*WRITTEN) == (0, 0, 0, 0, 0)


def test_a_published_synthesis_reaches_the_screens_and_consoles(
    connect: Connect, event: EventLinks, join: Join
) -> None:
    phone = connect(join(room=0, pseudonym="Alix")["token"])
    first, second = posted(phone, "Mutualiser"), posted(phone, "Des élus qui se parlent", "conditions")
    console = connect(event.rooms[0].facilitator_token)
    other_console = connect(event.rooms[1].facilitator_token)
    screen = connect(event.screen_token)
    room_id = event.rooms[0].id
    for sio in (phone, console, other_console, screen):
        sio.get_received()

    draft = {
        "room_id": room_id,
        "board": "four_questions",
        "items": [second["id"], first["id"]],
        "texts": {"conditions": "Se parler."},
    }
    saved = console.emit("save_synthesis", draft, callback=True)
    assert saved["ok"] and saved["draft"]["items"] == draft["items"]
    assert screen.emit("get_syntheses", {}, callback=True) == {"ok": True, "syntheses": [], "drafts": []}
    assert console.emit("get_syntheses", {}, callback=True)["drafts"][0]["texts"] == {"conditions": "Se parler."}
    for sio in (phone, other_console, screen):
        assert sio.get_received() == []

    published = console.emit("publish_synthesis", {"room_id": room_id, "board": "four_questions"}, callback=True)
    assert published["ok"]
    synthesis = published["synthesis"]
    assert [c["text"] for c in synthesis["cards"]] == ["Des élus qui se parlent", "Mutualiser"]
    for sio in (console, other_console, screen):
        expected = {"room_id": room_id, "board": "four_questions", "synthesis": synthesis}
        assert received(sio, "synthesis_published") == [expected]
    assert received(phone, "synthesis_published") == []
    assert screen.emit("get_syntheses", {}, callback=True)["syntheses"] == [synthesis]
    # A phone may not read them, nor write them.
    for name, payload in (
        ("get_syntheses", {}),
        ("save_synthesis", draft),
        ("publish_synthesis", {"room_id": room_id, "board": "four_questions"}),
    ):
        assert phone.emit(name, payload, callback=True)["error"]["code"] == "forbidden"
    for name, payload in (
        ("save_synthesis", draft),
        ("publish_synthesis", {"room_id": room_id, "board": "four_questions"}),
    ):
        assert other_console.emit(name, payload, callback=True)["error"]["code"] == "forbidden"
        assert screen.emit(name, payload, callback=True)["error"]["code"] == "forbidden"
