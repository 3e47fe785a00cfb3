"""The grille de lecture: per question of the four-question board, the points to ask oneself, curated then published.

Staff draw points from the day's cards (collab proposes them: collab.domain.grid_proposals; near-duplicates grouped
and ranked), edit, merge, reorder and delete them; a facilitator's points are their room's, the
organiser's the event's. Publishing copies every point of the event into `Event.grid`: the grid
participants apply, the same for every room, its points keyed by their GridPoint id.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypedDict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collab.domain.access import Principal
from collab.domain.audit import record_action
from collab.domain.errors import Conflict, Forbidden, Invalid, NotFound
from collab.domain.grid_proposals import proposals
from collab.domain.programme import event_outcome
from collab.domain.rooms import SHOWN_TO_ALL, iso
from collab.store.database import db
from collab.store.models import Card, Event, GridPoint, Room

GRID_BOARD = "four_questions"
TEXT_MAX = 300
POINTS_MAX = 200
CARDS_MAX = 200
STAFF = ("facilitator", "organiser")


def grid_board(boards: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Return the board of the four questions: `four_questions`, or the first grid board."""
    return next((b for b in boards if b["key"] == GRID_BOARD), None) or next(
        (b for b in boards if b.get("kind", "grid") == "grid"), None
    )


class Curation(TypedDict):
    """What a console curates: per question the proposals and the points, and the published grid."""

    title: str
    questions: list[dict[str, Any]]
    published: dict[str, Any] | None
    published_at: str | None


class Changed(TypedDict):
    """A change to the grid: the console's new view, and the rooms whose staff are told."""

    curation: Curation
    rooms: list[int]
    # The event's new live state when publishing or withdrawing changed what phones offer (else None).
    event: dict[str, Any] | None


def get_grid(principal: Principal) -> Curation:
    """Return the curation as the principal sees it: proposals from their rooms' cards, every point of the event."""
    _staff(principal)
    with db.transaction() as session:
        return _curation(session, principal, _event(session, principal))


def save_point(
    principal: Principal, point_id: int | None, question: str | None, text: str, card_ids: list[int]
) -> Changed:
    """Add a point (`point_id` None: under `question`, drawn from `card_ids`) or change a point's text."""
    _staff(principal)
    text = _text(text)
    with db.transaction() as session:
        event = _event(session, principal, lock=True)
        board = _board(event)
        if point_id is None:
            keys = [column["key"] for column in board["columns"]]
            if question is None or question not in keys:
                raise Invalid(f"question is one of {', '.join(keys)}", field="question")
            _check_cards(session, principal, event, board["key"], question, card_ids)
            count = session.scalar(select(func.count(GridPoint.id)).where(GridPoint.event_id == event.id)) or 0
            if count >= POINTS_MAX:
                raise Conflict(f"a grid holds at most {POINTS_MAX} points")
            last = session.scalar(
                select(func.max(GridPoint.position)).where(
                    GridPoint.event_id == event.id, GridPoint.question == question
                )
            )
            point = GridPoint(
                event_id=event.id,
                room_id=principal.room_id,
                question=question,
                position=(last + 1) if last is not None else 0,
                text=text,
                cards=list(dict.fromkeys(card_ids)),
            )
            session.add(point)
            session.flush()
        else:
            point = _own_point(session, principal, point_id)
            point.text = text
            point.updated_at = datetime.now(UTC)
        action = "add_grid_point" if point_id is None else "edit_grid_point"
        record_action(session, principal, point.room_id, action, point_id=point.id, text=text)
        return _changed(session, principal, event)


def merge_points(principal: Principal, point_id: int, other_id: int, text: str) -> Changed:
    """Merge `other_id` into `point_id`: one point with `text` and the cards of both; `other_id` is deleted."""
    _staff(principal)
    text = _text(text)
    if point_id == other_id:
        raise Invalid("merge two different points", field="other_id")
    with db.transaction() as session:
        event = _event(session, principal, lock=True)
        point, other = _own_point(session, principal, point_id), _own_point(session, principal, other_id)
        if point.question != other.question:
            raise Invalid("merge two points of the same question", field="other_id")
        point.text = text
        point.cards = list(dict.fromkeys([*point.cards, *other.cards]))
        point.updated_at = datetime.now(UTC)
        session.delete(other)
        session.flush()
        _renumber(session, event.id, point.question)
        record_action(session, principal, point.room_id, "merge_grid_points", point_id=point.id, text=text)
        return _changed(session, principal, event)


