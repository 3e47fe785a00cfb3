"""Rooms as a stream of numbered changes: record one, replay what a client missed, or snapshot.

A change has up to three audiences: the staff (facilitators, organiser) always receive its full
payload, so does the participant named `author_id`; everyone else receives `public` when it is
set (a card held for reveal travels without its text), the full payload otherwise.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, func, select, update
from sqlalchemy.orm import Session

from collab.domain.access import Principal, room_in_event
from collab.domain.errors import NotFound
from collab.store.database import db
from collab.store.models import Card, Change, Dot, DotVote, Participant, Room

ACTIVITY_STATES = ("open", "paused", "closed")
# A card everyone may read: not hidden, held, deleted, nor merged into another.
SHOWN_TO_ALL = Card.hidden.is_(False) & Card.held.is_(None) & Card.deleted_at.is_(None) & Card.merged_into_id.is_(None)


def next_seq(session: Session, room_id: int) -> int:
    """Take the room's next sequence number; call it first in a writing transaction.

    The row lock on the room orders concurrent writers, so numbers have no gaps and no
    duplicates, and whatever the transaction checks next cannot change under it.
    """
    seq = session.scalar(update(Room).where(Room.id == room_id).values(seq=Room.seq + 1).returning(Room.seq))
    if seq is None:
        raise NotFound(f"no room {room_id}")
    return seq


def add_change(
    session: Session,
    room_id: int,
    seq: int,
    event: str,
    payload: dict[str, Any],
    public: dict[str, Any] | None = None,
    author_id: int | None = None,
) -> dict[str, Any]:
    """Store the change numbered `seq` and return it as it is broadcast and replayed."""
    body = {"room_id": room_id, "seq": seq, **payload}
    public_body = None if public is None else {"room_id": room_id, "seq": seq, **public}
    session.add(
        Change(room_id=room_id, seq=seq, event=event, payload=body, public_payload=public_body, author_id=author_id)
    )
    return {"event": event, "payload": body, "public": public_body, "author_id": author_id}


def record_change(
    session: Session,
    room_id: int,
    event: str,
    payload: dict[str, Any],
    public: dict[str, Any] | None = None,
    author_id: int | None = None,
) -> dict[str, Any]:
    """Number a change with the room's next sequence number and store it."""
    return add_change(session, room_id, next_seq(session, room_id), event, payload, public, author_id)


def room_state(room: Room) -> dict[str, Any]:
    """Return what every client of a room needs to know of its state (lock, activity, modes, phase, timer)."""
    return {
        "locked": room.locked,
        "activity_state": room.activity_state,
        "reveal_mode": room.reveal_mode,
        "premoderation": room.premoderation,
        "current_phase_id": room.current_phase_id,
        "timer": timer_data(room.timer_ends_at, room.timer_seconds),
    }


def timer_data(ends_at: datetime | None, seconds: int | None) -> dict[str, Any] | None:
    """Return a countdown as clients receive it, or None when there is none."""
    if ends_at is None:
        return None
    return {"ends_at": iso(ends_at), "seconds": seconds}


def record_room_changed(session: Session, room: Room) -> dict[str, Any]:
    """Record a `room_changed` change carrying the room's whole state."""
    session.flush()
    return record_change(session, room.id, "room_changed", {"state": room_state(room)})


def sync_room(principal: Principal, room_id: int, since: int | None, max_replay: int) -> dict[str, Any]:
    """Return what a client that has changes up to `since` is missing: a replay or a snapshot.

    A replay is exactly the changes after `since`, in order, each as this client would have
    received it. A snapshot is sent when the client has nothing (`since` None), when it claims
    a future number (the database was replaced), or when it is more than `max_replay` behind.
    Both carry the room's current state.
    """
    with db.transaction() as session:
        room = room_in_event(session, principal, room_id)
        answer: dict[str, Any] = {
            "room_id": room_id,
            "seq": room.seq,
            "state": room_state(room),
            "vote": vote_state(session, principal, room_id),
            "roles": room_roles(session, room_id),
        }
        if since is not None and 0 <= since <= room.seq and room.seq - since <= max_replay:
            changes = session.scalars(
                select(Change).where(Change.room_id == room_id, Change.seq > since).order_by(Change.seq)
            )
            answer["changes"] = [{"event": c.event, "payload": seen_by(principal, c)} for c in changes]
        else:
            answer["snapshot"] = {"cards": board_cards(session, principal, room.id)}
        return answer


