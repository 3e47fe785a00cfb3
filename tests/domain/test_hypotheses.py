"""Domain tests of the hypotheses: results by the voters' scale, and the evidence collab suggests."""

from __future__ import annotations

import itertools
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from collab.domain import hypotheses, record
from collab.domain.access import Principal
from collab.domain.errors import Conflict, DomainError, Invalid, NotFound
from collab.domain.events import EventLinks
from collab.domain.matching import folded_words, ngram_weights
from collab.domain.templates import DEFAULT_TEMPLATE, load_template
from collab.store.database import db
from collab.store.models import Event, Hypothesis
from tests.support.apps import link_principal, participant_principal
from tests.support.cards import posted
from tests.support.matrix import fingerprint

Join = Callable[..., dict[str, Any]]
ROOT = Path(__file__).resolve().parents[2]


def organiser(event: EventLinks) -> Principal:
    """Return the organiser's principal."""
    return link_principal(event.organiser_token)


def opened(event: EventLinks) -> int:
    """Put the template's first hypothesis to the vote and return its id."""
    first = hypotheses.get_hypotheses(organiser(event))["hypotheses"][0]["id"]
    hypotheses.open_hypothesis(organiser(event), first)
    return int(first)


def vote(person: dict[str, Any], hypothesis_id: int, verdict: str) -> None:
    """Give a participant's verdict."""
    hypotheses.vote_hypothesis(participant_principal(person), hypothesis_id, verdict, "")


def test_results_by_scale_follow_the_event_s_scales_and_a_changed_vote_moves(event: EventLinks, join: Join) -> None:
    hypothesis_id = opened(event)
    people = {
        "a": join(pseudonym="A", scale="region"),
        "b": join(pseudonym="B", scale="commune"),
        "c": join(pseudonym="C", scale="region"),
        "d": join(pseudonym="D", scale="commune"),
        "e": join(pseudonym="E", scale="etat"),
    }
    for name, verdict in zip("abcde", ("validee", "infirmee", "a_nuancer", "infirmee", "validee"), strict=True):
        vote(people[name], hypothesis_id, verdict)

    live = hypotheses.vote_results(hypothesis_id)
    assert live["results"] == {"validee": 2, "infirmee": 2, "a_nuancer": 1, "total": 5}
    # The event's order (commune before région before État), scales without a vote left out.
    assert live["by_scale"] == [
        {"scale": "commune", "label": "Commune", "results": {"validee": 0, "infirmee": 2, "a_nuancer": 0, "total": 2}},
        {"scale": "region", "label": "Région", "results": {"validee": 1, "infirmee": 0, "a_nuancer": 1, "total": 2}},
        {
            "scale": "etat",
            "label": "État / national",
            "results": {"validee": 1, "infirmee": 0, "a_nuancer": 0, "total": 1},
        },
    ]

    # B changes their mind: their vote leaves the commune's "infirmée" for its "validée".
    vote(people["b"], hypothesis_id, "validee")
    commune = hypotheses.vote_results(hypothesis_id)["by_scale"][0]
    assert commune["results"] == {"validee": 1, "infirmee": 1, "a_nuancer": 0, "total": 2}
    listed = hypotheses.get_hypotheses(organiser(event))["hypotheses"][0]
    assert listed["by_scale"][0] == commune

    [entry] = [h for h in record.event_record(event.id, competences=False)["hypotheses"] if h["id"] == hypothesis_id]
    assert entry["by_scale"][0] == {
        "scale": "commune",
        "label": "Commune",
        "total": 2,
        "results": [
            {"verdict": "validee", "label": "Validée", "count": 1},
            {"verdict": "infirmee", "label": "Infirmée", "count": 1},
            {"verdict": "a_nuancer", "label": "À nuancer", "count": 0},
        ],
    }
    assert [s["scale"] for s in entry["by_scale"]] == ["commune", "region", "etat"]
    assert [r["verdict"] for r in entry["by_scale"][0]["results"]] == [r["verdict"] for r in entry["results"]]
    assert sum(s["total"] for s in entry["by_scale"]) == entry["votes"] == 5


