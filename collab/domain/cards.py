"""Cards: posted by participants into a board column of their room."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, TypedDict

from sqlalchemy import Connection, Row
from sqlalchemy.exc import IntegrityError

from collab.domain.access import Principal
from collab.domain.errors import (
    BoardClosed,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    RateLimited,
    RoomClosed,
    Unauthorised,
)
from collab.domain.matching import SKILL_SCOPES, SKILL_TYPES
from collab.domain.outcome import Outcome
from collab.domain.rooms import card_data, public_card
from collab.store import statements
from collab.store.database import db
from collab.store.models import Card, utcnow

TEXT_MAX = 500
KEYWORD_MAX = 40
KEYWORDS_MAX = 5
CLOSED_BECAUSE = {
    "locked": "la salle est verrouillée : personne ne peut poster pour l'instant",
    "paused": "l'activité est en pause : les cartes restent lisibles, mais on ne poste plus",
    "closed": "l'activité est close",
}


class Posted(TypedDict):
    """The reply to a post: the number the card took in its room, and the card as its author sees it."""

    seq: int
    card: dict[str, Any]


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
    over_limit: RateLimited | None = None,
) -> Outcome[Posted]:
    """Post a participant's card into their room, and return once it is committed; the same client id
    posted again lands once, and a new card is refused with `over_limit` when it is given (the
    participant is over their post limit: a retry is still answered).

    The reply is built from the stored change, so a retry gets the very same one,
    even after the room was locked. In a room that holds new cards (reveal mode, pre-moderation)
    the card is seen by its author and the staff only, until revealed or approved. A card keeps
    the room's situation and, on a case-study board, its author's role; on a competences board
    it carries its `skill` (type, scope, keywords). Posts that arrive together on SQLite share a
    commit (`db.grouped`), and return in the order of their numbers.
    """
    if principal.role != "participant" or principal.participant_id is None or principal.room_id is None:
        raise Forbidden("only participants post cards")
    text = check_text(text)
    if skill is not None:
        skill = check_skill(skill)
    asked = _Asked(principal, client_id, board, column, text, skill, over_limit)
    try:
        if db.in_one_statement:
            return _post_at_once(asked)
        return db.grouped(partial(_post, asked))
    except IntegrityError:
        meanwhile = _posted_meanwhile(principal.participant_id, client_id)
        if meanwhile is None:
            raise
        return meanwhile


@dataclass(frozen=True)
class _Asked:
    """A card as a participant asked to post it (checked: the text trimmed, the skill in its stored form),
    and the refusal a new card gets when they are over their post limit."""

    principal: Principal
    client_id: str
    board: str
    column: str
    text: str
    skill: dict[str, Any] | None
    over_limit: RateLimited | None


def _post(asked: _Asked, connection: Connection) -> Outcome[Posted]:
    """Post a card in one writing transaction (SQLite): the retry check, then the post itself."""
    principal = asked.principal
    assert principal.room_id is not None and principal.participant_id is not None
    existing = _previous_post(connection, principal.participant_id, asked.client_id)
    if existing is not None:
        return Outcome(reply=existing)
    if asked.over_limit is not None:
        raise asked.over_limit
    author = statements.author(connection, principal.participant_id)
    if author is None or author.erased_at is not None:
        # Erased ("Effacer mes contributions") from another socket, or deleted by hand.
        raise Unauthorised("this participant is unknown; join again")
    event = statements.event_boards(connection, principal.event_id)
    # Taking the number locks the room: a lock is committed either before this post (which then
    # sees it) or after this post's commit, never in between. It comes after the reads, so that
    # the room waits for the fewest statements.
    room = statements.take_seq(connection, principal.room_id)
    if room is None:
        raise NotFound(f"no room {principal.room_id}")
    phase_board = statements.phase_board(connection, room.current_phase_id or event.current_phase_id)
    card = _new_card(
        asked,
        room,
        author,
        _Boards(event.boards, phase_board, event.open_boards),
        lambda: room.situation_id is not None and bool(statements.protagonists(connection, room.situation_id)),
    )
    card["seq"] = room.seq
    card_id = statements.insert_card(connection, card)
    change = _record_posted(connection, Card(id=card_id, **card), author)
    return _posted(change)


def _post_at_once(asked: _Asked) -> Outcome[Posted]:
    """Post a card in two statements, each its own transaction (PostgreSQL): one reads all that the
    post needs, the other takes the room's number and stores the card and its change.

    The room's row is locked only within the second statement: the posts of a busy room, from every
    worker, wait for one another the time of that statement, never for a round trip. It stores
    nothing unless the room is still as the first one read it; if it changed meanwhile (locked,
    reveal mode turned on, another phase), the post reads it again. The event's phase is read, not
    locked: a card posted the instant the organiser moves the day lands on the board it was for.
    """
    principal = asked.principal
    assert principal.room_id is not None and principal.participant_id is not None
    room_id, participant_id = principal.room_id, principal.participant_id
    with db.statements() as connection:
        for _attempt in range(ATTEMPTS):
            read = statements.read_for_post(connection, participant_id, asked.client_id, principal.event_id, room_id)
            if read.posted_seq is not None:
                existing = _previous_post(connection, participant_id, asked.client_id)
                assert existing is not None
                return Outcome(reply=existing)
            if asked.over_limit is not None:
                raise asked.over_limit
            if read.id is None or read.erased_at is not None:
                raise Unauthorised("this participant is unknown; join again")
            if read.seq is None:
                raise NotFound(f"no room {room_id}")
            boards = _Boards(read.boards, read.phase_board, read.open_boards)
            card = _new_card(asked, read, read, boards, partial(bool, read.protagonists))
            full = card_data(Card(id=read.card_id, seq=0, **card), read)
            seq = statements.post_at_once(
                connection,
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
            )
            if seq is not None:
                break
        else:
            raise Conflict("the room changed while the card was posted; post it again")
    return _posted(_card_posted(room_id, seq, full, card["held"], participant_id))


def _posted(change: dict[str, Any]) -> Outcome[Posted]:
    """Return the outcome of a new card's post: only a competence card carries a skill."""
    card = change["payload"]["card"]
    reply: Posted = {"seq": change["payload"]["seq"], "card": card}
    return Outcome(reply=reply, changes=[change], competences=card["skill"] is not None)


