"""Static files at a venue: versioned URLs cached for good, old URLs still served, responses compressed."""

from __future__ import annotations

import gzip
import re

from flask import Flask
from flask.testing import FlaskClient

from collab.assets import IMMUTABLE, static_version
from collab.config import ROOT
from collab.domain.events import EventLinks


def test_pages_link_static_files_under_this_release(client: FlaskClient, event: EventLinks) -> None:
    page = client.get(f"/s/{event.screen_token}").get_data(as_text=True)
    version = static_version(ROOT / "static")
    urls = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    assert urls and all(url.startswith(f"/static/v/{version}/") for url in urls), urls


def test_a_versioned_file_is_immutable_and_compressed(client: FlaskClient, app: Flask) -> None:
    version = static_version(ROOT / "static")
    response = client.get(f"/static/v/{version}/js/participant.js", headers={"Accept-Encoding": "gzip, deflate"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert not {"Last-Modified", "Content-Disposition", "Accept-Ranges"} & set(response.headers.keys())
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert gzip.decompress(response.data) == (ROOT / "static/js/participant.js").read_bytes()
    # Revalidation still works on the compressed file.
    again = client.get(
        response.request.path, headers={"Accept-Encoding": "gzip", "If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304


def test_an_old_or_unversioned_url_gets_todays_file_uncached(client: FlaskClient) -> None:
    for url in ("/static/js/lib/shared/socket.js", "/static/v/0123456789ab/js/lib/shared/socket.js"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-cache", url
        assert response.data == (ROOT / "static/js/lib/shared/socket.js").read_bytes()
    assert client.get("/static/v/0123456789ab/js/nothing.js").status_code == 404


def test_modules_import_each_other_by_relative_paths() -> None:
    # An absolute import would leave the release's versioned path and could load an older module.
    for path in (ROOT / "static/js").rglob("*.js"):
        for target in re.findall(r'^\s*import[^"\']*["\']([^"\']+)["\']', path.read_text(), re.M):
            assert target.startswith("."), f"{path.name} imports {target}"


def test_pages_are_compressed_but_stay_uncached(client: FlaskClient, event: EventLinks) -> None:
    response = client.get(f"/s/{event.screen_token}", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Cache-Control"] == "no-store"
    assert b"<!doctype html>" in gzip.decompress(response.data)


def test_the_version_changes_with_any_static_file(tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    (folder / "js").mkdir()
    (folder / "js/a.js").write_text("export const a = 1;")
    before = static_version(folder)
    (folder / "js/a.js").write_text("export const a = 2;")
    assert static_version(folder) != before


def test_static_files_do_not_resend_the_session_cookie(client: FlaskClient, event: EventLinks) -> None:
    joined = client.post(
        f"/j/{event.join_code}",
        data={"pseudonym": "Camille", "scale": "commune", "room": str(event.rooms[0].id)},
        headers={"Origin": "http://localhost"},
    )
    assert joined.status_code == 303 and "Set-Cookie" in joined.headers
    version = static_version(ROOT / "static")
    assert "Set-Cookie" not in client.get(f"/static/v/{version}/js/participant.js").headers
    assert "Set-Cookie" not in client.get("/static/js/participant.js").headers
    # The page itself still refreshes it.
    assert "Set-Cookie" in client.get(f"/e/{event.join_code}").headers


def test_exports_are_gzipped_once_when_the_browser_asks_and_plain_otherwise(
    client: FlaskClient, event: EventLinks
) -> None:
    plain = client.get(f"/o/{event.organiser_token}/export/event.json")
    assert "Content-Encoding" not in plain.headers
    packed = client.get(f"/o/{event.organiser_token}/export/event.json", headers={"Accept-Encoding": "gzip, br"})
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data
    assert packed.headers["Content-Disposition"] == plain.headers["Content-Disposition"]
