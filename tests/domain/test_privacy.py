"""Personal data: the privacy notice, a participant erasing themselves, and retention (on both databases)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient, FlaskCliRunner
from flask_socketio import SocketIOTestClient
from sqlalchemy import select, update

from collab.domain import cards, competences, hypotheses, moderation, privacy, syntheses
from collab.domain.access import principal_for_participant
from collab.domain.errors import Forbidden, Unauthorised
from collab.domain.events import EventLinks
from collab.exports.files import export_file
from collab.store.database import db
from collab.store.models import Card, Event, HypothesisVote, MatchAcceptance, Participant, Synthesis
from tests.support.apps import link_principal, participant_principal, received
from tests.support.cards import posted

Join = Callable[..., dict[str, Any]]
Connect = Callable[[str | None], SocketIOTestClient]
SKILL = {"type": "methodes", "scope": "individuel", "keywords": ["concertation"]}
CLOSED_AT = datetime(2027, 3, 1, 17, 0, tzinfo=UTC)


def set_event(event_id: int, **values: Any) -> None:
    """Set columns of an event directly (the organiser's form is built elsewhere)."""
    with db.transaction() as session:
        session.execute(update(Event).where(Event.id == event_id).values(**values))


def a_match(alix: dict[str, Any], bao: dict[str, Any]) -> tuple[int, int]:
    """Have Alix offer and Bao need the same thing, both saying yes with a contact line."""
    offer = cards.post_card(participant_principal(alix), "offer", "competences", "offre", "J'anime", SKILL)
    need = cards.post_card(participant_principal(bao), "need", "competences", "besoin", "Animer", SKILL)
    offer_id, need_id = offer.reply["card"]["id"], need.reply["card"]["id"]
    competences.accept_match(participant_principal(alix), offer_id, need_id, "alix@exemple.fr")
    competences.accept_match(participant_principal(bao), offer_id, need_id, "06 12 34 56 78")
    return offer_id, need_id


def people() -> dict[int, Participant]:
    """Return every participant row by id."""
    with db.transaction() as session:
        found = {p.id: p for p in session.scalars(select(Participant))}
        session.expunge_all()
        return found


def contacts() -> dict[int, str]:
    """Return every contact line by participant id."""
    with db.transaction() as session:
        return {m.participant_id: m.contact for m in session.scalars(select(MatchAcceptance))}


def board(event: EventLinks, room: int = 0) -> list[dict[str, Any]]:
    """Return the room's cards as its facilitator sees them."""
    from collab.domain.rooms import sync_room

    principal = link_principal(event.rooms[room].facilitator_token)
    return list(sync_room(principal, event.rooms[room].id, None, 100)["snapshot"]["cards"])


# The domain: erasing oneself.


def test_withdrawn_keeps_the_cards_without_author_and_erases_contact_lines(event: EventLinks, join: Join) -> None:
    alix, bao = join(pseudonym="Alix"), join(pseudonym="Bao")
    mine = posted(alix, "Pour coopérer", client_id="c-0001")["id"]
    posted(bao, client_id="c-0002")
    a_match(alix, bao)
    set_event(event.id, erase_policy="withdrawn")
    outcome = privacy.erase_participant(participant_principal(alix)).outcome
    assert outcome.reply == {"erased": True, "policy": "withdrawn", "cards": 2, "contacts": 1}
    assert [c["event"] for c in outcome.changes] == ["roles_changed", "card_updated", "card_updated"]
    seqs = [c["payload"]["seq"] for c in outcome.changes]
    assert seqs == list(range(seqs[0], seqs[0] + 3))  # numbered without gaps
    shown = {c["id"]: c for c in board(event)}
    assert shown[mine]["text"] == "Pour coopérer"
    assert shown[mine]["author"] == {"id": alix["id"], "pseudonym": "", "scale": "commune", "erased": True}
    assert [e["pseudonym"] for e in outcome.changes[0]["payload"]["roles"]] == ["Bao"]
    erased = people()[alix["id"]]
    assert erased.pseudonym == "" and erased.erased_at is not None
    assert people()[bao["id"]].pseudonym == "Bao"
    assert contacts() == {alix["id"]: "", bao["id"]: "06 12 34 56 78"}


def test_remove_deletes_the_cards_as_a_deleted_card_and_gives_back_merged_duplicates(
    event: EventLinks, join: Join
) -> None:
    alix, bao = join(pseudonym="Alix"), join(pseudonym="Bao")
    mine, merged_away = (
        posted(alix, "Pour coopérer", client_id="c-0001")["id"],
        posted(alix, "Doublon", client_id="c-0002")["id"],
    )
    theirs, their_duplicate = (
        posted(bao, "Parce que", client_id="c-0003")["id"],
        posted(bao, "Pour coopérer aussi", client_id="c-0004")["id"],
    )
    facilitator = link_principal(event.rooms[0].facilitator_token)
    moderation.merge_cards(facilitator, mine, [their_duplicate])  # Bao's card inside Alix's
    moderation.merge_cards(facilitator, theirs, [merged_away])  # Alix's card inside Bao's
    set_event(event.id, erase_policy="remove")
    outcome = privacy.erase_participant(participant_principal(alix)).outcome
    assert outcome.reply["policy"] == "remove" and outcome.reply["cards"] == 2
    events = [(c["event"], c["payload"].get("card_id")) for c in outcome.changes]
    assert events == [
        ("roles_changed", None),
        ("merge_undone", None),
        ("card_deleted", mine),
        ("card_deleted", merged_away),
        ("card_updated", None),
    ]
    assert [c["id"] for c in outcome.changes[1]["payload"]["cards"]] == [their_duplicate]
    assert outcome.changes[4]["payload"]["card"]["id"] == theirs
    assert outcome.changes[4]["payload"]["card"]["merged"] == []
    shown = board(event)
    assert sorted(c["id"] for c in shown) == [theirs, their_duplicate]
    with db.transaction() as session:
        assert all(c.deleted_at is not None for c in session.scalars(select(Card).where(Card.id.in_([mine]))))


def test_remove_blanks_hypothesis_reasons_and_keeps_the_verdicts(event: EventLinks, join: Join) -> None:
    alix = join(pseudonym="Alix")
    organiser = link_principal(event.organiser_token)
    first = hypotheses.get_hypotheses(organiser)["hypotheses"][0]["id"]
    hypotheses.open_hypothesis(organiser, first)
    hypotheses.vote_hypothesis(participant_principal(alix), first, "a_nuancer", "Selon l'échelle")
    set_event(event.id, erase_policy="remove")
    assert privacy.erase_participant(participant_principal(alix)).hypotheses == [first]  # its results to send again
    with db.transaction() as session:
        vote = session.scalars(select(HypothesisVote)).one()
        assert (vote.verdict, vote.reason) == ("a_nuancer", "")


def test_a_published_synthesis_loses_the_erased_author(event: EventLinks, join: Join) -> None:
    alix, bao = join(pseudonym="Alix"), join(pseudonym="Bao")
    mine, theirs = posted(alix, "Pour coopérer", client_id="c-0001")["id"], posted(bao, client_id="c-0002")["id"]
    facilitator = link_principal(event.rooms[0].facilitator_token)
    syntheses.save_synthesis(facilitator, event.rooms[0].id, "four_questions", [mine, theirs], {})
    syntheses.publish_synthesis(facilitator, event.rooms[0].id, "four_questions")
    erasure = privacy.erase_participant(participant_principal(alix))  # the default policy: withdrawn
    with db.transaction() as session:
        published = session.scalars(select(Synthesis)).one().published
    assert published is not None and erasure.syntheses == [published]  # to send again
    assert [c["author"] for c in published["cards"]] == [
        {"pseudonym": "", "scale": "commune", "erased": True},
        {"pseudonym": "Bao", "scale": "commune"},
    ]


def test_an_erased_participant_is_nobody_afterwards(event: EventLinks, join: Join) -> None:
    alix = join(pseudonym="Alix")
    principal = participant_principal(alix)
    privacy.erase_participant(principal)
    with pytest.raises(Unauthorised):
        principal_for_participant(alix["id"])
    with pytest.raises(Unauthorised):
        privacy.erase_participant(principal)  # twice: nobody left to erase
    with pytest.raises(Unauthorised):
        cards.post_card(principal, "late", "four_questions", "pourquoi", "Encore moi")  # a socket still open


def test_only_a_participant_erases_themselves(event: EventLinks) -> None:
    for token in (event.organiser_token, event.screen_token, event.rooms[0].facilitator_token):
        with pytest.raises(Forbidden):
            privacy.erase_participant(link_principal(token))


def test_the_exports_show_an_erased_author_without_pseudonym(event: EventLinks, join: Join) -> None:
    alix, bao = join(pseudonym="Alixandrine"), join(pseudonym="Bao")
    ids = [posted(alix, "Pour coopérer", client_id="c-0001")["id"], posted(bao, "Parce que", client_id="c-0002")["id"]]
    cards.post_card(participant_principal(alix), "need", "competences", "besoin", "Un juriste", SKILL)
    facilitator = link_principal(event.rooms[0].facilitator_token)
    syntheses.save_synthesis(facilitator, event.rooms[0].id, "four_questions", ids, {})
    syntheses.publish_synthesis(facilitator, event.rooms[0].id, "four_questions")
    privacy.erase_participant(participant_principal(alix))
    for fmt in ("json", "md", "html", "csv"):
        body = export_file(event.id, fmt, True).body
        assert "Alixandrine" not in body, fmt
        assert "Pour coopérer" in body and "Un juriste" in body and "Bao" in body, fmt
        if fmt != "json":
            assert "contribution retirée" in body, fmt
    archive = json.loads(export_file(event.id, "json", True).body)
    [erased] = [p for p in archive["tables"]["participants"] if p["id"] == alix["id"]]
    assert erased["pseudonym"] == "" and erased["erased_at"] is not None


# The domain: retention.


def test_an_event_is_anonymised_once_its_retention_has_passed(event: EventLinks, join: Join) -> None:
    alix, bao = join(pseudonym="Alix"), join(pseudonym="Bao")
    mine = posted(alix, "Pour coopérer", client_id="c-0001")["id"]
    a_match(alix, bao)
    set_event(event.id, closed_at=CLOSED_AT, retention_days=30)
    assert privacy.anonymise_due_events(CLOSED_AT + timedelta(days=30) - timedelta(seconds=1)) == []
    assert people()[alix["id"]].pseudonym == "Alix" and contacts()[bao["id"]] == "06 12 34 56 78"
    deadline = CLOSED_AT + timedelta(days=30)
    [done] = privacy.anonymise_due_events(deadline)
    assert done == {
        "id": event.id,
        "title": done["title"],
        "join_code": event.join_code,
        "anonymised_at": "2027-03-31T17:00:00Z",
        "pseudonyms": 2,
        "contacts": 2,
    }
    assert all(p.pseudonym == "" and p.erased_at is not None for p in people().values())
    assert set(contacts().values()) == {""}
    shown = {c["id"]: c for c in board(event)}
    assert shown[mine]["text"] == "Pour coopérer" and shown[mine]["author"]["erased"] is True
    with db.transaction() as session:
        anonymised_at = session.scalar(select(Event.anonymised_at).where(Event.id == event.id))
    assert anonymised_at is not None
    assert privacy.anonymise_due_events(deadline + timedelta(days=1)) == []  # once


def test_retention_waits_for_the_close_and_a_retention_set(event: EventLinks, join: Join) -> None:
    join(pseudonym="Alix")
    later = datetime(2030, 1, 1, tzinfo=UTC)
    set_event(event.id, retention_days=1)  # not closed
    assert privacy.anonymise_due_events(later) == []
    set_event(event.id, retention_days=None, closed_at=CLOSED_AT)  # closed, kept until deleted
    assert privacy.anonymise_due_events(later) == []
    set_event(event.id, retention_days=0)  # anonymised as soon as it closes
    assert [e["id"] for e in privacy.anonymise_due_events(CLOSED_AT)] == [event.id]


def test_purge_prints_what_it_did(event: EventLinks, join: Join, runner: FlaskCliRunner) -> None:
    join(pseudonym="Alix")
    set_event(event.id, closed_at=CLOSED_AT, retention_days=7)
    before = runner.invoke(args=["purge", "--json", "--now", "2027-03-08T16:59:59"])
    assert before.exit_code == 0, before.output
    assert json.loads(before.output) == {"anonymised": []}
    assert "No event is due" in runner.invoke(args=["purge", "--now", "2027-03-08T16:59:59Z"]).output
    after = runner.invoke(args=["purge", "--now", "2027-03-08T17:00:00+00:00"])
    assert after.exit_code == 0, after.output
    assert f"Anonymised event {event.join_code}" in after.output and "1 pseudonyms" in after.output
    assert json.loads(runner.invoke(args=["purge", "--json"]).output) == {"anonymised": []}
    assert runner.invoke(args=["purge", "--now", "demain"]).exit_code != 0


# The privacy notice.


def test_the_privacy_notice_says_what_is_kept_how_long_and_whom_to_ask(event: EventLinks, client: FlaskClient) -> None:
    page = client.get(f"/j/{event.join_code}/confidentialite").get_data(as_text=True)
    assert "organisateur supprime le séminaire" in page  # kept until then: no retention set
    assert "organisateur sur place" in page  # no contact set
    set_event(event.id, retention_days=30, contact="dpo@ville-exemple.fr")
    page = client.get(f"/j/{event.join_code.lower()}/confidentialite").get_data(as_text=True)
    assert "30 jours après la clôture" in page and "dpo@ville-exemple.fr" in page
    english = client.get(f"/j/{event.join_code}/confidentialite?lang=en").get_data(as_text=True)
    assert "30 days after the close" in english
    assert f'href="/j/{event.join_code}/confidentialite"' in client.get(f"/j/{event.join_code}").get_data(as_text=True)
    assert client.get("/j/NOPE99/confidentialite").status_code == 404


# Over sockets.


@pytest.fixture
def room(event: EventLinks, join: Join, connect: Connect) -> dict[str, Any]:
    """Alix (with a card) and Bao in room 1, its facilitator, the screen; inboxes emptied."""
    alix = join(pseudonym="Alix")
    clients = {
        "alix": connect(alix["token"]),
        "alix_tab": connect(alix["token"]),
        "bao": connect(join(pseudonym="Bao")["token"]),
        "facilitator": connect(event.rooms[0].facilitator_token),
        "screen": connect(event.screen_token),
    }
    card = posted(alix, "Pour coopérer", client_id="c-0001")["id"]
    for sio in clients.values():
        sio.get_received()
    return clients | {"card": card, "token": alix["token"]}


@pytest.mark.parametrize("policy", ["remove", "withdrawn"])
def test_the_room_sees_an_erasure_live_and_the_token_is_refused(
    event: EventLinks, room: dict[str, Any], connect: Connect, policy: str
) -> None:
    set_event(event.id, erase_policy=policy)
    ack = room["alix"].emit("erase_me", {"confirm": True}, callback=True)
    assert ack["ok"] is True and ack["policy"] == policy
    for name in ("bao", "facilitator", "screen"):
        if policy == "remove":
            assert received(room[name], "card_deleted")[0]["card_id"] == room["card"]
        else:
            [updated] = received(room[name], "card_updated")
            assert updated["card"]["id"] == room["card"] and updated["card"]["author"]["erased"] is True
    assert not room["alix_tab"].is_connected()  # the phone's other tab is closed
    later = room["alix"].emit(
        "post_card", {"client_id": "late", "board": "four_questions", "column": "pourquoi", "text": "x"}, callback=True
    )
    assert later["error"]["code"] == "unauthorised"
    assert not connect(room["token"]).is_connected()


def test_erase_me_refuses_bad_payloads_and_other_roles(room: dict[str, Any]) -> None:
    for bad in ({}, {"confirm": False}, {"confirm": "yes"}, {"confirm": True, "everyone": True}):
        ack = room["alix"].emit("erase_me", bad, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == "invalid", bad
    for name in ("facilitator", "screen"):
        assert room[name].emit("erase_me", {"confirm": True}, callback=True)["error"]["code"] == "forbidden"
    assert people()[1].pseudonym == "Alix" and people()[1].erased_at is None


def test_a_participant_erases_themselves_after_the_close(event: EventLinks, room: dict[str, Any]) -> None:
    from collab.domain.closing import close_event

    close_event(link_principal(event.organiser_token))
    assert room["alix"].emit("erase_me", {"confirm": True}, callback=True)["ok"] is True


def test_the_screen_gets_the_results_again_when_a_reason_is_blanked(event: EventLinks, room: dict[str, Any]) -> None:
    organiser = link_principal(event.organiser_token)
    first = hypotheses.get_hypotheses(organiser)["hypotheses"][0]["id"]
    hypotheses.open_hypothesis(organiser, first)
    vote = {"hypothesis_id": first, "verdict": "a_nuancer", "reason": "Selon l'échelle"}
    assert room["alix"].emit("vote_hypothesis", vote, callback=True)["ok"]
    assert received(room["screen"], "hypothesis_results")[-1]["reasons"] != []
    set_event(event.id, erase_policy="remove")
    assert room["alix"].emit("erase_me", {"confirm": True}, callback=True)["ok"]
    [results] = received(room["screen"], "hypothesis_results")
    assert results["reasons"] == [] and results["results"]["total"] == 1  # the verdict still counts


def test_the_screen_gets_a_published_synthesis_again_without_the_erased_author(
    event: EventLinks, room: dict[str, Any]
) -> None:
    facilitator = link_principal(event.rooms[0].facilitator_token)
    syntheses.save_synthesis(facilitator, event.rooms[0].id, "four_questions", [room["card"]], {})
    syntheses.publish_synthesis(facilitator, event.rooms[0].id, "four_questions")
    assert room["alix"].emit("erase_me", {"confirm": True}, callback=True)["ok"]
    [again] = received(room["screen"], "synthesis_published")
    assert again["synthesis"]["cards"][0]["author"] == {"pseudonym": "", "scale": "commune", "erased": True}
