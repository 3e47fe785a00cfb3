"""The database: one engine per process, short transactions, Alembic-owned schema."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from collab.offload import offload

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The PostgreSQL advisory lock held while the schema is upgraded (any fixed number, collab's own).
MIGRATION_LOCK = 0x636F6C6C6162


class Database:
    """Holds the engine and hands out transactions; configured once by create_app."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None

    def configure(self, url: str, sqlite_synchronous: str = "FULL") -> None:
        """Create the engine for `url`, replacing any previous one."""
        if self.engine is not None:
            self.engine.dispose()
        options: dict[str, Any] = {}
        if url.startswith("sqlite"):
            Path(url.split("///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
            # One connection, handed from caller to caller: SQLite has one writer anyway, and a
            # green thread never waits on SQLite's busy lock held by another green thread.
            options = {"pool_size": 1, "max_overflow": 0, "pool_timeout": 30}
        else:
            options = {"pool_size": 10, "max_overflow": 10, "pool_pre_ping": True}
        engine = create_engine(url, **options)
        if engine.dialect.name == "sqlite":
            _prepare_sqlite(engine, sqlite_synchronous)
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Yield a session inside one transaction, committed on exit, rolled back on error."""
        if self._sessions is None:
            raise RuntimeError("the database is not configured; call create_app first")
        with self._sessions() as session, session.begin():
            yield session

    def migrate(self) -> str | None:
        """Bring the schema to the newest Alembic revision; return it."""
        from alembic import command
        from alembic.migration import MigrationContext

        assert self.engine is not None
        with self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Workers started together take turns: the first upgrades, the others find it done.
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            return MigrationContext.configure(connection).get_current_revision()


def alembic_config() -> Any:
    """Return the Alembic configuration of collab's migrations."""
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _prepare_sqlite(engine: Engine, synchronous: str) -> None:
    """Set WAL, foreign keys and durability on each connection; make BEGIN explicit."""
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
        cursor.close()

    # The commit waits for the disk (fsync under FULL): let it wait in another OS thread, so the
    # event loop serves everyone else meanwhile. The connection is this transaction's alone until
    # the commit returns; SQLAlchemy opens SQLite files with check_same_thread off.
    engine.dialect.do_commit = lambda dbapi_connection: offload(dbapi_connection.commit)  # type: ignore[method-assign]

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front, so a transaction that reads then writes
        # never fails half-way because another process wrote in between.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


db = Database()


def wait_cooperatively() -> None:
    """Make psycopg wait for PostgreSQL with select(), which a green-thread server (eventlet) patches.

    psycopg 3 waits in C unless it detects gevent: under eventlet that wait holds the worker's one
    OS thread, and every client of the worker stalls until the query returns (bench/pg_wait.py).
    """
    import psycopg.waiting

    psycopg.waiting.wait = psycopg.waiting.wait_select
