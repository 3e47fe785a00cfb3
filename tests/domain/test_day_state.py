"""One truth about the day: boards take cards in their phase (or opened early), the screen follows votes,
the journal says what happened, a room's revoked link is made again; domain and sockets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask_socketio import SocketIOTestClient

from collab.domain import audit, hypotheses, links, programme, screen
from collab.domain.errors import BoardClosed, Forbidden, Invalid
from collab.domain.events import EventLinks, create_event, describe_event
from tests.support.apps import SECRET, joiner, link_principal, received
from tests.support.cards import post

Connect = Callable[[str | None], SocketIOTestClient]
SKILL = {"type": "savoirs", "scope": "individuel", "keywords": []}


@pytest.fixture
def day(app: Flask) -> EventLinks:
    """An event as the organiser makes it: no phase set, no board opened early."""
    return create_event(SECRET)


def phase_of(event: EventLinks, activity: str) -> int:
    """Return the id of the atelier working on a board."""
    return next(p["id"] for p in describe_event(event.id)["programme"] if p["activity"] == activity)


def post_on(participant: dict[str, Any], board: str, n: int = 1) -> dict[str, Any]:
    """Post the participant's n-th card on a board, in the board's first column; return the ack."""
    column, skill = {"competences": ("offre", SKILL), "case_study": ("finalites", None)}.get(board, ("pourquoi", None))
    return post(participant, "Une idée", column, board, client_id=f"day-card-{board}-{n}", skill=skill)


def test_before_the_first_phase_no_board_takes_cards(day: EventLinks) -> None:
    alix = joiner(day)()
    for board in ("case_study", "four_questions", "competences"):
        with pytest.raises(BoardClosed) as refused:
            post_on(alix, board)
        assert refused.value.code == "board_closed"
        assert refused.value.details == {"board": board, "open": []}


def test_only_the_board_of_the_phase_takes_cards(day: EventLinks) -> None:
    organiser = link_principal(day.organiser_token)
    alix = joiner(day)()
    programme.set_phase(organiser, phase_of(day, "four_questions"))
    assert post_on(alix, "four_questions")["ok"]
    with pytest.raises(BoardClosed) as refused:
        post_on(alix, "competences")
    assert refused.value.details["open"] == ["four_questions"]
    # A plenary has no board: nothing takes cards.
    lunch = next(p["id"] for p in describe_event(day.id)["programme"] if p["kind"] == "repas")
    programme.set_phase(organiser, lunch)
    with pytest.raises(BoardClosed):
        post_on(alix, "four_questions", 2)


def test_a_room_moved_by_its_facilitator_takes_cards_on_its_own_phase_s_board(day: EventLinks) -> None:
    organiser = link_principal(day.organiser_token)
    facilitator = link_principal(day.rooms[0].facilitator_token)
    alix, bao = joiner(day)(0), joiner(day)(1, "Bao")
    programme.set_phase(organiser, phase_of(day, "four_questions"))
    programme.set_room_phase(facilitator, day.rooms[0].id, phase_of(day, "competences"))
    assert post_on(alix, "competences")["ok"]
    with pytest.raises(BoardClosed):
        post_on(alix, "four_questions")
    assert post_on(bao, "four_questions")["ok"]  # the other room follows the event


def test_a_board_opened_early_takes_cards_whatever_the_phase(day: EventLinks) -> None:
    organiser = link_principal(day.organiser_token)
    alix = joiner(day)()
    opened = programme.set_open_boards(organiser, ["competences", "case_study"])
    # Stored in the event's board order, and carried by the event's state.
    assert opened.reply["open_boards"] == ["case_study", "competences"]
    assert describe_event(day.id)["open_boards"] == ["case_study", "competences"]
    assert post_on(alix, "competences")["ok"]
    with pytest.raises(BoardClosed):
        post_on(alix, "four_questions")
    programme.set_open_boards(organiser, [])
    with pytest.raises(BoardClosed):
        post_on(alix, "competences", 2)


def test_a_retried_card_is_answered_even_once_its_board_closed(day: EventLinks) -> None:
    organiser = link_principal(day.organiser_token)
    alix = joiner(day)()
    programme.set_phase(organiser, phase_of(day, "four_questions"))
    first = post_on(alix, "four_questions")
    programme.set_phase(organiser, phase_of(day, "competences"))
    assert post_on(alix, "four_questions") == first


def test_opening_boards_is_the_organiser_s_and_names_real_boards(day: EventLinks) -> None:
    with pytest.raises(Forbidden):
        programme.set_open_boards(link_principal(day.rooms[0].facilitator_token), ["four_questions"])
    with pytest.raises(Invalid) as refused:
        programme.set_open_boards(link_principal(day.organiser_token), ["four_questions", "nope"])
    assert refused.value.details["field"] == "boards"
    assert describe_event(day.id)["open_boards"] == []


def test_set_open_boards_over_a_socket_reaches_every_phone(day: EventLinks, connect: Connect) -> None:
    organiser = connect(day.organiser_token)
    phone = connect(joiner(day)()["token"])
    received(phone, "event_changed")
    ack = organiser.emit("set_open_boards", {"boards": ["four_questions"]}, callback=True)
    assert ack["ok"] and ack["open_boards"] == ["four_questions"]
    assert [e["open_boards"] for e in received(phone, "event_changed")] == [["four_questions"]]
    sent = phone.emit(
        "post_card",
        {"client_id": "early-card-0001", "board": "competences", "column": "offre", "text": "x", "skill": SKILL},
        callback=True,
    )
    assert sent["ok"] is False and sent["error"]["code"] == "board_closed"
    for bad in ({"boards": "four_questions"}, {"boards": ["Four"]}, {"boards": [], "extra": 1}, {}):
        refused = organiser.emit("set_open_boards", bad, callback=True)
        assert refused["ok"] is False and refused["error"]["code"] == "invalid", bad
    assert describe_event(day.id)["open_boards"] == ["four_questions"]


def test_opening_a_vote_switches_the_screen_unless_the_organiser_turned_it_off(
    day: EventLinks, connect: Connect
) -> None:
    organiser = connect(day.organiser_token)
    projector = connect(day.screen_token)
    listed = organiser.emit("get_hypotheses", {}, callback=True)["hypotheses"]
    first, second = listed[0]["id"], listed[1]["id"]
    received(projector, "screen_changed")
    ack = organiser.emit("open_hypothesis", {"hypothesis_id": second}, callback=True)
    assert ack["screen"] == {"mode": "hypothesis", "hypothesis_id": second}
    assert received(projector, "screen_changed") == [{"screen": {"mode": "hypothesis", "hypothesis_id": second}}]
    assert screen.get_screen(link_principal(day.screen_token)) == {"mode": "hypothesis", "hypothesis_id": second}
    # The screen counts every hypothesis of the event, and the one shown is the second of four.
    shown = projector.emit("get_hypotheses", {}, callback=True)
    assert shown["count"] == 4 and [h["position"] for h in shown["hypotheses"]] == [1]

    assert (
        organiser.emit("set_screen_follows_votes", {"follows": False}, callback=True)["screen_follows_votes"] is False
    )
    organiser.emit("set_screen", {"mode": "rooms"}, callback=True)
    received(projector, "screen_changed")
    ack = organiser.emit("open_hypothesis", {"hypothesis_id": first}, callback=True)
    assert ack["ok"] and "screen" not in ack
    assert received(projector, "screen_changed") == []
    assert screen.get_screen(link_principal(day.screen_token)) == {"mode": "rooms"}


def test_the_journal_records_what_people_read(day: EventLinks) -> None:
    organiser = link_principal(day.organiser_token)
    programme.set_phase(organiser, phase_of(day, "four_questions"))
    programme.set_open_boards(organiser, ["competences"])
    hypothesis = hypotheses.get_hypotheses(organiser)["hypotheses"][0]
    hypotheses.open_hypothesis(organiser, hypothesis["id"])
    log = {entry["action"]: entry["details"] for entry in audit.moderation_log(organiser)}
    assert log["set_phase"]["title"] == "Quatre grandes questions"
    assert log["set_open_boards"] == {"boards": ["competences"], "titles": ["Nos compétences en partage"]}
    assert log["open_hypothesis"]["text"] == hypothesis["text"]


def test_a_room_whose_link_was_revoked_gets_a_new_one(day: EventLinks, connect: Connect) -> None:
    organiser = connect(day.organiser_token)
    room = day.rooms[1]
    old = next(
        link
        for link in organiser.emit("list_links", {}, callback=True)["links"]
        if link["role"] == "facilitator" and link["room_id"] == room.id
    )
    assert organiser.emit("revoke_link", {"link_id": old["id"]}, callback=True)["ok"]
    facilitator = connect(day.rooms[0].facilitator_token)
    refused = facilitator.emit("create_link", {"role": "facilitator", "room_id": room.id}, callback=True)
    assert refused["error"]["code"] == "forbidden"
    made = organiser.emit("create_link", {"role": "facilitator", "room_id": room.id}, callback=True)
    assert made["ok"] and made["link"]["room_id"] == room.id and made["link"]["room_name"] == room.name
    token = made["link"]["url"].rsplit("/", 1)[-1]
    assert connect(token).is_connected()
    valid = links.list_links(SECRET, link_principal(day.organiser_token))
    assert [link.room_id for link in valid if link.role == "facilitator"].count(room.id) == 1
