"""The database: one engine per process, short transactions, Alembic-owned schema."""

from __future__ import annotations

import functools
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from collab.offload import offload

T = TypeVar("T")
# The connections of the requests that only read, on SQLite.
READERS = 2
_reading: ContextVar[bool] = ContextVar("collab_reading", default=False)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The PostgreSQL advisory lock held while the schema is upgraded (any fixed number, collab's own).
MIGRATION_LOCK = 0x636F6C6C6162
# A pooled connection unused for this long is checked before it is handed out (seconds; not SQLite).
PING_AFTER_IDLE = 5.0
# Where a SQLite connection notes its count of changed rows when a transaction begins.
CHANGES_AT_BEGIN = "collab_changes_at_begin"


class Database:
    """Holds the engine and hands out transactions; configured once by create_app."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        # SQLite only: a second pool for the requests that only read (see reading()).
        self.read_engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None
        self._read_sessions: sessionmaker[Session] | None = None
        # What this process remembers of the database's content, by topic; forgotten with the database.
        self.remembered: dict[str, dict[Any, Any]] = {}
        # SQLite: the writes waiting for the next group commit, and who commits it (see grouped()).
        self._group: list[_Write] = []
        self._committing = threading.Lock()

    def configure(self, url: str, sqlite_synchronous: str = "FULL") -> None:
        """Create the engine for `url`, replacing any previous one."""
        self.dispose()
        self.remembered = {}
        options: dict[str, Any] = {}
        if url.startswith("sqlite"):
            Path(url.split("///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
            # One connection, handed from caller to caller: SQLite has one writer anyway, and a
            # green thread never waits on SQLite's busy lock held by another green thread.
            options = {"pool_size": 1, "max_overflow": 0, "pool_timeout": 30}
        else:
            options = {"pool_size": 10, "max_overflow": 10}
        engine = create_engine(url, **options)
        if engine.dialect.name != "sqlite":
            _ping_after_idle(engine)
        self.read_engine, self._read_sessions = None, None
        if engine.dialect.name == "sqlite":
            _prepare_sqlite(engine, sqlite_synchronous)
            # Readers never wait for the writer under WAL: the requests that only read (a phone's
            # sync, get_event, an export) use their own connections, so a post holding the one
            # writing connection, or its commit waiting for the disk, holds none of them back.
            self.read_engine = create_engine(url, pool_size=READERS, max_overflow=0, pool_timeout=30)
            _prepare_sqlite(self.read_engine, sqlite_synchronous, read_only=True)
            self._read_sessions = sessionmaker(self.read_engine, expire_on_commit=False)
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def dispose(self) -> None:
        """Close every pooled connection."""
        for engine in (self.engine, self.read_engine):
            if engine is not None:
                engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Yield a session inside one transaction, committed on exit, rolled back on error.

        Inside `reading()`, on SQLite, the transaction is a reader's: a snapshot that cannot write.
        """
        if self._sessions is None:
            raise RuntimeError("the database is not configured; call create_app first")
        sessions = self._read_sessions if _reading.get() and self._read_sessions is not None else self._sessions
        with sessions() as session, session.begin():
            yield session

    def grouped(self, work: Callable[[Connection], T]) -> T:
        """Return work(connection), run in a writing transaction, once it is committed.

        On SQLite, the writes that wait meanwhile for its one writing connection share a transaction
        and one commit (a group commit): each in a savepoint of its own, so one that raises is undone
        alone and raises to its caller, and each returns only once the group is committed. Under
        eventlet they return one after the other in the order they ran, which is the order of the
        numbers they took (its lock wakes its waiters in the order they came): a caller that
        publishes what it wrote before it waits on anything else publishes a room's changes in
        sequence. Elsewhere each write has its transaction.
        """
        if self.engine is None:
            raise RuntimeError("the database is not configured; call create_app first")
        if self.engine.dialect.name != "sqlite":
            with self.engine.begin() as connection:
                return work(connection)
        write = _Write(work)
        self._group.append(write)
        with self._committing:
            if not write.done:
                self._commit_group()
        if write.error is not None:
            raise write.error
        return write.result

    def _commit_group(self) -> None:
        """Run and commit every write waiting (the caller holds `_committing`)."""
        assert self.engine is not None
        group, self._group = self._group, []
        try:
            with self.engine.begin() as connection:
                if len(group) == 1:
                    # Alone, a write needs no savepoint: what it raises rolls the transaction back.
                    group[0].result = group[0].work(connection)
                for write in group if len(group) > 1 else []:
                    try:
                        with connection.begin_nested():
                            write.result = write.work(connection)
                    except Exception as exc:
                        write.error = exc
        except Exception as exc:
            # The commit failed, or a write alone raised: nothing of the group is stored, and each says why.
            for write in group:
                write.error = write.error or exc
        for write in group:
            write.done = True

    @property
    def in_one_statement(self) -> bool:
        """Tell whether a write can be one statement of its own, as on PostgreSQL (see statements())."""
        return self.engine is not None and self.engine.dialect.name == "postgresql"

    @contextmanager
    def statements(self) -> Iterator[Connection]:
        """Yield a connection on which each statement is a transaction of its own (PostgreSQL's autocommit).

        For a write made of one statement that reads what it must and writes it: it holds its
        locks inside the database only, never for a round trip (a post, collab/store/statements.py).
        """
        if self.engine is None:
            raise RuntimeError("the database is not configured; call create_app first")
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            yield connection

    def stored_revision(self) -> str | None:
        """Return the schema revision the database is at, read in a short transaction (a readiness probe).

        Raises whatever reaching the database raises: for the probe, that is the answer.
        """
        with self.transaction() as session:
            session.execute(text("SELECT 1"))
            revision: str | None = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return revision

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Run the transactions opened inside on the readers' connections (SQLite; elsewhere, no change)."""
        token = _reading.set(True)
        try:
            yield
        finally:
            _reading.reset(token)

    def migrate(self) -> str | None:
        """Bring the schema to the newest Alembic revision; return it."""
        from alembic import command
        from alembic.migration import MigrationContext

        assert self.engine is not None
        with self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Workers started together take turns: the first upgrades, the others find it done.
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
            current = MigrationContext.configure(connection).get_current_revision()
            if current is not None and current == newest_revision():
                return current  # up to date: Alembic need not load every migration again
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            return MigrationContext.configure(connection).get_current_revision()


def backup_sqlite(source: str, target: str) -> int:
    """Copy a SQLite database with its online backup API (writers go on meanwhile); return its page count.

    The copy is checked (integrity_check) before this returns; a failed copy is removed.
    """
    import sqlite3

    with closing(sqlite3.connect(source, timeout=10)) as live, closing(sqlite3.connect(target)) as copy:
        # A few pages at a time: the server's writers wait at most one step for the lock.
        live.backup(copy, pages=256)
        checked = copy.execute("PRAGMA integrity_check").fetchone()[0]
        pages = int(copy.execute("PRAGMA page_count").fetchone()[0])
    if checked != "ok":
        os.remove(target)
        raise RuntimeError(f"the copy failed its integrity check: {checked}")
    return pages


@functools.cache
def newest_revision() -> str | None:
    """Return the head revision of collab's migrations (read once per process)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def alembic_config() -> Any:
    """Return the Alembic configuration of collab's migrations."""
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _prepare_sqlite(engine: Engine, synchronous: str, read_only: bool = False) -> None:
    """Set WAL, foreign keys and durability on each connection; make BEGIN explicit.

    `read_only`: the readers' connections, which refuse to write and begin deferred (a snapshot).
    """
    if synchronous.upper() not in {"OFF", "NORMAL", "FULL", "EXTRA"}:
        raise ValueError(f"COLLAB_SQLITE_SYNCHRONOUS must be OFF, NORMAL, FULL or EXTRA, not {synchronous!r}")

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (SQLAlchemy's recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA synchronous={synchronous.upper()}")
        cursor.execute("PRAGMA busy_timeout=10000")
        if read_only:
            cursor.execute("PRAGMA query_only=ON")
        cursor.close()

    # The commit of a transaction that wrote waits for the disk (fsync under FULL): let it wait in
    # another OS thread, so the event loop serves everyone else meanwhile. The connection is this
    # transaction's alone until the commit returns; SQLAlchemy opens SQLite files with
    # check_same_thread off. A transaction that wrote nothing commits in place: it has nothing to
    # sync, and the trip to a thread would cost its caller a turn of the event loop.
    if not read_only:

        def do_commit(dbapi_connection: Any) -> None:
            if dbapi_connection.total_changes == dbapi_connection.info.get(CHANGES_AT_BEGIN):
                dbapi_connection.commit()
            else:
                offload(dbapi_connection.commit)

        engine.dialect.do_commit = do_commit  # type: ignore[method-assign]

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front, so a transaction that reads then writes
        # never fails half-way because another process wrote in between.
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
        pooled = connection.connection
        pooled.info[CHANGES_AT_BEGIN] = pooled.total_changes


def _ping_after_idle(engine: Engine) -> None:
    """Check a pooled connection that sat unused for PING_AFTER_IDLE before handing it out again.

    A database restarted, or a connection a firewall dropped, happens while connections rest: one
    found dead is replaced before anyone uses it (SQLAlchemy then starts afresh). A connection in
    steady use is not pinged: under load the ping would be one more round trip for every
    transaction, on the hot path of every post.
    """

    @event.listens_for(engine, "checkin")
    def rested(_dbapi_connection: Any, record: Any) -> None:
        record.info["resting_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def ping(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("resting_since")
        if since is None or time.monotonic() - since < PING_AFTER_IDLE:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:
            raise DisconnectionError("a resting connection to the database was closed") from exc


@dataclass
class _Write:
    """A write waiting for a group commit, then what it returned or raised."""

    work: Callable[[Connection], Any]
    result: Any = None
    error: Exception | None = None
    done: bool = False


db = Database()


def wait_cooperatively() -> None:
    """Make psycopg wait for PostgreSQL with select(), which a green-thread server (eventlet) patches.

    psycopg 3 waits in C unless it detects gevent: under eventlet that wait holds the worker's one
    OS thread, and every client of the worker stalls until the query returns (bench/pg_wait.py).
    """
    import psycopg.waiting

    psycopg.waiting.wait = psycopg.waiting.wait_select
