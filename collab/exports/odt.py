"""The après-séminaire dossier as an editable OpenDocument text (odfpy): the outline of collab.exports.dossier."""

from __future__ import annotations

import io
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from odf.opendocument import OpenDocumentText
from odf.style import (
    FontFace,
    Footer,
    MasterPage,
    PageLayout,
    PageLayoutProperties,
    ParagraphProperties,
    Style,
    TableCellProperties,
    TableColumnProperties,
    TableProperties,
    TextProperties,
)
from odf.table import Table, TableCell, TableColumn, TableHeaderRows, TableRow
from odf.text import (
    H,
    IndexBody,
    IndexEntryPageNumber,
    IndexEntryTabStop,
    IndexEntryText,
    IndexTitle,
    IndexTitleTemplate,
    List,
    ListItem,
    P,
    PageNumber,
    Span,
    TableOfContent,
    TableOfContentEntryTemplate,
    TableOfContentSource,
)

from collab.exports.dossier import dossier_context, french_spacing

_SANS = "Liberation Sans"
_SERIF = "Liberation Serif"
_BLUE = "#1d4f7a"
_GREY = "#5b6374"
_KEEP = "always"


def dossier_odt(record: dict[str, Any], facts: dict[str, Any]) -> bytes:
    """Return the dossier of the day's record (and the facts read beside it) as the bytes of an .odt file."""
    ctx = dossier_context(record, facts)
    doc = _Document()
    event = ctx["event"]
    parts = ctx["parts"]
    doc.para(_("Dossier de l'après-séminaire"), "Eyebrow")
    doc.heading(event["title"], 0, "Title")
    when_where = " · ".join(fact for fact in (ctx["day"], ctx["place"]) if fact)
    if when_where:
        doc.para(when_where, "Facts")
    doc.para(
        _(
            "Pour la plénière « L'après-séminaire et le Congrès » et pour le Congrès : "
            "ce que la journée a produit, à reprendre et à prolonger."
        ),
        "Lead",
    )
    doc.contents(_("Sommaire"), [f"{number}. {title}" for number, title in enumerate(parts.values(), start=1)])

    doc.part(1, parts["syntheses"])
    for group in ctx["syntheses"]:
        doc.heading(group["title"] + (f" · {group['hours']}" if group["hours"] else ""), 2)
        for room in group["rooms"]:
            doc.heading(room["room_name"], 3)
            for entry in room["texts"]:
                doc.para_parts([(entry["label"] + " ", "Strong"), (entry["text"], None)])
            if room["cards"]:
                doc.para(_("Cartes retenues"), "Label")
                doc.cards([(c["text"], [c["label"], c["author"]]) for c in room["cards"]])
    if not ctx["syntheses"]:
        doc.para(_("Aucune synthèse n'a été publiée."), "Empty")

    doc.part(2, parts["hypotheses"])
    for number, hypothesis in enumerate(ctx["hypotheses"], start=1):
        doc.heading(_("Hypothèse %(number)s", number=number) + " · " + hypothesis["text"], 2)
        header = [_("Échelle") if hypothesis["by_scale"] else "", *hypothesis["verdicts"], _("Votes")]
        rows = [[s["label"], *s["counts"], s["total"]] for s in hypothesis["by_scale"]]
        rows.append([_("Ensemble"), *hypothesis["counts"], hypothesis["votes"]])
        doc.table(header, rows)
        if hypothesis["reasons"]:
            doc.para(_("Raisons données"), "Label")
            for reason in hypothesis["reasons"]:
                verdict = _("%(verdict)s :", verdict=reason["label"])
                doc.para_parts([(verdict + " ", "Strong"), (reason["reason"], None)])
        if hypothesis["evidence"]:
            doc.para(_("Éléments à l'appui"), "Label")
            doc.cards([(c["text"], [c["room_name"], c["scale_label"]]) for c in hypothesis["evidence"]])
        if hypothesis["conclusion"]:
            doc.para_parts([(_("Conclusion :") + " ", "Strong"), (hypothesis["conclusion"], None)], "Conclusion")
    if not ctx["hypotheses"]:
        doc.para(_("Aucune hypothèse n'a été mise au vote."), "Empty")

    doc.part(3, parts["grid"])
    grid = ctx["grid"]
    if grid:
        purpose = _("Les questions à se poser pour aborder sa situation de coopération et continuer à agir.")
        doc.para(grid.get("title") or purpose, "Lead")
        for question in grid["questions"]:
            doc.heading(question["label"], 2)
            if question.get("hint"):
                doc.para(question["hint"], "Muted")
            points = [point["text"] for point in question["points"]]
            doc.items(points or [_("Aucun point retenu.")])
    else:
        doc.para(_("La grille de lecture n'a pas été publiée."), "Empty")

    doc.part(4, parts["directory"])
    directory = ctx["directory"]
    for kind in directory["kinds"]:
        doc.heading(kind["label"], 2)
        for label, entries in ((_("Apports"), kind["offers"]), (_("Besoins"), kind["needs"])):
            doc.para(label, "Label")
            listed = [(c["text"], [c["author"], c["scope"], ", ".join(c["keywords"])]) for c in entries]
            if listed:
                doc.cards(listed)
            else:
                doc.para(_("Aucun."), "Empty")
    if not directory["kinds"]:
        doc.para(_("Aucune compétence n'a été déposée."), "Empty")
    doc.heading(_("Mises en relation acceptées"), 2)
    doc.para(
        _("Seules figurent les coordonnées des personnes qui ont toutes deux accepté la mise en relation."), "Muted"
    )
    for pair in directory["agreed"]:
        for side, label in (("offer", _("Apport")), ("need", ngettext("Besoin", "Besoins", 1))):
            card, contact = pair[side], pair[f"{side}_contact"]
            spans = [(label.upper() + " ", "Side"), (card["author"], "Strong"), (" — " + card["text"], None)]
            doc.para_parts(spans + ([(" · " + contact, "Contact")] if contact else []), "Pair")
    if not directory["agreed"]:
        doc.para(_("Aucune mise en relation acceptée des deux côtés."), "Empty")

    doc.part(5, parts["proposals"])
    doc.para(
        _(
            "Ces besoins n'ont trouvé aucun apport pendant la journée. Regroupés par thème, "
            "ils sont proposés comme sujets pour le prochain Carrefour ou pour le Congrès."
        ),
        "Lead",
    )
    for number, theme in enumerate(ctx["themes"], start=1):
        doc.heading(_("Proposition %(number)s", number=number) + " · " + theme["title"], 2)
        doc.para(ngettext("%(num)s besoin exprimé", "%(num)s besoins exprimés", len(theme["needs"])), "Muted")
        doc.cards([(n["text"], [n["author"], n["room_name"]]) for n in theme["needs"]])
    if not ctx["themes"]:
        doc.para(_("Chaque besoin exprimé a trouvé au moins un apport."), "Empty")

    doc.part(6, parts["participation"])
    participation = ctx["participation"]
    doc.para(
        ngettext("%(num)s participant", "%(num)s participants", participation["people"])
        + " · "
        + ngettext("%(num)s carte", "%(num)s cartes", participation["cards"]),
        "Lead",
    )
    doc.para(_("Par salle"), "Label")
    doc.table([_("Salle"), _("Personnes")], [[r["name"], r["count"]] for r in participation["rooms"]])
    doc.para(_("Par échelle territoriale"), "Label")
    doc.table([_("Échelle"), _("Personnes")], [[s["label"], s["count"]] for s in participation["scales"]])
    doc.para(_("Cartes par tableau"), "Label")
    doc.table(
        [_("Atelier"), _("Tableau"), _("Cartes")],
        [[b["title"], b["board_title"], b["count"]] for b in participation["boards"]],
    )
    return doc.save()