def test_votes_of_a_scale_the_event_no_longer_lists_come_last_under_their_key(event: EventLinks, join: Join) -> None:
    hypothesis_id = opened(event)
    vote(join(pseudonym="A", scale="europe"), hypothesis_id, "a_nuancer")
    vote(join(pseudonym="B", scale="autre"), hypothesis_id, "validee")
    vote(join(pseudonym="C", scale="commune"), hypothesis_id, "infirmee")
    with db.transaction() as session:
        scales = session.scalars(select(Event.scales).where(Event.id == event.id)).one()
        kept = [scale for scale in scales if scale["key"] not in ("europe", "autre")]
        session.execute(update(Event).where(Event.id == event.id).values(scales=kept))

    live = hypotheses.vote_results(hypothesis_id)["by_scale"]
    assert [(s["scale"], s["label"], s["results"]["total"]) for s in live] == [
        ("commune", "Commune", 1),
        ("autre", "autre", 1),
        ("europe", "europe", 1),
    ]
    [entry] = [h for h in record.event_record(event.id, competences=False)["hypotheses"] if h["id"] == hypothesis_id]
    assert [(s["scale"], s["label"], s["total"]) for s in entry["by_scale"]] == [
        ("commune", "Commune", 1),
        ("autre", "autre", 1),
        ("europe", "europe", 1),
    ]


def test_a_hypothesis_without_votes_has_no_scale(event: EventLinks) -> None:
    hypothesis_id = opened(event)
    assert hypotheses.vote_results(hypothesis_id)["by_scale"] == []
    [entry] = [h for h in record.event_record(event.id, competences=False)["hypotheses"] if h["id"] == hypothesis_id]
    assert entry["by_scale"] == []


def suggested(event: EventLinks, hypothesis_id: int) -> list[dict[str, Any]]:
    """Return the cards suggested for a hypothesis."""
    return hypotheses.evidence_suggestions(organiser(event))["suggestions"][str(hypothesis_id)]


def test_suggestions_are_ranked_and_accepted_or_dismissed_ones_leave(event: EventLinks, join: Join) -> None:
    alix = join()
    texts = [
        "Mutualiser l'ingénierie entre collectivités",  # nearest the first hypothesis
        "La mutualisation de l'ingénierie renforce les petites communes",
        "Garder l'autonomie des communes quand on mutualise",
        "Un goûter partagé à la fin de la journée",  # nothing in common
    ]
    ids = [posted(alix, text)["id"] for text in texts]
    first = hypotheses.get_hypotheses(organiser(event))["hypotheses"][0]
    assert first["text"].startswith("Mutualiser l'ingénierie entre collectivités")

    cards = suggested(event, first["id"])
    assert [c["id"] for c in cards[:3]] == ids[:3] and ids[3] not in [c["id"] for c in cards]
    scores = [c["similarity"] for c in cards]
    assert scores == sorted(scores, reverse=True) and min(scores) >= hypotheses.SUGGESTION_FLOOR
    assert cards[0]["room_name"] and cards[0]["text"] == texts[0]

    view, _ = hypotheses.accept_evidence(organiser(event), first["id"], ids[1])
    assert [c["id"] for c in view["hypothesis"]["evidence"]] == [ids[1]]
    hypotheses.dismiss_evidence(organiser(event), first["id"], ids[0])
    assert [c["id"] for c in suggested(event, first["id"])] == [ids[2]]
    with db.transaction() as session:
        stored = session.get(Hypothesis, first["id"])
        assert stored is not None and stored.evidence == [ids[1]] and stored.dismissed == [ids[0]]
    # Another hypothesis still has them suggested: a dismissal is for one hypothesis.
    others = hypotheses.evidence_suggestions(organiser(event))["suggestions"]
    assert set(others) == {str(h["id"]) for h in hypotheses.get_hypotheses(organiser(event))["hypotheses"]}

    # A dismissed card picked by hand later, then accepted, is no longer dismissed.
    hypotheses.accept_evidence(organiser(event), first["id"], ids[0])
    with db.transaction() as session:
        stored = session.get(Hypothesis, first["id"])
        assert stored is not None and stored.evidence == [ids[1], ids[0]] and stored.dismissed == []