def move_point(principal: Principal, point_id: int, position: int) -> Changed:
    """Move a point to `position` (0 is first) among its question's points."""
    _staff(principal)
    with db.transaction() as session:
        event = _event(session, principal, lock=True)
        point = _own_point(session, principal, point_id)
        others = [p for p in _question_points(session, event.id, point.question) if p.id != point.id]
        others.insert(min(position, len(others)), point)
        for index, each in enumerate(others):
            each.position = index
        record_action(session, principal, point.room_id, "move_grid_point", point_id=point.id, text=point.text)
        return _changed(session, principal, event)


def delete_point(principal: Principal, point_id: int) -> Changed:
    """Delete a point; its cards are proposed again. A published grid keeps it until published again."""
    _staff(principal)
    with db.transaction() as session:
        event = _event(session, principal, lock=True)
        point = _own_point(session, principal, point_id)
        question = point.question
        record_action(session, principal, point.room_id, "delete_grid_point", point_id=point.id, text=point.text)
        session.delete(point)
        session.flush()
        _renumber(session, event.id, question)
        return _changed(session, principal, event)


def publish_grid(principal: Principal) -> Changed:
    """Publish every point of the event as the grid participants apply, replacing the one published before."""
    _staff(principal)
    with db.transaction() as session:
        event = _event(session, principal, lock=True)
        board = _board(event)
        points = _points(session, event.id)
        event.grid = {
            "title": str(board.get("title", "")),
            "questions": [
                {
                    "key": column["key"],
                    "label": column["label"],
                    "hint": column.get("hint", ""),
                    "points": [
                        {"id": p.id, "text": p.text, "cards": list(p.cards)}
                        for p in points
                        if p.question == column["key"]
                    ],
                }
                for column in board["columns"]
            ],
        }
        event.grid_published_at = datetime.now(UTC)
        record_action(session, principal, None, "publish_grid", points=len(points))
        return _changed(session, principal, event, phones=True)


def withdraw_grid(principal: Principal) -> Changed:
    """Withdraw the published grid: participants no longer see one. The points stay."""
    _staff(principal)
    with db.transaction() as session:
        event = _event(session, principal, lock=True)
        if event.grid is None:
            raise Conflict("no grid is published")
        event.grid = None
        event.grid_published_at = None
        record_action(session, principal, None, "withdraw_grid")
        return _changed(session, principal, event, phones=True)


def published_grid(event: Event) -> dict[str, Any] | None:
    """Return the event's published grid with the moment it was published, for its record; None if none."""
    if event.grid is None:
        return None
    published_at = iso(event.grid_published_at) if event.grid_published_at else None
    return dict(event.grid) | {"published_at": published_at}


def _staff(principal: Principal) -> None:
    """Refuse anyone but the staff."""
    if principal.role not in STAFF:
        raise Forbidden("only facilitators and the organiser curate the grille de lecture")


def _event(session: Session, principal: Principal, lock: bool = False) -> Event:
    """Return the principal's event; `lock` orders concurrent changes to its grid."""
    event = session.get(Event, principal.event_id, with_for_update=lock)
    if event is None:
        raise NotFound("no such event")
    return event


def _board(event: Event) -> dict[str, Any]:
    """Return the event's four-question board, or raise Conflict."""
    board = grid_board(event.boards)
    if board is None:
        raise Conflict("this event has no board of questions to draw a grid from")
    return board


def _text(text: str) -> str:
    """Return a point's text, stripped, or raise Invalid."""
    text = " ".join(text.split())
    if not text or len(text) > TEXT_MAX:
        raise Invalid(f"a point has 1 to {TEXT_MAX} characters", field="text")
    return text


