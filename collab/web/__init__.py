"""The web layer: the pages, the downloads, the admin pages and the probes, over HTTP."""

from __future__ import annotations

from flask import Flask

from collab.web import admin, diagnosis, downloads, health, pages
from collab.web.headers import secure_headers


def init_app(app: Flask) -> None:
    """Register collab's pages, downloads, admin pages, probes and response headers on the app."""
    pages.init_app(app)
    health.init_app(app)
    app.after_request(secure_headers)
    downloads.init_app(app)
    diagnosis.init_app(app)
    admin.init_app(app)
    app.errorhandler(404)(pages.not_found)