class _Document:
    """An OpenDocument text with the dossier's styles, written top to bottom."""

    def __init__(self) -> None:
        self.odt = OpenDocumentText()
        self.tables = 0
        self.odt.fontfacedecls.addElement(FontFace(name=_SANS, fontfamily=_SANS, fontfamilygeneric="swiss"))
        self.odt.fontfacedecls.addElement(FontFace(name=_SERIF, fontfamily=_SERIF, fontfamilygeneric="roman"))
        self._page()
        styles = self.odt.styles
        styles.addElement(
            _paragraph_style(
                "Standard", {"fontname": _SERIF, "fontsize": "10.5pt"}, {"marginbottom": "0.15cm"}, parent=None
            )
        )
        headings = {
            "Title": ("24pt", "#12395a", "0.8cm"),
            "Heading_20_1": ("17pt", "#12395a", "0.5cm"),
            "Heading_20_2": ("12.5pt", _BLUE, "0.45cm"),
            "Heading_20_3": ("10.5pt", "#485163", "0.3cm"),
        }
        for name, (size, color, above) in headings.items():
            style = _paragraph_style(
                name,
                {"fontname": _SANS, "fontsize": size, "fontweight": "bold", "color": color},
                {"margintop": above, "marginbottom": "0.2cm", "keepwithnext": "always"},
            )
            style.setAttribute("displayname", name.replace("_20_", " "))
            styles.addElement(style)
        self._auto(
            _paragraph_style(
                "Part",
                {"fontname": _SANS, "fontsize": "17pt", "fontweight": "bold", "color": "#12395a"},
                {"breakbefore": "page", "marginbottom": "0.4cm", "keepwithnext": "always"},
                parent="Heading_20_1",
            )
        )
        grey = {"fontname": _SANS, "color": _GREY}
        for name, text, paragraph in (
            ("Eyebrow", grey | {"fontsize": "10pt"}, {"margintop": "6cm"}),
            ("Facts", {"fontsize": "13pt"}, {}),
            ("Lead", {"fontsize": "11pt"}, {"marginbottom": "0.3cm"}),
            ("TocTitle", grey | {"fontsize": "12pt", "fontweight": "bold"}, {"margintop": "1.5cm"}),
            ("Toc", {"fontsize": "12pt"}, {"marginleft": "0.5cm"}),
            ("Label", grey | {"fontsize": "8.5pt", "fontweight": "bold"}, {"margintop": "3mm", "keepwithnext": _KEEP}),
            ("Muted", {"color": _GREY}, {}),
            ("Empty", {"color": _GREY, "fontstyle": "italic"}, {}),
            ("Card", {}, {"marginleft": "0.3cm", "marginbottom": "0", "keepwithnext": "always"}),
            ("CardMeta", grey | {"fontsize": "8pt"}, {"marginleft": "0.3cm", "marginbottom": "0.2cm"}),
            ("Conclusion", {}, {"margintop": "0.2cm", "marginleft": "0.3cm"}),
            ("Pair", {}, {"marginleft": "0.3cm"}),
            ("Cell", {"fontname": _SANS, "fontsize": "9.5pt"}, {"marginbottom": "0"}),
            ("CellNumber", {"fontname": _SANS, "fontsize": "9.5pt"}, {"marginbottom": "0", "textalign": "end"}),
        ):
            self._auto(_paragraph_style(name, text, paragraph))
        for name, props in (
            ("Strong", {"fontweight": "bold"}),
            ("Side", {"fontname": _SANS, "fontsize": "8pt", "fontweight": "bold", "color": _GREY}),
            ("Contact", {"fontname": _SANS, "fontsize": "9pt", "color": "#12395a"}),
        ):
            style = Style(name=name, family="text")
            style.addElement(TextProperties(**props))
            self._auto(style)
        cell = Style(name="TableCell", family="table-cell")
        cell.addElement(TableCellProperties(border="0.5pt solid #dedad1", padding="0.08cm"))
        self._auto(cell)

    def _page(self) -> None:
        """Lay pages out as A4 with margins for print, their number centred at the foot."""
        layout = PageLayout(name="A4")
        layout.addElement(
            PageLayoutProperties(
                pagewidth="21cm",
                pageheight="29.7cm",
                printorientation="portrait",
                margintop="1.8cm",
                marginbottom="1.4cm",
                marginleft="1.7cm",
                marginright="1.7cm",
            )
        )
        self.odt.automaticstyles.addElement(layout)
        small = {"fontname": _SANS, "fontsize": "8.5pt", "color": _GREY}
        self.odt.styles.addElement(_paragraph_style("Footer", small, {"textalign": "center"}))
        master = MasterPage(name="Standard", pagelayoutname=layout)
        footer = Footer()
        number = P(stylename="Footer")
        number.addElement(PageNumber(selectpage="current"))
        footer.addElement(number)
        master.addElement(footer)
        self.odt.masterstyles.addElement(master)

    def _auto(self, style: Style) -> None:
        """Add an automatic style to the content."""
        self.odt.automaticstyles.addElement(style)

    def heading(self, text: str, level: int, style: str | None = None) -> None:
        """Add a heading (level 0: the title, outside the outline)."""
        if level == 0:
            self.odt.text.addElement(P(stylename="Title", text=french_spacing(text)))
            return
        heading = H(outlinelevel=level, stylename=style or f"Heading_20_{level}", text=french_spacing(text))
        self.odt.text.addElement(heading)

    def contents(self, title: str, entries: list[str]) -> None:
        """Add the table of contents of the parts: written now, page numbers once a word processor updates it."""
        toc = TableOfContent(name="contents", protected="true")
        source = TableOfContentSource(outlinelevel=1)
        source.addElement(IndexTitleTemplate(stylename="TocTitle", text=french_spacing(title)))
        template = TableOfContentEntryTemplate(outlinelevel=1, stylename="Toc")
        template.addElement(IndexEntryText())
        template.addElement(IndexEntryTabStop(type="right", leaderchar="."))
        template.addElement(IndexEntryPageNumber())
        source.addElement(template)
        toc.addElement(source)
        body = IndexBody()
        heading = IndexTitle(name="contents_title")
        heading.addElement(P(stylename="TocTitle", text=french_spacing(title)))
        body.addElement(heading)
        for entry in entries:
            body.addElement(P(stylename="Toc", text=french_spacing(entry)))
        toc.addElement(body)
        self.odt.text.addElement(toc)

    def part(self, number: int, title: str) -> None:
        """Start a part of the dossier on a new page."""
        self.odt.text.addElement(H(outlinelevel=1, stylename="Part", text=french_spacing(f"{number}. {title}")))

    def para(self, text: str, style: str = "Standard") -> None:
        """Add a paragraph."""
        self.odt.text.addElement(P(stylename=style, text=french_spacing(text)))

    def para_parts(self, spans: list[tuple[str, str | None]], style: str = "Standard") -> None:
        """Add a paragraph made of runs, some in a character style."""
        paragraph = P(stylename=style)
        for text, span_style in spans:
            if span_style:
                paragraph.addElement(Span(stylename=span_style, text=french_spacing(text)))
            else:
                paragraph.addText(french_spacing(text))
        self.odt.text.addElement(paragraph)

    def cards(self, cards: list[tuple[str, list[str]]]) -> None:
        """Add cards: each its text, then what it says of itself, kept together."""
        for text, meta in cards:
            self.para(text, "Card")
            self.para(" · ".join(m for m in meta if m), "CardMeta")

    def items(self, texts: list[str]) -> None:
        """Add a bulleted list."""
        listing = List()
        for text in texts:
            item = ListItem()
            item.addElement(P(stylename="Standard", text=french_spacing(text)))
            listing.addElement(item)
        self.odt.text.addElement(listing)

    def table(self, header: list[Any], rows: list[list[Any]]) -> None:
        """Add a table with a repeated header row; numbers right-aligned."""
        self.tables += 1
        name = f"Table{self.tables}"
        style = Style(name=name, family="table")
        style.addElement(TableProperties(width="16cm", align="left"))
        self._auto(style)
        column = Style(name=f"{name}.A", family="table-column")
        column.addElement(TableColumnProperties(columnwidth=f"{16 / len(header):.2f}cm"))
        self._auto(column)
        table = Table(name=name, stylename=name)
        table.addElement(TableColumn(numbercolumnsrepeated=len(header), stylename=f"{name}.A"))
        head = TableHeaderRows()
        head.addElement(self._row(header, bold=True))
        table.addElement(head)
        for row in rows:
            table.addElement(self._row(row))
        self.odt.text.addElement(table)

    def _row(self, values: list[Any], bold: bool = False) -> TableRow:
        """Return a table row; numbers are typed as numbers (the total row's last)."""
        row = TableRow()
        for value in values:
            if isinstance(value, int):
                cell = TableCell(stylename="TableCell", valuetype="float", value=value)
                cell.addElement(P(stylename="CellNumber", text=str(value)))
            else:
                cell = TableCell(stylename="TableCell", valuetype="string")
                paragraph = P(stylename="Cell")
                if bold:
                    paragraph.addElement(Span(stylename="Strong", text=french_spacing(str(value))))
                else:
                    paragraph.addText(french_spacing(str(value)))
                cell.addElement(paragraph)
            row.addElement(cell)
        return row

    def save(self) -> bytes:
        """Return the document's bytes."""
        out = io.BytesIO()
        self.odt.write(out)
        return out.getvalue()


def _paragraph_style(
    name: str, text: dict[str, str], paragraph: dict[str, str], parent: str | None = "Standard"
) -> Style:
    """Return a paragraph style with its text and paragraph properties."""
    style = Style(name=name, family="paragraph")
    if parent:
        style.setAttribute("parentstylename", parent)
    if text:
        style.addElement(TextProperties(**text))
    if paragraph:
        style.addElement(ParagraphProperties(**paragraph))
    return style
