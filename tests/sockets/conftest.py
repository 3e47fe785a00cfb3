"""The socket tests' scene: the matrix's event with cards, votes and links in every state."""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from collab import create_app
from collab.domain.events import EventLinks, create_event
from collab.store.database import db
from tests.support.apps import SECRET, app_config, joiner
from tests.support.matrix import build_scene


@pytest.fixture
def scene(event: EventLinks, join: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """Room A (reveal mode) with visible, hidden, merged, queued and held cards; room B; a revoked link."""
    return build_scene(event, join)


@pytest.fixture(scope="session")
def scene_template(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> tuple[Path, dict[str, Any]]:
    """Return a SQLite file holding an event and its `scene`, built once per test process, and the scene."""
    folder = tmp_path_factory.mktemp("scene")
    path = folder / "collab.sqlite3"
    shutil.copyfile(sqlite_template, path)
    app = create_app(app_config(f"sqlite:///{path}", folder))
    with app.app_context():
        event = create_event(SECRET, open_boards=True)
        built = build_scene(event, joiner(event))
    db.dispose()
    return path, built


@pytest.fixture
def copied_scene(app: Flask, database_url: str, scene_template: tuple[Path, dict[str, Any]]) -> dict[str, Any]:
    """Put a copy of the scene's database under the test's app (as `scene` would build it) and return the scene."""
    template, built = scene_template
    path = Path(database_url.split("///", 1)[1])
    db.dispose()
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    shutil.copyfile(template, path)
    db.configure(database_url, app.config["SQLITE_SYNCHRONOUS"])
    return copy.deepcopy(built)