@dataclass(frozen=True)
class _Boards:
    """The event's boards, the board of the room's phase (None: no phase, or one without a board), and
    the boards the organiser opened early."""

    boards: list[dict[str, Any]]
    phase_board: str | None
    open_boards: list[str] | None


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


def _posted_meanwhile(participant_id: int, client_id: str) -> Outcome[Posted] | None:
    """Return the reply to the post that another socket of the same phone made with this
    client id at the same moment (the store refused the second one); None if there is none."""
    with db.transaction() as session:
        existing = _previous_post(session.connection(), participant_id, client_id)
    return None if existing is None else Outcome(reply=existing)


# How often a post reads the room again when it changed between the read and the write (PostgreSQL).
ATTEMPTS = 5


def _record_posted(connection: Connection, card: Card, author: Row[Any]) -> dict[str, Any]:
    """Record `card_posted` under the number the post took (a new card: no dots, nothing merged into it).

    The change is the one `add_change` would store, written with the post's own statements.
    """
    change = _card_posted(card.room_id, card.seq, card_data(card, author), card.held, card.participant_id)
    statements.insert_change(
        connection,
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


def _previous_post(connection: Connection, participant_id: int, client_id: str) -> Posted | None:
    """Return the reply to an earlier post with this client id, if there was one."""
    card = statements.posted_before(connection, participant_id, client_id)
    if card is None:
        return None
    change = statements.change(connection, card.room_id, card.seq)
    if change is None or change.event != "card_posted":
        raise Conflict("this client id was already used")
    return {"seq": card.seq, "card": change.payload["card"]}


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
