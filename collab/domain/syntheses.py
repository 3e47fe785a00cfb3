"""Syntheses: per room and per board, a facilitator picks the board's cards in order and writes a
text per column, then publishes; the plenary and the report present them atelier by atelier."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from collab.domain.access import Principal, staff_room
from collab.domain.audit import record_action
from collab.domain.errors import Conflict, Forbidden, Invalid
from collab.domain.rooms import SHOWN_TO_ALL, iso
from collab.store.database import db
from collab.store.models import Card, Event, Participant, Room, Synthesis

TEXT_MAX = 2000
ITEMS_MAX = 100


class Saved(TypedDict):
    """A room's draft of a board's synthesis, as its staff edit it."""

    draft: dict[str, Any]


def save_synthesis(principal: Principal, room_id: int, board: str, items: list[int], texts: dict[str, str]) -> Saved:
    """Keep the draft of a room's synthesis of a board: the board's cards in order, and a text per column."""
    if len(items) > ITEMS_MAX or len(set(items)) != len(items):
        raise Invalid(f"a synthesis holds up to {ITEMS_MAX} different cards", field="items")
    texts = {key: text.strip() for key, text in texts.items()}
    too_long = [key for key, text in texts.items() if len(text) > TEXT_MAX]
    if too_long:
        raise Invalid(f"a text has at most {TEXT_MAX} characters", field="texts", columns=too_long)
    with db.transaction() as session:
        room = staff_room(session, principal, room_id)
        columns = {column["key"] for column in _board(session, room, board)["columns"]}
        unknown = sorted(set(texts) - columns)
        if unknown:
            raise Invalid("these questions are not columns of the board", field="texts", columns=unknown)
        shown = _shown_cards(session, room_id, items)
        missing = [card_id for card_id in items if card_id not in shown or shown[card_id][0].board != board]
        if missing:
            raise Invalid("these cards are not on the room's board", field="items", cards=missing)
        synthesis = _synthesis(session, room_id, board)
        if synthesis is None:
            synthesis = Synthesis(room_id=room_id, board=board)
            session.add(synthesis)
        synthesis.items = list(items)
        synthesis.texts = {key: text for key, text in texts.items() if text}
        synthesis.updated_at = datetime.now(UTC)
        session.flush()
        record_action(session, principal, room_id, "save_synthesis", board=board, items=len(items))
        return Saved(draft=_draft(synthesis))


def publish_synthesis(principal: Principal, room_id: int, board: str) -> dict[str, Any]:
    """Freeze a copy of the room's saved synthesis of a board for the plenary screen, and return it."""
    with db.transaction() as session:
        room = staff_room(session, principal, room_id)
        _board(session, room, board)
        synthesis = _synthesis(session, room_id, board)
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
            "board": board,
            "cards": cards,
            "texts": dict(synthesis.texts),
            "published_at": iso(now),
        }
        synthesis.published_at = now
        record_action(session, principal, room_id, "publish_synthesis", board=board, cards=len(cards))
        return dict(synthesis.published)


class Read(TypedDict):
    """The syntheses a screen or a console reads: the published ones, and the staff's own drafts."""

    syntheses: list[dict[str, Any]]
    drafts: list[dict[str, Any]]


def event_syntheses(principal: Principal) -> Read:
    """Return the event's published syntheses, room by room, and the drafts of the rooms the principal runs."""
    if principal.role not in ("screen", "facilitator", "organiser"):
        raise Forbidden("only screens and the staff read syntheses")
    with db.transaction() as session:
        rows = session.execute(
            select(Synthesis, Room)
            .join(Room, Synthesis.room_id == Room.id)
            .where(Room.event_id == principal.event_id)
            .order_by(Room.position, Synthesis.id)
        ).tuples()
        published, drafts = [], []
        for synthesis, room in rows:
            if synthesis.published is not None:
                published.append(published_of(synthesis))
            if principal.may_moderate(room.id):
                drafts.append(_draft(synthesis))
        return {"syntheses": published, "drafts": drafts}


def published_of(synthesis: Synthesis) -> dict[str, Any]:
    """Return what the screen shows of a published synthesis, naming its board (copies made before had none)."""
    return {"board": synthesis.board} | dict(synthesis.published or {})


def event_synthesis_boards(session: Session, event_id: int) -> set[str]:
    """Return the boards the event's rooms have a synthesis of (a board since removed from the event included)."""
    rows = session.scalars(
        select(Synthesis.board).join(Room, Synthesis.room_id == Room.id).where(Room.event_id == event_id)
    )
    return set(rows)


def by_atelier(
    boards: list[dict[str, Any]], programme: list[dict[str, Any]], published: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Return the published syntheses grouped by atelier, in programme order, each group's room by room.

    A group is {board, title, columns, syntheses}: the title of the first phase working the board
    (its own title for a board no phase works); boards without a phase come after, then the syntheses
    of a board the event no longer has (title None, every column of the event's boards).
    `published` comes in room order; groups without a synthesis are kept (the screen names them).
    """
    by_key = {board["key"]: board for board in boards}
    order: list[tuple[str, str | None]] = []
    for phase in programme:
        activity = phase.get("activity")
        if isinstance(activity, str) and activity in by_key and activity not in [k for k, _ in order]:
            order.append((activity, str(phase["title"])))
    for board in boards:
        if board["key"] not in [k for k, _ in order]:
            order.append((board["key"], board["title"]))
    for synthesis in published:
        key = synthesis.get("board", "four_questions")
        if key not in by_key and key not in [k for k, _ in order]:
            order.append((key, None))
    every_column = list({column["key"]: column for board in boards for column in board["columns"]}.values())
    groups = []
    for key, title in order:
        own = by_key.get(key)
        groups.append(
            {
                "board": key,
                "title": title,
                "board_title": own["title"] if own else None,
                "columns": own["columns"] if own else every_column,
                "syntheses": [s for s in published if s.get("board", "four_questions") == key],
            }
        )
    return groups


def _board(session: Session, room: Room, board: str) -> dict[str, Any]:
    """Return the event's board with this key, or raise Invalid naming the field."""
    event = session.get(Event, room.event_id)
    assert event is not None
    for each in event.boards:
        if each["key"] == board:
            return each
    keys = ", ".join(each["key"] for each in event.boards)
    raise Invalid(f"board is one of {keys}", field="board")


def _synthesis(session: Session, room_id: int, board: str) -> Synthesis | None:
    """Return the room's synthesis of a board, if one was saved."""
    return session.scalar(select(Synthesis).where(Synthesis.room_id == room_id, Synthesis.board == board))


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
        "board": synthesis.board,
        "items": list(synthesis.items),
        "texts": dict(synthesis.texts),
        "updated_at": iso(synthesis.updated_at),
        "published_at": iso(synthesis.published_at) if synthesis.published_at else None,
    }
