"""Fixtures: an app on a real SQLite file or a real PostgreSQL schema, events, participants, socket clients."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_socketio import SocketIOTestClient

from collab import create_app
from collab.domain.events import EventLinks, create_event
from collab.realtime.server import socketio
from collab.sockets.limits import limiter
from collab.store.database import db
from tests.support.apps import POSTGRES_URL, SECRET, app_config, joiner, missing
from tests.support.live import CHROMIUM, CHROMIUM_ARGS, LiveServer


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a SQLite file the migrations brought to the newest revision, once per test process."""
    path = tmp_path_factory.mktemp("template") / "collab.sqlite3"
    db.configure(f"sqlite:///{path}")
    db.migrate()
    db.dispose()  # the last connection closed writes the log back into the file
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture(scope="session")
def postgres_template(worker_id: str) -> Iterator[str]:
    """Return the name of a PostgreSQL database the migrations brought to the newest revision, once
    per test process: each test's database is a copy of it, made in a tenth of the migrations' time."""
    import sqlalchemy

    name = f"collab_template_{worker_id}_{secrets.token_hex(3)}"
    try:
        admin = sqlalchemy.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
    except sqlalchemy.exc.OperationalError:
        missing("PostgreSQL at 127.0.0.1:5432")
        return
    try:
        db.configure(_database(POSTGRES_URL, name))
        db.migrate()
        db.dispose()  # a template takes no copy while a connection is open on it
        yield name
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


def _database(url: str, name: str) -> str:
    """Return `url` (a server's database URL) pointed at the database `name`."""
    return url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    """Yield the URL of a database at the newest revision with nothing in it: a copy of a migrated
    template, as a SQLite file or a PostgreSQL database."""
    if request.param == "sqlite":
        path = tmp_path / "collab.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    import sqlalchemy

    template = request.getfixturevalue("postgres_template")
    name = f"collab_{secrets.token_hex(6)}"
    admin = sqlalchemy.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE {template}")
    try:
        yield _database(POSTGRES_URL, name)
    finally:
        db.dispose()
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE {name} WITH (FORCE)")
        admin.dispose()


@pytest.fixture
def app(database_url: str, tmp_path: Any) -> Iterator[Flask]:
    """Return a collab app on its own empty database."""
    app = create_app(app_config(database_url, tmp_path))
    limiter.clear()  # participant ids start again at 1 in each test's database
    with app.app_context():
        yield app
    db.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Return an HTTP test client."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """Return a runner for collab's flask commands."""
    return app.test_cli_runner()


@pytest.fixture
def event(app: Flask) -> EventLinks:
    """Create an event from the built-in template, with 4 rooms, every board open to cards (no phase set)."""
    return create_event(SECRET, open_boards=True)


@pytest.fixture
def join(app: Flask, event: EventLinks) -> Callable[..., dict[str, Any]]:
    """Return a function that makes a participant join a room (by index) and returns them with a token."""
    return joiner(event)


@pytest.fixture
def connect(app: Flask) -> Iterator[Callable[[str | None], SocketIOTestClient]]:
    """Return a function that opens a Socket.IO test client with a token; all are closed afterwards."""
    opened: list[SocketIOTestClient] = []

    def open_client(token: str | None) -> SocketIOTestClient:
        sio = socketio.test_client(app, auth={"token": token} if token is not None else None)
        opened.append(sio)
        return sio

    yield open_client
    for sio in opened:
        if sio.is_connected():
            sio.disconnect()


@pytest.fixture(scope="session", autouse=True)
def compiled() -> None:
    """Compile the catalogues as `make` does, when a .po is newer than its .mo (pytest run alone)."""
    from babel.messages.mofile import write_mo

    from collab.catalogues import po_path, read_catalogue
    from collab.i18n import LOCALES

    for locale in LOCALES:
        po = po_path(locale)
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            # Written aside, then renamed: the other test processes read a whole catalogue or the old one.
            fresh = mo.with_suffix(f".{os.getpid()}.tmp")
            with open(fresh, "wb") as handle:
                write_mo(handle, read_catalogue(locale))
            fresh.replace(mo)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Launch Debian's Chromium through Playwright, once per test process; each test opens its own contexts."""
    if not Path(CHROMIUM).exists():
        missing("Chromium (/usr/bin/chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    """A real server (`python app.py`) on its own SQLite file, with no event until the test makes one."""
    live = LiveServer(tmp_path, {"COLLAB_CREATE_DEMO": "0"})
    yield live
    live.stop()
