"""Cards: posted by participants into a board column of their room."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, cast

from sqlalchemy import JSON, Connection, DateTime, Row, Table, bindparam, insert, select, update
from sqlalchemy import text as sql
from sqlalchemy.exc import IntegrityError

from collab.domain.access import Principal
from collab.domain.errors import BoardClosed, Conflict, Forbidden, Invalid, NotFound, RoomClosed, Unauthorised
from collab.domain.matching import SKILL_SCOPES, SKILL_TYPES
from collab.domain.outcome import Outcome
from collab.domain.rooms import card_data, public_card
from collab.store.database import db
from collab.store.models import Card, Change, Event, Participant, Phase, Room, Situation, utcnow

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
    asked = _Asked(principal, client_id, board, column, text, skill)
    if db.in_one_statement:
        return _post_at_once(asked, admit, published)

    def post(connection: Connection) -> Outcome:
        # One transaction for a new post: the retry check, then the post itself.
        existing = _previous_post(connection, participant_id, client_id)
        if existing is not None:
            return Outcome(ack=existing)
        if admit is not None:
            admit()
        author = connection.execute(_AUTHOR, {"participant": participant_id}).first()
        if author is None or author.erased_at is not None:
            # Erased ("Effacer mes contributions") from another socket, or deleted by hand.
            raise Unauthorised("this participant is unknown; join again")
        event = connection.execute(_BOARDS, {"event": principal.event_id}).one()
        # Taking the number locks the room: a lock is committed either before this post
        # (which then sees it) or after this post's commit, never in between. It comes after
        # the reads, so that the room waits for the fewest round trips.
        room = connection.execute(_TAKE_SEQ, {"room": room_id}).first()
        if room is None:
            raise NotFound(f"no room {room_id}")
        phase_board = connection.scalar(_PHASE_BOARD, {"phase": room.current_phase_id or event.current_phase_id})
        card = _new_card(
            asked,
            room,
            author,
            _Boards(event.boards, phase_board, event.open_boards),
            lambda: _has_protagonists(connection, room.situation_id),
        )
        card["seq"] = room.seq
        card_id = connection.execute(_INSERT_CARD, card).scalar_one()
        change = _record_posted(connection, Card(id=card_id, **card), author)
        ack = {"ok": True, "seq": room.seq, "card": change["payload"]["card"]}
        return Outcome(ack=ack, changes=[change], competences=skill is not None)

    try:
        return db.grouped(post, published)
    except IntegrityError:
        meanwhile = _posted_meanwhile(participant_id, client_id)
        if meanwhile is None:
            raise
        return meanwhile


def _post_at_once(
    asked: _Asked, admit: Callable[[], None] | None, published: Callable[[Outcome], object] | None
) -> Outcome:
    """Post in two statements, each its own transaction (PostgreSQL): one reads all that the post
    needs, the other takes the room's number and stores the card and its change.

    The room's row is locked only within the second statement, inside the database: the posts of
    a busy room, from every worker, wait for one another the time of that statement, never for a
    round trip between a worker and the database. The second statement stores nothing unless the
    room is still as the first one read it; if it changed meanwhile (a facilitator locked it, turned
    on reveal mode, moved it to another phase), the post reads it again. The event's phase is read,
    not locked: a card posted the instant the organiser moves the day lands on the board it was for.
    """
    principal, client_id = asked.principal, asked.client_id
    assert principal.room_id is not None and principal.participant_id is not None
    room_id, participant_id = principal.room_id, principal.participant_id
    try:
        with db.statements() as connection:
            keys = {"participant": participant_id, "client_id": client_id, "event": principal.event_id, "room": room_id}
            for _attempt in range(ATTEMPTS):
                read = connection.execute(_READ_FOR_POST, keys).first()
                assert read is not None
                if read.posted_seq is not None:
                    existing = _previous_post(connection, participant_id, client_id)
                    assert existing is not None
                    return Outcome(ack=existing)
                if admit is not None:
                    admit()
                    admit = None
                if read.id is None or read.erased_at is not None:
                    raise Unauthorised("this participant is unknown; join again")
                if read.seq is None:
                    raise NotFound(f"no room {room_id}")
                boards = _Boards(read.boards, read.phase_board, read.open_boards)
                card = _new_card(asked, read, read, boards, partial(bool, read.protagonists))
                full = card_data(Card(id=read.card_id, seq=0, **card), read)
                seq = connection.execute(
                    _POST_AT_ONCE,
                    card
                    | {
                        "id": read.card_id,
                        "locked": read.locked,
                        "activity_state": read.activity_state,
                        "reveal_mode": read.reveal_mode,
                        "premoderation": read.premoderation,
                        "room_phase": read.room_phase,
                        "card": json.dumps(full),
                        "public_card": json.dumps(public_card(full)) if card["held"] else None,
                        "author_id": participant_id if card["held"] else None,
                    },
                ).scalar()
                if seq is not None:
                    break
            else:
                raise Conflict("the room changed while the card was posted; post it again")
    except IntegrityError:
        meanwhile = _posted_meanwhile(participant_id, client_id)
        if meanwhile is None:
            raise
        return meanwhile
    change = _card_posted(room_id, seq, full, card["held"], participant_id)
    outcome = Outcome(ack={"ok": True, "seq": seq, "card": full}, changes=[change], competences=asked.skill is not None)
    if published is not None:
        published(outcome)
    return outcome


@dataclass(frozen=True)
class _Boards:
    """The event's boards, the board of the room's phase (None: no phase, or one without a board), and
    the boards the organiser opened early."""

    boards: list[dict[str, Any]]
    phase_board: str | None
    open_boards: list[str] | None


@dataclass(frozen=True)
class _Asked:
    """A card as a participant asked to post it (checked: the text trimmed, the skill in its stored form)."""

    principal: Principal
    client_id: str
    board: str
    column: str
    text: str
    skill: dict[str, Any] | None


def _new_card(
    asked: _Asked, room: Any, author: Any, boards: _Boards, has_protagonists: Callable[[], bool]
) -> dict[str, Any]:
    """Return the columns of a new card in `room` (a row with its state), or raise what refuses it.

    `has_protagonists()` tells whether the room's situation has roles to play (asked only of a case
    study's post by someone without a role)."""
    _check_open(room.locked, room.activity_state)
    kind = _check_column(boards.boards, asked.board, asked.column)
    check_board_open(asked.board, boards.phase_board, boards.open_boards)
    if (kind == "competences") != (asked.skill is not None):
        raise Invalid(
            "an offer or a need has a type and a scope" if asked.skill is None else "only competences carry a skill",
            field="skill",
        )
    role = author.role if kind == "case_study" else None
    if kind == "case_study" and role is None and has_protagonists():
        raise Invalid("choisissez d'abord votre rôle dans la situation", field="role")
    # Pre-moderation comes first: revealing never publishes a card nobody approved.
    held = "moderation" if room.premoderation else "reveal" if room.reveal_mode else None
    return {
        "room_id": asked.principal.room_id,
        "participant_id": asked.principal.participant_id,
        "client_id": asked.client_id,
        "board": asked.board,
        "column": asked.column,
        "text": asked.text,
        "hidden": False,
        "held": held,
        "pinned": False,
        "situation_id": room.situation_id,
        "role": role,
        "skill": asked.skill,
        "created_at": utcnow(),
    }


