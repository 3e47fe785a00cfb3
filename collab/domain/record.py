"""The whole record of an event as plain data: what every export format is made from."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collab.domain.access import Principal
from collab.domain.errors import NotFound
from collab.domain.events import SKILL_SCOPE_LABELS, SKILL_TYPE_LABELS, phase_data, situation_data
from collab.domain.grid import published_grid
from collab.domain.rooms import iso
from collab.domain.syntheses import published_of
from collab.store.database import db
from collab.store.models import (
    Card,
    Dot,
    DotVote,
    Event,
    Hypothesis,
    HypothesisVote,
    Participant,
    Phase,
    Room,
    Situation,
    Synthesis,
)

VERDICTS = {"validee": "Validée", "infirmee": "Infirmée", "a_nuancer": "À nuancer"}


def event_record(event_id: int, competences: bool = True) -> dict[str, Any]:
    """Return everything the day produced, every card with its moderation flags (deleted ones left out).

    `competences`: add the competence map (pairs and gaps); it loads the matcher (scikit-learn).
    """
    with db.transaction() as session:
        event = session.get(Event, event_id)
        if event is None:
            raise NotFound("no such event")
        rooms = list(session.scalars(select(Room).where(Room.event_id == event_id).order_by(Room.position)))
        situations = list(
            session.scalars(select(Situation).where(Situation.event_id == event_id).order_by(Situation.position))
        )
        phases = session.scalars(select(Phase).where(Phase.event_id == event_id).order_by(Phase.position))
        scales = {s["key"]: s["label"] for s in event.scales}
        participants = list(
            session.scalars(select(Participant).where(Participant.event_id == event_id).order_by(Participant.id))
        )
        record: dict[str, Any] = {
            "event": {
                "id": event.id,
                "title": event.title,
                "join_code": event.join_code,
                "template": event.template,
                "created_at": iso(event.created_at),
                "closed_at": iso(event.closed_at) if event.closed_at else None,
                "closed": event.closed_at is not None,
            },
            "scales": event.scales,
            "boards": [{"kind": "grid"} | board for board in event.boards],
            "programme": [phase_data(p) for p in phases],
            "situations": [situation_data(s) for s in situations],
            "rooms": [{"id": r.id, "name": r.name, "situation_id": r.situation_id} for r in rooms],
            "participants": [
                {
                    "id": p.id,
                    "pseudonym": p.pseudonym,
                    # Erased at their request or with the event's retention: no pseudonym left.
                    "erased": p.erased_at is not None,
                    "scale": p.scale,
                    "scale_label": scales.get(p.scale, p.scale),
                    "room_id": p.room_id,
                    "role": p.role,
                }
                for p in participants
            ],
            "cards": _cards(session, event_id, rooms, participants, scales),
            "syntheses": _syntheses(session, event_id, [board["key"] for board in event.boards]),
            "dot_votes": _dot_votes(session, event_id),
            "hypotheses": _hypotheses(session, event_id),
            "competences": None,
            # The published grille de lecture, with when it was published; None while none is.
            "grid": published_grid(event),
        }
    if competences:
        from collab.domain.competences import competence_map

        answer = competence_map(Principal(role="organiser", event_id=event_id))
        record["competences"] = {key: answer[key] for key in ("totals", "types", "top", "gaps")}
    return record


def _cards(
    session: Session, event_id: int, rooms: list[Room], participants: list[Participant], scales: dict[str, str]
) -> list[dict[str, Any]]:
    """Return the event's cards (but deleted ones) in room and posting order, with their dots."""
    by_room = {r.id: r for r in rooms}
    people = {p.id: p for p in participants}
    cards = list(
        session.scalars(
            select(Card)
            .join(Room, Card.room_id == Room.id)
            .where(Room.event_id == event_id, Card.deleted_at.is_(None))
            .order_by(Room.position, Card.seq)
        )
    )
    rows_of_dots = session.execute(
        select(Dot.card_id, func.count(Dot.id))
        .join(Card, Dot.card_id == Card.id)
        .join(Room, Card.room_id == Room.id)
        .where(Room.event_id == event_id)
        .group_by(Dot.card_id)
    ).tuples()
    dots: Counter[int] = Counter({card_id: n for card_id, n in rows_of_dots})
    # A duplicate's dots count for the card it was merged into.
    votes = Counter(dots)
    for card in cards:
        if card.merged_into_id is not None:
            votes[card.merged_into_id] += dots[card.id]
    rows = []
    for card in cards:
        author = people[card.participant_id]
        room = by_room[card.room_id]
        skill = card.skill
        rows.append(
            {
                "id": card.id,
                "room_id": room.id,
                "room_name": room.name,
                "board": card.board,
                "column": card.column,
                "text": card.text,
                "author": author.pseudonym,
                "author_erased": author.erased_at is not None,
                "scale": author.scale,
                "scale_label": scales.get(author.scale, author.scale),
                "role": card.role,
                # A card posted before the room had a situation belongs to the room's situation.
                "situation_id": card.situation_id if card.situation_id is not None else room.situation_id,
                "skill": skill,
                "skill_type_label": SKILL_TYPE_LABELS.get(skill["type"], skill["type"]) if skill else None,
                "skill_scope_label": SKILL_SCOPE_LABELS.get(skill["scope"], skill["scope"]) if skill else None,
                "votes": votes[card.id],
                "pinned": card.pinned,
                "hidden": card.hidden,
                "held": card.held,
                "edited": card.original_text is not None,
                "merged_into_id": card.merged_into_id,
                "visible": not card.hidden and card.held is None and card.merged_into_id is None,
                "created_at": iso(card.created_at),
            }
        )
    return rows


