"""Dot votes: a facilitator opens one with N dots each, participants place and withdraw them on cards."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from collab.domain.access import Principal, room_in_event, staff_room
from collab.domain.audit import record_action
from collab.domain.errors import Conflict, Forbidden, Invalid, NotFound
from collab.domain.outcome import Outcome
from collab.domain.rooms import add_change, card_votes, next_seq, open_vote_of, participant_dots
from collab.store.database import db
from collab.store.models import Card, Dot, DotVote

DOTS_MIN = 1
DOTS_MAX = 20


class Dots(TypedDict):
    """The reply to a dot placed or withdrawn: the card's new total, and the participant's own dots."""

    seq: int
    card_id: int
    votes: int
    mine: dict[str, int]
    left: int


def open_vote(principal: Principal, room_id: int, dots: int) -> Outcome:
    """Open a dot vote in a room with `dots` dots per participant; the previous vote closes, counts start at 0."""
    if not DOTS_MIN <= dots <= DOTS_MAX:
        raise Invalid(f"a vote gives {DOTS_MIN} to {DOTS_MAX} dots", field="dots")
    with db.transaction() as session:
        staff_room(session, principal, room_id)
        seq = next_seq(session, room_id)
        now = datetime.now(UTC)
        previous = open_vote_of(session, room_id)
        if previous is not None:
            previous.closed_at = now
        vote = DotVote(room_id=room_id, dots=dots, opened_at=now)
        session.add(vote)
        session.flush()
        change = add_change(session, room_id, seq, "vote_opened", {"vote": {"id": vote.id, "dots": dots}})
        record_action(
            session,
            principal,
            room_id,
            "open_vote",
            vote_id=vote.id,
            dots=dots,
            closed=previous.id if previous else None,
        )
        return Outcome(reply={"seq": seq, "vote": {"id": vote.id, "dots": dots}}, changes=[change])


def close_vote(principal: Principal, room_id: int) -> Outcome:
    """Close the room's open vote: dots stay counted, none can be placed or withdrawn any more."""
    with db.transaction() as session:
        staff_room(session, principal, room_id)
        if open_vote_of(session, room_id) is None:
            return Outcome(reply={"seq": None, "vote_id": None})  # nothing to close
        seq = next_seq(session, room_id)
        vote = _require_open(session, room_id)  # again under the lock: another console may have closed it
        vote.closed_at = datetime.now(UTC)
        change = add_change(session, room_id, seq, "vote_closed", {"vote_id": vote.id})
        record_action(session, principal, room_id, "close_vote", vote_id=vote.id)
        return Outcome(reply={"seq": seq, "vote_id": vote.id}, changes=[change])


def place_dot(principal: Principal, card_id: int) -> Outcome[Dots]:
    """Place one of a participant's dots on a visible card of their room, while the vote is open."""
    with db.transaction() as session:
        card = _participant_card(session, principal, card_id)
        # The room's row lock, taken first: two phones placing their last dot at once are counted in turn.
        seq = next_seq(session, card.room_id)
        vote = _require_open(session, card.room_id)
        if card.hidden or card.held or card.deleted_at is not None or card.merged_into_id is not None:
            raise NotFound(f"no card {card_id} on the board")
        mine = participant_dots(session, vote.id, principal.participant_id)
        if sum(mine.values()) >= vote.dots:
            raise Conflict(f"all {vote.dots} dots are placed; withdraw one first")
        session.add(Dot(vote_id=vote.id, participant_id=principal.participant_id, card_id=card.id))
        session.flush()
        return _dots_changed(session, principal, card, seq, vote)


def withdraw_dot(principal: Principal, card_id: int) -> Outcome[Dots]:
    """Take back one of a participant's dots from a card, while the vote is open."""
    with db.transaction() as session:
        card = _participant_card(session, principal, card_id)
        seq = next_seq(session, card.room_id)
        vote = _require_open(session, card.room_id)
        dot = session.scalar(
            select(Dot)
            .where(Dot.vote_id == vote.id, Dot.participant_id == principal.participant_id, Dot.card_id == card.id)
            .order_by(Dot.id.desc())
            .limit(1)
        )
        if dot is None:
            raise Conflict("you have no dot on this card")
        session.delete(dot)
        session.flush()
        return _dots_changed(session, principal, card, seq, vote)


def _participant_card(session: Session, principal: Principal, card_id: int) -> Card:
    """Return a card of the participant's own room, or raise."""
    if principal.role != "participant" or principal.participant_id is None:
        raise Forbidden("only participants place dots")
    card = session.get(Card, card_id)
    if card is None:
        raise NotFound(f"no card {card_id}")
    room_in_event(session, principal, card.room_id)  # another event: not found; another room: forbidden
    return card


def _require_open(session: Session, room_id: int) -> DotVote:
    """Return the room's open vote, or raise Conflict."""
    vote = open_vote_of(session, room_id)
    if vote is None:
        raise Conflict("no vote is open in this room")
    return vote


def _dots_changed(session: Session, principal: Principal, card: Card, seq: int, vote: DotVote) -> Outcome[Dots]:
    """Record the card's new total as `votes_changed`; reply with the participant's own dots."""
    # A dot withdrawn from a merged duplicate changes the total of the card it was merged into.
    target = card.merged_into_id or card.id
    counts = card_votes(session, card.room_id)
    merged = session.scalars(select(Card.id).where(Card.merged_into_id == target, Card.deleted_at.is_(None)))
    total = counts.get(target, 0) + sum(counts.get(m, 0) for m in merged)
    change = add_change(session, card.room_id, seq, "votes_changed", {"card_id": target, "votes": total})
    mine = participant_dots(session, vote.id, principal.participant_id)
    reply: Dots = {
        "seq": seq,
        "card_id": target,
        "votes": total,
        "mine": {str(card_id): n for card_id, n in mine.items()},
        "left": vote.dots - sum(mine.values()),
    }
    return Outcome(reply=reply, changes=[change])
