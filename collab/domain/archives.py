"""The rows of an event, every table's with their ids, read for an archive and inserted back from one."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, Table, false, func, select, text
from sqlalchemy.orm import Session

from collab.domain.errors import Conflict, NotFound
from collab.domain.events import normalise_code
from collab.store.database import alembic_config, db
from collab.store.models import Base, Event

# Open sockets and the server's admin links are no part of any one event; a participant's
# self-diagnosis is theirs alone, kept out of the organiser's archive.
SKIPPED = {"presence", "admin_links", "grid_answers"}


def schema_revision() -> str:
    """Return the Alembic revision this code's tables are at."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def archived_tables() -> list[Table]:
    """Return the tables an archive holds, parents before children."""
    return [t for t in Base.metadata.sorted_tables if t.name not in SKIPPED]


def archived_columns() -> dict[str, set[str]]:
    """Return the columns of each table an archive holds, by table name."""
    return {table.name: set(table.c.keys()) for table in archived_tables()}


def _parent(table: Table, kept: dict[str, set[Any]]) -> tuple[str, str]:
    """Return the column tying a table's rows to the event, and the table it points to."""
    if "event_id" in table.c:
        return "event_id", "events"
    for key in table.foreign_keys:
        target = key.column.table.name
        if target != table.name and target in kept:
            return key.parent.name, target
    raise RuntimeError(f"table {table.name} is not tied to an event")


def event_rows(event_id: int) -> tuple[str, dict[str, list[dict[str, Any]]]]:
    """Return an event's join code and its rows, table by table, as JSON can hold them."""
    with db.transaction() as session:
        event = session.get(Event, event_id)
        if event is None:
            raise NotFound("no such event")
        tables: dict[str, list[dict[str, Any]]] = {}
        kept: dict[str, set[Any]] = {}
        for table in archived_tables():
            if table.name == "events":
                where = table.c.id == event_id
            else:
                column, parent = _parent(table, kept)
                where = table.c[column].in_(kept[parent]) if kept[parent] else false()
            key = next(iter(table.primary_key.columns))
            rows = session.execute(select(table).where(where).order_by(key)).mappings().all()
            tables[table.name] = [{name: _dump(value) for name, value in row.items()} for row in rows]
            kept[table.name] = {row[key.name] for row in rows}
        return event.join_code, tables


def _dump(value: Any) -> Any:
    """Return a column value as JSON can hold it."""
    return value.isoformat() if isinstance(value, date) else value  # a datetime is a date too


def insert_event_rows(join_code: str, tables: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Insert an event's rows with their ids; refuse a taken code or id. Return its id, code and title."""
    with db.transaction() as session:
        code = normalise_code(join_code)
        if session.scalar(select(Event.id).where(Event.join_code == code)) is not None:
            raise Conflict(f"this database already holds an event with the join code {code}; nothing was imported")
        for table in archived_tables():
            rows = tables.get(table.name, [])
            key = next(iter(table.primary_key.columns))
            ids = [row[key.name] for row in rows]
            if ids and session.scalar(select(func.count()).select_from(table).where(key.in_(ids))):
                raise Conflict(
                    f"this database already holds {table.name} rows with the archive's ids: "
                    "restore into an empty database; nothing was imported"
                )
        for table in archived_tables():
            _insert(session, table, tables.get(table.name, []))
        if session.get_bind().dialect.name == "postgresql":
            _advance_sequences(session)
        event = tables["events"][0]
        return {"id": event["id"], "join_code": event["join_code"], "title": event["title"]}


def _insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert archived rows; a column pointing to its own table is set once every row is in."""
    if not rows:
        return
    moments = [c.name for c in table.c if isinstance(c.type, DateTime)]
    days = [c.name for c in table.c if isinstance(c.type, Date)]
    own = [k.parent.name for k in table.foreign_keys if k.column.table is table]
    loaded = [
        row
        | {name: datetime.fromisoformat(row[name]) for name in moments if row.get(name)}
        | {name: date.fromisoformat(row[name]) for name in days if row.get(name)}
        for row in rows
    ]
    session.execute(table.insert(), [row | {name: None for name in own} for row in loaded])
    key = next(iter(table.primary_key.columns))
    for row in loaded:
        later = {name: row[name] for name in own if row[name] is not None}
        if later:
            session.execute(table.update().where(key == row[key.name]).values(**later))


def _advance_sequences(session: Session) -> None:
    """Move PostgreSQL's id sequences past the ids just inserted, so new rows get fresh ones."""
    for table in archived_tables():
        key = next(iter(table.primary_key.columns))
        if key.name != "id":
            continue
        # Table names come from collab's own metadata, never from the archive.
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table.name}"
            )
        )
