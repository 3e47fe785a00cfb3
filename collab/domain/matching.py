"""Competences: propose offer–need pairs across an event, ranked by type, shared keywords and text similarity."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from collab.domain.errors import Invalid

SKILL_TYPES = ("savoirs", "savoir_faire", "savoir_etre", "methodes")
SKILL_SCOPES = ("individuel", "collectif")
SKILL_SIDES = ("offre", "besoin")

# The score is TEXT_WEIGHT × similarity + TYPE_WEIGHT × same type + KEYWORD_WEIGHT × shared keywords
# (FULL_KEYWORDS of them earn the whole part); the weights add up to 1, so the score stays in 0..1.
# On tests/data/competences_set.toml, moving a weight by ±0.05 moves precision of the top proposal
# within 0.88–0.96 and recall of the top 3 within 0.57–0.70: no sharp optimum was fitted.
TEXT_WEIGHT = 0.7
TYPE_WEIGHT = 0.15
KEYWORD_WEIGHT = 0.15
FULL_KEYWORDS = 2
# Below it a pair is not proposed; a need with no pair left is a gap. Chosen on the labelled set, where
# each half of it picks nearly the same threshold (0.42, 0.44); at 0.40 half the gaps get a proposal,
# at 0.46 ten of the 32 needs that have a good offer get none.
MIN_SCORE = 0.42

# Character n-grams of 3 to 5 inside words: "animation" and "animer", "tiers-lieux" and "tiers lieu"
# share most of theirs, which covers French inflection without a stemmer or a stop list.
NGRAMS = (3, 5)
_NGRAM_SPACE = 2**31 - 1  # hashed n-gram ids; collisions are negligible at a few hundred thousand n-grams
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_ACCENT = re.compile(r"[\u0300-\u036f]")


@dataclass(frozen=True)
class Skill:
    """An offer or a need card of atelier 3."""

    id: int
    side: str  # "offre" or "besoin"
    text: str
    type: str  # one of SKILL_TYPES
    scope: str  # one of SKILL_SCOPES
    keywords: tuple[str, ...]
    participant_id: int


@dataclass(frozen=True)
class Match:
    """A proposed offer–need pair and what its score is made of."""

    offer_id: int
    need_id: int
    score: float  # 0..1, higher is a better fit
    same_type: bool
    shared_keywords: tuple[str, ...]  # as the need wrote them
    similarity: float  # the text part, 0..1


def match_competences(offers: Sequence[Skill], needs: Sequence[Skill]) -> list[Match]:
    """Return every proposed offer–need pair (score >= MIN_SCORE), best first; never a person with themself."""
    # Sorted by id, so that neither the result nor its floating-point rounding depends on the input order.
    offers = sorted(_checked(offers, "offre"), key=lambda skill: skill.id)
    needs = sorted(_checked(needs, "besoin"), key=lambda skill: skill.id)
    if not offers or not needs:
        return []
    similarity = _text_similarity(offers, needs)
    same_type = np.array([o.type for o in offers])[:, None] == np.array([n.type for n in needs])[None, :]
    offer_keys = [frozenset(_keyed(o.keywords)) for o in offers]
    need_keywords = [_keyed(n.keywords) for n in needs]
    shared = _shared_counts(offer_keys, [frozenset(keyed) for keyed in need_keywords])
    score = (
        TEXT_WEIGHT * similarity
        + TYPE_WEIGHT * same_type
        + KEYWORD_WEIGHT * np.minimum(shared, FULL_KEYWORDS) / FULL_KEYWORDS
    )
    # Rounded so that pairs that differ only by float noise tie, and their ids decide.
    score = np.round(score, 6)
    authors = np.array([o.participant_id for o in offers])[:, None] == np.array([n.participant_id for n in needs])
    score[authors] = -1.0  # never a person with themself
    rows, cols = np.nonzero(score >= MIN_SCORE)
    offer_ids = np.array([o.id for o in offers])
    need_ids = np.array([n.id for n in needs])
    order = np.lexsort((need_ids[cols], offer_ids[rows], -score[rows, cols]))
    matches = []
    for i, j in zip(rows[order].tolist(), cols[order].tolist(), strict=True):
        matches.append(
            Match(
                offer_id=offers[i].id,
                need_id=needs[j].id,
                score=float(score[i, j]),
                same_type=bool(same_type[i, j]),
                shared_keywords=tuple(word for key, word in need_keywords[j].items() if key in offer_keys[i]),
                similarity=round(float(similarity[i, j]), 6),
            )
        )
    return matches


def best_for_need(matches: Sequence[Match], need_id: int, limit: int = 3) -> list[Match]:
    """Return the need's best `limit` proposals, best first."""
    return sorted((m for m in matches if m.need_id == need_id), key=_rank)[:limit]


def best_for_offer(matches: Sequence[Match], offer_id: int, limit: int = 3) -> list[Match]:
    """Return the offer's best `limit` proposals, best first."""
    return sorted((m for m in matches if m.offer_id == offer_id), key=_rank)[:limit]


def gaps(needs: Sequence[Skill], matches: Sequence[Match]) -> list[Skill]:
    """Return the needs that no proposed pair answers, in the order given."""
    answered = {m.need_id for m in matches}
    return [need for need in needs if need.id not in answered]


