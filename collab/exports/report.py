"""The day's report: atelier × situation × question, its syntheses, hypotheses and competences.

The same outline is written as Markdown here and as a print-ready page by templates/exports/report.html.
"""

from __future__ import annotations

import re
from typing import Any

HELD = {"reveal": "en attente de révélation", "moderation": "en attente de modération"}
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|!])")


def card_marks(card: dict[str, Any]) -> list[str]:
    """Return why a card is not on the public board (hidden, held, merged), in French."""
    marks = []
    if card["hidden"]:
        marks.append("masquée")
    if card["held"]:
        marks.append(HELD.get(card["held"], card["held"]))
    if card["merged_into_id"] is not None:
        marks.append(f"fusionnée dans la carte {card['merged_into_id']}")
    return marks


def shown_cards(record: dict[str, Any], organiser: bool) -> list[dict[str, Any]]:
    """Return the cards a version of the report lists: the visible ones, and for the organiser all."""
    return [card for card in record["cards"] if organiser or card["visible"]]


def _ranked(cards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return cards pinned first, then by dots, in posting order otherwise."""
    return sorted(cards, key=lambda c: (not c["pinned"], -c["votes"]))


def hour(value: str) -> str:
    """Return "10h30" for "10:30" and "9h" for "09:00", as the programme is printed."""
    hours, minutes = value.split(":")
    return f"{int(hours)}h{'' if minutes == '00' else minutes}"


def plural(count: int, word: str) -> str:
    """Return "1 carte", "3 cartes"."""
    return f"{count} {word}{'s' if count > 1 else ''}"


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


def report_context(record: dict[str, Any], organiser: bool) -> dict[str, Any]:
    """Return what the report's template and the Markdown writer read."""
    return {
        "record": record,
        "event": record["event"],
        "organiser": organiser,
        "ateliers": report_outline(record, organiser),
        "labels": question_labels(record),
        "syntheses": record["syntheses"],
        # A hypothesis never put to the vote is a draft of the organiser's, not part of the day.
        "hypotheses": [h for h in record["hypotheses"] if h["state"] != "draft"],
        "competences": record["competences"],
        "participants": len(record["participants"]),
        "marks": card_marks,
        "plural": plural,
        "hour": hour,
    }


def md(text: str | None) -> str:
    """Return user text as literal Markdown on one line (its markup characters escaped)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join((text or "").split()))


def _card_line(card: dict[str, Any], organiser: bool) -> str:
    """Return one card as a Markdown list item: text, then who wrote it from where."""
    facts = []
    if card.get("role"):
        facts.append(f"rôle : {md(card['role'])}")
    facts.append(f"échelle : {md(card['scale_label'])}")
    facts.append(md(card["room_name"]))
    if card.get("skill"):
        facts.append(f"{card['skill_type_label']}, {card['skill_scope_label'].lower()}")
        if card["skill"].get("keywords"):
            facts.append("mots-clés : " + ", ".join(md(k) for k in card["skill"]["keywords"]))
    if card["votes"]:
        facts.append(f"{card['votes']} point{'s' if card['votes'] > 1 else ''}")
    if card["pinned"]:
        facts.append("épinglée")
    marks = card_marks(card) if organiser else []
    prefix = f"**[{', '.join(marks)}]** " if marks else ""
    return f"- {prefix}{md(card['text'])} — _{' · '.join(facts)}_"


def report_markdown(record: dict[str, Any], organiser: bool = False) -> str:
    """Return the report as Markdown."""
    ctx = report_context(record, organiser)
    event = ctx["event"]
    out = [f"# {md(event['title'])}", ""]
    out.append(f"Compte rendu du séminaire (code {event['join_code']}) : {ctx['participants']} participants.")
    if organiser:
        out += ["", "_Version de l'organisation : les cartes masquées ou en attente y figurent, signalées._"]
    for atelier in ctx["ateliers"]:
        hours = f" ({atelier['hours']})" if atelier["hours"] else ""
        out += ["", f"## Atelier {atelier['number']} : {md(atelier['title'])}{hours}", ""]
        out.append(f"{md(atelier['board_title'])} — {plural(atelier['count'], 'carte')}.")
        if atelier["scales"]:
            out.append("Par échelle : " + ", ".join(f"{md(s['label'])} {s['count']}" for s in atelier["scales"]) + ".")
        for group in atelier["groups"]:
            if group["situation"]:
                out += ["", f"### Situation : {md(group['situation']['title'])}"]
            if group["rooms"]:
                out += ["", "Salles : " + ", ".join(md(r) for r in group["rooms"])]
            for question in group["questions"]:
                out += ["", f"#### {md(question['label'])}", ""]
                out += [_card_line(c, organiser) for c in question["cards"]] or ["_Aucune carte._"]
        if atelier["kind"] == "competences":
            out += _competences_md(ctx)
    if not any(a["kind"] == "competences" for a in ctx["ateliers"]):
        out += _competences_md(ctx)
    out += _syntheses_md(ctx)
    out += _hypotheses_md(ctx)
    return "\n".join(out) + "\n"


def _syntheses_md(ctx: dict[str, Any]) -> list[str]:
    """Return the published syntheses, room by room."""
    out = ["", "## Synthèses des salles"]
    if not ctx["syntheses"]:
        return [*out, "", "_Aucune synthèse publiée._"]
    for synthesis in ctx["syntheses"]:
        out += ["", f"### {md(synthesis['room_name'])}"]
        for key, text in synthesis.get("texts", {}).items():
            out += ["", f"**{md(ctx['labels'].get(key, key))}** {md(text)}"]
        if synthesis.get("cards"):
            out += ["", "Cartes retenues :", ""]
            for card in synthesis["cards"]:
                label = md(ctx["labels"].get(card["column"], card["column"]))
                out.append(f"- {md(card['text'])} — _{label} · {md(card['author']['pseudonym'])}_")
    return out


def _hypotheses_md(ctx: dict[str, Any]) -> list[str]:
    """Return each hypothesis with its results, reasons and conclusion."""
    out = ["", "## Hypothèses"]
    if not ctx["hypotheses"]:
        return [*out, "", "_Aucune hypothèse._"]
    for n, hypothesis in enumerate(ctx["hypotheses"], start=1):
        out += ["", f"### {n}. {md(hypothesis['text'])}", ""]
        results = " · ".join(f"{r['label']} : {r['count']}" for r in hypothesis["results"])
        out.append(f"{results} ({hypothesis['votes']} votes)")
        if hypothesis["reasons"]:
            out += ["", "Raisons données :", ""]
            out += [f"- {r['label']} : {md(r['reason'])}" for r in hypothesis["reasons"]]
        if hypothesis["conclusion"]:
            out += ["", f"**Conclusion.** {md(hypothesis['conclusion'])}"]
    return out


def _competences_md(ctx: dict[str, Any]) -> list[str]:
    """Return the competence map: totals by type, the strongest pairs and the needs unanswered."""
    competences = ctx["competences"]
    out = ["", "### Rapprochements et besoins sans réponse"]
    if not competences:
        return [*out, "", "_Carte des compétences non calculée._"]
    totals = competences["totals"]
    out += ["", f"{totals['offers']} apports, {totals['needs']} besoins, {totals['matches']} rapprochements possibles."]
    out += ["", "| Type | Apports | Besoins |", "| --- | ---: | ---: |"]
    out += [f"| {t['label']} | {t['offers']} | {t['needs']} |" for t in competences["types"]]
    out += ["", "#### Rapprochements proposés", ""]
    out += [
        f"- {md(m['offer']['text'])} ({md(m['offer']['author']['pseudonym'])}) ↔ "
        f"{md(m['need']['text'])} ({md(m['need']['author']['pseudonym'])})"
        for m in competences["top"]
    ] or ["_Aucun._"]
    out += ["", "#### Besoins sans réponse", ""]
    out += [f"- {md(g['text'])} ({md(g['author']['pseudonym'])})" for g in competences["gaps"]] or ["_Aucun._"]
    return out
