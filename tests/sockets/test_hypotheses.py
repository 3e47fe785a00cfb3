"""The plenary's hypotheses over sockets: who receives what, one vote per person, refusals that write nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from flask_socketio import SocketIOTestClient
from sqlalchemy import func, select

from collab.domain import hypotheses, moderation
from collab.domain.errors import Invalid
from collab.domain.events import EventLinks, create_event
from collab.domain.templates import check_template, load_template
from collab.store.database import db
from collab.store.models import Hypothesis, HypothesisVote, ModerationAction
from tests.support.apps import SECRET, link_principal, participant_principal, received
from tests.support.cards import posted

Join = Callable[..., dict[str, Any]]
Connect = Callable[[str | None], SocketIOTestClient]


def as_stored() -> tuple[Any, ...]:
    """Return every hypothesis and vote as stored, and how many log lines: what a refusal leaves as it was."""
    with db.transaction() as session:
        return (
            [
                (h.id, h.position, h.text, h.evidence, h.dismissed, h.state, h.conclusion)
                for h in session.scalars(select(Hypothesis).order_by(Hypothesis.id))
            ],
            [
                (v.hypothesis_id, v.participant_id, v.verdict, v.reason)
                for v in session.scalars(select(HypothesisVote).order_by(HypothesisVote.id))
            ],
            session.scalar(select(func.count()).select_from(ModerationAction)),
        )


def first_id(organiser: SocketIOTestClient) -> int:
    """Return the id of the first hypothesis, as the organiser reads it."""
    return int(organiser.emit("get_hypotheses", {}, callback=True)["hypotheses"][0]["id"])


def test_the_template_s_hypotheses_are_drafts_only_the_organiser_sees(
    connect: Connect, event: EventLinks, join: Join
) -> None:
    organiser = connect(event.organiser_token)
    listed = organiser.emit("get_hypotheses", {}, callback=True)
    assert listed["ok"] and len(listed["hypotheses"]) == 4
    assert [h["position"] for h in listed["hypotheses"]] == [0, 1, 2, 3]
    assert {h["state"] for h in listed["hypotheses"]} == {"draft"}
    assert "mutualis" in listed["hypotheses"][0]["text"].casefold()
    assert listed["hypotheses"][0]["results"] == {"validee": 0, "infirmee": 0, "a_nuancer": 0, "total": 0}
    for token in (join()["token"], event.screen_token, event.rooms[0].facilitator_token):
        assert connect(token).emit("get_hypotheses", {}, callback=True) == {"ok": True, "hypotheses": [], "count": 4}


def test_a_vote_reaches_phones_when_opened_and_only_screens_and_consoles_as_it_goes(
    connect: Connect, event: EventLinks, join: Join
) -> None:
    alix = connect(join(room=0, pseudonym="Alix")["token"])
    bao = connect(join(room=1, pseudonym="Bao")["token"])
    screen = connect(event.screen_token)
    console = connect(event.rooms[0].facilitator_token)
    organiser = connect(event.organiser_token)
    everyone = (alix, bao, screen, console, organiser)
    hypothesis_id = first_id(organiser)
    for sio in everyone:
        sio.get_received()

    opened = organiser.emit("open_hypothesis", {"hypothesis_id": hypothesis_id}, callback=True)
    assert opened["ok"] and opened["hypothesis"]["state"] == "open" and opened["hypothesis"]["opened_at"]
    assert len(opened["hypotheses"]) == 4  # the organiser's ack lists the drafts too
    for sio in everyone:
        [changed] = received(sio, "hypotheses_changed")
        assert [(h["id"], h["state"]) for h in changed["hypotheses"]] == [(hypothesis_id, "open")]
        assert "mine" not in changed["hypotheses"][0]

    voted = alix.emit(
        "vote_hypothesis",
        {"hypothesis_id": hypothesis_id, "verdict": "validee", "reason": "  Vu  en salle 1 "},
        callback=True,
    )
    # The phone learns its vote as stored; the counts go to the screens and consoles.
    assert voted == {
        "ok": True,
        "hypothesis": {"id": hypothesis_id, "state": "open", "mine": {"verdict": "validee", "reason": "Vu en salle 1"}},
    }
    results = {
        "hypothesis_id": hypothesis_id,
        "results": {"validee": 1, "infirmee": 0, "a_nuancer": 0, "total": 1},
        "by_scale": [
            {
                "scale": "commune",
                "label": "Commune",
                "results": {"validee": 1, "infirmee": 0, "a_nuancer": 0, "total": 1},
            }
        ],
        "reasons": [{"verdict": "validee", "reason": "Vu en salle 1"}],
    }
    for sio in (screen, console, organiser):
        assert received(sio, "hypothesis_results") == [results]
    for sio in (alix, bao):
        assert received(sio, "hypothesis_results") == []

    # Changed while open: still one vote from Alix; an empty reason is not listed.
    alix.emit("vote_hypothesis", {"hypothesis_id": hypothesis_id, "verdict": "a_nuancer"}, callback=True)
    bao.emit(
        "vote_hypothesis",
        {"hypothesis_id": hypothesis_id, "verdict": "infirmee", "reason": "Pas chez nous"},
        callback=True,
    )
    [*_, last] = received(screen, "hypothesis_results")
    assert last["results"] == {"validee": 0, "infirmee": 1, "a_nuancer": 1, "total": 2}
    assert last["reasons"] == [{"verdict": "infirmee", "reason": "Pas chez nous"}]
    assert len(as_stored()[1]) == 2

    # Each phone reads its own vote; the screen reads none.
    mine = alix.emit("get_hypotheses", {}, callback=True)["hypotheses"][0]["mine"]
    assert mine == {"verdict": "a_nuancer", "reason": ""}
    assert "mine" not in screen.emit("get_hypotheses", {}, callback=True)["hypotheses"][0]

    closed = organiser.emit("close_hypothesis", {"hypothesis_id": hypothesis_id}, callback=True)
    assert closed["hypothesis"]["state"] == "closed" and closed["hypothesis"]["closed_at"]
    for sio in everyone:
        [changed] = received(sio, "hypotheses_changed")
        assert changed["hypotheses"][0]["results"]["total"] == 2
    concluded = organiser.emit(
        "conclude_hypothesis",
        {"hypothesis_id": hypothesis_id, "conclusion": "À nuancer selon les échelles."},
        callback=True,
    )
    assert concluded["hypothesis"]["conclusion"] == "À nuancer selon les échelles."
    assert received(bao, "hypotheses_changed")[0]["hypotheses"][0]["conclusion"] == "À nuancer selon les échelles."


def test_a_closed_or_draft_hypothesis_takes_no_vote(connect: Connect, event: EventLinks, join: Join) -> None:
    alix = connect(join(pseudonym="Alix")["token"])
    organiser = connect(event.organiser_token)
    listed = organiser.emit("get_hypotheses", {}, callback=True)["hypotheses"]
    first, second = listed[0]["id"], listed[1]["id"]
    before = as_stored()
    draft = alix.emit("vote_hypothesis", {"hypothesis_id": first, "verdict": "validee"}, callback=True)
    assert draft["ok"] is False and draft["error"]["code"] == "conflict"
    assert as_stored() == before

    organiser.emit("open_hypothesis", {"hypothesis_id": first}, callback=True)
    assert alix.emit("vote_hypothesis", {"hypothesis_id": first, "verdict": "validee"}, callback=True)["ok"]
    # Opening the second closes the first: one vote at a time.
    organiser.emit("open_hypothesis", {"hypothesis_id": second}, callback=True)
    states = [h["state"] for h in organiser.emit("get_hypotheses", {}, callback=True)["hypotheses"]]
    assert states[:2] == ["closed", "open"]
    before = as_stored()
    refused = alix.emit("vote_hypothesis", {"hypothesis_id": first, "verdict": "infirmee"}, callback=True)
    assert refused["ok"] is False and refused["error"]["code"] == "conflict"
    assert as_stored() == before

    # Opened again, it takes votes again; the earlier ones stayed.
    reopened = organiser.emit("open_hypothesis", {"hypothesis_id": first}, callback=True)
    assert reopened["hypothesis"]["results"]["validee"] == 1 and reopened["hypothesis"]["closed_at"] is None
    # Closing a draft makes no sense; closing a closed one again is harmless.
    third = listed[2]["id"]
    assert organiser.emit("close_hypothesis", {"hypothesis_id": third}, callback=True)["error"]["code"] == "conflict"
    assert organiser.emit("close_hypothesis", {"hypothesis_id": second}, callback=True)["ok"]
    assert organiser.emit("close_hypothesis", {"hypothesis_id": second}, callback=True)["ok"]


@pytest.mark.parametrize(
    ("role", "name", "payload"),
    [
        ("participant", "save_hypothesis", {"text": "Une de plus"}),
        ("participant", "open_hypothesis", {"hypothesis_id": 0}),
        ("facilitator", "open_hypothesis", {"hypothesis_id": 0}),
        ("facilitator", "conclude_hypothesis", {"hypothesis_id": 0, "conclusion": "Non"}),
        ("screen", "delete_hypothesis", {"hypothesis_id": 0}),
        ("screen", "vote_hypothesis", {"hypothesis_id": 0, "verdict": "validee"}),
        ("organiser", "vote_hypothesis", {"hypothesis_id": 0, "verdict": "validee"}),
        ("participant", "get_evidence_cards", {}),
        ("participant", "get_evidence_suggestions", {}),
        ("facilitator", "get_evidence_suggestions", {}),
        ("screen", "get_evidence_suggestions", {}),
        ("participant", "accept_evidence", {"hypothesis_id": 0, "card_id": 1}),
        ("facilitator", "accept_evidence", {"hypothesis_id": 0, "card_id": 1}),
        ("screen", "accept_evidence", {"hypothesis_id": 0, "card_id": 1}),
        ("participant", "dismiss_evidence", {"hypothesis_id": 0, "card_id": 1}),
        ("facilitator", "dismiss_evidence", {"hypothesis_id": 0, "card_id": 1}),
        ("screen", "dismiss_evidence", {"hypothesis_id": 0, "card_id": 1}),
    ],
)
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_other_roles_are_refused_and_nothing_is_written(
    connect: Connect, event: EventLinks, join: Join, role: str, name: str, payload: dict[str, Any]
) -> None:
    organiser = connect(event.organiser_token)
    hypothesis_id = first_id(organiser)
    organiser.emit("open_hypothesis", {"hypothesis_id": hypothesis_id}, callback=True)
    tokens = {
        "participant": join()["token"],
        "facilitator": event.rooms[0].facilitator_token,
        "screen": event.screen_token,
        "organiser": event.organiser_token,
    }
    sio = connect(tokens[role])
    before = as_stored()
    if "hypothesis_id" in payload:
        payload = payload | {"hypothesis_id": hypothesis_id}
    ack = sio.emit(name, payload, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "forbidden", ack
    assert as_stored() == before


@pytest.mark.parametrize(
    ("name", "payload", "code"),
    [
        ("vote_hypothesis", {"verdict": "oui"}, "invalid"),
        ("vote_hypothesis", {"verdict": "validee", "reason": "x" * 281}, "invalid"),
        ("vote_hypothesis", {"verdict": "validee", "reason": "x" * 600}, "invalid"),
        ("vote_hypothesis", {"verdict": "validee", "extra": 1}, "invalid"),
        ("vote_hypothesis", {"verdict": "validee", "hypothesis_id": "1"}, "invalid"),
        ("vote_hypothesis", {"verdict": "validee", "hypothesis_id": 999999}, "not_found"),
        ("save_hypothesis", {"text": "   "}, "invalid"),
        ("save_hypothesis", {"text": "x" * 501}, "invalid"),
        ("save_hypothesis", {"text": "Une", "evidence": [1, 1]}, "invalid"),
        ("save_hypothesis", {"text": "Une", "evidence": list(range(1, 22))}, "invalid"),
        ("save_hypothesis", {"text": "Une", "evidence": [999999]}, "invalid"),
        ("save_hypothesis", {"text": "Une", "hypothesis_id": 999999}, "not_found"),
        ("move_hypothesis", {"position": 9}, "invalid"),
        ("move_hypothesis", {"position": -1}, "invalid"),
        ("conclude_hypothesis", {"conclusion": "x" * 2001}, "invalid"),
        ("conclude_hypothesis", {"conclusion": None}, "invalid"),
        ("delete_hypothesis", {"hypothesis_id": None}, "invalid"),
        ("open_hypothesis", {}, "invalid"),
        ("accept_evidence", {}, "invalid"),
        ("accept_evidence", {"card_id": "1"}, "invalid"),
        ("accept_evidence", {"card_id": 0}, "invalid"),
        ("accept_evidence", {"card_id": 1, "extra": 1}, "invalid"),
        ("accept_evidence", {"card_id": 999999}, "invalid"),
        ("accept_evidence", {"card_id": 1, "hypothesis_id": 999999}, "not_found"),
        ("dismiss_evidence", {"card_id": None}, "invalid"),
        ("dismiss_evidence", {"card_id": 999999}, "invalid"),
        ("dismiss_evidence", {"card_id": 1, "hypothesis_id": 999999}, "not_found"),
        ("get_evidence_suggestions", {"hypothesis_id": 1}, "invalid"),
    ],
)
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_malformed_payloads_are_refused_and_nothing_is_written(
    connect: Connect, event: EventLinks, join: Join, name: str, payload: dict[str, Any], code: str
) -> None:
    organiser = connect(event.organiser_token)
    hypothesis_id = first_id(organiser)
    organiser.emit("open_hypothesis", {"hypothesis_id": hypothesis_id}, callback=True)
    sio = connect(join()["token"]) if name == "vote_hypothesis" else organiser
    if name not in ("save_hypothesis", "open_hypothesis", "get_evidence_suggestions"):
        payload = {"hypothesis_id": hypothesis_id} | payload
    before = as_stored()
    ack = sio.emit(name, payload, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == code, ack
    assert as_stored() == before
    assert sio.emit(name, [payload], callback=True)["error"]["code"] == "invalid"  # not an object
    assert as_stored() == before


def test_the_organiser_accepts_a_suggested_card_phones_see_it_and_a_closed_event_refuses(
    connect: Connect, event: EventLinks, join: Join
) -> None:
    organiser = connect(event.organiser_token)
    hypothesis_id = first_id(organiser)
    organiser.emit("open_hypothesis", {"hypothesis_id": hypothesis_id}, callback=True)
    phone = connect(join()["token"])
    near = posted(phone, "Mutualiser l'ingénierie entre collectivités voisines")["id"]
    other = posted(phone, "Mutualiser l'ingénierie, oui, mais en gardant l'autonomie")["id"]
    suggested = organiser.emit("get_evidence_suggestions", {}, callback=True)
    assert suggested["ok"] and [c["id"] for c in suggested["suggestions"][str(hypothesis_id)]][:2] == [near, other]
    phone.get_received()

    ack = organiser.emit("accept_evidence", {"hypothesis_id": hypothesis_id, "card_id": near}, callback=True)
    assert ack["ok"] and [c["id"] for c in ack["hypothesis"]["evidence"]] == [near]
    [changed] = received(phone, "hypotheses_changed")
    assert [c["id"] for c in changed["hypotheses"][0]["evidence"]] == [near]
    ack = organiser.emit("dismiss_evidence", {"hypothesis_id": hypothesis_id, "card_id": other}, callback=True)
    assert ack["ok"] and received(phone, "hypotheses_changed") == []  # only the organiser sees suggestions
    suggested = organiser.emit("get_evidence_suggestions", {}, callback=True)
    assert {near, other}.isdisjoint(c["id"] for c in suggested["suggestions"][str(hypothesis_id)])

    assert organiser.emit("close_event", {}, callback=True)["ok"]
    before = as_stored()
    for name in ("accept_evidence", "dismiss_evidence"):
        ack = organiser.emit(name, {"hypothesis_id": hypothesis_id, "card_id": other}, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == "closed", ack
    assert organiser.emit("get_evidence_suggestions", {}, callback=True)["ok"]
    assert as_stored() == before


def test_the_organiser_writes_moves_and_deletes_hypotheses_with_their_evidence(
    connect: Connect, event: EventLinks, join: Join
) -> None:
    alix = connect(join(room=0, pseudonym="Alix")["token"])
    bao = connect(join(room=1, pseudonym="Bao")["token"])
    kept = posted(alix, "Un service commun d'urbanisme")
    hidden = posted(bao, "Les maires y perdent la main")
    other = posted(bao, "Une légumerie partagée", column="comment")
    organiser = connect(event.organiser_token)
    choices = organiser.emit("get_evidence_cards", {}, callback=True)
    assert [c["id"] for c in choices["cards"]] == [other["id"], hidden["id"], kept["id"]]
    assert choices["cards"][0]["room_name"] == "Salle 2"

    alix.get_received()
    saved = organiser.emit(
        "save_hypothesis",
        {
            "hypothesis_id": None,
            "text": " La  mutualisation\npasse par la confiance ",
            "evidence": [hidden["id"], kept["id"]],
        },
        callback=True,
    )
    assert saved["ok"]
    new = saved["hypothesis"]
    assert (new["text"], new["state"], new["position"]) == ("La mutualisation passe par la confiance", "draft", 4)
    assert [(c["id"], c["room_name"]) for c in new["evidence"]] == [(hidden["id"], "Salle 2"), (kept["id"], "Salle 1")]
    # A draft changed: phones get the list without it.
    assert received(alix, "hypotheses_changed") == [{"hypotheses": [], "count": 5}]

    moderation.hide_card(link_principal(event.rooms[1].facilitator_token), hidden["id"])
    listed = organiser.emit("get_hypotheses", {}, callback=True)["hypotheses"]
    assert [c["id"] for c in listed[4]["evidence"]] == [kept["id"]]  # hidden: left out
    before = as_stored()
    refused = organiser.emit(
        "save_hypothesis", {"hypothesis_id": new["id"], "text": "Autre", "evidence": [hidden["id"]]}, callback=True
    )
    assert refused["error"]["code"] == "invalid" and refused["error"]["details"]["cards"] == [hidden["id"]]
    assert as_stored() == before

    moved = organiser.emit("move_hypothesis", {"hypothesis_id": new["id"], "position": 0}, callback=True)
    assert moved["hypotheses"][0]["id"] == new["id"]
    assert [h["position"] for h in moved["hypotheses"]] == [0, 1, 2, 3, 4]
    organiser.emit("open_hypothesis", {"hypothesis_id": new["id"]}, callback=True)
    alix.emit("vote_hypothesis", {"hypothesis_id": new["id"], "verdict": "validee"}, callback=True)
    deleted = organiser.emit("delete_hypothesis", {"hypothesis_id": new["id"]}, callback=True)
    assert deleted["ok"] and new["id"] not in [h["id"] for h in deleted["hypotheses"]]
    assert [h["position"] for h in deleted["hypotheses"]] == [0, 1, 2, 3]
    assert as_stored()[1] == []  # its votes went with it
    with db.transaction() as session:
        actions = session.scalars(select(ModerationAction.action).order_by(ModerationAction.id)).all()
    assert [a for a in actions if "hypothesis" in a] == [
        "save_hypothesis",
        "move_hypothesis",
        "open_hypothesis",
        "delete_hypothesis",
    ]


def test_reasons_are_the_six_latest_without_their_authors(connect: Connect, event: EventLinks, join: Join) -> None:
    organiser = connect(event.organiser_token)
    hypothesis_id = first_id(organiser)
    organiser.emit("open_hypothesis", {"hypothesis_id": hypothesis_id}, callback=True)
    for n in range(8):
        phone = connect(join(pseudonym=f"P{n}")["token"])
        ack = phone.emit(
            "vote_hypothesis",
            {"hypothesis_id": hypothesis_id, "verdict": "validee", "reason": f"raison {n}"},
            callback=True,
        )
        assert ack["ok"]
    entry = organiser.emit("get_hypotheses", {}, callback=True)["hypotheses"][0]
    assert entry["results"]["total"] == 8
    assert entry["reasons"] == [{"verdict": "validee", "reason": f"raison {n}"} for n in range(7, 1, -1)]


def test_two_sockets_of_one_phone_voting_at_once_leave_one_vote(event: EventLinks, join: Join) -> None:
    organiser = link_principal(event.organiser_token)
    hypothesis_id = hypotheses.get_hypotheses(organiser)["hypotheses"][0]["id"]
    hypotheses.open_hypothesis(organiser, hypothesis_id)
    phone = participant_principal(join())
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def vote(verdict: str) -> None:
        start.wait()
        try:
            hypotheses.vote_hypothesis(phone, hypothesis_id, verdict, "")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=vote, args=(v,)) for v in ("validee", "infirmee")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    votes = as_stored()[1]
    assert len(votes) == 1 and votes[0][2] in ("validee", "infirmee")


def test_a_template_s_hypotheses_are_checked(app: Any) -> None:
    data = load_template("cooperer-territoires")
    for bad in ([{"text": ""}], [{"text": "x" * 501}], [{"text": "Oui", "evidence": [1]}], ["Oui"]):
        with pytest.raises(Invalid, match="hypothes"):
            check_template(data | {"hypotheses": bad}, "test.toml")
    created = create_event(SECRET, rooms=1, open_boards=True)
    listed = hypotheses.get_hypotheses(link_principal(created.organiser_token))["hypotheses"]
    assert len(listed) == 4 and all(h["evidence"] == [] for h in listed)
