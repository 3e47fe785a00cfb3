"""Competence matching: its figures on the hand-labelled set, and the behaviour a facilitator relies on."""

from __future__ import annotations

import random

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from collab.domain import matching
from collab.domain.errors import Invalid
from collab.domain.matching import (
    MIN_SCORE,
    Skill,
    best_for_need,
    best_for_offer,
    gaps,
    keyword_key,
    match_competences,
)
from tests.support.matching_quality import load_set, measure

# Floors a little under what the matcher measures on tests/data/competences_set.toml
# (precision 26/28, recall 26/40, 7 of 8 gaps, 5 false gaps), so that a regression fails.
PRECISION_AT_1_FLOOR = 0.88
RECALL_AT_3_FLOOR = 0.60
GAP_ACCURACY_FLOOR = 0.75
FALSE_GAPS_CEILING = 6

TEXT = "J'anime des réunions de concertation avec les habitants sur les projets d'aménagement."


def offer(id: int, text: str = TEXT, type: str = "methodes", keywords: tuple[str, ...] = (), person: int = 1) -> Skill:
    """Return an offer card."""
    return Skill(id, "offre", text, type, "individuel", keywords, person)


def need(id: int, text: str = TEXT, type: str = "methodes", keywords: tuple[str, ...] = (), person: int = 2) -> Skill:
    """Return a need card."""
    return Skill(id, "besoin", text, type, "collectif", keywords, person)


def test_quality_on_the_labelled_set() -> None:
    quality = measure(load_set())
    print("\n" + quality.report())
    assert quality.precision_at_1 >= PRECISION_AT_1_FLOOR
    assert quality.recall_at_3 >= RECALL_AT_3_FLOOR
    assert quality.gap_accuracy >= GAP_ACCURACY_FLOOR
    assert quality.false_gaps <= FALSE_GAPS_CEILING


def test_labelled_set_is_what_it_says() -> None:
    labelled = load_set()
    offers = {o.id: o for o in labelled.offers}
    assert len(offers) == 40 and len({n.id for n in labelled.needs}) == 40
    assert set(labelled.labels) == {n.id for n in labelled.needs}
    assert sum(1 for good in labelled.labels.values() if not good) >= 6
    for card in (*labelled.offers, *labelled.needs):
        assert len(card.text) <= 500 and len(card.keywords) <= 5
    for n in labelled.needs:
        good = labelled.labels[n.id]
        assert len(good) <= 3 and set(good) <= set(offers)
        assert all(offers[o].participant_id != n.participant_id for o in good)


def test_never_pairs_a_person_with_themself() -> None:
    matches = match_competences([offer(1, person=7), offer(2, person=8)], [need(10, person=7)])
    assert [(m.offer_id, m.need_id) for m in matches] == [(2, 10)]
    labelled = load_set()
    people = {c.id: c.participant_id for c in (*labelled.offers, *labelled.needs)}
    assert all(people[m.offer_id] != people[m.need_id] for m in match_competences(labelled.offers, labelled.needs))


def test_same_type_beats_a_different_type_all_else_equal() -> None:
    # The different type has the lower id, which would win a tie.
    matches = match_competences([offer(1, type="savoirs", person=3), offer(2, type="methodes")], [need(10)])
    assert [m.offer_id for m in matches] == [2, 1]
    assert matches[0].same_type and not matches[1].same_type
    assert matches[0].similarity == matches[1].similarity
    assert matches[0].score > matches[1].score


def test_keywords_ignore_case_accents_hyphens_and_plural() -> None:
    assert keyword_key("Élus") == keyword_key("elus") == keyword_key("ÉLU")
    assert keyword_key("Tiers-Lieux") == keyword_key("tiers lieu")
    assert keyword_key("Réseaux") == keyword_key("reseau")
    assert keyword_key("cœur de ville") == keyword_key("Coeur de villes")
    assert keyword_key("foncier") != keyword_key("foncier agricole")
    offered = offer(1, keywords=("elus", "tiers lieu", "Réseau", "foncier"))
    needed = need(10, keywords=("Élus", "Tiers-Lieux", "foncier agricole", "réseaux", "ELUS"))
    [match] = match_competences([offered], [needed])
    assert match.shared_keywords == ("Élus", "Tiers-Lieux", "réseaux")


