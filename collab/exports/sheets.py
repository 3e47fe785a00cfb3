"""The cards, dots and hypothesis votes of an event as a workbook: XLSX (openpyxl) or ODS (odfpy).

One sheet per board, then the dots, then the hypothesis votes. The cards are the CSV's (every card but the
deleted ones, hidden, held and merged ones flagged; an erased author shown as "contribution retirée"), with
typed cells: numbers, booleans, and dates and times in the venue's time zone (COLLAB_TIMEZONE).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from odf.config import ConfigItem, ConfigItemMapEntry, ConfigItemMapIndexed, ConfigItemMapNamed, ConfigItemSet
from odf.element import Element
from odf.namespaces import TABLENS
from odf.number import DateStyle, Day, Hours, Minutes, Month, Year
from odf.number import Text as Literal
from odf.opendocument import OpenDocumentSpreadsheet
from odf.style import Style, TableColumnProperties, TextProperties
from odf.table import DatabaseRange, DatabaseRanges, Table, TableCell, TableColumn, TableRow
from odf.text import P
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from collab.exports.report import question_labels

Value = str | int | bool | datetime | None

# Excel refuses these in a sheet's name, and a name longer than 31 characters.
NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
NAME_MAX = 31
# Neither XML (ODS) nor XLSX holds these control characters: they are left out of a cell's text.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
DOTS = "Gommettes"
HYPOTHESIS_VOTES = "Votes sur les hypothèses"
COLUMN_HEADERS = {"grid": "question", "competences": "offre ou besoin", "case_study": "rubrique"}
# A column's width, in characters: a text column stops at MAX_WIDTH (its cells wrap no further in a filter view).
MIN_WIDTH, MAX_WIDTH, DATE_WIDTH = 8, 60, 17
SPACES = re.compile(r"(?<= ) +|^ +", re.MULTILINE)
ODS_DATE_STYLE = "date"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODS_TYPE = "application/vnd.oasis.opendocument.spreadsheet"


@dataclass
class Sheet:
    """One sheet of the workbook: its name, header and typed rows."""

    name: str
    header: list[str]
    rows: list[list[Value]] = field(default_factory=list)

    def widths(self) -> list[int]:
        """Return each column's width in characters, from its header and its longest cell."""
        widths = [max(len(title) + 3, MIN_WIDTH) for title in self.header]
        for row in self.rows:
            for i, value in enumerate(row):
                if isinstance(value, datetime):
                    widths[i] = max(widths[i], DATE_WIDTH)
                elif isinstance(value, str | int) and not isinstance(value, bool):
                    widths[i] = max(widths[i], min(len(str(value)) + 2, MAX_WIDTH))
        return widths


def workbook_sheets(record: dict[str, Any], votes: dict[str, list[dict[str, Any]]], zone: str) -> list[Sheet]:
    """Return the workbook's sheets: one per board in the event's order, the dots, the hypothesis votes."""
    tz = ZoneInfo(zone)

    def local(moment: str) -> datetime:
        # A spreadsheet's dates have no zone: the venue's wall clock, to the second.
        return datetime.fromisoformat(moment).astimezone(tz).replace(tzinfo=None, microsecond=0)

    labels = question_labels(record)
    situations = {s["id"]: s["title"] for s in record["situations"]}
    boards = list(record["boards"])
    known = {board["key"] for board in boards}
    # Cards of a board the event no longer names get a sheet of their own, after the others.
    for key in dict.fromkeys(card["board"] for card in record["cards"]):
        if key not in known:
            boards.append({"key": key, "kind": "grid", "title": key, "columns": []})
    names = sheet_names([board["title"] for board in boards] + [DOTS, HYPOTHESIS_VOTES])
    sheets = []
    for board, name in zip(boards, names, strict=False):
        kind = board.get("kind", "grid")
        header = ["id", "salle", "situation", COLUMN_HEADERS.get(kind, "colonne"), "texte", "auteur", "échelle"]
        header += ["rôle"] if kind == "case_study" else []
        header += ["type de compétence", "portée", "mots-clés"] if kind == "competences" else []
        header += ["points", "épinglée", "masquée", "en attente", "fusionnée dans", "créée le"]
        sheet = Sheet(name, header)
        for card in record["cards"]:
            if card["board"] != board["key"]:
                continue
            row: list[Value] = [
                card["id"],
                card["room_name"],
                situations.get(card["situation_id"]) if card["situation_id"] else None,
                labels.get(card["column"], card["column"]),
                card["text"],
                "contribution retirée" if card["author_erased"] else card["author"],
                card["scale_label"],
            ]
            if kind == "case_study":
                row.append(card["role"])
            if kind == "competences":
                skill = card["skill"] or {}
                keywords = ", ".join(skill.get("keywords", []))
                row += [card["skill_type_label"], card["skill_scope_label"], keywords or None]
            row += [
                card["votes"],
                card["pinned"],
                card["hidden"],
                card["held"] is not None,
                card["merged_into_id"],
                local(card["created_at"]),
            ]
            sheet.rows.append(row)
        sheets.append(sheet)
    dots = Sheet(names[-2], ["salle", "carte", "texte", "placée le"])
    dots.rows = [[d["room_name"], d["card_id"], d["text"], local(d["placed_at"])] for d in votes["dots"]]
    ballots = Sheet(names[-1], ["hypothèse", "verdict", "raison", "échelle", "votée le"])
    ballots.rows = [
        [v["hypothesis"], v["label"], v["reason"] or None, v["scale_label"], local(v["voted_at"])]
        for v in votes["hypothesis_votes"]
    ]
    return [*sheets, dots, ballots]


