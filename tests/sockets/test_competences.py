"""Atelier 3 over sockets: offers and needs posted, pairs proposed across rooms, people put in touch,
and the map of the event for the consoles and the screen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_socketio import SocketIOTestClient

from collab.domain.events import EventLinks
from collab.store.models import Card, Change, MatchAcceptance
from tests.support.apps import received
from tests.support.cards import counted, post

Join = Callable[..., dict[str, Any]]
Connect = Callable[[str | None], SocketIOTestClient]


# What the tests count before and after: cards, changes and acceptances.
WRITTEN = (Card, Change, MatchAcceptance)


def skill(kind: str = "savoir_faire", scope: str = "individuel", keywords: list[str] | None = None) -> dict[str, Any]:
    """Return the skill of an offer or a need."""
    return {"type": kind, "scope": scope, "keywords": keywords or []}


def test_an_offer_or_a_need_is_typed_or_refused(connect: Connect, join: Join) -> None:
    phone = connect(join()["token"])
    before = counted(*WRITTEN)
    base = {"client_id": "client-0001", "board": "competences", "column": "offre", "text": "Je sais animer"}
    refusals = [
        base,  # no skill on a competences board
        base | {"skill": skill(kind="magie")},
        base | {"skill": skill(scope="planetaire")},
        base | {"skill": skill(keywords=["a", "b", "c", "d", "e", "f"])},
        base | {"skill": skill(keywords=["x" * 41])},
        base | {"skill": skill(keywords=["   "])},
        base | {"skill": {"type": "methodes", "scope": "individuel", "keywords": [], "level": 3}},
        base | {"board": "four_questions", "column": "comment", "skill": skill()},  # a grid card has no skill
    ]
    for payload in refusals:
        ack = phone.emit("post_card", payload, callback=True)
        assert not ack["ok"] and ack["error"]["code"] == "invalid", payload
    assert counted(*WRITTEN) == before
    ack = phone.emit(
        "post_card", base | {"skill": skill(keywords=[" Concertation ", "concertation", "SIG"])}, callback=True
    )
    assert ack["ok"]
    assert ack["card"]["skill"] == {"type": "savoir_faire", "scope": "individuel", "keywords": ["Concertation", "SIG"]}


def test_pairs_are_proposed_across_rooms_and_people_put_in_touch(
    connect: Connect, event: EventLinks, join: Join
) -> None:
    alix = connect(join(room=0, pseudonym="Alix")["token"])
    bao = connect(join(room=1, pseudonym="Bao")["token"])
    chloe = connect(join(room=2, pseudonym="Chloé")["token"])
    offer = post(
        alix,
        "J'anime des réunions de concertation avec les habitants",
        "offre",
        "competences",
        skill=skill(keywords=["concertation"]),
    )
    own_need = post(
        alix,
        "Je cherche à animer des réunions de concertation",
        "besoin",
        "competences",
        skill=skill(keywords=["concertation"]),
    )
    need = post(
        bao,
        "Animer une concertation avec les habitants du quartier",
        "besoin",
        "competences",
        skill=skill(keywords=["concertation"]),
    )
    assert offer["ok"] and own_need["ok"] and need["ok"]
    offer_id, need_id = offer["card"]["id"], need["card"]["id"]

    mine = bao.emit("get_matches", {}, callback=True)
    assert mine["ok"] and mine["offers"] == []
    [entry] = mine["needs"]
    assert entry["card"]["id"] == need_id
    best = entry["matches"][0]
    assert best["offer"]["id"] == offer_id and best["offer"]["author"]["pseudonym"] == "Alix"
    assert best["offer"]["room_name"] == event.rooms[0].name
    assert best["same_type"] and best["score"] > 0
    assert (best["accepted_by_me"], best["accepted_by_them"], best["contact"]) == (False, False, None)
    # Nobody is proposed their own offer.
    alix_view = alix.emit("get_matches", {}, callback=True)
    own = next(e for e in alix_view["needs"] if e["card"]["id"] == own_need["card"]["id"])
    assert offer_id not in [m["offer"]["id"] for m in own["matches"]]

    for sio in (alix, bao, chloe):
        sio.get_received()
    first = bao.emit(
        "accept_match", {"offer_id": offer_id, "need_id": need_id, "contact": " bao@exemple.fr "}, callback=True
    )
    assert first["ok"] and first["match"]["accepted_by_me"] and not first["match"]["accepted_by_them"]
    assert first["match"]["contact"] is None and first["match"]["my_contact"] == "bao@exemple.fr"
    for sio in (alix, bao):
        assert received(sio, "match_changed") == [{"offer_id": offer_id, "need_id": need_id}]
    assert received(chloe, "match_changed") == []
    waiting = next(m for e in alix.emit("get_matches", {}, callback=True)["offers"] for m in e["matches"])
    assert waiting["accepted_by_them"] and not waiting["accepted_by_me"] and waiting["contact"] is None

    # A third person cannot say yes for them.
    assert (
        chloe.emit("accept_match", {"offer_id": offer_id, "need_id": need_id}, callback=True)["error"]["code"]
        == "forbidden"
    )
    both = alix.emit(
        "accept_match", {"offer_id": offer_id, "need_id": need_id, "contact": "06 12 34 56 78"}, callback=True
    )
    assert both["match"]["contact"] == "bao@exemple.fr"
    seen_by_bao = bao.emit("get_matches", {}, callback=True)["needs"][0]["matches"][0]
    assert seen_by_bao["contact"] == "06 12 34 56 78"

    withdrawn = bao.emit("withdraw_match", {"offer_id": offer_id, "need_id": need_id}, callback=True)
    assert withdrawn == {"ok": True}
    after = alix.emit("get_matches", {}, callback=True)["offers"][0]["matches"][0]
    assert (after["accepted_by_them"], after["contact"]) == (False, None)


def test_a_pair_is_refused_when_it_is_not_one(connect: Connect, join: Join) -> None:
    alix = connect(join(room=0, pseudonym="Alix")["token"])
    bao = connect(join(room=1, pseudonym="Bao")["token"])
    offer = post(alix, "Je connais les fonds LEADER", "offre", "competences", skill=skill())["card"]["id"]
    own_need = post(alix, "Je cherche des fonds LEADER", "besoin", "competences", skill=skill())["card"]["id"]
    need = post(bao, "Monter un dossier LEADER", "besoin", "competences", skill=skill())["card"]["id"]
    grid = bao.emit(
        "post_card",
        {"client_id": "client-grid-1", "board": "four_questions", "column": "comment", "text": "x"},
        callback=True,
    )["card"]["id"]
    before = counted(*WRITTEN)
    refusals = {
        (need, offer): "invalid",  # the other way round
        (offer, own_need): "invalid",  # the same person on both sides
        (offer, grid): "not_found",  # not a competence card
        (offer, 99999): "not_found",
    }
    for (offer_id, need_id), code in refusals.items():
        ack = alix.emit("accept_match", {"offer_id": offer_id, "need_id": need_id}, callback=True)
        assert ack["error"]["code"] == code, (offer_id, need_id, ack)
    too_long = alix.emit("accept_match", {"offer_id": offer, "need_id": need, "contact": "x" * 201}, callback=True)
    assert too_long["error"]["code"] == "invalid"
    assert counted(*WRITTEN) == before


def test_the_map_shows_types_gaps_and_strong_pairs(connect: Connect, event: EventLinks, join: Join) -> None:
    alix = connect(join(room=0, pseudonym="Alix")["token"])
    bao = connect(join(room=1, pseudonym="Bao")["token"])
    screen = connect(event.screen_token)
    console = connect(event.rooms[0].facilitator_token)
    empty = screen.emit("get_competence_map", {}, callback=True)
    assert empty["ok"] and empty["totals"] == {"offers": 0, "needs": 0, "matches": 0, "gaps": 0}
    assert [t["type"] for t in empty["types"]] == ["savoirs", "savoir_faire", "savoir_etre", "methodes"]

    for sio in (alix, bao, screen, console):
        sio.get_received()
    offer = post(
        alix,
        "Je maîtrise les SIG et la cartographie",
        "offre",
        "competences",
        skill=skill(kind="savoirs", keywords=["cartographie"]),
    )
    for sio in (alix, bao, screen, console):
        assert received(sio, "competences_changed") == [{"event_id": event.id}]
    post(
        bao,
        "Il me faut une cartographie du foncier agricole",
        "besoin",
        "competences",
        skill=skill(kind="savoirs", keywords=["cartographie"]),
    )
    gap = post(
        bao, "Apprendre le chant lyrique pour nos veillées", "besoin", "competences", skill=skill(kind="savoir_etre")
    )
    answer = console.emit("get_competence_map", {}, callback=True)
    assert answer["totals"]["offers"] == 1 and answer["totals"]["needs"] == 2
    savoirs = next(t for t in answer["types"] if t["type"] == "savoirs")
    assert (savoirs["label"], savoirs["offers"], savoirs["needs"]) == ("Savoirs", 1, 1)
    assert gap["card"]["id"] in [card["id"] for card in answer["gaps"]]
    assert answer["top"][0]["offer"]["id"] == offer["card"]["id"]
    assert "contact" not in answer["top"][0]

    # A hidden offer leaves the map; everyone hears that the pairs changed.
    for sio in (alix, bao, screen):
        sio.get_received()
    assert console.emit("hide_card", {"card_id": offer["card"]["id"]}, callback=True)["ok"]
    for sio in (alix, bao, screen):
        assert received(sio, "competences_changed") == [{"event_id": event.id}]
    hidden = screen.emit("get_competence_map", {}, callback=True)
    assert hidden["totals"]["offers"] == 0 and hidden["top"] == []
    # A grid card changes no pair: nobody is told.
    alix.emit("post_card", {"client_id": "client-grid-2", "board": "four_questions", "column": "comment", "text": "x"})
    assert received(bao, "competences_changed") == []
    assert alix.emit("get_competence_map", {}, callback=True)["error"]["code"] == "forbidden"


def test_pairs_follow_a_room_renamed_and_a_card_edited(connect: Connect, event: EventLinks, join: Join) -> None:
    alix = connect(join(room=0, pseudonym="Alix")["token"])
    bao = connect(join(room=1, pseudonym="Bao")["token"])
    organiser = connect(event.organiser_token)
    offer = post(
        alix,
        "Je connais bien les fonds européens LEADER",
        "offre",
        "competences",
        skill=skill(kind="savoirs", keywords=["LEADER"]),
    )
    post(
        bao,
        "Monter un dossier de fonds européens LEADER",
        "besoin",
        "competences",
        skill=skill(kind="savoirs", keywords=["LEADER"]),
    )
    before = bao.emit("get_matches", {}, callback=True)["needs"][0]["matches"][0]
    assert before["offer"]["room_name"] == event.rooms[0].name

    assert organiser.emit("rename_room", {"room_id": event.rooms[0].id, "name": "Salle du Lac"}, callback=True)["ok"]
    edited = {"card_id": offer["card"]["id"], "text": "Je connais les fonds LEADER et le FEDER"}
    assert organiser.emit("edit_card", edited, callback=True)["ok"]
    after = bao.emit("get_matches", {}, callback=True)["needs"][0]["matches"][0]
    assert (after["offer"]["room_name"], after["offer"]["text"]) == ("Salle du Lac", edited["text"])
