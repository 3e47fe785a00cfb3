"""The statements of a post, the hot path of a busy room: built once, run on a connection without the ORM.

SQLite runs them one by one in a writing transaction; PostgreSQL reads what a post needs in one
statement and stores it in another (`read_for_post`, `post_at_once`), so that the room's row is
locked inside the database only, never across a round trip.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import JSON, Connection, DateTime, Row, Table, bindparam, insert, select, update
from sqlalchemy import text as sql

from collab.store.models import Card, Change, Event, Participant, Phase, Room, Situation

_cards, _changes, _rooms, _participants, _events, _phases, _situations = (
    cast(Table, model.__table__) for model in (Card, Change, Room, Participant, Event, Phase, Situation)
)
_POSTED_BEFORE = select(_cards.c.room_id, _cards.c.seq).where(
    _cards.c.participant_id == bindparam("participant"), _cards.c.client_id == bindparam("client_id")
)
_CHANGE = select(_changes.c.event, _changes.c.payload).where(
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
    _participants.c.id,
    _participants.c.pseudonym,
    _participants.c.scale,
    _participants.c.role,
    _participants.c.erased_at,
).where(_participants.c.id == bindparam("participant"))
_BOARDS = select(_events.c.boards, _events.c.current_phase_id, _events.c.open_boards).where(
    _events.c.id == bindparam("event")
)
_PHASE_BOARD = select(_phases.c.activity).where(_phases.c.id == bindparam("phase"))
_PROTAGONISTS = select(_situations.c.protagonists).where(_situations.c.id == bindparam("situation"))
_INSERT_CARD = insert(_cards).returning(_cards.c.id)
_INSERT_CHANGE = insert(_changes)
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


def posted_before(connection: Connection, participant_id: int, client_id: str) -> Row[Any] | None:
    """Return the room and number of the card a participant posted with this client id, if any."""
    return connection.execute(_POSTED_BEFORE, {"participant": participant_id, "client_id": client_id}).first()


def change(connection: Connection, room_id: int, seq: int) -> Row[Any] | None:
    """Return the event and payload of a room's change numbered `seq`, if any."""
    return connection.execute(_CHANGE, {"room": room_id, "seq": seq}).first()


def author(connection: Connection, participant_id: int) -> Row[Any] | None:
    """Return what a card shows of its author (id, pseudonym, scale, role) and when they were erased."""
    return connection.execute(_AUTHOR, {"participant": participant_id}).first()


def event_boards(connection: Connection, event_id: int) -> Row[Any]:
    """Return an event's boards, its current phase and the boards opened early."""
    return connection.execute(_BOARDS, {"event": event_id}).one()


def take_seq(connection: Connection, room_id: int) -> Row[Any] | None:
    """Take a room's next number, which locks its row until the transaction ends; return it with the
    room's state (None: no such room)."""
    return connection.execute(_TAKE_SEQ, {"room": room_id}).first()


def phase_board(connection: Connection, phase_id: int | None) -> str | None:
    """Return the board a phase works on, if any."""
    return connection.scalar(_PHASE_BOARD, {"phase": phase_id})


def protagonists(connection: Connection, situation_id: int) -> Any:
    """Return the protagonists of a situation."""
    return connection.scalar(_PROTAGONISTS, {"situation": situation_id})


def insert_card(connection: Connection, card: dict[str, Any]) -> int:
    """Store a card (its columns); return its id."""
    return int(connection.execute(_INSERT_CARD, card).scalar_one())


def insert_change(connection: Connection, values: dict[str, Any]) -> None:
    """Store a room change (its columns)."""
    connection.execute(_INSERT_CHANGE, values)


def read_for_post(connection: Connection, participant_id: int, client_id: str, event_id: int, room_id: int) -> Row[Any]:
    """Return, in one statement (PostgreSQL), what a post needs: an earlier post's number (`posted_seq`),
    the author, the event's boards, the room's state, its situation's protagonists, and a new card id."""
    keys = {"participant": participant_id, "client_id": client_id, "event": event_id, "room": room_id}
    read = connection.execute(_READ_FOR_POST, keys).first()
    assert read is not None
    return read


def post_at_once(connection: Connection, values: dict[str, Any]) -> int | None:
    """Take the room's number and store the card and its `card_posted` change, in one statement
    (PostgreSQL); return the number, or None when the room is no longer as `values` says it was."""
    seq = connection.execute(_POST_AT_ONCE, values).scalar()
    return None if seq is None else int(seq)
