"""The après-séminaire dossier: what the day leaves for the 16h30 plenary and the Congrès.

Its parts, in order: the syntheses by atelier, the hypotheses and their verdicts, the published grille de lecture,
the directory of competences, the needs nobody answered (as proposals), and who took part. The same outline is
written as a print-ready page by templates/exports/dossier.html and as an editable ODT by collab.exports.odt.
"""

from __future__ import annotations

import re
import secrets
from collections import Counter
from typing import Any

from flask import render_template
from flask_babel import gettext as _

from collab.domain.combined import group_near_duplicates
from collab.domain.matching import keyword_key
from collab.exports.report import atelier_titles, author_name, synthesis_groups
from collab.i18n import current_locale, day

# French typography: a narrow no-break space before ; ? ! and a no-break space before : and inside « ».
_BEFORE_NARROW = re.compile(r"[ \t]+([;?!])")
_BEFORE_COLON = re.compile(r"[ \t]+(:|»)")
_AFTER_QUOTE = re.compile(r"«[ \t]+")
_TAG = re.compile(r"<[^>]*>|[^<]+")
PARTS = ("syntheses", "hypotheses", "grid", "directory", "proposals", "participation")


def french_spacing(text: str) -> str:
    """Return text with the no-break spaces French typography puts before « ? : ; ! » (other languages unchanged)."""
    if current_locale() != "fr" or not text:
        return text
    text = _BEFORE_NARROW.sub("\u202f\\1", text)
    text = _BEFORE_COLON.sub("\u00a0\\1", text)
    return _AFTER_QUOTE.sub("«\u00a0", text)


def part_titles() -> dict[str, str]:
    """Return the title of each part of the dossier, in the reader's language."""
    return {
        "syntheses": _("Synthèses des ateliers"),
        "hypotheses": _("Hypothèses et verdicts"),
        "grid": _("Grille de lecture"),
        "directory": _("Annuaire des compétences"),
        "proposals": _("Besoins sans réponse : propositions pour la suite"),
        "participation": _("Participation"),
    }


def verdict_labels() -> dict[str, str]:
    """Return each verdict's label in the reader's language."""
    return {"validee": _("Validée"), "infirmee": _("Infirmée"), "a_nuancer": _("À nuancer")}


def skill_type_labels() -> dict[str, str]:
    """Return each kind of competence's label in the reader's language."""
    return {
        "savoirs": _("Savoirs"),
        "savoir_faire": _("Savoir-faire"),
        "savoir_etre": _("Savoir-être"),
        "methodes": _("Méthodes"),
    }


def dossier_context(record: dict[str, Any], facts: dict[str, Any]) -> dict[str, Any]:
    """Return the dossier's outline from the day's record and the facts read beside it (collab.domain.dossier)."""
    visible = {card["id"]: card for card in record["cards"] if card["visible"]}
    grid = record.get("grid")
    if grid is not None and not grid.get("published_at"):
        grid = None  # a grid stored but never published is the staff's draft
    return {
        "event": record["event"],
        "day": day(facts.get("starts_on")) if facts.get("starts_on") else "",
        "place": facts.get("place", ""),
        "parts": part_titles(),
        "syntheses": _syntheses(record, visible),
        "hypotheses": _hypotheses(record, visible),
        "grid": _grid(grid, record) if grid else None,
        "directory": _directory(facts["directory"]),
        "themes": gap_themes((record.get("competences") or {}).get("gaps", [])),
        "participation": participation(record),
    }


