"""The grille de lecture's proposals: the day's cards no point uses, near-duplicates of every room grouped, ranked.

A proposal ranks by how many of its cards a room's synthesis holds (saved or published), then
pins, dots, rooms and cards; a concise card before a long one, so one long card (a spam, a
speech) does not top the list on its own.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collab.domain.access import Principal
from collab.domain.combined import group_near_duplicates
from collab.domain.rooms import SHOWN_TO_ALL
from collab.store.models import Card, Dot, Room, Synthesis

PROPOSALS_MAX = 30
# A card longer than this is not a question to ask oneself: it ranks after the concise ones.
CONCISE_MAX = 200


def proposals(
    session: Session,
    principal: Principal,
    event_id: int,
    board: str,
    rooms: dict[int, Room],
    used: set[int],
    text_max: int,
) -> dict[str, list[dict[str, Any]]]:
    """Return per question the proposed points (at most PROPOSALS_MAX each), best first: the shown cards
    of the principal's rooms that no point uses (`used`), near-duplicates of different rooms as one;
    each proposal's text is its best card's, cut to `text_max`."""
    cards = [
        card
        for card in session.scalars(
            select(Card)
            .join(Room, Card.room_id == Room.id)
            .where(Room.event_id == event_id, Card.board == board)
            .where(SHOWN_TO_ALL)
            .order_by(Card.id)
        )
        if principal.may_watch(card.room_id) and card.id not in used
    ]
    if not cards:
        return {}
    synthesised: set[int] = set()
    for synthesis in session.scalars(
        select(Synthesis).where(Synthesis.room_id.in_(list(rooms)), Synthesis.board == board)
    ):
        synthesised.update(synthesis.items)
        synthesised.update(card["id"] for card in (synthesis.published or {}).get("cards", []))
    dots = _dots(session, event_id)
    groups = group_near_duplicates([c.text for c in cards], [c.room_id for c in cards], [c.column for c in cards])
    by_question: dict[str, list[tuple[tuple[Any, ...], dict[str, Any]]]] = {}
    for group in groups:
        members = [cards[i] for i in group]
        members.sort(key=lambda c: _card_rank(c, synthesised, dots))
        in_room_order = sorted(members, key=lambda c: rooms[c.room_id].position)
        names = list(dict.fromkeys(rooms[c.room_id].name for c in in_room_order))
        best = members[0]
        synthesised_count = sum(1 for c in members if c.id in synthesised)
        dot_count = sum(dots[c.id] for c in members)
        proposal = {
            "text": _suggested(best.text, text_max),
            "cards": [c.id for c in members],
            "sources": [{"id": c.id, "text": c.text, "room_name": rooms[c.room_id].name} for c in members],
            "rooms": names,
            "synthesised": synthesised_count,
            "pinned": any(c.pinned for c in members),
            "dots": dot_count,
        }
        rank = (
            -synthesised_count,
            not proposal["pinned"],
            -dot_count,
            -len(names),
            -len(members),
            len(best.text) > CONCISE_MAX,
            best.id,
        )
        by_question.setdefault(best.column, []).append((rank, proposal))
    return {
        key: [p for _, p in sorted(ranked, key=lambda r: r[0])][:PROPOSALS_MAX] for key, ranked in by_question.items()
    }


def _card_rank(card: Card, synthesised: set[int], dots: Counter[int]) -> tuple[Any, ...]:
    """Return how a card ranks within its group: the one whose words the proposal takes comes first."""
    return (card.id not in synthesised, not card.pinned, -dots[card.id], len(card.text) > CONCISE_MAX, card.id)


def _dots(session: Session, event_id: int) -> Counter[int]:
    """Return the dots of each card of the event, a merged duplicate's counted for the card it went into."""
    rows = session.execute(
        select(Card.id, Card.merged_into_id, func.count(Dot.id))
        .join(Dot, Dot.card_id == Card.id)
        .join(Room, Card.room_id == Room.id)
        .where(Room.event_id == event_id)
        .group_by(Card.id, Card.merged_into_id)
    ).tuples()
    dots: Counter[int] = Counter()
    for card_id, merged_into, count in rows:
        dots[merged_into or card_id] += count
    return dots


def _suggested(text: str, text_max: int) -> str:
    """Return a card's words as a point's text, cut to a point's length."""
    text = " ".join(text.split())
    return text if len(text) <= text_max else text[: text_max - 1].rstrip() + "…"