def test_a_shared_keyword_raises_the_score() -> None:
    matches = match_competences(
        [offer(1, person=3), offer(2, keywords=("Concertation",))], [need(10, keywords=("concertations",))]
    )
    assert [m.offer_id for m in matches] == [2, 1]
    assert matches[0].shared_keywords == ("concertations",) and matches[1].shared_keywords == ()


def test_order_is_deterministic_and_ties_go_to_the_lower_ids() -> None:
    offers = [offer(5, person=3), offer(4, person=4), offer(9, text="Je forme aux marchés publics.", person=5)]
    needs = [need(11), need(10, person=6)]
    matches = match_competences(offers, needs)
    assert [(m.offer_id, m.need_id) for m in matches] == [(4, 10), (4, 11), (5, 10), (5, 11)]
    labelled = load_set()
    expected = match_competences(labelled.offers, labelled.needs)
    shuffled_offers, shuffled_needs = labelled.offers[:], labelled.needs[:]
    random.Random(1).shuffle(shuffled_offers)
    random.Random(2).shuffle(shuffled_needs)
    assert match_competences(shuffled_offers, shuffled_needs) == expected


def test_matches_are_best_first_with_parts_in_range() -> None:
    labelled = load_set()
    matches = match_competences(labelled.offers, labelled.needs)
    assert matches
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    assert all(MIN_SCORE <= m.score <= 1 and 0 <= m.similarity <= 1 for m in matches)


def test_empty_inputs_and_empty_texts() -> None:
    assert match_competences([], []) == []
    assert match_competences([offer(1)], []) == []
    assert match_competences([], [need(10)]) == []
    assert gaps([need(10)], []) == [need(10)]
    # Nothing to compare: same type and a shared keyword alone stay under MIN_SCORE.
    assert match_competences([offer(1, text="", keywords=("x",))], [need(10, text="?!", keywords=("X",))]) == []


def test_gaps_are_the_needs_without_a_proposal() -> None:
    unanswered = need(11, text="Nous cherchons un appui sur la paie des agents contractuels.", person=4)
    answered = need(10)
    matches = match_competences([offer(1)], [unanswered, answered])
    assert {m.need_id for m in matches} == {10}
    assert gaps([unanswered, answered], matches) == [unanswered]


def test_best_for_need_and_offer_keep_the_best_few() -> None:
    labelled = load_set()
    matches = match_competences(labelled.offers, labelled.needs)
    for n in labelled.needs:
        top = best_for_need(matches, n.id)
        assert len(top) <= 3 and all(m.need_id == n.id for m in top)
        assert top == [m for m in matches if m.need_id == n.id][:3]
    busiest = max({m.offer_id for m in matches}, key=lambda o: sum(m.offer_id == o for m in matches))
    assert best_for_offer(matches, busiest, limit=1) == [next(m for m in matches if m.offer_id == busiest)]
    assert best_for_need(list(reversed(matches)), labelled.needs[0].id) == best_for_need(matches, labelled.needs[0].id)


def test_cards_of_the_wrong_side_type_or_scope_are_refused() -> None:
    with pytest.raises(Invalid):
        match_competences([need(10)], [need(11)])
    with pytest.raises(Invalid):
        match_competences([offer(1, type="savoir-faire")], [need(10)])
    with pytest.raises(Invalid):
        match_competences([Skill(1, "offre", TEXT, "methodes", "perso", (), 1)], [need(10)])
    with pytest.raises(Invalid):
        match_competences([offer(1), offer(1)], [need(10)])


def test_text_similarity_is_tfidf_of_character_ngrams() -> None:
    # The matcher cuts n-grams once per distinct word; it must equal scikit-learn's char_wb analyzer.
    labelled = load_set()
    cards = [matching._words(c) for c in (*labelled.offers, *labelled.needs)]
    tfidf = TfidfVectorizer(analyzer="char_wb", ngram_range=matching.NGRAMS, sublinear_tf=True, lowercase=False)
    weights = tfidf.fit_transform(cards)
    cosine = (weights[:40] @ weights[40:].T).toarray()
    expected = np.sqrt(np.clip(cosine, 0, 1))
    assert np.allclose(matching._text_similarity(labelled.offers, labelled.needs), expected, atol=1e-12)