def fold(text: str) -> str:
    """Return the text lower-cased, without accents, with anything but letters and digits turned into spaces."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    return _NOT_WORD.sub(" ", _ACCENT.sub("", unicodedata.normalize("NFKD", text))).strip()


def keyword_key(keyword: str) -> str:
    """Return what two keywords must share to count as the same: case, accents, hyphens and plural s/x aside."""
    return " ".join(word[:-1] if len(word) > 3 and word[-1] in "sx" else word for word in fold(keyword).split())


def _rank(match: Match) -> tuple[float, int, int]:
    """Sort key of match_competences: best score first, then offer id, then need id."""
    return (-match.score, match.offer_id, match.need_id)


def _checked(skills: Sequence[Skill], side: str) -> list[Skill]:
    """Return the skills as a list, or raise Invalid naming the first of the wrong side, type or scope, or repeated."""
    seen: set[int] = set()
    for skill in skills:
        if skill.side != side:
            raise Invalid(f"card {skill.id} is a {skill.side!r}, not a {side!r}", field="side")
        if skill.type not in SKILL_TYPES:
            raise Invalid(f"card {skill.id}: type is one of {', '.join(SKILL_TYPES)}", field="type")
        if skill.scope not in SKILL_SCOPES:
            raise Invalid(f"card {skill.id}: scope is one of {', '.join(SKILL_SCOPES)}", field="scope")
        if skill.id in seen:
            raise Invalid(f"card {skill.id} is given twice", field="id")
        seen.add(skill.id)
    return list(skills)


def _text_similarity(offers: list[Skill], needs: list[Skill]) -> NDArray[np.float64]:
    """Return the offers × needs text similarity in 0..1: the square root of the TF-IDF cosine of their n-grams."""
    cards = [_words(skill) for skill in (*offers, *needs)]
    if not any(cards):
        return np.zeros((len(offers), len(needs)))
    weights = ngram_weights(cards)
    cosine = (weights[: len(offers)] @ weights[len(offers) :].T).toarray()
    # Cosines of short texts sit mostly under 0.3; the square root spreads them over 0..1 so that
    # the text still outweighs the type and keyword parts.
    return np.sqrt(np.clip(cosine, 0.0, 1.0))


def ngram_weights(texts: Sequence[str]) -> sparse.csr_matrix:
    """Return one L2-normalised TF-IDF row of character n-grams per text (texts as `folded_words` gives them).

    The product of two rows is the cosine of their texts; IDF weights come from these texts only.
    """
    # The n-grams are cut once per distinct word, then summed per text by a sparse product: the same
    # counts as TfidfVectorizer(analyzer="char_wb") on the texts, without cutting every occurrence
    # again in Python (three times faster at 300 × 300).
    # Imported here: the server loads it at start (collab/server.py); a command such as `collab create-event` need not.
    from sklearn.feature_extraction.text import CountVectorizer, HashingVectorizer, TfidfTransformer

    words = CountVectorizer(analyzer=str.split)
    word_counts = words.fit_transform(texts)
    hashed = HashingVectorizer(
        analyzer="char_wb",
        ngram_range=NGRAMS,
        lowercase=False,
        alternate_sign=False,
        norm=None,
        n_features=_NGRAM_SPACE,
    ).transform(words.get_feature_names_out())
    used, column = np.unique(hashed.indices, return_inverse=True)
    ngrams = sparse.csr_matrix((hashed.data, column.ravel(), hashed.indptr), shape=(hashed.shape[0], len(used)))
    return sparse.csr_matrix(TfidfTransformer(sublinear_tf=True).fit_transform(word_counts @ ngrams))


def folded_words(text: str) -> str:
    """Return a text as folded words, without one-letter words (l', d', j')."""
    return " ".join(word for word in fold(text).split() if len(word) > 1)


def _words(skill: Skill) -> str:
    """Return the card's text and keywords as folded words."""
    return folded_words(" ".join((skill.text, *skill.keywords)))


def _keyed(keywords: tuple[str, ...]) -> dict[str, str]:
    """Return a card's keywords by their non-empty keys, the first written of each key, in order."""
    keyed: dict[str, str] = {}
    for keyword in keywords:
        key = keyword_key(keyword)
        if key:
            keyed.setdefault(key, keyword)
    return keyed


def _shared_counts(offer_keys: list[frozenset[str]], need_keys: list[frozenset[str]]) -> NDArray[np.float64]:
    """Return the offers × needs counts of shared keyword keys."""
    vocabulary: dict[str, int] = {}
    for keys in (*offer_keys, *need_keys):
        for key in keys:
            vocabulary.setdefault(key, len(vocabulary))
    if not vocabulary:
        return np.zeros((len(offer_keys), len(need_keys)))

    def incidence(cards: list[frozenset[str]]) -> sparse.csr_matrix:
        """Return the cards × keywords 0/1 matrix."""
        pairs = [(row, vocabulary[key]) for row, keys in enumerate(cards) for key in keys]
        rows, cols = [row for row, _ in pairs], [col for _, col in pairs]
        return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(cards), len(vocabulary)))

    return (incidence(offer_keys) @ incidence(need_keys).T).toarray()
