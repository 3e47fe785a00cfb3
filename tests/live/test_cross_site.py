"""Cross-site, on a real server: foreign origins refused at the handshake, configured ones accepted, cookies locked."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import websocket

from collab.config import Config
from tests.support.live import ROOT, LiveServer

ALLOWED = "https://collab.example.org"
FOREIGN = ["http://evil.test", "null", "https://collab.example.org.evil.test", "http://127.0.0.1:1"]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, dict[str, Any]]]:
    """A real server allowing one other origin, and its event's links."""
    settings = {"COLLAB_CREATE_DEMO": "0", "COLLAB_ALLOWED_ORIGINS": ALLOWED}
    server = LiveServer(tmp_path_factory.mktemp("cross"), settings)
    links = server.create_event(rooms=1)
    server.start()
    yield server, links
    server.stop()


def websocket_handshake(server: LiveServer, origin: str | None) -> bool:
    """Tell whether an Engine.IO websocket handshake with this Origin is accepted."""
    try:
        ws = websocket.create_connection(
            f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket",
            timeout=10,
            origin=origin,
            suppress_origin=origin is None,
        )
    except websocket.WebSocketBadStatusException:
        return False
    try:
        frame = ws.recv()
        return isinstance(frame, str) and frame.startswith("0")
    finally:
        ws.close()


def polling_handshake(server: LiveServer, origin: str | None) -> bool:
    """Tell whether an Engine.IO long-polling handshake with this Origin is accepted."""
    headers = {"Origin": origin} if origin is not None else {}
    response = requests.get(f"{server.url}/socket.io/?EIO=4&transport=polling", headers=headers, timeout=10)
    accepted = response.status_code == 200 and response.text.startswith("0")
    if accepted and origin is not None:
        assert response.headers.get("Access-Control-Allow-Origin") == origin
    return accepted


@pytest.mark.parametrize("origin", FOREIGN)
def test_a_foreign_origin_is_refused_over_websocket_and_polling(
    live: tuple[LiveServer, dict[str, Any]], origin: str
) -> None:
    server, _links = live
    assert not websocket_handshake(server, origin)
    assert not polling_handshake(server, origin)


@pytest.mark.parametrize("origin", ["own", ALLOWED, None])
def test_the_own_and_configured_origins_are_accepted(live: tuple[LiveServer, dict[str, Any]], origin: str) -> None:
    """Its own origin and COLLAB_ALLOWED_ORIGINS; no Origin at all is not a browser (curl, python-socketio)."""
    server, _links = live
    origin = server.url if origin == "own" else origin
    assert websocket_handshake(server, origin)
    assert polling_handshake(server, origin)


@pytest.mark.parametrize("setting", ["*", f"{ALLOWED},*", "*,http://b.test"])
def test_the_configuration_refuses_any_origin(monkeypatch: pytest.MonkeyPatch, setting: str, tmp_path: Path) -> None:
    monkeypatch.setenv("COLLAB_ALLOWED_ORIGINS", setting)
    with pytest.raises(ValueError, match="'\\*'"):
        Config(SECRET_KEY="x", INSTANCE_PATH=tmp_path)


def test_a_server_configured_with_a_star_does_not_start(tmp_path: Path) -> None:
    server = LiveServer(tmp_path, {"COLLAB_CREATE_DEMO": "0", "COLLAB_ALLOWED_ORIGINS": "*"})
    done = subprocess.run(
        [sys.executable, "app.py", "--host", "127.0.0.1", "--port", str(server.port)],
        cwd=ROOT,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0 and "COLLAB_ALLOWED_ORIGINS" in done.stderr


def join_cookie(server: LiveServer, links: dict[str, Any]) -> str:
    """Join through the real form and return the Set-Cookie header of the session."""
    response = requests.post(
        f"{server.url}/j/{links['join_code']}",
        data={"pseudonym": "Camille", "scale": "commune", "room": str(links["rooms"][0]["id"])},
        headers={"Origin": server.url},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 303
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=")
    return cookie


def attributes(cookie: str) -> set[str]:
    """Return a Set-Cookie header's attributes, lower-cased, values of SameSite included."""
    return {part.strip().lower() for part in cookie.split(";")[1:]}


def test_the_session_cookie_is_httponly_and_samesite_lax(live: tuple[LiveServer, dict[str, Any]]) -> None:
    server, links = live
    cookie = attributes(join_cookie(server, links))
    assert {"httponly", "samesite=lax"} <= cookie
    assert "secure" not in cookie  # plain HTTP on the venue's network: a Secure cookie would never come back


def test_the_session_cookie_is_secure_behind_https(tmp_path: Path) -> None:
    server = LiveServer(tmp_path, {"COLLAB_CREATE_DEMO": "0", "COLLAB_COOKIE_SECURE": "1"})
    links = server.create_event(rooms=1)
    server.start()
    try:
        cookie = attributes(join_cookie(server, links))
        assert {"httponly", "samesite=lax", "secure"} <= cookie
    finally:
        server.stop()


def test_socketio_sid_cookie_is_not_set(live: tuple[LiveServer, dict[str, Any]]) -> None:
    """Engine.IO sets no cookie of its own: the session cookie is the only one."""
    server, _links = live
    response = requests.get(f"{server.url}/socket.io/?EIO=4&transport=polling", timeout=10)
    assert "Set-Cookie" not in response.headers
    assert json.loads(response.text[1:])["sid"]
