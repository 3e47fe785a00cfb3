"""The JSON archive of an event: every row of every table of the event, ids included, and its restore.

Restoring into an empty database gives back the same rows (an archive of the restored event
equals the archive it came from), so links keep working when the server keeps its SECRET_KEY.
The rows are read and written by collab.domain.archives; this module knows the file.
"""

from __future__ import annotations

from typing import Any

from collab.domain.archives import archived_columns, event_rows, insert_event_rows, schema_revision
from collab.domain.errors import Invalid

FORMAT = "collab-event"
VERSION = 1


def archive_event(event_id: int) -> dict[str, Any]:
    """Return the whole event as JSON-ready data: {format, version, schema, join_code, tables}."""
    join_code, tables = event_rows(event_id)
    return {
        "format": FORMAT,
        "version": VERSION,
        "schema": schema_revision(),
        "join_code": join_code,
        "tables": tables,
    }


def restore_event(data: Any) -> dict[str, Any]:
    """Insert an archived event with its ids; refuse an archive of another kind or a taken code or id."""
    tables = _checked(data)
    return insert_event_rows(str(data["join_code"]), tables)


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
    known = archived_columns()
    unknown = sorted(set(tables) - set(known))
    if unknown:
        raise Invalid(f"unknown tables in the archive: {', '.join(unknown)}")
    events = tables.get("events")
    if not isinstance(events, list) or len(events) != 1 or not isinstance(data.get("join_code"), str):
        raise Invalid("an archive holds exactly one event")
    for name, rows in tables.items():
        columns = known[name]
        if not isinstance(rows, list) or any(not isinstance(r, dict) or set(r) != columns for r in rows):
            raise Invalid(f"the rows of {name} do not have the columns of this collab's {name} table")
    return tables
