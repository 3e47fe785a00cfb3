"""The export files of an event: one function per format, each returning its text, type and name."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache

from flask import current_app, render_template

from collab.config import STATIC_FOLDER
from collab.domain.dossier import dossier_facts
from collab.domain.events import join_code_of
from collab.domain.record import event_record, votes_record
from collab.domain.templates import event_template, template_toml
from collab.exports.archive import archive_event
from collab.exports.dossier import dossier_page
from collab.exports.odt import dossier_odt
from collab.exports.report import report_context, report_markdown
from collab.exports.sheets import ODS_TYPE, XLSX_TYPE, workbook_ods, workbook_xlsx
from collab.exports.table import cards_csv
from collab.offload import offload

FORMATS = ("json", "md", "html", "csv", "xlsx", "ods", "toml", "dossier", "odt")


@dataclass(frozen=True)
class ExportFile:
    """A file to download: its text (or bytes, for a spreadsheet or a document), media type and name.

    `style_hash`: the CSP source of its inline style.
    """

    body: str | bytes
    mimetype: str
    filename: str
    style_hash: str | None = None

    @property
    def text(self) -> str:
        """Return the body of a text file (a report, a CSV, an archive)."""
        if not isinstance(self.body, str):
            raise TypeError(f"{self.filename} is a binary file")
        return self.body


@lru_cache(maxsize=2)
def print_css(name: str = "report") -> tuple[str, str]:
    """Return a printed export's style (static/css/NAME.css) and its CSP hash source."""
    css = (STATIC_FOLDER / "css" / f"{name}.css").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    return css, f"'sha256-{digest}'"


def report_css() -> tuple[str, str]:
    """Return the report's print style and its CSP hash source."""
    return print_css("report")


def export_file(event_id: int, fmt: str, organiser: bool = False) -> ExportFile:
    """Return an event's export in `fmt` (json, md, html, csv, xlsx, ods, toml, dossier or odt).

    `organiser`: the report with hidden cards (the dossier never shows them). The database is read here;
    the file is written off the event loop (collab.offload).
    """
    if fmt == "json":
        archive = archive_event(event_id)
        body = offload(_archive_text, archive)
        return ExportFile(body, "application/json", f"{archive['join_code']}-archive.json")
    if fmt == "toml":
        # The event's structure as a template file, to make next year's seminar from.
        code = join_code_of(event_id)
        return ExportFile(template_toml(event_template(event_id)), "application/toml", f"{code}-modele.toml")
    if fmt == "csv":
        record = event_record(event_id, competences=False)
        return ExportFile(offload(cards_csv, record), "text/csv", f"{record['event']['join_code']}-cartes.csv")
    if fmt in ("xlsx", "ods"):
        record = event_record(event_id, competences=False)
        votes = votes_record(event_id)
        write, mimetype = (workbook_xlsx, XLSX_TYPE) if fmt == "xlsx" else (workbook_ods, ODS_TYPE)
        workbook = offload(write, record, votes, current_app.config["TIMEZONE"])
        return ExportFile(workbook, mimetype, f"{record['event']['join_code']}-cartes.{fmt}")
    if fmt in ("dossier", "odt"):
        return _dossier(event_id, fmt)
    if fmt not in ("md", "html"):
        raise ValueError(f"unknown export format {fmt!r}")
    record = event_record(event_id)
    name = f"{record['event']['join_code']}-compte-rendu{'-organisation' if organiser else ''}"
    if fmt == "md":
        return ExportFile(offload(report_markdown, record, organiser), "text/markdown", f"{name}.md")
    css, style_hash = report_css()
    body = offload(_report_html, record, organiser, css)
    return ExportFile(body, "text/html", f"{name}.html", style_hash)


def _dossier(event_id: int, fmt: str) -> ExportFile:
    """Return the après-séminaire dossier as a print-ready page or an editable ODT."""
    record = event_record(event_id)
    facts = dossier_facts(event_id)
    name = f"{record['event']['join_code']}-dossier"
    if fmt == "odt":
        body = offload(dossier_odt, record, facts)
        return ExportFile(body, "application/vnd.oasis.opendocument.text", f"{name}.odt")
    css, style_hash = print_css("dossier")
    return ExportFile(offload(dossier_page, record, facts, css), "text/html", f"{name}.html", style_hash)


def _archive_text(archive: dict[str, object]) -> str:
    """Return the archive as the JSON file keeps it."""
    return json.dumps(archive, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def _report_html(record: dict[str, object], organiser: bool, css: str) -> str:
    """Return the report as a standalone HTML page."""
    return render_template("exports/report.html", css=css, **report_context(record, organiser))
