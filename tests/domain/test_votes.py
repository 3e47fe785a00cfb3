"""Domain tests of dot votes and syntheses, without sockets: limits, visibility, who may do what."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select, update

from collab.domain import moderation, rooms, syntheses, votes
from collab.domain.access import Principal
from collab.domain.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from collab.domain.events import EventLinks
from collab.store.database import db
from collab.store.models import Card, Change, Dot, DotVote, ModerationAction, Synthesis
from tests.support.apps import link_principal, participant_principal
from tests.support.cards import posted

FQ = "four_questions"

Join = Callable[..., dict[str, Any]]


def count(model: Any) -> int:
    """Return the number of rows of a table."""
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def facilitator(event: EventLinks, room: int = 0) -> Principal:
    """Return the principal of a room's facilitator link."""
    return link_principal(event.rooms[room].facilitator_token)


def test_a_vote_counts_dots_per_card_and_sync_tells_what_is_left(event: EventLinks, join: Join) -> None:
    alix, bao = join(pseudonym="Alix"), join(pseudonym="Bao")
    first, second = posted(alix, "Première")["id"], posted(bao, "Seconde")["id"]
    opened = votes.open_vote(facilitator(event), event.rooms[0].id, 3)
    assert opened.reply["vote"]["dots"] == 3 and opened.changes
    assert opened.changes[0]["event"] == "vote_opened"

    placed = votes.place_dot(participant_principal(alix), first)
    assert placed.reply["votes"] == 1 and placed.reply["left"] == 2
    votes.place_dot(participant_principal(alix), first)
    last = votes.place_dot(participant_principal(bao), first)
    assert last.changes
    assert last.changes[0]["event"] == "votes_changed" and last.changes[0]["payload"]["votes"] == 3
    votes.place_dot(participant_principal(alix), second)

    answer = rooms.sync_room(participant_principal(alix), event.rooms[0].id, None, 100)
    assert answer["vote"] == {"id": opened.reply["vote"]["id"], "dots": 3, "mine": {str(first): 2, str(second): 1}}
    counted = {card["id"]: card["votes"] for card in answer["snapshot"]["cards"]}
    assert counted == {first: 3, second: 1}
    with pytest.raises(Conflict):
        votes.place_dot(participant_principal(alix), second)  # 3 of 3 placed

    withdrawn = votes.withdraw_dot(participant_principal(alix), first)
    assert withdrawn.reply["votes"] == 2 and withdrawn.reply["left"] == 1
    assert votes.place_dot(participant_principal(alix), second).reply["votes"] == 2


def test_a_new_vote_closes_the_previous_and_counts_start_at_zero(event: EventLinks, join: Join) -> None:
    alix = join()
    card_id = posted(alix, "Une idée")["id"]
    room_id = event.rooms[0].id
    votes.open_vote(facilitator(event), room_id, 2)
    votes.place_dot(participant_principal(alix), card_id)
    second = votes.open_vote(link_principal(event.organiser_token), room_id, 5)
    with db.transaction() as session:
        assert session.scalar(select(func.count()).where(DotVote.closed_at.is_(None))) == 1
    answer = rooms.sync_room(participant_principal(alix), room_id, None, 100)
    assert answer["snapshot"]["cards"][0]["votes"] == 0
    assert answer["vote"] == {"id": second.reply["vote"]["id"], "dots": 5, "mine": {}}
    assert [a.action for a in _actions()] == ["open_vote", "open_vote"]


def test_a_closed_vote_refuses_dots_and_keeps_its_counts(event: EventLinks, join: Join) -> None:
    alix = join()
    card_id = posted(alix, "Une idée")["id"]
    room_id = event.rooms[0].id
    with pytest.raises(Conflict):
        votes.place_dot(participant_principal(alix), card_id)  # no vote yet
    votes.open_vote(facilitator(event), room_id, 2)
    votes.place_dot(participant_principal(alix), card_id)
    closed = votes.close_vote(facilitator(event), room_id)
    assert closed.changes and closed.changes[0]["event"] == "vote_closed"
    before = (count(Dot), count(Change))
    for act in (votes.place_dot, votes.withdraw_dot):
        with pytest.raises(Conflict):
            act(participant_principal(alix), card_id)
    assert (count(Dot), count(Change)) == before
    answer = rooms.sync_room(participant_principal(alix), room_id, None, 100)
    assert answer["vote"] is None and answer["snapshot"]["cards"][0]["votes"] == 1
    # Closing again changes nothing.
    assert votes.close_vote(facilitator(event), room_id).reply == {"seq": None, "vote_id": None}


