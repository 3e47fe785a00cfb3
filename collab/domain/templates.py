"""Event templates: a seminar's programme, rooms, boards, situations and hypotheses, as TOML data files."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from collab.domain.errors import Invalid, NotFound

TEMPLATES = Path(__file__).resolve().parent.parent / "event_templates"
DEFAULT_TEMPLATE = "cooperer-territoires"
PHASE_KINDS = ("accueil", "pleniere", "atelier", "pause", "repas", "fin")
# What a board's cards carry besides their text (see the built-in template's comment on boards).
BOARD_KINDS = ("grid", "case_study", "competences")
COMPETENCE_COLUMNS = {"offre", "besoin"}
ROLE_MAX = 120
HYPOTHESIS_MAX = 500
HYPOTHESES_MAX = 50
KEY = re.compile(r"^[a-z0-9_]{1,40}$")
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def template_names() -> list[str]:
    """Return the names of the templates collab ships."""
    return sorted(path.stem for path in TEMPLATES.glob("*.toml"))


def load_template(name: str) -> dict[str, Any]:
    """Return a built-in template by name, or the template file at a path ending in .toml."""
    path = Path(name)
    if path.suffix == ".toml" and path.is_file():
        source = path
    elif name in template_names():
        source = TEMPLATES / f"{name}.toml"
    else:
        raise NotFound(f"no template named {name!r}; known: {', '.join(template_names())}, or a path to a .toml file")
    try:
        text = source.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise Invalid(f"template {source.name} is not valid UTF-8: {exc}") from None
    return parse_template(text, source.name)


def parse_template(text: str, where: str) -> dict[str, Any]:
    """Return the template written in `text` (TOML), checked; raise Invalid naming what is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise Invalid(f"template {where} is not valid TOML: {exc}") from None
    check_template(data, where)
    return data


def check_template(data: dict[str, Any], where: str) -> None:
    """Raise Invalid, naming the first problem, unless `data` has the shape an event needs."""

    def require(condition: bool, problem: str) -> None:
        if not condition:
            raise Invalid(f"template {where}: {problem}")

    require(isinstance(data.get("title"), str) and 0 < len(data["title"]) <= 200, "title: 1 to 200 characters")
    require(isinstance(data.get("rooms", 4), int) and 1 <= data.get("rooms", 4) <= 40, "rooms: 1 to 40")
    scales = data.get("scales") or []
    require(isinstance(scales, list) and len(scales) > 0, "scales: a non-empty list")
    for scale in scales:
        require(_keyed(scale, "label"), "each scale needs a key (a-z, 0-9, _) and a label")
    boards = data.get("boards") or []
    require(isinstance(boards, list) and len(boards) > 0, "boards: a non-empty list")
    for board in boards:
        require(_keyed(board, "title"), "each board needs a key and a title")
        columns = board.get("columns") or []
        require(isinstance(columns, list) and len(columns) > 0, f"board {board['key']}: columns must be a list")
        for column in columns:
            require(_keyed(column, "label"), f"board {board['key']}: each column needs a key and a label")
        kind = board.setdefault("kind", "grid")
        require(kind in BOARD_KINDS, f"board {board['key']}: kind must be one of {', '.join(BOARD_KINDS)}")
        if kind == "competences":
            keys = {column["key"] for column in columns}
            require(
                keys == COMPETENCE_COLUMNS,
                f"board {board['key']}: a competences board has the columns offre and besoin",
            )
    phases = data.get("phases") or []
    require(isinstance(phases, list) and len(phases) > 0, "phases: a non-empty list")
    for phase in phases:
        require(isinstance(phase, dict), "each phase is a table")
        require(phase.get("kind") in PHASE_KINDS, f"phase kind must be one of {', '.join(PHASE_KINDS)}")
        require(all(TIME.match(str(phase.get(k, ""))) for k in ("start", "end")), "phase start/end as HH:MM")
        require(isinstance(phase.get("title"), str) and phase["title"] != "", "each phase needs a title")
    scale_keys = {scale["key"] for scale in scales}
    for situation in data.get("situations", []):
        require(isinstance(situation.get("title"), str) and situation["title"] != "", "each situation needs a title")
        require(set(situation.get("scales", [])) <= scale_keys, "a situation's scales are keys of the event's scales")
        protagonists = situation.get("protagonists", [])
        require(
            isinstance(protagonists, list)
            and all(isinstance(p, str) and 0 < len(p) <= ROLE_MAX for p in protagonists)
            and len(set(protagonists)) == len(protagonists),
            f"a situation's protagonists are distinct names of 1 to {ROLE_MAX} characters",
        )
    hypotheses = data.get("hypotheses", [])
    require(isinstance(hypotheses, list) and len(hypotheses) <= HYPOTHESES_MAX, f"hypotheses: at most {HYPOTHESES_MAX}")
    for hypothesis in hypotheses:
        text = hypothesis.get("text") if isinstance(hypothesis, dict) else None
        require(
            isinstance(text, str) and 0 < len(" ".join(text.split())) <= HYPOTHESIS_MAX,
            f"each hypothesis needs a text of 1 to {HYPOTHESIS_MAX} characters",
        )
        require(set(hypothesis) == {"text"}, "a hypothesis has a text only (evidence is picked from the day's cards)")


def _keyed(item: Any, label: str) -> bool:
    """Tell whether `item` is a table with a well-formed key and a non-empty text `label`."""
    return (
        isinstance(item, dict)
        and isinstance(item.get("key"), str)
        and bool(KEY.match(item["key"]))
        and isinstance(item.get(label), str)
        and item[label] != ""
    )