def sheet_names(titles: Iterable[str]) -> list[str]:
    """Return a valid, unique sheet name for each title: no []:*?/\\, 31 characters at most."""
    names: list[str] = []
    taken: set[str] = set()
    for title in titles:
        base = " ".join(NAME_FORBIDDEN.sub(" ", CONTROL.sub("", title)).split()).strip("'") or "Tableau"
        name = base[:NAME_MAX].rstrip().rstrip("'")
        n = 1
        # Excel compares sheet names without case.
        while name.casefold() in taken:
            n += 1
            suffix = f" ({n})"
            name = base[: NAME_MAX - len(suffix)].rstrip() + suffix
        taken.add(name.casefold())
        names.append(name)
    return names


def clean(text: str) -> str:
    """Return a cell's text without the control characters no spreadsheet file holds."""
    return CONTROL.sub("", text)


def workbook_xlsx(record: dict[str, Any], votes: dict[str, list[dict[str, Any]]], zone: str) -> bytes:
    """Return the workbook as an XLSX file."""
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in workbook_sheets(record, votes, zone):
        page = book.create_sheet(sheet.name)
        last = get_column_letter(len(sheet.header))
        for i, width in enumerate(sheet.widths(), start=1):
            page.column_dimensions[get_column_letter(i)].width = width
        page.freeze_panes = "A2"
        page.auto_filter.ref = f"A1:{last}{len(sheet.rows) + 1}"
        header = []
        for title in sheet.header:
            cell = WriteOnlyCell(page, value=title)
            cell.font = bold
            header.append(cell)
        page.append(header)
        for row in sheet.rows:
            page.append([_xlsx_cell(page, value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(page: Any, value: Value) -> Any:
    """Return one typed XLSX cell; a text is always a string, never a formula ("=…", "+33…", "@x")."""
    if isinstance(value, str):
        cell = WriteOnlyCell(page, value=clean(value))
        cell.data_type = "s"
        return cell
    if isinstance(value, datetime):
        cell = WriteOnlyCell(page, value=value)
        cell.number_format = "dd/mm/yyyy hh:mm"
        return cell
    return value


def workbook_ods(record: dict[str, Any], votes: dict[str, list[dict[str, Any]]], zone: str) -> bytes:
    """Return the workbook as an OpenDocument spreadsheet (LibreOffice's own format).

    odfpy makes the document, its styles, filters and view; the rows of data are written as XML text,
    as `_OdsRows` says why.
    """
    sheets = workbook_sheets(record, votes, zone)
    document = OpenDocumentSpreadsheet()
    moment = DateStyle(name="moment")  # 08/12/2026 09:30
    for part in (Day(style="long"), Literal(text="/"), Month(style="long"), Literal(text="/"), Year(style="long")):
        moment.addElement(part)
    for part in (Literal(text=" "), Hours(style="long"), Literal(text=":"), Minutes(style="long")):
        moment.addElement(part)
    document.automaticstyles.addElement(moment)
    date = Style(name=ODS_DATE_STYLE, family="table-cell", datastylename=moment)
    document.automaticstyles.addElement(date)
    bold = Style(name="header", family="table-cell")
    bold.addElement(TextProperties(fontweight="bold"))
    document.automaticstyles.addElement(bold)
    widths: dict[int, Style] = {}
    ranges = DatabaseRanges()
    for index, sheet in enumerate(sheets):
        table = Table(name=sheet.name)
        for i, width in enumerate(sheet.widths()):
            if width not in widths:
                widths[width] = Style(name=f"width{width}", family="table-column")
                # About 0.2 cm a character, in LibreOffice's default font.
                widths[width].addElement(TableColumnProperties(columnwidth=f"{width * 0.2:.1f}cm"))
                document.automaticstyles.addElement(widths[width])
            dated = any(isinstance(row[i], datetime) for row in sheet.rows)
            # A column of dates names the date style too, which keeps it among the styles odfpy writes.
            if dated:
                table.addElement(TableColumn(stylename=widths[width], defaultcellstylename=date))
            else:
                table.addElement(TableColumn(stylename=widths[width]))
        header = TableRow()
        for title in sheet.header:
            cell = TableCell(valuetype="string", stylename=bold)
            cell.addElement(P(text=title))
            header.addElement(cell)
        table.addElement(header)
        table.addElement(_OdsRows(sheet.rows))
        document.spreadsheet.addElement(table)
        # LibreOffice keeps a sheet's filter as its anonymous database range.
        quoted = "'" + sheet.name.replace("'", "''") + "'"
        last = _column_letters(len(sheet.header))
        ranges.addElement(
            DatabaseRange(
                name=f"__Anonymous_Sheet_DB__{index}",
                targetrangeaddress=f"{quoted}.A1:{quoted}.{last}{len(sheet.rows) + 1}",
                displayfilterbuttons="true",
            )
        )
    document.spreadsheet.addElement(ranges)
    _freeze_headers(document, [sheet.name for sheet in sheets])
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


class _OdsRows(Element):
    """A sheet's rows of data (table:table-row elements), written at once as XML text.

    odfpy makes an object of every cell and paragraph, checked against the schema, then walks them all
    for the styles they use: seconds for a day's 17,000 cells, against a tenth of one here.
    """

    def __init__(self, rows: list[list[Value]]) -> None:
        # Named as a table:table-rows, which a table may hold; only its rows are written.
        super().__init__(qname=(TABLENS, "table-rows"))
        self.xml = "".join(_ods_row(row) for row in rows)

    def toXml(self, level: int, f: Any) -> None:
        """Write the rows."""
        f.write(self.xml)


def _ods_row(row: list[Value]) -> str:
    """Return one row of typed cells as ODF XML; a text is always of type string, never a formula."""
    cells = []
    for value in row:
        if value is None:
            cells.append("<table:table-cell/>")
        elif isinstance(value, bool):
            shown = ("true", "oui") if value else ("false", "non")
            cells.append(
                f'<table:table-cell office:value-type="boolean" office:boolean-value="{shown[0]}">'
                f"<text:p>{shown[1]}</text:p></table:table-cell>"
            )
        elif isinstance(value, int):
            cells.append(
                f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p>'
                "</table:table-cell>"
            )
        elif isinstance(value, datetime):
            cells.append(
                f'<table:table-cell table:style-name="{ODS_DATE_STYLE}" office:value-type="date" '
                f'office:date-value="{value.isoformat()}"><text:p>{value:%d/%m/%Y %H:%M}</text:p></table:table-cell>'
            )
        else:
            cells.append(
                f'<table:table-cell office:value-type="string"><text:p>{_odf_text(value)}</text:p></table:table-cell>'
            )
    return "<table:table-row>" + "".join(cells) + "</table:table-row>"


def _odf_text(text: str) -> str:
    """Return text as the content of a text:p: escaped, its line breaks, tabs and runs of spaces kept."""
    escaped = escape(clean(text))
    # XML folds runs of spaces: the second one on (or a leading one) is written as <text:s/>.
    spaced = SPACES.sub(lambda run: f'<text:s text:c="{len(run.group())}"/>', escaped)
    for mark, tag in (("\t", "<text:tab/>"), ("\r\n", "\n"), ("\r", "\n"), ("\n", "<text:line-break/>")):
        spaced = spaced.replace(mark, tag)
    return spaced


def _column_letters(n: int) -> str:
    """Return the letters of the n-th column (1: A, 27: AA)."""
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _freeze_headers(document: Any, names: list[str]) -> None:
    """Freeze each sheet's first row, as LibreOffice's view settings say it."""
    view = ConfigItemMapEntry()
    view.addElement(ConfigItem(name="ViewId", type="string", text="view1"))
    tables = ConfigItemMapNamed(name="Tables")
    for name in names:
        entry = ConfigItemMapEntry(name=name)
        for key, kind, value in (
            ("HorizontalSplitMode", "short", "0"),
            ("VerticalSplitMode", "short", "2"),
            ("VerticalSplitPosition", "int", "1"),
            ("ActiveSplitRange", "short", "2"),
            ("PositionTop", "int", "0"),
            ("PositionBottom", "int", "1"),
        ):
            entry.addElement(ConfigItem(name=key, type=kind, text=value))
        tables.addElement(entry)
    view.addElement(tables)
    views = ConfigItemMapIndexed(name="Views")
    views.addElement(view)
    settings = ConfigItemSet(name="ooo:view-settings")
    settings.addElement(views)
    document.settings.addElement(settings)
