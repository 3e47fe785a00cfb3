"""Cards: posted by participants into a board column of their room."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from collab.db import db
from collab.domain.access import Principal
from collab.domain.errors import Conflict, Forbidden, Invalid, RoomClosed, Unauthorised
from collab.domain.matching import SKILL_SCOPES, SKILL_TYPES
from collab.domain.outcome import Outcome
from collab.domain.rooms import add_change, card_data, next_seq, public_card
from collab.models import Card, Change, Event, Participant, Room, Situation

TEXT_MAX = 500
KEYWORD_MAX = 40
KEYWORDS_MAX = 5
CLOSED_BECAUSE = {
    "locked": "la salle est verrouillée : personne ne peut poster pour l'instant",
    "paused": "l'activité est en pause : les cartes restent lisibles, mais on ne poste plus",
    "closed": "l'activité est close",
}


def check_text(text: str) -> str:
    """Return a card's text trimmed, or raise Invalid when it is empty or too long."""
    text = text.strip()
    if not text or len(text) > TEXT_MAX:
        raise Invalid(f"a card has 1 to {TEXT_MAX} characters", field="text")
    return text


def post_card(
    principal: Principal,
    client_id: str,
    board: str,
    column: str,
    text: str,
    skill: dict[str, Any] | None = None,
    admit: Callable[[], None] | None = None,
) -> Outcome:
    """Post a participant's card into their room; the same client id posted again lands once.

    The acknowledgement is built from the stored change, so a retry gets the very same one,
    even after the room was locked. In a room that holds new cards (reveal mode, pre-moderation)
    the card is seen by its author and the staff only, until revealed or approved. A card keeps
    the room's situation and, on a case-study board, its author's role; on a competences board
    it carries its `skill` (type, scope, keywords). `admit()` is called once the post is known to
    be new, before anything is written (the transport's rate limit: a retry is never refused).
    """
    if principal.role != "participant" or principal.participant_id is None or principal.room_id is None:
        raise Forbidden("only participants post cards")
    text = check_text(text)
    if skill is not None:
        skill = check_skill(skill)
    try:
        with db.transaction() as session:
            # One transaction for a new post: the retry check, then the post itself.
            existing = _previous_post(session, principal, client_id)
            if existing is not None:
                return Outcome(ack=existing)
            if admit is not None:
                admit()
            # Taking the number locks the room: a lock is committed either before this post
            # (which then sees it) or after this post's commit, never in between.
            seq = next_seq(session, principal.room_id)
            room = session.get(Room, principal.room_id)
            boards = session.scalar(select(Event.boards).where(Event.id == principal.event_id))
            author = session.get(Participant, principal.participant_id)
            if author is None:
                # Never by collab; by hand, while their socket was open.
                raise Unauthorised("this participant is unknown; join again")
            assert room is not None and boards is not None
            _check_open(room)
            kind = _check_column(boards, board, column)
            if (kind == "competences") != (skill is not None):
                raise Invalid(
                    "an offer or a need has a type and a scope" if skill is None else "only competences carry a skill",
                    field="skill",
                )
            role = author.role if kind == "case_study" else None
            if kind == "case_study" and role is None and _has_protagonists(session, room):
                raise Invalid("choisissez d'abord votre rôle dans la situation", field="role")
            # Pre-moderation comes first: revealing never publishes a card nobody approved.
            held = "moderation" if room.premoderation else "reveal" if room.reveal_mode else None
            card = Card(
                room_id=room.id,
                participant_id=author.id,
                client_id=client_id,
                board=board,
                column=column,
                text=text,
                held=held,
                situation_id=room.situation_id,
                role=role,
                skill=skill,
                seq=seq,
            )
            session.add(card)
            session.flush()
            change = _record_posted(session, card, author, seq)
            return Outcome(ack={"ok": True, "seq": seq, "card": change["payload"]["card"]}, changes=[change])
    except IntegrityError:
        # Another socket of the same phone posted this client id at the same moment.
        with db.transaction() as session:
            existing = _previous_post(session, principal, client_id)
        if existing is None:
            raise
        return Outcome(ack=existing)


def _record_posted(session: Session, card: Card, author: Participant, seq: int) -> dict[str, Any]:
    """Record `card_posted` under the number the post took first (a new card: no dots, nothing merged into it)."""
    full = card_data(card, author)
    if card.held:
        return add_change(
            session,
            card.room_id,
            seq,
            "card_posted",
            {"card": full},
            public={"card": public_card(full)},
            author_id=card.participant_id,
        )
    return add_change(session, card.room_id, seq, "card_posted", {"card": full})


def _check_open(room: Room) -> None:
    """Raise RoomClosed unless the room takes cards now."""
    reason = "locked" if room.locked else None if room.activity_state == "open" else room.activity_state
    if reason is not None:
        raise RoomClosed(CLOSED_BECAUSE[reason], reason=reason)


def _previous_post(session: Session, principal: Principal, client_id: str) -> dict[str, Any] | None:
    """Return the acknowledgement of an earlier post with this client id, if there was one."""
    card = session.scalar(
        select(Card).where(Card.participant_id == principal.participant_id, Card.client_id == client_id)
    )
    if card is None:
        return None
    change = session.scalar(select(Change).where(Change.room_id == card.room_id, Change.seq == card.seq))
    if change is None or change.event != "card_posted":
        raise Conflict("this client id was already used")
    return {"ok": True, "seq": card.seq, "card": change.payload["card"]}


def _check_column(boards: list[dict[str, Any]], board: str, column: str) -> str:
    """Return the kind of `board` in this event; raise Invalid unless `column` is one of its columns."""
    for known in boards:
        if known["key"] == board:
            if column in {c["key"] for c in known["columns"]}:
                return str(known.get("kind", "grid"))
            raise Invalid(f"board {board!r} has no column {column!r}", field="column")
    raise Invalid(f"this event has no board {board!r}", field="board")


def _has_protagonists(session: Session, room: Room) -> bool:
    """Tell whether the room works a situation with protagonists to play."""
    situation = session.get(Situation, room.situation_id) if room.situation_id else None
    return bool(situation and situation.protagonists)


def check_skill(skill: dict[str, Any]) -> dict[str, Any]:
    """Return an offer's or a need's skill in its stored form, or raise Invalid naming the problem."""
    if skill.get("type") not in SKILL_TYPES:
        raise Invalid(f"a competence's type is one of {', '.join(SKILL_TYPES)}", field="skill")
    if skill.get("scope") not in SKILL_SCOPES:
        raise Invalid(f"a competence is {' or '.join(SKILL_SCOPES)}", field="skill")
    keywords: list[str] = []
    for keyword in skill.get("keywords", []):
        keyword = " ".join(str(keyword).split())
        if not keyword or len(keyword) > KEYWORD_MAX:
            raise Invalid(f"a keyword has 1 to {KEYWORD_MAX} characters", field="skill")
        if keyword.casefold() not in {k.casefold() for k in keywords}:
            keywords.append(keyword)
    if len(keywords) > KEYWORDS_MAX:
        raise Invalid(f"at most {KEYWORDS_MAX} keywords", field="skill")
    return {"type": skill["type"], "scope": skill["scope"], "keywords": keywords}
