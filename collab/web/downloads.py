"""HTTP exports: the organiser's downloads; render only."""

from __future__ import annotations

import gzip

from flask import Flask, Response, abort, request

from collab.domain.errors import Unauthorised
from collab.domain.reads import reading
from collab.exports.files import export_file
from collab.offload import offload
from collab.tokens import principal_for_token
from collab.web.headers import style_policy

# Download name → (format, organiser's version).
DOWNLOADS = {
    "report.md": ("md", False),
    "report.html": ("html", False),
    "report-organiser.html": ("html", True),
    "cards.csv": ("csv", False),
    "cards.xlsx": ("xlsx", False),
    "cards.ods": ("ods", False),
    "event.json": ("json", False),
    "template.toml": ("toml", False),
    # The dossier is the organiser's, and shows only what the boards show.
    "dossier.html": ("dossier", False),
    "dossier.odt": ("odt", False),
}


def init_app(app: Flask) -> None:
    """Register the export routes."""
    app.add_url_rule("/o/<token>/export/<name>", view_func=download)


def download(token: str, name: str) -> Response:
    """Send one export of the organiser's event as a file to keep (404 for any other link or name)."""
    try:
        principal = principal_for_token(token)
    except Unauthorised:
        abort(404)
    if principal.role != "organiser" or name not in DOWNLOADS:
        abort(404)
    fmt, organiser = DOWNLOADS[name]
    with reading():  # a day's worth of reading, beside the phones' posts rather than between them
        file = export_file(principal.event_id, fmt, organiser)
    response = Response(file.body, mimetype=file.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    response.vary.add("Accept-Encoding")
    if isinstance(file.body, str) and "gzip" in request.headers.get("Accept-Encoding", ""):
        # A day's archive is a megabyte: compressed in an OS thread, not on the loop every phone
        # waits on (an encoded response is left alone by collab.assets' compression). A spreadsheet is a zip already.
        response.set_data(offload(gzip.compress, response.get_data(), 6))
        response.headers["Content-Encoding"] = "gzip"
    if file.style_hash:
        # The report carries its own style (a file kept offline): allow that one style block.
        response.headers["Content-Security-Policy"] = style_policy(file.style_hash)
    return response
