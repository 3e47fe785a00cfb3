"""The hand-labelled competences set, the figures a matcher earns on it, and synthetic events built from it."""

from __future__ import annotations

import random
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from collab.domain.matching import Match, Skill, best_for_need, match_competences

SET_PATH = Path(__file__).resolve().parents[1] / "data" / "competences_set.toml"

Matcher = Callable[[Sequence[Skill], Sequence[Skill]], list[Match]]


@dataclass(frozen=True)
class LabelledSet:
    """Offers, needs, and for each need the offers a facilitator would propose (none: a gap)."""

    offers: list[Skill]
    needs: list[Skill]
    labels: dict[int, tuple[int, ...]]


@dataclass(frozen=True)
class Quality:
    """What a matcher earns on a labelled set."""

    top_right: int  # needs whose best proposal is a labelled pair
    proposed: int  # needs with at least one proposal
    pairs_found: int  # labelled pairs within their need's top 3
    pairs: int
    gaps_found: int  # labelled gaps with no proposal
    gaps: int
    false_gaps: int  # needs with a labelled offer but no proposal

    @property
    def precision_at_1(self) -> float:
        """Return the fraction of proposed needs whose best proposal is right."""
        return self.top_right / self.proposed if self.proposed else 0.0

    @property
    def recall_at_3(self) -> float:
        """Return the fraction of labelled pairs found in their need's top 3."""
        return self.pairs_found / self.pairs if self.pairs else 0.0

    @property
    def gap_accuracy(self) -> float:
        """Return the fraction of labelled gaps that get no proposal."""
        return self.gaps_found / self.gaps if self.gaps else 0.0

    def report(self) -> str:
        """Return the figures as three lines."""
        return (
            f"precision of the top proposal: {self.precision_at_1:.3f} ({self.top_right}/{self.proposed} needs)\n"
            f"recall of the top 3: {self.recall_at_3:.3f} ({self.pairs_found}/{self.pairs} labelled pairs)\n"
            f"gaps: {self.gap_accuracy:.3f} ({self.gaps_found}/{self.gaps} labelled gaps get no proposal), "
            f"{self.false_gaps} needs with a good offer wrongly reported as gaps"
        )


def load_set(path: Path = SET_PATH) -> LabelledSet:
    """Read the labelled set from its TOML file."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    offers = [_skill(card, "offre") for card in data["offer"]]
    needs = [_skill(card, "besoin") for card in data["need"]]
    labels = {card["id"]: tuple(card["good_offers"]) for card in data["need"]}
    return LabelledSet(offers, needs, labels)


def measure(labelled: LabelledSet, matcher: Matcher = match_competences) -> Quality:
    """Run the matcher on the set and count what it got right."""
    matches = matcher(labelled.offers, labelled.needs)
    top_right = proposed = pairs_found = pairs = gaps_found = gaps = false_gaps = 0
    for need in labelled.needs:
        good = labelled.labels[need.id]
        top = [m.offer_id for m in best_for_need(matches, need.id, limit=3)]
        if top:
            proposed += 1
            top_right += top[0] in good
        if good:
            pairs += len(good)
            pairs_found += sum(offer in top for offer in good)
            false_gaps += not top
        else:
            gaps += 1
            gaps_found += not top
    return Quality(top_right, proposed, pairs_found, pairs, gaps_found, gaps, false_gaps)


def synthetic_event(size: int, seed: int = 0) -> tuple[list[Skill], list[Skill]]:
    """Return `size` offers and `size` needs, each card the first half of a labelled card joined to the
    second half of another, by about size / 3 participants who post on both sides."""
    labelled = load_set()
    rng = random.Random(seed)
    people = max(2, size // 3)

    def cards(side: str, pool: list[Skill], first_id: int) -> list[Skill]:
        """Return `size` new cards of one side made from the pool."""
        made = []
        for n in range(size):
            head, tail = pool[n % len(pool)], rng.choice(pool)
            head_words, tail_words = head.text.split(), tail.text.split()
            text = " ".join(head_words[: len(head_words) // 2] + tail_words[len(tail_words) // 2 :])
            made.append(Skill(first_id + n, side, text, head.type, head.scope, head.keywords, rng.randrange(people)))
        return made

    return cards("offre", labelled.offers, 100_000), cards("besoin", labelled.needs, 200_000)


def _skill(card: dict[str, Any], side: str) -> Skill:
    """Return a card of the TOML file as a Skill."""
    return Skill(
        id=card["id"],
        side=side,
        text=card["text"],
        type=card["type"],
        scope=card["scope"],
        keywords=tuple(card["keywords"]),
        participant_id=card["participant"],
    )
