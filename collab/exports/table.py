"""Every card as one CSV row, made to open right in a French spreadsheet (BOM, `;`, CRLF)."""

from __future__ import annotations

import csv
import io
from typing import Any

from collab.exports.report import question_labels

HEADER = [
    "id",
    "salle",
    "situation",
    "atelier",
    "question",
    "texte",
    "auteur",
    "échelle",
    "rôle",
    "type de compétence",
    "portée",
    "mots-clés",
    "points",
    "épinglée",
    "masquée",
    "en attente",
    "fusionnée dans",
    "créée le",
]
# A cell starting with one of these is a formula to a spreadsheet: it gets a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    """Return a value as a CSV cell a spreadsheet shows as text, never runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cards_csv(record: dict[str, Any]) -> str:
    """Return every card of the event (hidden ones flagged) as CSV text, BOM first."""
    labels = question_labels(record)
    boards = {b["key"]: b["title"] for b in record["boards"]}
    situations = {s["id"]: s["title"] for s in record["situations"]}
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(HEADER)
    for card in record["cards"]:
        skill = card["skill"] or {}
        writer.writerow(
            cell(value)
            for value in (
                card["id"],
                card["room_name"],
                situations.get(card["situation_id"]) if card["situation_id"] else None,
                boards.get(card["board"], card["board"]),
                labels.get(card["column"], card["column"]),
                card["text"],
                "contribution retirée" if card["author_erased"] else card["author"],
                card["scale_label"],
                card["role"],
                card["skill_type_label"],
                card["skill_scope_label"],
                ", ".join(skill.get("keywords", [])),
                card["votes"],
                card["pinned"],
                card["hidden"],
                card["held"] is not None,
                card["merged_into_id"],
                card["created_at"],
            )
        )
    return "\ufeff" + out.getvalue()