def changes_between(room_id: int, after: int, before: int) -> list[dict[str, Any]]:
    """Return the room's stored changes numbered after `after` and before `before`, in order, as announced.

    With workers, a worker reads here the changes that another worker's relay has not brought in time.
    """
    with db.reading(), db.transaction() as session:
        changes = session.scalars(
            select(Change)
            .where(Change.room_id == room_id, Change.seq > after, Change.seq < before)
            .order_by(Change.seq)
        )
        return [
            {"event": c.event, "payload": c.payload, "public": c.public_payload, "author_id": c.author_id}
            for c in changes
        ]


def room_seqs(room_ids: list[int]) -> dict[int, int]:
    """Return the last number each of these rooms has given, by room id."""
    if not room_ids:
        return {}
    with db.reading(), db.transaction() as session:
        return dict(session.execute(select(Room.id, Room.seq).where(Room.id.in_(room_ids))).tuples().all())


def seen_by(principal: Principal, change: Change) -> dict[str, Any]:
    """Return the payload of a change as this principal received it."""
    if change.public_payload is None or principal.may_moderate(change.room_id):
        return change.payload
    if change.author_id is not None and change.author_id == principal.participant_id:
        return change.payload
    return change.public_payload


def board_cards(session: Session, principal: Principal, room_id: int) -> list[dict[str, Any]]:
    """Return the room's cards as the principal may see them, in the order they were posted."""
    staff = principal.may_moderate(room_id)
    rows = session.execute(
        select(Card, Participant)
        .join(Participant, Card.participant_id == Participant.id)
        .where(Card.room_id == room_id, Card.deleted_at.is_(None))
        .order_by(Card.seq)
    ).tuples()
    cards = list(rows)
    votes = card_votes(session, room_id)
    merged: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for card, author in cards:
        if card.merged_into_id is not None:
            merged[card.merged_into_id].append(card_data(card, author, votes.get(card.id, 0)))
    result = []
    for card, author in cards:
        # A hidden card stays on its author's phone, marked hidden: they are told, not left wondering.
        if card.merged_into_id is not None or (card.hidden and not staff and author.id != principal.participant_id):
            continue
        full = card_data(card, author, votes.get(card.id, 0), merged.get(card.id, []))
        if card.held and not staff and author.id != principal.participant_id:
            result.append(public_card(full))
        else:
            result.append(full)
    return result


def room_roles(session: Session, room_id: int) -> list[dict[str, Any]]:
    """Return every participant of a room (but the erased) with the protagonist they play (None: no role yet)."""
    people = session.scalars(
        select(Participant)
        .where(Participant.room_id == room_id, Participant.erased_at.is_(None))
        .order_by(Participant.id)
    )
    return [{"participant_id": p.id, "pseudonym": p.pseudonym, "scale": p.scale, "role": p.role} for p in people]


def record_roles_changed(session: Session, room_id: int, seq: int | None = None) -> dict[str, Any]:
    """Record a `roles_changed` change carrying who plays what in the room, under `seq` if the
    transaction already took its number (to lock the room first), else under the next one."""
    session.flush()
    seq = next_seq(session, room_id) if seq is None else seq
    return add_change(session, room_id, seq, "roles_changed", {"roles": room_roles(session, room_id)})


def card_votes(session: Session, room_id: int) -> dict[int, int]:
    """Return the dots of the room's open (or latest) dot vote, per card id."""
    vote_id = session.scalar(select(DotVote.id).where(DotVote.room_id == room_id).order_by(DotVote.id.desc()).limit(1))
    if vote_id is None:
        return {}
    rows = session.execute(
        select(Dot.card_id, func.count(Dot.id)).where(Dot.vote_id == vote_id).group_by(Dot.card_id)
    ).tuples()
    return {card_id: n for card_id, n in rows}