def _posted_meanwhile(participant_id: int, client_id: str) -> Outcome | None:
    """Return the acknowledgement of the post that another socket of the same phone made with this
    client id at the same moment (the store refused the second one); None if there is none."""
    with db.transaction() as session:
        existing = _previous_post(session.connection(), participant_id, client_id)
    return None if existing is None else Outcome(ack=existing)


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
        _rooms.c.current_phase_id,
    )
)
_AUTHOR = select(
    Participant.__table__.c.id,
    Participant.__table__.c.pseudonym,
    Participant.__table__.c.scale,
    Participant.__table__.c.role,
    Participant.__table__.c.erased_at,
).where(Participant.__table__.c.id == bindparam("participant"))
_BOARDS = select(Event.__table__.c.boards, Event.__table__.c.current_phase_id, Event.__table__.c.open_boards).where(
    Event.__table__.c.id == bindparam("event")
)
_PHASE_BOARD = select(Phase.__table__.c.activity).where(Phase.__table__.c.id == bindparam("phase"))
_INSERT_CARD = insert(_cards).returning(_cards.c.id)
_INSERT_CHANGE = insert(_changes)
# How often a post reads the room again when it changed between the read and the write (PostgreSQL).
ATTEMPTS = 5
# PostgreSQL: what a post needs, in one statement (a row even when the author or the room is gone).
_READ_FOR_POST = sql(
    """
    SELECT posted.seq AS posted_seq,
           p.id, p.pseudonym, p.scale, p.role, p.erased_at,
           e.boards, e.open_boards, ph.activity AS phase_board,
           r.seq, r.locked, r.activity_state, r.reveal_mode, r.premoderation, r.situation_id,
           r.current_phase_id AS room_phase,
           s.protagonists,
           nextval(pg_get_serial_sequence('cards', 'id')) AS card_id
    FROM (SELECT 1) AS one
    LEFT JOIN cards AS posted ON posted.participant_id = :participant AND posted.client_id = :client_id
    LEFT JOIN participants AS p ON p.id = :participant
    LEFT JOIN events AS e ON e.id = :event
    LEFT JOIN rooms AS r ON r.id = :room
    LEFT JOIN situations AS s ON s.id = r.situation_id
    LEFT JOIN phases AS ph ON ph.id = COALESCE(r.current_phase_id, e.current_phase_id)
    """
).columns(boards=JSON, open_boards=JSON, protagonists=JSON)
# PostgreSQL: take the room's number, store the card and its change, in one statement; nothing if
# the room is no longer as it was read (then it returns no row).
_POST_AT_ONCE = sql(
    """
    WITH room AS (
        UPDATE rooms SET seq = seq + 1
        WHERE id = :room_id AND locked = :locked AND activity_state = :activity_state
          AND reveal_mode = :reveal_mode AND premoderation = :premoderation
          AND situation_id IS NOT DISTINCT FROM CAST(:situation_id AS INTEGER)
          AND current_phase_id IS NOT DISTINCT FROM CAST(:room_phase AS INTEGER)
        RETURNING seq
    ), card AS (
        INSERT INTO cards (id, room_id, participant_id, client_id, board, "column", text, hidden, held,
                           pinned, situation_id, role, skill, seq, created_at)
        SELECT :id, :room_id, :participant_id, :client_id, :board, :column, :text, :hidden, :held,
               :pinned, :situation_id, :role, :skill, room.seq, :created_at
        FROM room
        RETURNING seq
    )
    INSERT INTO changes (room_id, seq, event, payload, public_payload, author_id, created_at)
    SELECT :room_id, card.seq, 'card_posted',
           json_build_object('room_id', :room_id, 'seq', card.seq, 'card', CAST(:card AS JSON)),
           CASE WHEN CAST(:public_card AS TEXT) IS NULL THEN NULL
                ELSE json_build_object('room_id', :room_id, 'seq', card.seq, 'card', CAST(:public_card AS JSON))
           END,
           :author_id, :created_at
    FROM card
    RETURNING seq
    """
).bindparams(bindparam("skill", type_=JSON), bindparam("created_at", type_=DateTime()))


