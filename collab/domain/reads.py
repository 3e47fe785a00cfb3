"""Reading beside the writes: how the transport runs a stretch of reads without touching the store."""

from __future__ import annotations

from contextlib import AbstractContextManager

from collab.store.database import db


def reading() -> AbstractContextManager[None]:
    """Run the domain transactions opened inside on the readers' connections (SQLite; elsewhere, no change).

    For what only reads (a reading event, a connect, an export): it waits for no write, nor holds one up.
    """
    return db.reading()
