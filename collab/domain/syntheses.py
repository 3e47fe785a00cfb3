"""Syntheses: a room's facilitator picks cards in order and writes a text per question, then publishes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from collab.db import db
from collab.domain.access import Principal, staff_room
from collab.domain.audit import record_action
from collab.domain.errors import Conflict, Forbidden, Invalid
from collab.domain.rooms import SHOWN_TO_ALL, iso
from collab.models import Card, Event, Participant, Room, Synthesis

TEXT_MAX = 2000
ITEMS_MAX = 100


def save_synthesis(principal: Principal, room_id: int, items: list[int], texts: dict[str, str]) -> dict[str, Any]:
    """Keep the draft of a room's synthesis: cards of the room in order, and a text per question."""
    if len(items) > ITEMS_MAX or len(set(items)) != len(items):
        raise Invalid(f"a synthesis holds up to {ITEMS_MAX} different cards", field="items")
    texts = {key: text.strip() for key, text in texts.items()}
    too_long = [key for key, text in texts.items() if len(text) > TEXT_MAX]
    if too_long:
        raise Invalid(f"a text has at most {TEXT_MAX} characters", field="texts", columns=too_long)
    with db.transaction() as session:
        room = staff_room(session, principal, room_id)
        event = session.get(Event, room.event_id)
        assert event is not None
        columns = {column["key"] for board in event.boards for column in board["columns"]}
        unknown = sorted(set(texts) - columns)
        if unknown:
            raise Invalid("these questions are not columns of the event's boards", field="texts", columns=unknown)
        shown = _shown_cards(session, room_id, items)
        if len(shown) != len(items):
            missing = [card_id for card_id in items if card_id not in shown]
            raise Invalid("these cards are not on the room's board", field="items", cards=missing)
        synthesis = session.scalar(select(Synthesis).where(Synthesis.room_id == room_id))
        if synthesis is None:
            synthesis = Synthesis(room_id=room_id)
            session.add(synthesis)
        synthesis.items = list(items)
        synthesis.texts = {key: text for key, text in texts.items() if text}
        synthesis.updated_at = datetime.now(UTC)
        session.flush()
        record_action(session, principal, room_id, "save_synthesis", items=len(items))
        return {"ok": True, "draft": _draft(synthesis)}


def publish_synthesis(principal: Principal, room_id: int) -> dict[str, Any]:
    """Freeze a copy of the room's saved synthesis for the plenary screen, and return it."""
    with db.transaction() as session:
        room = staff_room(session, principal, room_id)
        synthesis = session.scalar(select(Synthesis).where(Synthesis.room_id == room_id))
        if synthesis is None:
            raise Conflict("save the synthesis before publishing it")
        now = datetime.now(UTC)
        # Cards hidden or deleted since the draft was saved are left out of what the screen shows.
        shown = _shown_cards(session, room_id, synthesis.items)
        cards = []
        for card_id in synthesis.items:
            if card_id not in shown:
                continue
            card, author = shown[card_id]
            cards.append(
                {
                    "id": card.id,
                    "board": card.board,
                    "column": card.column,
                    "text": card.text,
                    "author": {"pseudonym": author.pseudonym, "scale": author.scale},
                }
            )
        synthesis.published = {
            "room_id": room.id,
            "room_name": room.name,
            "cards": cards,
            "texts": dict(synthesis.texts),
            "published_at": iso(now),
        }
        synthesis.published_at = now
        record_action(session, principal, room_id, "publish_synthesis", cards=len(cards))
        return dict(synthesis.published)


def event_syntheses(principal: Principal) -> dict[str, Any]:
    """Return the event's published syntheses, room by room, and the drafts of the rooms the principal runs."""
    if principal.role not in ("screen", "facilitator", "organiser"):
        raise Forbidden("only screens and the staff read syntheses")
    with db.transaction() as session:
        rows = session.execute(
            select(Synthesis, Room)
            .join(Room, Synthesis.room_id == Room.id)
            .where(Room.event_id == principal.event_id)
            .order_by(Room.position)
        ).tuples()
        published, drafts = [], []
        for synthesis, room in rows:
            if synthesis.published is not None:
                published.append(synthesis.published)
            if principal.may_moderate(room.id):
                drafts.append(_draft(synthesis))
        return {"ok": True, "syntheses": published, "drafts": drafts}


def _shown_cards(session: Session, room_id: int, card_ids: list[int]) -> dict[int, tuple[Card, Participant]]:
    """Return those of `card_ids` that are on the room's board for everyone (not hidden, held, merged or deleted)."""
    if not card_ids:
        return {}
    rows = session.execute(
        select(Card, Participant)
        .join(Participant, Card.participant_id == Participant.id)
        .where(
            Card.id.in_(card_ids),
            Card.room_id == room_id,
            SHOWN_TO_ALL,
        )
    ).tuples()
    return {card.id: (card, author) for card, author in rows}


def _draft(synthesis: Synthesis) -> dict[str, Any]:
    """Return a synthesis as its staff edit it."""
    return {
        "room_id": synthesis.room_id,
        "items": list(synthesis.items),
        "texts": dict(synthesis.texts),
        "updated_at": iso(synthesis.updated_at),
        "published_at": iso(synthesis.published_at) if synthesis.published_at else None,
    }