def _record_posted(connection: Connection, card: Card, author: Row[Any]) -> dict[str, Any]:
    """Record `card_posted` under the number the post took (a new card: no dots, nothing merged into it).

    The change is the one `add_change` would store, written with the post's own statements.
    """
    change = _card_posted(card.room_id, card.seq, card_data(card, author), card.held, card.participant_id)
    connection.execute(
        _INSERT_CHANGE,
        {
            "room_id": card.room_id,
            "seq": card.seq,
            "event": "card_posted",
            "payload": change["payload"],
            "public_payload": change["public"],
            "author_id": change["author_id"],
            "created_at": card.created_at,
        },
    )
    return change


def _card_posted(room_id: int, seq: int, full: dict[str, Any], held: str | None, author_id: int) -> dict[str, Any]:
    """Return the `card_posted` change of a new card: its public version and author only when it is held."""
    return {
        "event": "card_posted",
        "payload": {"room_id": room_id, "seq": seq, "card": full},
        "public": {"room_id": room_id, "seq": seq, "card": public_card(full)} if held else None,
        "author_id": author_id if held else None,
    }


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


def check_board_open(board: str, phase_board: str | None, open_boards: list[str] | None) -> None:
    """Raise BoardClosed unless `board` is the board of the room's phase or one the organiser opened early.

    Before the first phase, and in a phase without a board (a plenary, a meal), only boards opened early take cards.
    """
    if board != phase_board and board not in (open_boards or []):
        raise BoardClosed(
            "ce tableau ne prend pas de cartes pour l'instant",
            board=board,
            open=current_boards(phase_board, open_boards),
        )


def current_boards(phase_board: str | None, open_boards: list[str] | None) -> list[str]:
    """Return the boards that take cards: the phase's first, then those opened early."""
    opened = [phase_board] if phase_board else []
    return opened + [key for key in open_boards or [] if key not in opened]


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