def test_a_restored_card_comes_back_with_its_dots(event: EventLinks, join: Join) -> None:
    alix = join()
    card_id = posted(alix, "Une idée")["id"]
    votes.open_vote(facilitator(event), event.rooms[0].id, 3)
    votes.place_dot(participant_principal(alix), card_id)
    votes.place_dot(participant_principal(alix), card_id)
    moderation.hide_card(facilitator(event), card_id)
    restored = moderation.restore_card(facilitator(event), card_id)
    assert restored.changes and restored.changes[0]["payload"]["card"]["votes"] == 2


def test_no_dots_on_hidden_held_or_other_rooms_cards(event: EventLinks, join: Join) -> None:
    alix, chloe = join(room=0, pseudonym="Alix"), join(room=1, pseudonym="Chloé")
    hidden, held, elsewhere = (
        posted(alix, "Masquée")["id"],
        posted(alix, "Retenue")["id"],
        posted(chloe, "Ailleurs")["id"],
    )
    moderation.hide_card(facilitator(event), hidden)
    with db.transaction() as session:
        session.execute(update(Card).where(Card.id == held).values(held="reveal"))
    votes.open_vote(facilitator(event), event.rooms[0].id, 3)
    votes.open_vote(facilitator(event, 1), event.rooms[1].id, 3)
    before = (count(Dot), count(Change))
    with pytest.raises(NotFound):
        votes.place_dot(participant_principal(alix), hidden)
    with pytest.raises(NotFound):
        votes.place_dot(participant_principal(alix), held)
    with pytest.raises(NotFound):
        votes.place_dot(participant_principal(alix), 999999)
    with pytest.raises(Forbidden):
        votes.place_dot(participant_principal(alix), elsewhere)
    with pytest.raises(Conflict):
        votes.withdraw_dot(participant_principal(alix), held)  # no dot there
    assert (count(Dot), count(Change)) == before


def test_only_the_rooms_staff_runs_votes_and_only_participants_place_dots(event: EventLinks, join: Join) -> None:
    alix = join()
    card_id = posted(alix, "Une idée")["id"]
    room_id = event.rooms[0].id
    for principal in (facilitator(event, 1), link_principal(event.screen_token), participant_principal(alix)):
        with pytest.raises(Forbidden):
            votes.open_vote(principal, room_id, 3)
        with pytest.raises(Forbidden):
            votes.close_vote(principal, room_id)
    for dots in (0, 21):
        with pytest.raises(Invalid):
            votes.open_vote(facilitator(event), room_id, dots)
    assert count(DotVote) == 0 and count(Change) == 1
    votes.open_vote(facilitator(event), room_id, 3)
    for principal in (facilitator(event), link_principal(event.organiser_token), link_principal(event.screen_token)):
        with pytest.raises(Forbidden):
            votes.place_dot(principal, card_id)
    assert count(Dot) == 0


def test_concurrent_dots_never_exceed_the_vote(event: EventLinks, join: Join) -> None:
    alix = join()
    card_ids = [posted(alix, f"Carte {n}")["id"] for n in range(4)]
    votes.open_vote(facilitator(event), event.rooms[0].id, 3)
    principal = participant_principal(alix)
    outcomes: list[str] = []
    start = threading.Barrier(8)

    def place(card_id: int) -> None:
        start.wait()
        try:
            votes.place_dot(principal, card_id)
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=place, args=(card_ids[n % 4],)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict"] * 5 + ["ok"] * 3
    assert count(Dot) == 3
    with db.transaction() as session:
        seqs = list(session.scalars(select(Change.seq).where(Change.room_id == event.rooms[0].id).order_by(Change.seq)))
    assert seqs == list(range(1, len(seqs) + 1))


