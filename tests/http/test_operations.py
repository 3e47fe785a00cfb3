"""Running collab as a service: readiness, shared secrets, behind a proxy, its log, online backups."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import text

from collab import create_app
from collab.config import Config
from collab.store.database import db
from tests.support.apps import app_config
from tests.support.live import UNLIMITED, LiveServer, Phone, participant_token, post

REDIS_URL = "redis://127.0.0.1:6379/0"


def test_readyz_says_ready_with_the_database_at_the_schema_this_code_needs(client: FlaskClient) -> None:
    assert client.get("/healthz").get_json() == {"ok": True}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json() == {"ok": True, "checks": {"database": "ok", "schema": "ok"}}
    with db.transaction() as session:
        session.execute(text("UPDATE alembic_version SET version_num = '0005'"))
    behind = client.get("/readyz")
    assert behind.status_code == 503
    assert behind.get_json()["checks"]["schema"].startswith("at 0005, this code needs")
    assert client.get("/healthz").status_code == 200  # alive, not ready


def test_readyz_checks_redis_when_workers_share_one(database_url: str, tmp_path: Path) -> None:
    pytest.importorskip("redis")
    app = create_app(app_config(database_url, tmp_path) | {"MESSAGE_QUEUE": REDIS_URL, "MESSAGE_CHANNEL": "readyz"})
    with app.app_context():
        client = app.test_client()
        assert client.get("/readyz").get_json()["checks"]["redis"] == "ok"
        # Redis moved away after the start: nothing listens on port 1.
        app.config["MESSAGE_QUEUE"] = "redis://127.0.0.1:1/0"
        gone = client.get("/readyz")
        assert gone.status_code == 503
        assert gone.get_json()["checks"]["redis"].startswith("unreachable")
    db.dispose()


def test_workers_refuse_to_start_without_a_shared_secret(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("COLLAB_SECRET_KEY", raising=False)
    monkeypatch.delenv("COLLAB_SECRET_KEY_FILE", raising=False)
    with pytest.raises(ValueError, match="must share one secret key"):
        Config(INSTANCE_PATH=tmp_path, MESSAGE_QUEUE=REDIS_URL)
    assert not (tmp_path / "secret_key").exists()
    secret = tmp_path / "collab.key"
    secret.write_text("s" * 48 + "\n")
    monkeypatch.setenv("COLLAB_SECRET_KEY_FILE", str(secret))
    assert Config(INSTANCE_PATH=tmp_path, MESSAGE_QUEUE=REDIS_URL).SECRET_KEY == "s" * 48
    assert Config(INSTANCE_PATH=tmp_path).SECRET_KEY == "s" * 48  # one process reads the file too
    secret.write_text("short")
    with pytest.raises(ValueError, match="32 or more"):
        Config(INSTANCE_PATH=tmp_path)
    monkeypatch.setenv("COLLAB_SECRET_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(ValueError, match="cannot read"):
        Config(INSTANCE_PATH=tmp_path)


def test_bad_log_settings_are_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("COLLAB_LOG_LEVEL", "LOUD")
    with pytest.raises(ValueError, match="COLLAB_LOG_LEVEL"):
        Config(INSTANCE_PATH=tmp_path)
    monkeypatch.setenv("COLLAB_LOG_LEVEL", "debug")
    monkeypatch.setenv("COLLAB_LOG_FORMAT", "xml")
    with pytest.raises(ValueError, match="COLLAB_LOG_FORMAT"):
        Config(INSTANCE_PATH=tmp_path)


def _join(client: FlaskClient, code: str, room_id: int, headers: dict[str, str]) -> Any:
    """Post the join form with these headers."""
    form = {"pseudonym": "Camille", "scale": "commune", "room": str(room_id)}
    return client.post(f"/j/{code}", data=form, headers=headers, base_url="http://127.0.0.1:5000")


def test_behind_a_trusted_proxy_origins_and_cookies_follow_the_browsers_request(
    database_url: str, tmp_path: Path
) -> None:
    from collab.domain.events import create_event

    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "collab.example.org", "X-Forwarded-For": "10.0.0.9"}
    browser = {"Origin": "https://collab.example.org"}
    for count in (0, 1):
        app = create_app(app_config(database_url, tmp_path / str(count)) | {"PROXY_COUNT": count})
        with app.app_context():
            links = create_event(app.config["SECRET_KEY"], rooms=1)
            client = app.test_client()
            joined = _join(client, links.join_code, links.rooms[0].id, proxied | browser)
            if count == 0:
                # Not trusted: the forwarded headers are ignored, the browser's origin looks foreign.
                assert joined.status_code == 403
            else:
                assert joined.status_code == 303
                assert "Secure" in joined.headers["Set-Cookie"]
                # The join page's links and QR code use the proxy's scheme and host when no public URL is set.
            plain = _join(client, links.join_code, links.rooms[0].id, {"Origin": "http://127.0.0.1:5000"})
            assert plain.status_code == 303
            assert "Secure" not in plain.headers["Set-Cookie"]
        db.dispose()


def test_the_log_has_one_line_per_request_and_socket_without_secrets_or_names(tmp_path: Path) -> None:
    live = LiveServer(tmp_path, {"COLLAB_CREATE_DEMO": "0", "COLLAB_LOG_FORMAT": "json"})
    links = live.create_event(rooms=1)
    live.start()
    try:
        organiser_token = links["organiser_url"].rsplit("/", 1)[1]
        assert requests.get(links["organiser_url"], timeout=10).ok
        token = participant_token(live.url, links["join_code"], "Pseudonyme-Très-Personnel", links["rooms"][0]["id"])
        phone = Phone(live.url, token).connect()
        posted = post(phone, "log-card-1", "Une carte")
        assert posted["ok"], posted
        phone.sio.disconnect()
        refused = Phone(live.url, "not-a-token")
        with pytest.raises(Exception):  # noqa: B017  (python-socketio raises its ConnectionError)
            refused.connect()

        def logged() -> list[dict[str, Any]]:
            return [json.loads(line) for line in live.log().splitlines() if line.startswith("{")]

        def found(predicate: Any) -> bool:
            """Tell whether a line of the log matches, waiting up to 5 s for the server to write it."""
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                if any(predicate(line) for line in logged()):
                    return True
                time.sleep(0.05)
            return False

        assert found(
            lambda line: line["logger"] == "collab.access" and line["path"] == "/o/…" and line["status"] == 200
        )
        assert found(lambda line: line.get("role") == "participant" and line["message"].startswith("socket opened"))
        assert found(lambda line: line["message"].startswith("socket closed"))
        assert found(lambda line: line["message"].startswith("socket refused"))
        assert found(lambda line: line.get("path", "").startswith("/j/") and line["method"] == "POST")
        # The JSON lines hold no secret link and no pseudonym; the text log has no address either.
        assert all(organiser_token not in json.dumps(line) for line in logged())
        assert "Pseudonyme-Très-Personnel" not in live.log()
    finally:
        live.stop()


def test_backup_copies_the_database_while_phones_post(tmp_path: Path) -> None:
    live = LiveServer(tmp_path, {"COLLAB_CREATE_DEMO": "0"} | UNLIMITED)
    links = live.create_event(rooms=1)
    live.start()
    try:
        phone = Phone(live.url, participant_token(live.url, links["join_code"], "Alix", links["rooms"][0]["id"]))
        phone.connect()
        before = [post(phone, f"before-{n}", f"avant {n}") for n in range(20)]
        assert all(ack["ok"] for ack in before)
        stop = threading.Event()
        during: list[dict[str, Any]] = []

        def keep_posting() -> None:
            for n in range(400):
                if stop.is_set():
                    return
                during.append(post(phone, f"during-{n}", f"pendant {n}"))

        poster = threading.Thread(target=keep_posting)
        poster.start()
        try:
            printed = live.flask("backup", str(tmp_path / "copy.sqlite3"))
        finally:
            stop.set()
            poster.join(timeout=60)
        assert "checked" in printed and all(ack["ok"] for ack in during)
        with sqlite3.connect(tmp_path / "copy.sqlite3") as copy:
            assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            kept = {row[0] for row in copy.execute("SELECT client_id FROM cards")}
        assert {f"before-{n}" for n in range(20)} <= kept
        with pytest.raises(Exception, match="exit status 1"):  # an existing file is never overwritten
            live.flask("backup", str(tmp_path / "copy.sqlite3"))
    finally:
        live.stop()


def test_backup_of_postgresql_points_to_pg_dump(runner: FlaskCliRunner, app: Flask, tmp_path: Path) -> None:
    result = runner.invoke(args=["backup", str(tmp_path / "copy.sqlite3")])
    if db.engine is not None and db.engine.url.get_backend_name() == "postgresql":
        assert result.exit_code != 0 and "pg_dump" in result.output
        assert not (tmp_path / "copy.sqlite3").exists()
    else:
        assert result.exit_code == 0, result.output