def _syntheses(record: dict[str, Any], visible: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the published syntheses by atelier, each with its texts in column order and its visible cards."""
    hours = {key: atelier["hours"] for key, atelier in atelier_titles(record).items()}
    groups = []
    for group in synthesis_groups(record):
        rooms = []
        for synthesis in group["syntheses"]:
            texts = synthesis.get("texts", {})
            rooms.append(
                {
                    "room_name": synthesis["room_name"],
                    "texts": [
                        {"label": column["label"], "text": texts[column["key"]]}
                        for column in group["columns"]
                        if texts.get(column["key"])
                    ],
                    # A card hidden after the synthesis was published is left out here too.
                    "cards": [
                        {
                            "text": card["text"],
                            "label": group["labels"].get(card["column"], card["column"]),
                            "author": author_name(card.get("author") or {}),
                        }
                        for card in synthesis.get("cards", [])
                        if card.get("id") in visible
                    ],
                }
            )
        groups.append({"title": group["title"], "hours": hours.get(group["board"], ""), "rooms": rooms})
    return groups


def _grid(grid: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
    """Return the published grid, without the points that are the very words of a card hidden since."""
    shown = {card["text"] for card in record["cards"] if card["visible"]}
    withdrawn = {card["text"] for card in record["cards"] if not card["visible"]} - shown
    questions = [
        question | {"points": [p for p in question.get("points", []) if p.get("text") not in withdrawn]}
        for question in grid.get("questions", [])
    ]
    return grid | {"questions": questions}


def _hypotheses(record: dict[str, Any], visible: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the hypotheses put to the vote with their verdicts (overall and by scale), reasons and evidence."""
    labels = verdict_labels()
    answer = []
    for hypothesis in record["hypotheses"]:
        if hypothesis["state"] == "draft":
            continue  # never put to the vote: a draft of the organiser's, not part of the day
        verdicts = [r["verdict"] for r in hypothesis["results"]]
        by_scale = [
            {
                "label": scale["label"],
                "total": scale["total"],
                "counts": [next((r["count"] for r in scale["results"] if r["verdict"] == v), 0) for v in verdicts],
            }
            for scale in hypothesis.get("by_scale") or []
        ]
        answer.append(
            {
                "text": hypothesis["text"],
                "votes": hypothesis["votes"],
                "verdicts": [labels.get(v, r["label"]) for v, r in zip(verdicts, hypothesis["results"], strict=True)],
                "counts": [r["count"] for r in hypothesis["results"]],
                "by_scale": by_scale,
                "reasons": [
                    {"label": labels.get(r["verdict"], r["label"]), "reason": r["reason"]}
                    for r in hypothesis["reasons"]
                ],
                "conclusion": hypothesis["conclusion"] or "",
                # Only the cards the organiser accepted as evidence, and only those still on the boards.
                "evidence": [visible[i] for i in hypothesis.get("evidence", []) if i in visible],
            }
        )
    return answer


def _directory(directory: dict[str, Any]) -> dict[str, Any]:
    """Return the offers and needs by kind of competence, and the pairs put in touch with their contacts."""
    types = skill_type_labels()

    def entry(card: dict[str, Any]) -> dict[str, Any]:
        skill = card["skill"]
        return {
            "text": card["text"],
            "author": author_name(card["author"]),
            "room_name": card.get("room_name", ""),
            "keywords": list(skill.get("keywords", [])),
            "scope": _("collectif") if skill.get("scope") == "collectif" else _("individuel"),
        }

    kinds = []
    for key, label in types.items():
        offers = [entry(c) for c in directory["offers"] if c["skill"]["type"] == key]
        needs = [entry(c) for c in directory["needs"] if c["skill"]["type"] == key]
        if offers or needs:
            kinds.append({"label": label, "offers": offers, "needs": needs})
    agreed = [
        {
            "offer": entry(pair["offer"]),
            "need": entry(pair["need"]),
            "offer_contact": pair["offer_contact"],
            "need_contact": pair["need_contact"],
        }
        for pair in directory["agreed"]
    ]
    return {"kinds": kinds, "agreed": agreed}


def gap_themes(gaps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the needs nobody's offer answered, grouped into themes: near-duplicates, or needs sharing a keyword.

    Each theme is named by the keyword its needs share most, else by its first need; bigger themes first.
    """
    if not gaps:
        return []
    texts = [" ".join([g["text"], *g["skill"].get("keywords", [])]) for g in gaps]
    # Every need may join any other (the rooms told apart are each need's own), in one column.
    groups = group_near_duplicates(texts, list(range(len(gaps))), ["besoin"] * len(gaps))
    parent = {i: group[0] for group in groups for i in group}

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    first_with: dict[str, int] = {}
    for i, gap in enumerate(gaps):
        for keyword in gap["skill"].get("keywords", []):
            key = keyword_key(keyword)
            if key in first_with:
                parent[root(i)] = root(first_with[key])
            else:
                first_with[key] = i
    themes: dict[int, list[int]] = {}
    for i in range(len(gaps)):
        themes.setdefault(root(i), []).append(i)
    answer: list[dict[str, Any]] = []
    for members in themes.values():
        needs = [gaps[i] for i in members]
        words: Counter[str] = Counter()
        spelled: dict[str, str] = {}
        for need in needs:
            for keyword in dict.fromkeys(need["skill"].get("keywords", [])):
                words[keyword_key(keyword)] += 1
                spelled.setdefault(keyword_key(keyword), keyword)
        common = [key for key, n in words.most_common() if n > 1 or len(needs) == 1]
        title = spelled[common[0]] if common else needs[0]["text"]
        # "LEADER" as the needs wrote it, rather than the keyword's "leader".
        found = re.search(re.escape(title), " ".join(n["text"] for n in needs), re.IGNORECASE)
        title = found.group(0) if found else title
        answer.append(
            {
                "title": title[:1].upper() + title[1:],
                "needs": [
                    {"text": n["text"], "author": author_name(n["author"]), "room_name": n.get("room_name", "")}
                    for n in needs
                ],
                "rooms": len({n.get("room_id") for n in needs}),
            }
        )
    answer.sort(key=lambda theme: -len(theme["needs"]))
    return answer


def participation(record: dict[str, Any]) -> dict[str, Any]:
    """Return how many people sat in each room and wrote from each scale, and the cards on each board."""
    people = record["participants"]
    visible = [card for card in record["cards"] if card["visible"]]
    titles = atelier_titles(record)
    return {
        "people": len(people),
        "cards": len(visible),
        "rooms": [
            {"name": room["name"], "count": sum(1 for p in people if p["room_id"] == room["id"])}
            for room in record["rooms"]
        ],
        "scales": [
            {"label": scale["label"], "count": sum(1 for p in people if p["scale"] == scale["key"])}
            for scale in record["scales"]
        ],
        "boards": [
            {
                "title": titles.get(board["key"], {"title": board["title"]})["title"],
                "board_title": board["title"],
                "count": sum(1 for c in visible if c["board"] == board["key"]),
            }
            for board in record["boards"]
        ],
    }


def dossier_page(record: dict[str, Any], facts: dict[str, Any], css: str) -> str:
    """Return the dossier as a standalone HTML page, its text spaced as French typography wants."""
    # The style goes in after the spacing: only the page's words are respaced.
    marker = f"\x00{secrets.token_hex(8)}\x00"
    page = render_template("exports/dossier.html", css=marker, **dossier_context(record, facts))
    head, tail = page.split(marker, 1)
    return _respaced(head) + css + _respaced(tail)


def _respaced(html: str) -> str:
    """Return HTML with French spacing applied to the text between its tags."""
    return _TAG.sub(lambda m: m.group(0) if m.group(0).startswith("<") else french_spacing(m.group(0)), html)
