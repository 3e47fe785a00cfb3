"""Static files over a venue's Wi-Fi: compressed, and cached by phones for good under a versioned path.

Every static URL carries one version, a hash of the whole static folder taken at start:
/static/v/<hash>/js/participant.js. ES modules import each other by relative paths, so a module
loaded under a version imports its neighbours under the same version, with no import map and no
rewriting; an upgrade changes the hash, so a phone never mixes a new page with an old module.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask_compress import Compress

# A versioned URL names fixed bytes: a phone keeps it a year and never asks again.
IMMUTABLE = "public, max-age=31536000, immutable"
compress = Compress()
STATIC_ENDPOINTS = ("static", "static_unversioned", "static_other")


class PageSessions(SecureCookieSessionInterface):
    """Refresh the session cookie with each page, not with each of its 30 files.

    Flask resends a permanent session's cookie on every response: on a phone's first load that
    was 30 copies of the participant's signed token, 12 KB of the 100 KB budget.
    """

    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        """Tell whether this response carries the session cookie: never a static file's."""
        if request.endpoint in STATIC_ENDPOINTS:
            return False
        return super().should_set_cookie(app, session)

    def get_cookie_secure(self, app: Flask) -> bool:
        """Mark the cookie Secure when the browser's request was HTTPS (behind a trusted proxy), or when configured."""
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def static_version(folder: Path) -> str:
    """Return a short hash of every file under `folder`, names and contents."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def static_url_path(folder: Path) -> str:
    """Return the URL prefix of the static files of this release."""
    return f"/static/v/{static_version(folder)}"


def init_app(app: Flask) -> None:
    """Compress responses, serve old and unversioned static URLs, and cache versioned ones for good."""
    # Browsers offer brotli and zstd over HTTPS only: at a venue (plain http on the LAN) they ask
    # for gzip, which the library leaves out for files it streams (static files) unless told.
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["zstd", "br", "gzip", "deflate"])
    compress.init_app(app)
    app.session_interface = PageSessions()
    # A page from before an upgrade (or a hand-typed address) still gets today's file, uncached.
    app.add_url_rule("/static/<path:filename>", endpoint="static_unversioned", view_func=_unversioned(app))
    app.add_url_rule("/static/v/<version>/<path:filename>", endpoint="static_other", view_func=_unversioned(app))
    app.after_request(_cache_static)


def _unversioned(app: Flask) -> Callable[..., Response]:
    """Return a view that sends a static file with no long-lived caching."""

    def send(filename: str, version: str | None = None) -> Response:
        response = app.send_static_file(filename)
        response.headers["Cache-Control"] = "no-cache"
        return response

    return send


def _cache_static(response: Response) -> Response:
    """Mark a static file of this release as immutable, without the headers it never needs."""
    if request.endpoint == "static" and response.status_code in (200, 304):
        response.headers["Cache-Control"] = IMMUTABLE
        # Never revalidated by date, never saved as a file, never asked in ranges (compressed).
        for name in ("Last-Modified", "Content-Disposition", "Accept-Ranges"):
            response.headers.pop(name, None)
    return response
