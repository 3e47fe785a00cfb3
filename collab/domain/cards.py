"""Cards: posted by participants into a board column of their room."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from sqlalchemy import Connection, Row, Table, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from collab.db import db
from collab.domain.access import Principal
from collab.domain.errors import Conflict, Forbidden, Invalid, NotFound, RoomClosed, Unauthorised
from collab.domain.matching import SKILL_SCOPES, SKILL_TYPES
from collab.domain.outcome import Outcome
from collab.domain.rooms import card_data, public_card
from collab.models import Card, Change, Event, Participant, Room, Situation, utcnow

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
    published: Callable[[Outcome], object] | None = None,
) -> Outcome:
    """Post a participant's card into their room; the same client id posted again lands once.

    The acknowledgement is built from the stored change, so a retry gets the very same one,
    even after the room was locked. In a room that holds new cards (reveal mode, pre-moderation)
    the card is seen by its author and the staff only, until revealed or approved. A card keeps
    the room's situation and, on a case-study board, its author's role; on a competences board
    it carries its `skill` (type, scope, keywords). `admit()` is called once the post is known to
    be new, before anything is written (the transport's rate limit: a retry is never refused).
    `published(outcome)` is called once the post is committed, before any later post of the
    room is (the transport's broadcast: the room's changes then leave in sequence). Posts that
    arrive together share a commit (`db.grouped`).
    """
    if principal.role != "participant" or principal.participant_id is None or principal.room_id is None:
        raise Forbidden("only participants post cards")
    text = check_text(text)
    if skill is not None:
        skill = check_skill(skill)
    room_id, participant_id = principal.room_id, principal.participant_id

    def post(connection: Connection) -> Outcome:
        # One transaction for a new post: the retry check, then the post itself.
        existing = _previous_post(connection, participant_id, client_id)
        if existing is not None:
            return Outcome(ack=existing)
        if admit is not None:
            admit()
        author = connection.execute(_AUTHOR, {"participant": participant_id}).first()
        if author is None:
            # Never by collab; by hand, while their socket was open.
            raise Unauthorised("this participant is unknown; join again")
        boards = connection.execute(_BOARDS, {"event": principal.event_id}).scalar_one()
        # Taking the number locks the room: a lock is committed either before this post
        # (which then sees it) or after this post's commit, never in between. It comes after
        # the reads, so that the room waits for the fewest round trips (PostgreSQL).
        room = connection.execute(_TAKE_SEQ, {"room": room_id}).first()
        if room is None:
            raise NotFound(f"no room {room_id}")
        _check_open(room.locked, room.activity_state)
        kind = _check_column(boards, board, column)
        if (kind == "competences") != (skill is not None):
            raise Invalid(
                "an offer or a need has a type and a scope" if skill is None else "only competences carry a skill",
                field="skill",
            )
        role = author.role if kind == "case_study" else None
        if kind == "case_study" and role is None and _has_protagonists(connection, room.situation_id):
            raise Invalid("choisissez d'abord votre rôle dans la situation", field="role")
        # Pre-moderation comes first: revealing never publishes a card nobody approved.
        held = "moderation" if room.premoderation else "reveal" if room.reveal_mode else None
        card = {
            "room_id": room_id,
            "participant_id": participant_id,
            "client_id": client_id,
            "board": board,
            "column": column,
            "text": text,
            "hidden": False,
            "held": held,
            "pinned": False,
            "situation_id": room.situation_id,
            "role": role,
            "skill": skill,
            "seq": room.seq,
            "created_at": utcnow(),
        }
        card_id = connection.execute(_INSERT_CARD, card).scalar_one()
        change = _record_posted(connection, Card(id=card_id, **card), author)
        return Outcome(ack={"ok": True, "seq": room.seq, "card": change["payload"]["card"]}, changes=[change])

    try:
        return db.grouped(post, published)
    except IntegrityError:
        # Another socket of the same phone posted this client id at the same moment.
        with db.transaction() as session:
            existing = _previous_post(session.connection(), participant_id, client_id)
        if existing is None:
            raise
        return Outcome(ack=existing)


# A post is the hot path of a busy room: its statements are built once, and run on the
# transaction's connection without the ORM's unit of work (bench/scale.py, scenario D).
_cards, _changes, _rooms = (cast(Table, model.__table__) for model in (Card, Change, Room))
_POSTED_BEFORE = select(_cards.c.room_id, _cards.c.seq).where(
    _cards.c.participant_id == bindparam("participant"), _cards.c.client_id == bindparam("client_id")
)
_POSTED_AS = select(_changes.c.event, _changes.c.payload).where(
    _changes.c.room_id == bindparam("room"), _changes.c.seq == bindparam("seq")
)
_TAKE_SEQ = (
    update(_rooms)
    .where(_rooms.c.id == bindparam("room"))
    .values(seq=_rooms.c.seq + 1)
    .returning(
        _rooms.c.seq,
        _rooms.c.locked,
        _rooms.c.activity_state,
        _rooms.c.reveal_mode,
        _rooms.c.premoderation,
        _rooms.c.situation_id,
    )
)
_AUTHOR = select(
    Participant.__table__.c.id,
    Participant.__table__.c.pseudonym,
    Participant.__table__.c.scale,
    Participant.__table__.c.role,
).where(Participant.__table__.c.id == bindparam("participant"))
_BOARDS = select(Event.__table__.c.boards).where(Event.__table__.c.id == bindparam("event"))
_INSERT_CARD = insert(_cards).returning(_cards.c.id)
_INSERT_CHANGE = insert(_changes)


def _record_posted(connection: Connection, card: Card, author: Row[Any]) -> dict[str, Any]:
    """Record `card_posted` under the number the post took (a new card: no dots, nothing merged into it).

    The change is the one `add_change` would store, written with the post's own statements.
    """
    full = card_data(card, author)
    room_id, seq = card.room_id, card.seq
    body = {"room_id": room_id, "seq": seq, "card": full}
    public = {"room_id": room_id, "seq": seq, "card": public_card(full)} if card.held else None
    author_id = card.participant_id if card.held else None
    connection.execute(
        _INSERT_CHANGE,
        {
            "room_id": room_id,
            "seq": seq,
            "event": "card_posted",
            "payload": body,
            "public_payload": public,
            "author_id": author_id,
            "created_at": card.created_at,
        },
    )
    return {"event": "card_posted", "payload": body, "public": public, "author_id": author_id}


def _check_open(locked: bool, activity_state: str) -> None:
    """Raise RoomClosed unless the room takes cards now."""
    reason = "locked" if locked else None if activity_state == "open" else activity_state
    if reason is not None:
        raise RoomClosed(CLOSED_BECAUSE[reason], reason=reason)


def _previous_post(connection: Connection, participant_id: int, client_id: str) -> dict[str, Any] | None:
    """Return the acknowledgement of an earlier post with this client id, if there was one."""
    card = connection.execute(_POSTED_BEFORE, {"participant": participant_id, "client_id": client_id}).first()
    if card is None:
        return None
    change = connection.execute(_POSTED_AS, {"room": card.room_id, "seq": card.seq}).first()
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


def _has_protagonists(connection: Connection, situation_id: int | None) -> bool:
    """Tell whether the room works a situation with protagonists to play."""
    if situation_id is None:
        return False
    protagonists = connection.scalar(select(Situation.protagonists).where(Situation.id == situation_id))
    return bool(protagonists)


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
