"""Placeholder until the matcher lands (not committed)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

SKILL_TYPES = ("savoirs", "savoir_faire", "savoir_etre", "methodes")
SKILL_SCOPES = ("individuel", "collectif")
MIN_SCORE = 0.2


@dataclass(frozen=True)
class Skill:
    id: int
    side: str
    text: str
    type: str
    scope: str
    keywords: tuple[str, ...]
    participant_id: int


@dataclass(frozen=True)
class Match:
    offer_id: int
    need_id: int
    score: float
    same_type: bool
    shared_keywords: tuple[str, ...]
    similarity: float


def match_competences(offers: Sequence[Skill], needs: Sequence[Skill]) -> list[Match]:
    out = []
    for o in offers:
        for n in needs:
            if o.participant_id == n.participant_id:
                continue
            shared = tuple(k for k in n.keywords if k.lower() in {x.lower() for x in o.keywords})
            words = set(o.text.lower().split()) & set(n.text.lower().split())
            sim = len(words) / (1 + len(set(n.text.split())))
            score = 0.3 * (o.type == n.type) + 0.3 * bool(shared) + 0.4 * sim
            if score >= MIN_SCORE:
                out.append(Match(o.id, n.id, score, o.type == n.type, shared, sim))
    return sorted(out, key=lambda m: (-m.score, m.need_id, m.offer_id))


def best_for_need(matches: Sequence[Match], need_id: int, limit: int = 3) -> list[Match]:
    return [m for m in matches if m.need_id == need_id][:limit]


def best_for_offer(matches: Sequence[Match], offer_id: int, limit: int = 3) -> list[Match]:
    return [m for m in matches if m.offer_id == offer_id][:limit]


def gaps(needs: Sequence[Skill], matches: Sequence[Match]) -> list[Skill]:
    answered = {m.need_id for m in matches}
    return [n for n in needs if n.id not in answered]