def test_bad_ids_and_repeats_are_refused_and_nothing_is_written(event: EventLinks, join: Join) -> None:
    alix = join()
    card = posted(alix, "Mutualiser l'ingénierie")["id"]
    first = hypotheses.get_hypotheses(organiser(event))["hypotheses"][0]["id"]
    hypotheses.accept_evidence(organiser(event), first, card)
    before = fingerprint()
    attempts: list[tuple[Callable[..., Any], Principal, int, int, type[DomainError]]] = [
        (hypotheses.accept_evidence, organiser(event), first, 999_999, Invalid),
        (hypotheses.dismiss_evidence, organiser(event), first, 999_999, Invalid),
        (hypotheses.accept_evidence, organiser(event), 999_999, card, NotFound),
        (hypotheses.dismiss_evidence, organiser(event), 999_999, card, NotFound),
        (hypotheses.accept_evidence, organiser(event), first, card, Conflict),  # already cited
        (hypotheses.dismiss_evidence, organiser(event), first, card, Conflict),  # cited: not a suggestion
    ]
    for act, principal, hypothesis_id, card_id, error in attempts:
        with pytest.raises(error):
            act(principal, hypothesis_id, card_id)
    for act in (hypotheses.accept_evidence, hypotheses.dismiss_evidence):
        with pytest.raises(DomainError):
            act(participant_principal(alix), first, card)
    with pytest.raises(DomainError):
        hypotheses.evidence_suggestions(participant_principal(alix))
    assert fingerprint() == before


def test_accepting_stops_at_the_evidence_maximum(event: EventLinks, join: Join) -> None:
    alix = join()
    ids = [posted(alix, f"Carte {n}", client_id=f"max-{n}")["id"] for n in range(hypotheses.EVIDENCE_MAX + 1)]
    first = hypotheses.get_hypotheses(organiser(event))["hypotheses"][0]["id"]
    for card_id in ids[:-1]:
        hypotheses.accept_evidence(organiser(event), first, card_id)
    with pytest.raises(Conflict):
        hypotheses.accept_evidence(organiser(event), first, ids[-1])


def test_the_suggestion_floor_on_the_seeded_day() -> None:
    """SUGGESTION_FLOOR against the seeded day: cards sharing no content word with a hypothesis stay under it.

    Every card the rehearsal writes (an opening of tests/data/day_cards.toml and an ending) against the
    template's four hypotheses: the best-scoring card with no word of four letters or more in common with
    the hypothesis stays under the floor, and each hypothesis still gets suggestions.
    """
    day = tomllib.loads((ROOT / "tests" / "data" / "day_cards.toml").read_text(encoding="utf-8"))
    boards = [columns for board, columns in day.items() if board != "endings"]
    openings = [text for columns in boards for texts in columns.values() for text in texts]
    cards = sorted({opening + ending for opening, ending in itertools.product(openings, day["endings"])})
    texts = [h["text"] for h in load_template(DEFAULT_TEMPLATE)["hypotheses"]]
    folded = [folded_words(text) for text in (*texts, *cards)]
    weights = ngram_weights(folded)
    similarity = (weights[: len(texts)] @ weights[len(texts) :].T).toarray()
    stems = [{word[:5] for word in text.split() if len(word) >= 4} for text in folded]
    for row, text in enumerate(texts):
        unrelated = [similarity[row, col] for col in range(len(cards)) if not stems[row] & stems[len(texts) + col]]
        assert max(unrelated) < hypotheses.SUGGESTION_FLOOR, text
        assert (similarity[row] >= hypotheses.SUGGESTION_FLOOR).sum() >= hypotheses.SUGGESTED_MAX, text
