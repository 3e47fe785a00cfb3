"""The JSON archive of an event: every row of every table of the event, ids included, and its restore.

Restoring into an empty database gives back the same rows (an archive of the restored event
equals the archive it came from), so links keep working when the server keeps its SECRET_KEY.
Open sockets (the `presence` table) are not part of an event's record.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, Table, false, func, select, text
from sqlalchemy.orm import Session

from collab.domain.errors import Conflict, Invalid, NotFound
from collab.domain.events import normalise_code
from collab.store.database import alembic_config, db
from collab.store.models import Base, Event

FORMAT = "collab-event"
VERSION = 1
# Open sockets and the server's admin links are no part of any one event.
SKIPPED = {"presence", "admin_links"}


def schema_revision() -> str:
    """Return the Alembic revision this code's tables are at."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def archived_tables() -> list[Table]:
    """Return the tables an archive holds, parents before children."""
    return [t for t in Base.metadata.sorted_tables if t.name not in SKIPPED]


def _parent(table: Table, kept: dict[str, set[Any]]) -> tuple[str, str]:
    """Return the column tying a table's rows to the event, and the table it points to."""
    if "event_id" in table.c:
        return "event_id", "events"
    for key in table.foreign_keys:
        target = key.column.table.name
        if target != table.name and target in kept:
            return key.parent.name, target
    raise RuntimeError(f"table {table.name} is not tied to an event")


def archive_event(event_id: int) -> dict[str, Any]:
    """Return the whole event as JSON-ready data: {format, version, schema, join_code, tables}."""
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
        return {
            "format": FORMAT,
            "version": VERSION,
            "schema": schema_revision(),
            "join_code": event.join_code,
            "tables": tables,
        }


def _dump(value: Any) -> Any:
    """Return a column value as JSON can hold it."""
    return value.isoformat() if isinstance(value, date) else value  # a datetime is a date too


def restore_event(data: Any) -> dict[str, Any]:
    """Insert an archived event with its ids; refuse an archive of another kind or a taken code or id."""
    tables = _checked(data)
    with db.transaction() as session:
        code = normalise_code(str(data["join_code"]))
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


def _checked(data: Any) -> dict[str, list[dict[str, Any]]]:
    """Return the archive's tables once its format, version and schema are the ones this code reads."""
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("tables"), dict):
        raise Invalid("this file is not a collab event archive")
    if data.get("version") != VERSION:
        raise Invalid(f"this archive is of version {data.get('version')}; this collab reads version {VERSION}")
    if data.get("schema") != schema_revision():
        raise Invalid(
            f"this archive was made with database schema {data.get('schema')}, this collab has {schema_revision()}: "
            "restore it with the collab version that made it"
        )
    tables = data["tables"]
    known = {t.name: t for t in archived_tables()}
    unknown = sorted(set(tables) - set(known))
    if unknown:
        raise Invalid(f"unknown tables in the archive: {', '.join(unknown)}")
    events = tables.get("events")
    if not isinstance(events, list) or len(events) != 1 or not isinstance(data.get("join_code"), str):
        raise Invalid("an archive holds exactly one event")
    for name, rows in tables.items():
        columns = set(known[name].c.keys())
        if not isinstance(rows, list) or any(not isinstance(r, dict) or set(r) != columns for r in rows):
            raise Invalid(f"the rows of {name} do not have the columns of this collab's {name} table")
    return tables


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
