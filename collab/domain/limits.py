"""What people may type, as the pages are told it: each limit is the domain's own constant."""

from __future__ import annotations

from typing import TypedDict

from collab.domain import cards, competences, diagnosis, grid, hypotheses, syntheses


class Limits(TypedDict):
    """The limits a page checks as people type (the domain checks them again)."""

    card_text: int
    keywords: int
    keyword_chars: int
    contact: int
    synthesis_text: int
    hypothesis_text: int
    hypothesis_evidence: int
    hypothesis_conclusion: int
    hypothesis_reason: int
    grid_situation: int
    grid_note: int
    grid_point_text: int


def limits() -> Limits:
    """Return the limits the pages check before sending: cards, competences, syntheses, hypotheses, grid points."""
    return Limits(
        card_text=cards.TEXT_MAX,
        keywords=cards.KEYWORDS_MAX,
        keyword_chars=cards.KEYWORD_MAX,
        contact=competences.CONTACT_MAX,
        synthesis_text=syntheses.TEXT_MAX,
        hypothesis_text=hypotheses.TEXT_MAX,
        hypothesis_evidence=hypotheses.EVIDENCE_MAX,
        hypothesis_conclusion=hypotheses.CONCLUSION_MAX,
        hypothesis_reason=hypotheses.REASON_MAX,
        grid_situation=diagnosis.SITUATION_MAX,
        grid_note=diagnosis.NOTE_MAX,
        grid_point_text=grid.TEXT_MAX,
    )