def _own_point(session: Session, principal: Principal, point_id: int) -> GridPoint:
    """Return a point of the principal's event that they may change: their room's, or any for the organiser."""
    point = session.get(GridPoint, point_id)
    if point is None or point.event_id != principal.event_id:
        raise NotFound(f"no point {point_id} in this grid")
    if principal.room_id is not None and point.room_id != principal.room_id:
        raise Forbidden("this point is another room's")
    return point


def _check_cards(
    session: Session,
    principal: Principal,
    event: Event,
    board: str,
    question: str,
    card_ids: list[int],
) -> None:
    """Refuse cards that are not shown cards of the question in the principal's rooms, or that a point uses."""
    if len(card_ids) > CARDS_MAX:
        raise Invalid(f"a point comes from at most {CARDS_MAX} cards", field="cards")
    if not card_ids:
        return
    rows = session.execute(
        select(Card.id, Card.room_id)
        .join(Room, Card.room_id == Room.id)
        .where(Card.id.in_(card_ids), Room.event_id == event.id, Card.board == board, Card.column == question)
        .where(SHOWN_TO_ALL)
    ).tuples()
    found = {card_id for card_id, room_id in rows if principal.may_watch(room_id)}
    missing = sorted(set(card_ids) - found)
    if missing:
        raise Invalid("these cards are not shown cards of this question in your rooms", field="cards", cards=missing)
    used = sorted(set(card_ids) & {card for p in _points(session, event.id) for card in p.cards})
    if used:
        raise Conflict("these cards are already in a point", cards=used)


def _points(session: Session, event_id: int) -> list[GridPoint]:
    """Return the event's points in question and position order."""
    return list(
        session.scalars(
            select(GridPoint).where(GridPoint.event_id == event_id).order_by(GridPoint.position, GridPoint.id)
        )
    )


def _question_points(session: Session, event_id: int, question: str) -> list[GridPoint]:
    """Return a question's points in order."""
    return [p for p in _points(session, event_id) if p.question == question]


def _renumber(session: Session, event_id: int, question: str) -> None:
    """Number a question's points 0, 1, 2… in their order."""
    for index, point in enumerate(_question_points(session, event_id, question)):
        point.position = index


def _changed(session: Session, principal: Principal, event: Event, phones: bool = False) -> Changed:
    """Return the principal's new view and the rooms of the event, whose staff are told.

    `phones`: the published grid came or went, so the event's live state goes to every phone too.
    """
    session.flush()
    rooms = list(session.scalars(select(Room.id).where(Room.event_id == event.id).order_by(Room.position)))
    state = event_outcome(session, event.id).event if phones else None
    return Changed(curation=_curation(session, principal, event), rooms=rooms, event=state)


def _curation(session: Session, principal: Principal, event: Event) -> Curation:
    """Return the proposals from the principal's rooms, every point of the event, and the published grid."""
    board = grid_board(event.boards)
    published = published_grid(event)
    if board is None:
        return Curation(title="", questions=[], published=published, published_at=None)
    rooms = {r.id: r for r in session.scalars(select(Room).where(Room.event_id == event.id))}
    points = _points(session, event.id)
    used = {card for point in points for card in point.cards}
    proposed = proposals(session, principal, event.id, board["key"], rooms, used, TEXT_MAX)
    questions = []
    for column in board["columns"]:
        key = column["key"]
        questions.append(
            {
                "key": key,
                "label": column["label"],
                "hint": column.get("hint", ""),
                "proposals": proposed.get(key, []),
                "points": [_point_data(p, rooms, principal) for p in points if p.question == key],
            }
        )
    return Curation(
        title=str(board.get("title", "")),
        questions=questions,
        published=published,
        published_at=published["published_at"] if published else None,
    )


def _point_data(point: GridPoint, rooms: dict[int, Room], principal: Principal) -> dict[str, Any]:
    """Return a point as a console shows it; `editable` when the principal may change it."""
    room = rooms.get(point.room_id) if point.room_id is not None else None
    return {
        "id": point.id,
        "question": point.question,
        "position": point.position,
        "text": point.text,
        "cards": list(point.cards),
        "room_id": point.room_id,
        "room_name": room.name if room else None,
        "editable": principal.room_id is None or point.room_id == principal.room_id,
    }
