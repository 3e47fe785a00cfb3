"""A test's app: its settings, its databases, its participants and principals, what its clients received."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask_socketio import SocketIOTestClient

from collab.domain.access import Principal, principal_for_link, principal_for_participant
from collab.domain.events import EventLinks
from collab.domain.participants import join_event
from collab.store.database import db
from tests.support.live import unbatched

SECRET = "test-secret-key"


POSTGRES_URL = os.environ.get("COLLAB_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


REQUIRE_ALL = os.environ.get("COLLAB_REQUIRE_ALL") == "1"


def missing(what: str) -> None:
    """Skip a test whose service or tool is absent; under COLLAB_REQUIRE_ALL=1 (CI), fail it."""
    if REQUIRE_ALL:
        pytest.fail(f"{what} is required (COLLAB_REQUIRE_ALL=1) but not available")
    pytest.skip(f"{what} not available")


def postgres_schema() -> Iterator[str]:
    """Yield a URL whose connections use a new schema of the test database; drop it afterwards."""
    import sqlalchemy

    try:
        admin = sqlalchemy.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            schema = f"collab_{secrets.token_hex(6)}"
            connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    except sqlalchemy.exc.OperationalError:
        missing("PostgreSQL at 127.0.0.1:5432")
        return
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        db.dispose()
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


def app_config(database_url: str, folder: Path) -> dict[str, Any]:
    """Return the settings of a test's app on `database_url`."""
    return {
        "TESTING": True,
        "INSTANCE_PATH": folder / "instance",
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET,
        "PUBLIC_URL": "http://collab.test",
        # Every change and count goes out at once: a test reads what it caused right after the call.
        "BROADCAST_TICK_MS": 0,
        "TALLY_MS": 0,
    }


def joiner(event: EventLinks) -> Callable[..., dict[str, Any]]:
    """Return a function that makes a participant join a room of `event` (by index), with a token."""
    from collab.tokens import participant_token

    def make(room: int = 0, pseudonym: str = "Camille", scale: str = "commune") -> dict[str, Any]:
        participant = join_event(event.join_code, pseudonym, scale, event.rooms[room].id)
        return participant | {"token": participant_token(participant["id"])}

    return make


def participant_principal(participant: dict[str, Any]) -> Principal:
    """Return the principal of a joined participant."""
    return principal_for_participant(participant["id"])


def link_token(token: str | None) -> str:
    """Return a secret link's token, which `EventLinks` leaves None only for a revoked room link."""
    assert token is not None
    return token


def link_principal(token: str | None) -> Principal:
    """Return the principal of a secret link."""
    return principal_for_link(link_token(token))


def received(sio: SocketIOTestClient, name: str) -> list[Any]:
    """Return the payloads of the `name` events a test client received (and forget all received)."""
    return [message["args"][0] for message in unbatched(sio.get_received()) if message["name"] == name]
