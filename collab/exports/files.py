"""The export files of an event: one function per format, each returning its text, type and name."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache

from flask import render_template

from collab.config import ROOT
from collab.exports.archive import archive_event
from collab.exports.record import event_record
from collab.exports.report import report_context, report_markdown
from collab.exports.table import cards_csv

FORMATS = ("json", "md", "html", "csv")


@dataclass(frozen=True)
class ExportFile:
    """A file to download: its text, media type and name; `style_hash`: the CSP source of its inline style."""

    body: str
    mimetype: str
    filename: str
    style_hash: str | None = None


@lru_cache(maxsize=1)
def report_css() -> tuple[str, str]:
    """Return the report's print style and its CSP hash source."""
    css = (ROOT / "static" / "css" / "report.css").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    return css, f"'sha256-{digest}'"


def export_file(event_id: int, fmt: str, organiser: bool = False) -> ExportFile:
    """Return an event's export in `fmt` (json, md, html or csv); `organiser`: the report with hidden cards."""
    if fmt == "json":
        archive = archive_event(event_id)
        body = json.dumps(archive, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        return ExportFile(body, "application/json", f"{archive['join_code']}-archive.json")
    if fmt == "csv":
        record = event_record(event_id, competences=False)
        return ExportFile(cards_csv(record), "text/csv", f"{record['event']['join_code']}-cartes.csv")
    if fmt not in ("md", "html"):
        raise ValueError(f"unknown export format {fmt!r}")
    record = event_record(event_id)
    name = f"{record['event']['join_code']}-compte-rendu{'-organisation' if organiser else ''}"
    if fmt == "md":
        return ExportFile(report_markdown(record, organiser), "text/markdown", f"{name}.md")
    css, style_hash = report_css()
    body = render_template("exports/report.html", css=css, **report_context(record, organiser))
    return ExportFile(body, "text/html", f"{name}.html", style_hash)