def test_a_synthesis_is_drafted_then_published_frozen(event: EventLinks, join: Join) -> None:
    alix = join(pseudonym="Alix", scale="region")
    first, second, hidden = (
        posted(alix, "Première")["id"],
        posted(alix, "Seconde", "comment")["id"],
        posted(alix, "Masquée")["id"],
    )
    room_id = event.rooms[0].id
    moderation.hide_card(facilitator(event), hidden)
    saved = syntheses.save_synthesis(facilitator(event), room_id, FQ, [second, first], {"pourquoi": " Parce que. "})
    assert saved["draft"]["items"] == [second, first] and saved["draft"]["texts"] == {"pourquoi": "Parce que."}
    screen = link_principal(event.screen_token)
    assert syntheses.event_syntheses(screen) == {"syntheses": [], "drafts": []}

    published = syntheses.publish_synthesis(facilitator(event), room_id, FQ)
    assert published["room_name"] == "Salle 1" and published["texts"] == {"pourquoi": "Parce que."}
    assert [(c["text"], c["column"]) for c in published["cards"]] == [("Seconde", "comment"), ("Première", "pourquoi")]
    assert published["cards"][0]["author"] == {"pseudonym": "Alix", "scale": "region"}
    # A card hidden after it was chosen is left out of the next publication.
    moderation.hide_card(facilitator(event), first)
    without = syntheses.publish_synthesis(facilitator(event), room_id, FQ)
    assert [c["text"] for c in without["cards"]] == ["Seconde"]
    moderation.restore_card(facilitator(event), first)
    published = syntheses.publish_synthesis(facilitator(event), room_id, FQ)
    # Later edits of the draft do not change what the screen shows until published again.
    syntheses.save_synthesis(facilitator(event), room_id, FQ, [first], {})
    read = syntheses.event_syntheses(screen)
    assert read["syntheses"] == [published] and read["drafts"] == []
    staff_read = syntheses.event_syntheses(facilitator(event))
    assert staff_read["drafts"][0]["items"] == [first]
    assert syntheses.event_syntheses(facilitator(event, 1))["drafts"] == []
    logged = [a.action for a in _actions() if "synthesis" in a.action]
    assert logged == ["save_synthesis"] + ["publish_synthesis"] * 3 + ["save_synthesis"]


@pytest.mark.parametrize(
    ("items", "texts"),
    [
        ([1, 1], {}),
        ([], {"nope": "x"}),
        ([], {"pourquoi": "x" * 2001}),
    ],
)
def test_a_bad_synthesis_is_refused(event: EventLinks, join: Join, items: list[int], texts: dict[str, str]) -> None:
    with pytest.raises(Invalid):
        syntheses.save_synthesis(facilitator(event), event.rooms[0].id, FQ, items, texts)
    assert count(Synthesis) == 0


def test_synthesis_cards_come_from_the_room_and_only_its_staff_writes_it(event: EventLinks, join: Join) -> None:
    alix, chloe = join(room=0), join(room=1)
    mine, hidden, elsewhere = posted(alix, "Ici")["id"], posted(alix, "Masquée")["id"], posted(chloe, "Ailleurs")["id"]
    moderation.hide_card(facilitator(event), hidden)
    room_id = event.rooms[0].id
    for items in ([elsewhere], [hidden], [999999]):
        with pytest.raises(Invalid):
            syntheses.save_synthesis(facilitator(event), room_id, FQ, items, {})
    for principal in (facilitator(event, 1), link_principal(event.screen_token), participant_principal(alix)):
        with pytest.raises(Forbidden):
            syntheses.save_synthesis(principal, room_id, FQ, [mine], {})
        with pytest.raises(Forbidden):
            syntheses.publish_synthesis(principal, room_id, FQ)
    with pytest.raises(Conflict):
        syntheses.publish_synthesis(facilitator(event), room_id, FQ)  # nothing saved yet
    with pytest.raises(Forbidden):
        syntheses.event_syntheses(participant_principal(alix))
    assert count(Synthesis) == 0


def _actions() -> list[ModerationAction]:
    """Return the moderation log, oldest first."""
    with db.transaction() as session:
        return list(session.scalars(select(ModerationAction).order_by(ModerationAction.id)))
