"""The grille de lecture's curation: proposals drawn from the day's cards, points, their rooms, the published grid."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from collab.domain import grid, moderation, syntheses, votes
from collab.domain.access import Principal
from collab.domain.errors import Conflict, Forbidden, Invalid
from collab.domain.events import EventLinks
from collab.domain.record import event_record
from collab.exports.archive import archive_event
from collab.store.database import db
from collab.store.models import Event, GridPoint, ModerationAction
from tests.support.apps import link_principal, participant_principal
from tests.support.cards import counted, posted
from tests.support.matrix import fingerprint

Join = Callable[..., dict[str, Any]]


def facilitator(event: EventLinks, room: int = 0) -> Principal:
    """Return the principal of a room's facilitator."""
    return link_principal(event.rooms[room].facilitator_token)


def organiser(event: EventLinks) -> Principal:
    """Return the organiser's principal."""
    return link_principal(event.organiser_token)


def question(curation: grid.Curation, key: str) -> dict[str, Any]:
    """Return one question of a curation."""
    return next(q for q in curation["questions"] if q["key"] == key)


def proposed(curation: grid.Curation, key: str) -> list[str]:
    """Return the texts proposed under a question, in rank order."""
    return [p["text"] for p in question(curation, key)["proposals"]]


def test_proposals_group_rooms_rank_syntheses_and_dots_and_leave_out_hidden_merged_and_spam(
    event: EventLinks, join: Join
) -> None:
    here, there = join(room=0, pseudonym="Alix"), join(room=1, pseudonym="Bao")
    spam = posted(here, "Achetez " * 62, "pourquoi")  # 496 characters, posted first
    dotted = posted(here, "Partager les moyens", "pourquoi")
    kept = posted(here, "Ne pas rester seul face aux enjeux", "pourquoi")
    twin = posted(there, "Mutualiser les services", "pourquoi")
    twin_too = posted(here, "Mutualisation des services", "pourquoi")
    hidden = posted(here, "Une carte masquée", "pourquoi")
    duplicate = posted(here, "Partager des moyens !", "pourquoi")
    moderation.hide_card(facilitator(event), hidden["id"])
    moderation.merge_cards(facilitator(event), dotted["id"], [duplicate["id"]])
    votes.open_vote(facilitator(event), event.rooms[0].id, 3)
    votes.place_dot(participant_principal(here), dotted["id"])
    syntheses.save_synthesis(facilitator(event), event.rooms[0].id, "four_questions", [kept["id"]], {})

    curation = grid.get_grid(organiser(event))
    proposals = question(curation, "pourquoi")["proposals"]
    assert [p["text"] for p in proposals][:3] == [
        "Ne pas rester seul face aux enjeux",  # in a synthesis
        "Partager les moyens",  # a dot
        "Mutualiser les services",  # two rooms' words, grouped
    ]
    assert proposals[0]["synthesised"] == 1 and proposals[1]["dots"] == 1
    grouped = proposals[2]
    assert sorted(grouped["cards"]) == sorted([twin["id"], twin_too["id"]])
    assert grouped["rooms"] == [event.rooms[0].name, event.rooms[1].name]
    # The spam card alone comes last, cut to a point's length; hidden and merged cards are not proposed.
    assert proposals[-1]["cards"] == [spam["id"]] and len(proposals[-1]["text"]) == grid.TEXT_MAX
    every = {card for p in proposals for card in p["cards"]}
    assert hidden["id"] not in every and duplicate["id"] not in every
    # A facilitator's proposals come from their own room's cards.
    theirs = question(grid.get_grid(facilitator(event, 1)), "pourquoi")["proposals"]
    assert [p["cards"] for p in theirs] == [[twin["id"]]]


def test_points_take_cards_out_of_the_proposals_and_merging_unites_them(event: EventLinks, join: Join) -> None:
    alix = join(room=0)
    first = posted(alix, "Qui porte le projet ?", "comment")["id"]
    second = posted(alix, "Qui le finance ?", "comment")["id"]
    third = posted(alix, "Quel calendrier ?", "comment")["id"]
    mine = facilitator(event)
    grid.save_point(mine, None, "comment", "Qui porte le projet ?", [first])
    view = grid.save_point(mine, None, "comment", "Qui le finance ?", [second])["curation"]
    assert proposed(view, "comment") == ["Quel calendrier ?"]
    with pytest.raises(Conflict):
        grid.save_point(mine, None, "comment", "Encore", [first])
    with pytest.raises(Invalid):
        grid.save_point(mine, None, "comment", "Une autre question", [posted(alix, "Car", "pourquoi")["id"]])
    kept, other = (p["id"] for p in question(view, "comment")["points"])
    merged = grid.merge_points(mine, kept, other, "Qui porte et finance le projet ?")["curation"]
    points = question(merged, "comment")["points"]
    assert [(p["id"], p["text"], p["cards"], p["position"]) for p in points] == [
        (kept, "Qui porte et finance le projet ?", [first, second], 0)
    ]
    third_point = grid.save_point(mine, None, "comment", "Quel calendrier ?", [third])["curation"]
    ids = [p["id"] for p in question(third_point, "comment")["points"]]
    moved = grid.move_point(mine, ids[1], 0)["curation"]
    assert [p["id"] for p in question(moved, "comment")["points"]] == [ids[1], ids[0]]
    deleted = grid.delete_point(mine, ids[0])["curation"]
    assert sorted(proposed(deleted, "comment")) == ["Qui le finance ?", "Qui porte le projet ?"]