def _syntheses(session: Session, event_id: int, boards: list[str]) -> list[dict[str, Any]]:
    """Return the published syntheses, room by room, each room's in the order of the event's boards."""
    rows = session.execute(
        select(Synthesis, Room.position)
        .join(Room, Synthesis.room_id == Room.id)
        .where(Room.event_id == event_id, Synthesis.published.is_not(None))
    ).tuples()
    ordered = sorted(
        rows, key=lambda row: (row[1], boards.index(row[0].board) if row[0].board in boards else len(boards))
    )
    return [published_of(synthesis) for synthesis, _ in ordered]


def _dot_votes(session: Session, event_id: int) -> list[dict[str, Any]]:
    """Return the dot votes held in the rooms, with how many dots were placed."""
    rows = session.execute(
        select(DotVote, func.count(Dot.id))
        .join(Room, DotVote.room_id == Room.id)
        .outerjoin(Dot, Dot.vote_id == DotVote.id)
        .where(Room.event_id == event_id)
        .group_by(DotVote.id)
        .order_by(DotVote.id)
    ).tuples()
    return [
        {
            "id": vote.id,
            "room_id": vote.room_id,
            "dots": vote.dots,
            "placed": placed,
            "opened_at": iso(vote.opened_at),
            "closed_at": iso(vote.closed_at) if vote.closed_at else None,
        }
        for vote, placed in rows
    ]


def _hypotheses(session: Session, event_id: int) -> list[dict[str, Any]]:
    """Return the hypotheses in order with their verdict counts, reasons and conclusion."""
    hypotheses = session.scalars(
        select(Hypothesis).where(Hypothesis.event_id == event_id).order_by(Hypothesis.position, Hypothesis.id)
    )
    answer = []
    for hypothesis in hypotheses:
        votes = list(
            session.scalars(
                select(HypothesisVote).where(HypothesisVote.hypothesis_id == hypothesis.id).order_by(HypothesisVote.id)
            )
        )
        counts = Counter(v.verdict for v in votes)
        answer.append(
            {
                "id": hypothesis.id,
                "text": hypothesis.text,
                "state": hypothesis.state,
                "conclusion": hypothesis.conclusion,
                "evidence": list(hypothesis.evidence),
                "votes": len(votes),
                "results": [{"verdict": key, "label": label, "count": counts[key]} for key, label in VERDICTS.items()],
                "reasons": [
                    {"verdict": v.verdict, "label": VERDICTS.get(v.verdict, v.verdict), "reason": v.reason}
                    for v in votes
                    if v.reason.strip()
                ],
            }
        )
    return answer


def votes_record(event_id: int) -> dict[str, list[dict[str, Any]]]:
    """Return every dot placed and every hypothesis vote of the event, one row each, for the spreadsheets.

    Dots on deleted cards are left out, as their cards are; a vote names its voter's scale, never the voter.
    """
    with db.transaction() as session:
        event = session.get(Event, event_id)
        if event is None:
            raise NotFound("no such event")
        scales = {s["key"]: s["label"] for s in event.scales}
        dots = session.execute(
            select(Dot.id, Dot.created_at, Card.id, Card.board, Card.text, Room.id, Room.name)
            .join(Card, Dot.card_id == Card.id)
            .join(Room, Card.room_id == Room.id)
            .where(Room.event_id == event_id, Card.deleted_at.is_(None))
            .order_by(Room.position, Dot.created_at, Dot.id)
        ).tuples()
        ballots = session.execute(
            select(Hypothesis.id, Hypothesis.text, HypothesisVote, Participant.scale)
            .join(HypothesisVote, HypothesisVote.hypothesis_id == Hypothesis.id)
            .join(Participant, HypothesisVote.participant_id == Participant.id)
            .where(Hypothesis.event_id == event_id)
            .order_by(Hypothesis.position, Hypothesis.id, HypothesisVote.id)
        ).tuples()
        return {
            "dots": [
                {
                    "id": dot_id,
                    "room_id": room_id,
                    "room_name": room_name,
                    "card_id": card_id,
                    "board": board,
                    "text": text,
                    "placed_at": iso(placed_at),
                }
                for dot_id, placed_at, card_id, board, text, room_id, room_name in dots
            ],
            "hypothesis_votes": [
                {
                    "hypothesis_id": hypothesis_id,
                    "hypothesis": hypothesis,
                    "verdict": vote.verdict,
                    "label": VERDICTS.get(vote.verdict, vote.verdict),
                    "reason": vote.reason,
                    "scale": scale,
                    "scale_label": scales.get(scale, scale),
                    # A verdict can be changed while the vote is open: when it was last given.
                    "voted_at": iso(vote.updated_at),
                }
                for hypothesis_id, hypothesis, vote, scale in ballots
            ],
        }
