"""The day's report: atelier × situation × question, its syntheses, hypotheses and competences.

The same outline is written as Markdown here and as a print-ready page by templates/exports/report.html.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from collab.domain.syntheses import by_atelier
from collab.i18n import clock

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|!])")


def card_marks(card: dict[str, Any]) -> list[str]:
    """Return why a card is not on the public board (hidden, held, merged), in the reader's language."""
    held = {"reveal": _("en attente de révélation"), "moderation": _("en attente de modération")}
    marks = []
    if card["hidden"]:
        marks.append(_("masquée"))
    if card["held"]:
        marks.append(held.get(card["held"], card["held"]))
    if card["merged_into_id"] is not None:
        marks.append(_("fusionnée dans la carte %(id)s", id=card["merged_into_id"]))
    return marks


def author_name(author: dict[str, Any]) -> str:
    """Return how the report names a card's author: their pseudonym, or that they withdrew it."""
    return _("contribution retirée") if author.get("erased") else str(author.get("pseudonym", ""))


def shown_cards(record: dict[str, Any], organiser: bool) -> list[dict[str, Any]]:
    """Return the cards a version of the report lists: the visible ones, and for the organiser all."""
    return [card for card in record["cards"] if organiser or card["visible"]]


def _ranked(cards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return cards pinned first, then by dots, in posting order otherwise."""
    return sorted(cards, key=lambda c: (not c["pinned"], -c["votes"]))


def hour(value: str) -> str:
    """Return "10h30" for "10:30" and "9h" for "09:00" (10:30 AM in English), as the programme is printed."""
    return clock(value)


def atelier_titles(record: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Return, per board key, the atelier that works it (title and hours, from the programme)."""
    titles: dict[str, dict[str, str]] = {}
    for phase in record["programme"]:
        if phase["activity"] and phase["activity"] not in titles:
            titles[phase["activity"]] = {
                "title": phase["title"],
                "hours": f"{hour(phase['start'])} – {hour(phase['end'])}",
            }
    return titles


def report_outline(record: dict[str, Any], organiser: bool) -> list[dict[str, Any]]:
    """Return the ateliers in board order: per situation (or all rooms), per question, the cards."""
    cards = shown_cards(record, organiser)
    titles = atelier_titles(record)
    situations = {s["id"]: s for s in record["situations"]}
    rooms = {r["id"]: r for r in record["rooms"]}
    outline = []
    for number, board in enumerate(record["boards"], start=1):
        on_board = [c for c in cards if c["board"] == board["key"]]
        by_situation = board["kind"] != "competences"
        keys: list[int | None] = []
        for card in on_board:
            key = card["situation_id"] if by_situation else None
            if key not in keys:
                keys.append(key)
        # Situations in the organiser's order; cards without one last.
        keys.sort(key=lambda k: (k is None, list(situations).index(k) if k in situations else 0))
        groups = []
        for key in keys or [None]:
            group = [c for c in on_board if (c["situation_id"] if by_situation else None) == key]
            room_ids = list(dict.fromkeys(c["room_id"] for c in group))
            groups.append(
                {
                    "situation": situations.get(key) if key is not None else None,
                    "rooms": [rooms[r]["name"] for r in room_ids],
                    "questions": [
                        {
                            "key": column["key"],
                            "label": column["label"],
                            "hint": column.get("hint", ""),
                            "cards": _ranked([c for c in group if c["column"] == column["key"]]),
                        }
                        for column in board["columns"]
                    ],
                }
            )
        atelier = titles.get(board["key"], {"title": board["title"], "hours": ""})
        outline.append(
            {
                "number": number,
                "key": board["key"],
                "kind": board["kind"],
                "title": atelier["title"],
                "board_title": board["title"],
                "hours": atelier["hours"],
                "count": len(on_board),
                "scales": _scale_counts(record, on_board),
                "groups": groups,
            }
        )
    return outline


def _scale_counts(record: dict[str, Any], cards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return how many cards each territorial scale wrote (scales with none left out)."""
    counts = [
        {"label": scale["label"], "count": sum(1 for c in cards if c["scale"] == scale["key"])}
        for scale in record["scales"]
    ]
    return [entry for entry in counts if entry["count"]]


def question_labels(record: dict[str, Any]) -> dict[str, str]:
    """Return the label of every column key of the event's boards."""
    return {column["key"]: column["label"] for board in record["boards"] for column in board["columns"]}


def synthesis_groups(record: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the published syntheses by atelier in programme order, room by room (ateliers without one left out)."""
    groups = by_atelier(record["boards"], record["programme"], record["syntheses"])
    for group in groups:
        group["labels"] = {column["key"]: column["label"] for column in group["columns"]}
        if group["title"] is None:
            group["title"] = _("Autres synthèses")
    return [group for group in groups if group["syntheses"]]


def report_context(record: dict[str, Any], organiser: bool) -> dict[str, Any]:
    """Return what the report's template and the Markdown writer read."""
    return {
        "record": record,
        "event": record["event"],
        "organiser": organiser,
        "ateliers": report_outline(record, organiser),
        "labels": question_labels(record),
        "syntheses": synthesis_groups(record),
        # A hypothesis never put to the vote is a draft of the organiser's, not part of the day.
        "hypotheses": [h | {"cited": cited_cards(record, h)} for h in record["hypotheses"] if h["state"] != "draft"],
        "competences": record["competences"],
        "participants": len(record["participants"]),
        "marks": card_marks,
        "competence_totals": competence_totals,
        "hour": hour,
    }


def md(text: str | None) -> str:
    """Return user text as literal Markdown on one line (its markup characters escaped)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join((text or "").split()))


def _card_line(card: dict[str, Any], organiser: bool) -> str:
    """Return one card as a Markdown list item: text, then who wrote it from where."""
    facts = []
    if card.get("role"):
        facts.append(_("rôle : %(role)s", role=md(card["role"])))
    facts.append(_("échelle : %(scale)s", scale=md(card["scale_label"])))
    facts.append(md(card["room_name"]))
    if card.get("skill"):
        facts.append(f"{card['skill_type_label']}, {card['skill_scope_label'].lower()}")
        if card["skill"].get("keywords"):
            facts.append(_("mots-clés : %(words)s", words=", ".join(md(k) for k in card["skill"]["keywords"])))
    if card["votes"]:
        facts.append(ngettext("%(num)s point", "%(num)s points", card["votes"]))
    if card["pinned"]:
        facts.append(_("épinglée"))
    marks = card_marks(card) if organiser else []
    prefix = f"**[{', '.join(marks)}]** " if marks else ""
    return f"- {prefix}{md(card['text'])} — _{' · '.join(facts)}_"


def report_markdown(record: dict[str, Any], organiser: bool = False) -> str:
    """Return the report as Markdown."""
    ctx = report_context(record, organiser)
    event = ctx["event"]
    out = [f"# {md(event['title'])}", ""]
    out.append(
        ngettext(
            "Compte rendu du séminaire (code %(code)s) : %(num)s participant.",
            "Compte rendu du séminaire (code %(code)s) : %(num)s participants.",
            ctx["participants"],
            code=event["join_code"],
        )
    )
    if organiser:
        out += [
            "",
            "_" + _("Version de l'organisation : les cartes masquées ou en attente y figurent, signalées.") + "_",
        ]
    for atelier in ctx["ateliers"]:
        hours = f" ({atelier['hours']})" if atelier["hours"] else ""
        heading = _("Atelier %(number)s : %(title)s", number=atelier["number"], title=md(atelier["title"]))
        out += ["", f"## {heading}{hours}", ""]
        cards = ngettext("%(num)s carte", "%(num)s cartes", atelier["count"])
        out.append(f"{md(atelier['board_title'])} — {cards}.")
        if atelier["scales"]:
            counts = ", ".join(f"{md(s['label'])} {s['count']}" for s in atelier["scales"])
            out.append(_("Par échelle : %(counts)s.", counts=counts))
        for group in atelier["groups"]:
            if group["situation"]:
                out += ["", "### " + _("Situation : %(title)s", title=md(group["situation"]["title"]))]
            if group["rooms"]:
                out += ["", _("Salles : %(rooms)s", rooms=", ".join(md(r) for r in group["rooms"]))]
            for question in group["questions"]:
                out += ["", f"#### {md(question['label'])}", ""]
                out += [_card_line(c, organiser) for c in question["cards"]] or ["_" + _("Aucune carte.") + "_"]
        if atelier["kind"] == "competences":
            out += _competences_md(ctx)
    if not any(a["kind"] == "competences" for a in ctx["ateliers"]):
        out += _competences_md(ctx)
    out += _syntheses_md(ctx)
    out += _hypotheses_md(ctx)
    return "\n".join(out) + "\n"


def _syntheses_md(ctx: dict[str, Any]) -> list[str]:
    """Return the published syntheses, atelier by atelier, then room by room."""
    out = ["", "## " + _("Synthèses des salles")]
    if not ctx["syntheses"]:
        return [*out, "", "_" + _("Aucune synthèse publiée.") + "_"]
    for group in ctx["syntheses"]:
        out += ["", f"### {md(group['title'])}"]
        labels = group["labels"]
        for synthesis in group["syntheses"]:
            out += ["", f"#### {md(synthesis['room_name'])}"]
            # The texts in the order of the board's columns.
            texts = synthesis.get("texts", {})
            for key in sorted(texts, key=lambda k: list(labels).index(k) if k in labels else len(labels)):
                out += ["", f"**{md(labels.get(key, ctx['labels'].get(key, key)))}** {md(texts[key])}"]
            if synthesis.get("cards"):
                out += ["", _("Cartes retenues :"), ""]
                for card in synthesis["cards"]:
                    label = md(labels.get(card["column"], ctx["labels"].get(card["column"], card["column"])))
                    out.append(f"- {md(card['text'])} — _{label} · {md(author_name(card['author']))}_")
    return out


def cited_cards(record: dict[str, Any], hypothesis: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the cards the organiser cited as a hypothesis's evidence, in their order, those still on the boards."""
    cards = {card["id"]: card for card in record["cards"]}
    cited = [cards[card_id] for card_id in hypothesis["evidence"] if card_id in cards]
    return [card for card in cited if not card_marks(card)]


def _hypotheses_md(ctx: dict[str, Any]) -> list[str]:
    """Return each hypothesis with its results (in all and by scale), evidence, reasons and conclusion."""
    out = ["", "## " + _("Hypothèses")]
    if not ctx["hypotheses"]:
        return [*out, "", "_" + _("Aucune hypothèse.") + "_"]
    for n, hypothesis in enumerate(ctx["hypotheses"], start=1):
        out += ["", f"### {n}. {md(hypothesis['text'])}", ""]
        results = " · ".join(f"{r['label']} : {r['count']}" for r in hypothesis["results"])
        votes = ngettext("%(num)s vote", "%(num)s votes", hypothesis["votes"])
        out.append(f"{results} ({votes})")
        if hypothesis["by_scale"]:
            verdicts = [r["label"] for r in hypothesis["results"]]
            out += ["", f"| {_('Échelle')} | " + " | ".join(verdicts) + f" | {_('Votes')} |"]
            out.append("| --- | " + " | ".join("---:" for verdict in verdicts) + " | ---: |")
            for scale in hypothesis["by_scale"]:
                counts = " | ".join(str(r["count"]) for r in scale["results"])
                out.append(f"| {md(scale['label'])} | {counts} | {scale['total']} |")
        if hypothesis["cited"]:
            out += ["", _("Cartes citées :"), ""]
            out += [f"- {md(card['text'])} — _{md(card['room_name'])}_" for card in hypothesis["cited"]]
        if hypothesis["reasons"]:
            out += ["", _("Raisons données :"), ""]
            out += [f"- {r['label']} : {md(r['reason'])}" for r in hypothesis["reasons"]]
        if hypothesis["conclusion"]:
            out += ["", f"**{_('Conclusion.')}** {md(hypothesis['conclusion'])}"]
    return out


def _competences_md(ctx: dict[str, Any]) -> list[str]:
    """Return the competence map: totals by type, the strongest pairs and the needs unanswered."""
    competences = ctx["competences"]
    out = ["", "### " + _("Rapprochements et besoins sans réponse")]
    if not competences:
        return [*out, "", "_" + _("Carte des compétences non calculée.") + "_"]
    out += ["", competence_totals(competences["totals"]) + "."]
    out += ["", f"| {_('Type')} | {_('Apports')} | {_('Besoins')} |", "| --- | ---: | ---: |"]
    out += [f"| {t['label']} | {t['offers']} | {t['needs']} |" for t in competences["types"]]
    out += ["", "#### " + _("Rapprochements proposés"), ""]
    out += [
        f"- {md(m['offer']['text'])} ({md(author_name(m['offer']['author']))}) ↔ "
        f"{md(m['need']['text'])} ({md(author_name(m['need']['author']))})"
        for m in competences["top"]
    ] or ["_" + _("Aucun.") + "_"]
    out += ["", "#### " + _("Besoins sans réponse"), ""]
    gaps = [f"- {md(g['text'])} ({md(author_name(g['author']))})" for g in competences["gaps"]]
    return out + (gaps or ["_" + _("Aucun.") + "_"])


def competence_totals(totals: dict[str, int]) -> str:
    """Return "3 apports, 2 besoins, 4 rapprochements possibles" in the reader's language."""
    return ", ".join(
        [
            ngettext("%(num)s apport", "%(num)s apports", totals["offers"]),
            ngettext("%(num)s besoin", "%(num)s besoins", totals["needs"]),
            ngettext("%(num)s rapprochement possible", "%(num)s rapprochements possibles", totals["matches"]),
        ]
    )