def test_publishing_snapshots_every_point_in_the_contract_shape_with_stable_ids(event: EventLinks, join: Join) -> None:
    card = posted(join(room=1), "Des élus engagés", "conditions")["id"]
    grid.save_point(facilitator(event, 1), None, "conditions", "Les élus sont-ils engagés ?", [card])
    grid.save_point(organiser(event), None, "pourquoi", "Pourquoi coopérer ?", [])
    grid.save_point(facilitator(event, 0), None, "pourquoi", "Qui y gagne ?", [])
    grid.publish_grid(facilitator(event, 0))
    with db.transaction() as session:
        published = session.get(Event, event.id)
        assert published is not None and published.grid_published_at is not None
        snapshot = published.grid
        assert snapshot is not None
        ids = {p.text: p.id for p in session.query(GridPoint)}
    assert snapshot == {
        "title": "Les quatre questions",
        "questions": [
            {
                "key": "pourquoi",
                "label": "Pourquoi ?",
                "hint": snapshot["questions"][0]["hint"],
                "points": [
                    {"id": ids["Pourquoi coopérer ?"], "text": "Pourquoi coopérer ?", "cards": []},
                    {"id": ids["Qui y gagne ?"], "text": "Qui y gagne ?", "cards": []},
                ],
            },
            {"key": "pour_quoi", "label": "Pour quoi ?", "hint": snapshot["questions"][1]["hint"], "points": []},
            {"key": "comment", "label": "Comment ?", "hint": snapshot["questions"][2]["hint"], "points": []},
            {
                "key": "conditions",
                "label": "Dans quelles conditions ?",
                "hint": snapshot["questions"][3]["hint"],
                "points": [
                    {"id": ids["Les élus sont-ils engagés ?"], "text": "Les élus sont-ils engagés ?", "cards": [card]}
                ],
            },
        ],
    }
    assert all(isinstance(q["hint"], str) for q in snapshot["questions"])
    # Edited then published again: the same ids, the new words.
    grid.save_point(organiser(event), ids["Qui y gagne ?"], None, "Qui y gagne, qui y perd ?", [])
    again = grid.publish_grid(organiser(event))["curation"]["published"]
    assert again is not None
    assert [(p["id"], p["text"]) for p in again["questions"][0]["points"]] == [
        (ids["Pourquoi coopérer ?"], "Pourquoi coopérer ?"),
        (ids["Qui y gagne ?"], "Qui y gagne, qui y perd ?"),
    ]
    record = event_record(event.id, competences=False)["grid"]
    assert record["questions"] == again["questions"] and record["published_at"] == again["published_at"]
    tables = archive_event(event.id)["tables"]
    assert len(tables["grid_points"]) == 3 and "grid_answers" not in tables
    assert tables["events"][0]["grid"]["questions"] == again["questions"]
    assert grid.withdraw_grid(organiser(event))["curation"]["published"] is None
    logged = select(ModerationAction.action, func.count()).group_by(ModerationAction.action)
    with db.transaction() as session:
        actions = dict(session.execute(logged).tuples().all())
    assert actions == {"add_grid_point": 3, "edit_grid_point": 1, "publish_grid": 2, "withdraw_grid": 1}
    assert event_record(event.id, competences=False)["grid"] is None


def test_a_facilitator_touches_their_room_s_points_only_and_a_refusal_writes_nothing(
    event: EventLinks, join: Join
) -> None:
    theirs = grid.save_point(facilitator(event, 1), None, "comment", "Avec qui ?", [])["curation"]
    point = question(theirs, "comment")["points"][0]
    assert point["editable"] is True
    seen = question(grid.get_grid(facilitator(event, 0)), "comment")["points"]
    assert [(p["id"], p["editable"]) for p in seen] == [(point["id"], False)]
    mine = grid.save_point(facilitator(event, 0), None, "comment", "Comment ?", [])["curation"]
    other = question(mine, "comment")["points"][1]["id"]
    camille = participant_principal(join(room=0))
    refusals: list[Callable[[], object]] = [
        lambda: grid.save_point(facilitator(event, 0), point["id"], None, "Pris", []),
        lambda: grid.delete_point(facilitator(event, 0), point["id"]),
        lambda: grid.move_point(facilitator(event, 0), point["id"], 1),
        lambda: grid.merge_points(facilitator(event, 0), other, point["id"], "Les deux"),
        lambda: grid.save_point(camille, None, "comment", "Moi aussi", []),
        lambda: grid.save_point(facilitator(event, 0), None, "comment", " " * 5, []),
        lambda: grid.save_point(facilitator(event, 0), None, "comment", "x" * (grid.TEXT_MAX + 1), []),
        lambda: grid.save_point(facilitator(event, 0), None, "ailleurs", "Où ?", []),
    ]
    before = fingerprint()
    for refusal in refusals:
        with pytest.raises((Forbidden, Invalid)):
            refusal()
    assert fingerprint() == before
    # The organiser acts on every room's points.
    grid.delete_point(organiser(event), point["id"])
    assert counted(GridPoint) == (1,)
