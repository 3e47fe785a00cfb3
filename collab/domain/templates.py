"""Event templates: a seminar's programme, rooms, boards, situations and hypotheses, as TOML data files."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import tomli_w
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from collab.domain.errors import Invalid, NotFound
from collab.store.database import db
from collab.store.models import Event, Hypothesis, Phase, Room, Situation

TEMPLATES = Path(__file__).resolve().parent.parent / "event_templates"
DEFAULT_TEMPLATE = "cooperer-territoires"
PHASE_KINDS = ("accueil", "pleniere", "atelier", "pause", "repas", "fin")
# What a board's cards carry besides their text (see the built-in template's comment on boards).
BOARD_KINDS = ("grid", "case_study", "competences")
COMPETENCE_COLUMNS = {"offre", "besoin"}
ROLE_MAX = 120
HYPOTHESIS_MAX = 500
HYPOTHESES_MAX = 50
# A template file is a few kilobytes; an upload of more is refused before it is parsed.
TEMPLATE_MAX_BYTES = 1_000_000
ROOMS_MAX = 40
SCALES_MAX = 30
BOARDS_MAX = 12
COLUMNS_MAX = 12
PHASES_MAX = 60
SITUATIONS_MAX = 100
PROTAGONISTS_MAX = 20
TITLE_MAX = 200
LABEL_MAX = 80
HINT_MAX = 300
DESCRIPTION_MAX = 2000
PLACE_MAX = 200
CONTACT_MAX = 200
TEXT_MAX = 500
RETENTION_MAX = 3650
ERASE_POLICIES = ("remove", "withdrawn")
# A refusal lists this many problems, then counts the others (each is searched for in the text).
PROBLEMS_MAX = 50
# The event's own wording (its `texts` table), each with what it replaces; absent: a neutral default.
TEXT_KEYS = {
    "hypotheses_intro": "the sentence above the hypotheses on the organiser page",
    "case_study_link": "the link from a room's situation to what the case-study board holds about it",
    "scale_label": "the join form's label of the list of scales",
}
# The first lines of a downloaded template.
TOML_HEADER = (
    "# Modèle de séminaire collab : le format est décrit dans docs/templates.md.\n"
    "# Pour créer un séminaire à partir de ce fichier : page d'administration, « Modèle », envoyer un fichier.\n\n"
)
TOP_KEYS = (
    "name",
    "title",
    "description",
    "rooms",
    "room_name",
    "room_names",
    "place",
    "welcome",
    "contact",
    "retention_days",
    "erase_policy",
    "texts",
    "scales",
    "boards",
    "phases",
    "situations",
    "hypotheses",
)
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
    if source.stat().st_size > TEMPLATE_MAX_BYTES:
        raise _refusal(
            source.name, [_problem("", _("le fichier dépasse %(num)s Mo", num=TEMPLATE_MAX_BYTES // 1_000_000))]
        )
    try:
        text = source.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise _refusal(
            source.name, [_problem("", _("ce n'est pas du texte UTF-8 : %(error)s", error=str(exc)))]
        ) from None
    return parse_template(text, source.name)


def parse_template(text: str, where: str) -> dict[str, Any]:
    """Return the template written in `text` (TOML), checked; raise Invalid listing every problem."""
    if len(text.encode("utf-8")) > TEMPLATE_MAX_BYTES:
        raise _refusal(where, [_problem("", _("le fichier dépasse %(num)s Mo", num=TEMPLATE_MAX_BYTES // 1_000_000))])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"\(at line (\d+)", str(exc))
        problem = _problem("", _("ce n'est pas du TOML valide : %(error)s", error=str(exc)))
        problem["line"] = int(at.group(1)) if at else None
        raise _refusal(where, [problem]) from None
    check_template(data, where, text)
    return data


def check_template(data: dict[str, Any], where: str, text: str | None = None) -> None:
    """Raise Invalid listing every problem (field path, line in `text` when found) unless `data` makes an event.

    Fills in the defaults an event needs (a board's kind) as it goes.
    """
    problems = _Problems(text)
    _check(data, problems)
    if problems.more:
        more = ngettext("et %(num)s autre problème", "et %(num)s autres problèmes", problems.more)
        problems.found.append(_problem("", more))
    if problems.found:
        raise _refusal(where, problems.found)


class _Problems:
    """The problems found in one template, each with its field path and, from the TOML text, its line."""

    def __init__(self, text: str | None) -> None:
        self.text = text
        self.found: list[dict[str, Any]] = []
        self.more = 0  # problems past PROBLEMS_MAX, counted only

    def add(self, field: str, message: str) -> None:
        """Note a problem of `field` (a path such as boards[2].columns[0].key)."""
        if len(self.found) >= PROBLEMS_MAX:
            self.more += 1
            return
        problem = _problem(field, message)
        problem["line"] = _line_of(self.text, field) if self.text is not None else None
        self.found.append(problem)

    def text_field(self, item: dict[str, Any], key: str, path: str, most: int, required: bool = True) -> None:
        """Check that `item[key]` is a text of at most `most` characters (and not empty when `required`)."""
        value = item.get(key)
        if value is None and not required:
            return
        if not isinstance(value, str) or (required and not value.strip()) or len(value) > most:
            if required:
                self.add(path, _("un texte de 1 à %(max)s caractères", max=most))
            else:
                self.add(path, _("un texte d'au plus %(max)s caractères", max=most))

    def keys(self, item: dict[str, Any], allowed: Iterable[str], path: str) -> None:
        """Refuse the keys of table `item` that are not `allowed` (a typo would otherwise be ignored)."""
        for key in item:
            if key not in allowed:
                self.add(_join(path, key), _("clé inconnue ; les clés possibles : %(keys)s", keys=", ".join(allowed)))

    def table_list(self, data: dict[str, Any], key: str, most: int, required: bool = True) -> list[Any]:
        """Return `data[key]` if it is a list of at most `most` tables (an empty list if absent and not required)."""
        value = data.get(key)
        if value is None and not required:
            return []
        if not isinstance(value, list) or (required and not value):
            self.add(key, _("une liste non vide"))
            return []
        if len(value) > most:
            self.add(key, _("au plus %(max)s éléments", max=most))
            return []
        tables = []
        for n, item in enumerate(value):
            if isinstance(item, dict):
                tables.append(item)
            else:
                self.add(f"{key}[{n}]", _("une table (clés et valeurs)"))
        return tables if len(tables) == len(value) else []

    def key(self, item: dict[str, Any], path: str, seen: set[str]) -> None:
        """Check `item["key"]`: a-z, 0-9, _ (1 to 40), not already in `seen`."""
        value = item.get("key")
        if not isinstance(value, str) or not KEY.match(value):
            self.add(f"{path}.key", _("une clé de 1 à 40 caractères a-z, 0-9 ou _ (sans espace ni accent)"))
        elif value in seen:
            self.add(f"{path}.key", _("la clé %(key)s est déjà prise", key=value))
        else:
            seen.add(value)


def event_template(event_id: int) -> dict[str, Any]:
    """Return an event's structure as template data: what create_event makes it from again.

    Its title, rooms, scales, boards, programme, situations, hypotheses' texts and own wording;
    never its participants, cards, votes or links.
    """
    with db.transaction() as session:
        event = session.get(Event, event_id)
        if event is None:
            raise NotFound("no such event")
        phases = session.scalars(select(Phase).where(Phase.event_id == event_id).order_by(Phase.position)).all()
        rooms = session.scalars(select(Room).where(Room.event_id == event_id).order_by(Room.position)).all()
        situations = session.scalars(
            select(Situation).where(Situation.event_id == event_id).order_by(Situation.position)
        ).all()
        hypotheses = session.scalars(
            select(Hypothesis).where(Hypothesis.event_id == event_id).order_by(Hypothesis.position)
        ).all()
        # Not the name of the file it came from (`name`): a copy is not that file.
        data: dict[str, Any] = {"title": event.title, "rooms": len(rooms)}
        names = [room.name for room in rooms]
        if names != [f"Salle {n}" for n in range(1, len(rooms) + 1)]:
            data["room_names"] = names
        # The optional keys, written only when set, so that a template without them comes back without them.
        for key in ("place", "welcome", "contact"):
            if getattr(event, key):
                data[key] = getattr(event, key)
        if event.retention_days is not None:
            data["retention_days"] = event.retention_days
        if event.erase_policy != "withdrawn":
            data["erase_policy"] = event.erase_policy
        if event.texts:
            data["texts"] = dict(sorted(event.texts.items()))
        data["scales"] = [{"key": scale["key"], "label": scale["label"]} for scale in event.scales]
        data["boards"] = [_board_data(board) for board in event.boards]
        data["phases"] = [_phase_data(phase) for phase in phases]
        scale_keys = {scale["key"] for scale in event.scales}
        if situations:
            data["situations"] = [_situation_data(situation, scale_keys) for situation in situations]
        if hypotheses:
            data["hypotheses"] = [{"text": hypothesis.text} for hypothesis in hypotheses]
        return data


def template_toml(data: dict[str, Any]) -> str:
    """Return template `data` as the TOML text load_template and parse_template read."""
    return TOML_HEADER + tomli_w.dumps(data)


def _board_data(board: dict[str, Any]) -> dict[str, Any]:
    """Return a stored board in the template's order of keys (a board made before kinds is a grid)."""
    columns = [
        {"key": column["key"], "label": column["label"]} | ({"hint": column["hint"]} if column.get("hint") else {})
        for column in board["columns"]
    ]
    return {"key": board["key"], "kind": board.get("kind", "grid"), "title": board["title"], "columns": columns}


def _phase_data(phase: Phase) -> dict[str, Any]:
    """Return a phase as the template writes it."""
    data = {"start": phase.starts_at, "end": phase.ends_at, "kind": phase.kind, "title": phase.title}
    if phase.description:
        data["description"] = phase.description
    if phase.activity:
        data["activity"] = phase.activity
    return data


def _situation_data(situation: Situation, scale_keys: set[str]) -> dict[str, Any]:
    """Return a situation as the template writes it (scales since removed from the event left out)."""
    data: dict[str, Any] = {"title": situation.title}
    if situation.description:
        data["description"] = situation.description
    scales = [key for key in situation.scales if key in scale_keys]
    if scales:
        data["scales"] = scales
    if situation.protagonists:
        data["protagonists"] = list(situation.protagonists)
    return data


def _check(data: dict[str, Any], problems: _Problems) -> None:
    """Note every problem of template `data` in `problems`."""
    problems.keys(data, TOP_KEYS, "")
    problems.text_field(data, "title", "title", TITLE_MAX)
    problems.text_field(data, "name", "name", 80, required=False)
    problems.text_field(data, "description", "description", DESCRIPTION_MAX, required=False)
    _check_rooms(data, problems)
    problems.text_field(data, "place", "place", PLACE_MAX, required=False)
    problems.text_field(data, "welcome", "welcome", DESCRIPTION_MAX, required=False)
    problems.text_field(data, "contact", "contact", CONTACT_MAX, required=False)
    retention = data.get("retention_days")
    if retention is not None and (type(retention) is not int or not 1 <= retention <= RETENTION_MAX):
        problems.add("retention_days", _("un nombre de jours de 1 à %(max)s", max=RETENTION_MAX))
    if data.get("erase_policy", "withdrawn") not in ERASE_POLICIES:
        problems.add("erase_policy", _("« remove » ou « withdrawn »"))
    texts = data.get("texts", {})
    if not isinstance(texts, dict):
        problems.add("texts", _("une table de textes"))
    else:
        problems.keys(texts, TEXT_KEYS, "texts")
        for key in texts:
            problems.text_field(texts, key, f"texts.{key}", TEXT_MAX)

    scale_keys: set[str] = set()
    for n, scale in enumerate(problems.table_list(data, "scales", SCALES_MAX)):
        problems.keys(scale, ("key", "label"), f"scales[{n}]")
        problems.key(scale, f"scales[{n}]", scale_keys)
        problems.text_field(scale, "label", f"scales[{n}].label", LABEL_MAX)

    board_keys: set[str] = set()
    for n, board in enumerate(problems.table_list(data, "boards", BOARDS_MAX)):
        _check_board(board, f"boards[{n}]", problems, board_keys)

    for n, phase in enumerate(problems.table_list(data, "phases", PHASES_MAX)):
        _check_phase(phase, f"phases[{n}]", problems, board_keys)

    for n, situation in enumerate(problems.table_list(data, "situations", SITUATIONS_MAX, required=False)):
        path = f"situations[{n}]"
        problems.keys(situation, ("title", "description", "scales", "protagonists"), path)
        problems.text_field(situation, "title", f"{path}.title", TITLE_MAX)
        problems.text_field(situation, "description", f"{path}.description", DESCRIPTION_MAX, required=False)
        scales = situation.get("scales", [])
        if not isinstance(scales, list) or not all(isinstance(s, str) and s in scale_keys for s in scales):
            problems.add(f"{path}.scales", _("des clés des échelles du modèle (scales)"))
        protagonists = situation.get("protagonists", [])
        if not (
            isinstance(protagonists, list)
            and len(protagonists) <= PROTAGONISTS_MAX
            and all(isinstance(p, str) and 0 < len(p) <= ROLE_MAX for p in protagonists)
            and len(set(protagonists)) == len(protagonists)
        ):
            problems.add(
                f"{path}.protagonists",
                _("au plus %(num)s noms distincts de 1 à %(max)s caractères", num=PROTAGONISTS_MAX, max=ROLE_MAX),
            )

    for n, hypothesis in enumerate(problems.table_list(data, "hypotheses", HYPOTHESES_MAX, required=False)):
        path = f"hypotheses[{n}]"
        problems.keys(hypothesis, ("text",), path)
        text = hypothesis.get("text")
        if not isinstance(text, str) or not 0 < len(" ".join(text.split())) <= HYPOTHESIS_MAX:
            problems.add(f"{path}.text", _("un texte de 1 à %(max)s caractères", max=HYPOTHESIS_MAX))


def _check_rooms(data: dict[str, Any], problems: _Problems) -> None:
    """Check the rooms: their number, the pattern of their names, or their names."""
    rooms = data.get("rooms", 4)
    if type(rooms) is not int or not 1 <= rooms <= ROOMS_MAX:
        problems.add("rooms", _("un nombre de salles de 1 à %(max)s", max=ROOMS_MAX))
    room_name = data.get("room_name", "Salle {n}")
    # `{n}` and nothing else between braces: no format spec makes a name of a gigabyte.
    valid = (
        isinstance(room_name, str)
        and not re.search(r"[{}]", room_name.replace("{n}", ""))
        and 0 < len(room_name.replace("{n}", str(ROOMS_MAX)).strip()) <= LABEL_MAX
    )
    if not valid:
        problems.add("room_name", _("un nom de salle où {n} est son numéro, au plus %(max)s caractères", max=LABEL_MAX))
    names = data.get("room_names", [])
    if not (
        isinstance(names, list)
        and len(names) <= ROOMS_MAX
        and all(isinstance(name, str) and 0 < len(name.strip()) <= LABEL_MAX for name in names)
    ):
        problems.add("room_names", _("au plus %(num)s noms de 1 à %(max)s caractères", num=ROOMS_MAX, max=LABEL_MAX))


def _check_board(board: dict[str, Any], path: str, problems: _Problems, board_keys: set[str]) -> None:
    """Check one board and its columns; a board without a kind is a grid."""
    problems.keys(board, ("key", "kind", "title", "columns"), path)
    problems.key(board, path, board_keys)
    problems.text_field(board, "title", f"{path}.title", LABEL_MAX)
    kind = board.setdefault("kind", "grid")
    if kind not in BOARD_KINDS:
        problems.add(f"{path}.kind", _("un de ces types : %(kinds)s", kinds=", ".join(BOARD_KINDS)))
    column_keys: set[str] = set()
    columns = board.get("columns")
    if not isinstance(columns, list) or not columns or len(columns) > COLUMNS_MAX:
        problems.add(f"{path}.columns", _("une liste de 1 à %(max)s colonnes", max=COLUMNS_MAX))
        return
    for n, column in enumerate(columns):
        column_path = f"{path}.columns[{n}]"
        if not isinstance(column, dict):
            problems.add(column_path, _("une table (clés et valeurs)"))
            continue
        problems.keys(column, ("key", "label", "hint"), column_path)
        problems.key(column, column_path, column_keys)
        problems.text_field(column, "label", f"{column_path}.label", LABEL_MAX)
        problems.text_field(column, "hint", f"{column_path}.hint", HINT_MAX, required=False)
    if kind == "competences" and column_keys != COMPETENCE_COLUMNS:
        problems.add(f"{path}.columns", _("un tableau de compétences a les colonnes offre et besoin"))


def _check_phase(phase: dict[str, Any], path: str, problems: _Problems, board_keys: set[str]) -> None:
    """Check one phase of the programme; an atelier's activity names a board of the template."""
    problems.keys(phase, ("start", "end", "kind", "title", "description", "activity"), path)
    kind = phase.get("kind")
    if kind not in PHASE_KINDS:
        problems.add(f"{path}.kind", _("un de ces types : %(kinds)s", kinds=", ".join(PHASE_KINDS)))
    for key in ("start", "end"):
        if not TIME.match(str(phase.get(key, ""))):
            problems.add(f"{path}.{key}", _("une heure HH:MM, par exemple 09:30"))
    times = [str(phase.get(key, "")) for key in ("start", "end")]
    if all(TIME.match(time) for time in times) and times[1] < times[0]:
        problems.add(f"{path}.end", _("une phase finit après avoir commencé"))
    problems.text_field(phase, "title", f"{path}.title", TITLE_MAX)
    problems.text_field(phase, "description", f"{path}.description", DESCRIPTION_MAX, required=False)
    activity = phase.get("activity")
    if activity is not None:
        if kind in PHASE_KINDS and kind != "atelier":
            problems.add(f"{path}.activity", _("seul un atelier a une activité"))
        elif kind == "atelier" and activity not in board_keys:
            problems.add(
                f"{path}.activity",
                _("%(activity)s n'est la clé d'aucun tableau (boards) du modèle", activity=str(activity)[:40]),
            )


def _problem(field: str, message: str) -> dict[str, Any]:
    """Return one problem as the refusal's details carry it."""
    return {"field": field, "line": None, "message": message}


def _refusal(where: str, problems: list[dict[str, Any]]) -> Invalid:
    """Return the refusal of template `where`, its message listing every problem."""
    heading = ngettext(
        "Le modèle %(where)s a %(num)s problème :",
        "Le modèle %(where)s a %(num)s problèmes :",
        len(problems),
        where=where,
    )
    return Invalid("\n".join([heading, *("- " + _problem_text(problem) for problem in problems)]), problems=problems)


def _problem_text(problem: dict[str, Any]) -> str:
    """Return one problem as a line of the refusal: where it is, then what is wrong."""
    field, line, message = problem["field"], problem["line"], problem["message"]
    if field and line:
        return _("%(field)s, ligne %(line)s : %(message)s", field=field, line=line, message=message)
    if field:
        return _("%(field)s : %(message)s", field=field, message=message)
    if line:
        return _("ligne %(line)s : %(message)s", line=line, message=message)
    return str(message)


def _join(path: str, key: str) -> str:
    """Return the path of `key` inside the table at `path` (the top level: "")."""
    return f"{path}.{key}" if path else key


def _line_of(text: str, field: str) -> int | None:
    """Return the line of `text` where `field` (boards[2].columns[0].key) is written, as near as a search finds it.

    tomllib gives no positions: the search follows the path, the N-th [[boards]] header or the N-th
    inline table after `columns =`, then the key, within the table reached; None when not found.
    """
    parts = re.findall(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]", field)
    pos, end, found = 0, len(text), None
    for i, (name, index) in enumerate(parts):
        if name and i == 0:
            header = re.search(rf"^[ \t]*\[\[?[ \t]*{name}[ \t]*\]", text, re.MULTILINE)
            match = header or re.search(rf"^[ \t]*{name}[ \t]*=", text, re.MULTILINE)
            if match is None:
                break
            found = match.start()
            if header is None:
                pos = match.end()
        elif name:
            match = re.search(rf"\b{name}[ \t]*=", text[pos:end])
            if match is None:
                break
            pos += match.start()
            found = pos
        elif i == 1 and re.search(rf"^[ \t]*\[\[[ \t]*{parts[0][0]}[ \t]*\]\]", text, re.MULTILINE):
            headers = list(re.finditer(rf"^[ \t]*\[\[[ \t]*{parts[0][0]}[ \t]*\]\]", text, re.MULTILINE))
            if int(index) >= len(headers):
                break
            found, pos = headers[int(index)].start(), headers[int(index)].end()
            following = re.search(r"^[ \t]*\[", text[pos:], re.MULTILINE)
            end = pos + following.start() if following else len(text)
        else:
            braces = [m.start() for m in re.finditer(r"\{", text[pos:end])]
            if int(index) >= len(braces):
                break
            pos += braces[int(index)]
            found = pos
    return None if found is None else text.count("\n", 0, found) + 1