def open_vote_of(session: Session, room_id: int) -> DotVote | None:
    """Return the room's open vote, if there is one."""
    return session.scalar(
        select(DotVote)
        .where(DotVote.room_id == room_id, DotVote.closed_at.is_(None))
        .order_by(DotVote.id.desc())
        .limit(1)
    )


def participant_dots(session: Session, vote_id: int, participant_id: int | None) -> dict[int, int]:
    """Return how many dots a participant has on each card in a vote."""
    rows = session.execute(
        select(Dot.card_id, func.count(Dot.id))
        .where(Dot.vote_id == vote_id, Dot.participant_id == participant_id)
        .group_by(Dot.card_id)
    ).tuples()
    return {card_id: n for card_id, n in rows}


def vote_state(session: Session, principal: Principal, room_id: int) -> dict[str, Any] | None:
    """Return the room's open vote as `sync` tells it: its dots and, for a participant, where theirs are."""
    vote = open_vote_of(session, room_id)
    if vote is None:
        return None
    mine = participant_dots(session, vote.id, principal.participant_id) if principal.participant_id else {}
    # JSON object keys are strings; clients read them back as card ids.
    return {"id": vote.id, "dots": vote.dots, "mine": {str(card_id): n for card_id, n in mine.items()}}


def full_card(session: Session, card: Card) -> dict[str, Any]:
    """Return one card as the staff see it, with its votes and the duplicates merged into it."""
    votes = card_votes(session, card.room_id)
    rows = session.execute(
        select(Card, Participant)
        .join(Participant, Card.participant_id == Participant.id)
        .where(Card.merged_into_id == card.id, Card.deleted_at.is_(None))
        .order_by(Card.seq)
    ).tuples()
    merged = [card_data(source, author, votes.get(source.id, 0)) for source, author in rows]
    author = session.get(Participant, card.participant_id)
    assert author is not None
    return card_data(card, author, votes.get(card.id, 0), merged)


def record_card_change(session: Session, card: Card, event: str) -> dict[str, Any]:
    """Record a change carrying a card, with what those who may not read it receive instead.

    A hidden card reaches the others as its id only; a held card without its words, while
    its author (and the staff) receive it whole.
    """
    full = full_card(session, card)
    if card.hidden:
        return record_change(
            session, card.room_id, event, {"card": full}, public={"card_id": card.id}, author_id=card.participant_id
        )
    if card.held:
        return record_change(
            session,
            card.room_id,
            event,
            {"card": full},
            public={"card": public_card(full)},
            author_id=card.participant_id,
        )
    return record_change(session, card.room_id, event, {"card": full})


def card_data(
    card: Card, author: Participant | Row[Any], votes: int = 0, merged: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """Return a card as the staff and its author receive it (`author`: a participant, or a row with its fields)."""
    merged = merged or []
    return {
        "id": card.id,
        "client_id": card.client_id,
        "board": card.board,
        "column": card.column,
        "text": card.text,
        "hidden": card.hidden,
        "held": card.held,
        "pinned": card.pinned,
        "edited": card.original_text is not None,
        "situation_id": card.situation_id,
        "role": card.role,
        "skill": card.skill,
        "votes": votes + sum(m["votes"] for m in merged),
        "merged": merged,
        # An erased author ("Effacer mes contributions", or the event anonymised) has no pseudonym left.
        "author": {
            "id": author.id,
            "pseudonym": author.pseudonym,
            "scale": author.scale,
            "erased": author.erased_at is not None,
        },
        "created_at": iso(card.created_at),
    }


def public_card(card: dict[str, Any]) -> dict[str, Any]:
    """Return a held card as everyone but its author and the staff see it: there, without its words."""
    return card | {"text": None, "client_id": None, "author": None, "merged": [], "role": None, "skill": None}


def iso(moment: datetime) -> str:
    """Return a stored time as ISO 8601 in UTC (SQLite gives it back without its zone)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat().replace("+00:00", "Z")
