"""The organiser edits the event itself: its details, its territorial scales and its boards.

Every edit checks the whole of what it receives before writing anything, names the field it
refuses (and a `reason` the interface words), and returns the event's new state, which every
open screen receives as `event_changed`.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collab.domain.access import Principal
from collab.domain.audit import record_action
from collab.domain.errors import Invalid, NotFound
from collab.domain.outcome import Outcome
from collab.domain.programme import event_outcome, organiser_event
from collab.domain.templates import BOARD_KINDS, COMPETENCE_COLUMNS, KEY
from collab.store.database import db
from collab.store.models import Card, Participant, Phase, Room, Situation

TITLE_MAX = 200
PLACE_MAX = 200
WELCOME_MAX = 2000
CONTACT_MAX = 200
LABEL_MAX = 80
HINT_MAX = 300
SCALES_MAX = 20
BOARDS_MAX = 10
COLUMNS_MAX = 12
RETENTION_MAX = 3650
ERASE_POLICIES = ("remove", "withdrawn")


def refuse(message: str, field: str, reason: str, **details: Any) -> Invalid:
    """Return the refusal of an edit: an English message for logs, the field, a reason the page words."""
    return Invalid(message, field=field, reason=reason, **details)


def one_line(value: Any) -> str:
    """Return a text on one line, its runs of spaces made one."""
    return " ".join(str(value or "").split())


def save_event_details(principal: Principal, values: dict[str, Any]) -> Outcome:
    """Set the event's title, date, place, welcome text, contact, retention and erase policy (organiser)."""
    clean = _details(values)
    with db.transaction() as session:
        event = organiser_event(session, principal)
        changed = {key: value for key, value in clean.items() if getattr(event, key) != value}
        for key, value in changed.items():
            setattr(event, key, value)
        if changed:
            record_action(session, principal, None, "edit_event", fields=sorted(changed))
        return event_outcome(session, event.id)


def _details(values: dict[str, Any]) -> dict[str, Any]:
    """Return the event's details checked, or raise Invalid naming the first field that is wrong."""
    title = one_line(values.get("title"))
    if not 1 <= len(title) <= TITLE_MAX:
        raise refuse(f"a title has 1 to {TITLE_MAX} characters", "title", "length", max=TITLE_MAX)
    starts_on = values.get("starts_on") or None
    if starts_on is not None:
        try:
            starts_on = date.fromisoformat(str(starts_on))
        except ValueError:
            raise refuse("the date is YYYY-MM-DD", "starts_on", "date") from None
    texts = {}
    for key, most in (("place", PLACE_MAX), ("contact", CONTACT_MAX)):
        texts[key] = one_line(values.get(key))
        if len(texts[key]) > most:
            raise refuse(f"{key} has at most {most} characters", key, "length", max=most)
    welcome = str(values.get("welcome") or "").strip().replace("\r\n", "\n")
    if len(welcome) > WELCOME_MAX:
        raise refuse(f"the welcome text has at most {WELCOME_MAX} characters", "welcome", "length", max=WELCOME_MAX)
    retention = values.get("retention_days")
    if retention is not None and (
        isinstance(retention, bool) or not isinstance(retention, int) or not 0 <= retention <= RETENTION_MAX
    ):
        raise refuse(f"retention is 0 to {RETENTION_MAX} days, or none", "retention_days", "range", max=RETENTION_MAX)
    policy = values.get("erase_policy", "withdrawn")
    if policy not in ERASE_POLICIES:
        raise refuse(f"erase_policy is one of {', '.join(ERASE_POLICIES)}", "erase_policy", "choice")
    return {
        "title": title,
        "starts_on": starts_on,
        **texts,
        "welcome": welcome,
        "retention_days": retention,
        "erase_policy": policy,
    }


def save_scales(principal: Principal, scales: list[dict[str, Any]]) -> Outcome:
    """Replace the event's territorial scales by `scales`, in that order (organiser).

    Each is `{key, label}`: a known key keeps its scale (renamed), a null key adds one whose key
    comes from its label. A scale left out is removed, unless a participant or a situation has it.
    """
    if not 1 <= len(scales) <= SCALES_MAX:
        raise refuse(f"an event has 1 to {SCALES_MAX} scales", "scales", "count", max=SCALES_MAX)
    with db.transaction() as session:
        event = organiser_event(session, principal)
        known = {scale["key"] for scale in event.scales}
        taken = set(known)
        result: list[dict[str, Any]] = []
        labels: set[str] = set()
        for index, scale in enumerate(scales):
            label = one_line(scale.get("label"))
            field = f"scales.{index}.label"
            if not 1 <= len(label) <= LABEL_MAX:
                raise refuse(f"a scale's label has 1 to {LABEL_MAX} characters", field, "length", max=LABEL_MAX)
            if label.casefold() in labels:
                raise refuse(f"two scales are called {label!r}", field, "duplicate", label=label)
            labels.add(label.casefold())
            key = scale.get("key")
            if key is None:
                key = derive_key(label, taken)
                taken.add(key)
            elif key not in known or any(kept["key"] == key for kept in result):
                raise refuse(f"no scale {key!r} to keep", f"scales.{index}.key", "unknown", key=key)
            result.append({"key": key, "label": label})
        removed = known - {scale["key"] for scale in result}
        for key in sorted(removed):
            label = next(s["label"] for s in event.scales if s["key"] == key)
            _check_scale_unused(session, event.id, key, label)
        if result != event.scales:
            event.scales = result
            record_action(session, principal, None, "edit_scales", keys=[s["key"] for s in result])
        return event_outcome(session, event.id)


def _check_scale_unused(session: Session, event_id: int, key: str, label: str) -> None:
    """Raise Invalid if a participant chose the scale `key` or a situation names it."""
    chosen = session.scalar(
        select(func.count()).select_from(Participant).where(Participant.event_id == event_id, Participant.scale == key)
    )
    if chosen:
        raise refuse(
            f"{chosen} participant(s) chose the scale {key!r}", "scales", "scale_chosen", label=label, count=chosen
        )
    for situation in session.scalars(select(Situation).where(Situation.event_id == event_id)):
        if key in situation.scales:
            raise refuse(
                f"the situation {situation.title!r} has the scale {key!r}",
                "scales",
                "scale_in_situation",
                label=label,
                situation=situation.title,
            )


def derive_key(label: str, taken: set[str]) -> str:
    """Return a key (a-z, 0-9, _) made from a label, not among `taken`: "État / national" → "etat_national"."""
    plain = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    base = re.sub(r"[^a-z0-9]+", "_", plain).strip("_")[:36] or "echelle"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


def save_board(principal: Principal, board: dict[str, Any]) -> Outcome:
    """Add a board (a key the event does not have) or change one (organiser).

    `board`: key, title, kind, columns [{key, label, hint}]. Columns holding cards stay, in the
    same order among themselves, and the kind of a board holding cards stays: only their words change.
    """
    clean = _board_values(board)
    with db.transaction() as session:
        event = organiser_event(session, principal)
        boards = [{"kind": "grid"} | b for b in event.boards]
        at = next((i for i, b in enumerate(boards) if b["key"] == clean["key"]), None)
        if at is None:
            if len(boards) >= BOARDS_MAX:
                raise refuse(f"an event has at most {BOARDS_MAX} boards", "key", "count", max=BOARDS_MAX)
            boards.append(clean)
            action = "add_board"
        else:
            _check_columns_kept(session, event.id, boards[at], clean)
            boards[at] = clean
            action = "edit_board"
        if boards != event.boards:
            event.boards = boards
            record_action(session, principal, None, action, board=clean["key"], title=clean["title"])
        return event_outcome(session, event.id)


def delete_board(principal: Principal, key: str) -> Outcome:
    """Remove a board no phase works on and no card was posted to (organiser)."""
    with db.transaction() as session:
        event = organiser_event(session, principal)
        board = next((b for b in event.boards if b["key"] == key), None)
        if board is None:
            raise NotFound(f"no board {key!r} in this event")
        if len(event.boards) == 1:
            raise refuse("an event keeps at least one board", "key", "last_board")
        phase = session.scalars(
            select(Phase.title).where(Phase.event_id == event.id, Phase.activity == key).order_by(Phase.position)
        ).first()
        if phase is not None:
            raise refuse(f"the phase {phase!r} works on this board", "key", "board_in_programme", phase=phase)
        held = _cards_by_column(session, event.id, key)
        if held:
            raise refuse("cards were posted to this board", "key", "board_has_cards", count=sum(held.values()))
        if (event.screen or {}).get("board") == key:
            raise refuse("the plenary screen shows this board", "key", "board_on_screen")
        event.boards = [b for b in event.boards if b["key"] != key]
        record_action(session, principal, None, "delete_board", board=key, title=board["title"])
        return event_outcome(session, event.id)


def _board_values(board: dict[str, Any]) -> dict[str, Any]:
    """Return a board checked and trimmed, or raise Invalid naming the field."""
    key = str(board.get("key", ""))
    if not KEY.match(key):
        raise refuse("a board's key is 1 to 40 of a-z, 0-9, _", "key", "key")
    title = one_line(board.get("title"))
    if not 1 <= len(title) <= TITLE_MAX:
        raise refuse(f"a board's name has 1 to {TITLE_MAX} characters", "title", "length", max=TITLE_MAX)
    kind = board.get("kind", "grid")
    if kind not in BOARD_KINDS:
        raise refuse(f"kind is one of {', '.join(BOARD_KINDS)}", "kind", "choice")
    columns = board.get("columns") or []
    if not 1 <= len(columns) <= COLUMNS_MAX:
        raise refuse(f"a board has 1 to {COLUMNS_MAX} columns", "columns", "count", max=COLUMNS_MAX)
    clean: list[dict[str, str]] = []
    for index, column in enumerate(columns):
        column_key = str(column.get("key", ""))
        if not KEY.match(column_key):
            raise refuse("a column's key is 1 to 40 of a-z, 0-9, _", f"columns.{index}.key", "key")
        if any(c["key"] == column_key for c in clean):
            raise refuse(f"two columns have the key {column_key!r}", f"columns.{index}.key", "duplicate")
        label = one_line(column.get("label"))
        if not 1 <= len(label) <= LABEL_MAX:
            raise refuse(
                f"a column's label has 1 to {LABEL_MAX} characters", f"columns.{index}.label", "length", max=LABEL_MAX
            )
        hint = str(column.get("hint") or "").strip()
        if len(hint) > HINT_MAX:
            raise refuse(
                f"a column's hint has at most {HINT_MAX} characters", f"columns.{index}.hint", "length", max=HINT_MAX
            )
        clean.append({"key": column_key, "label": label} | ({"hint": hint} if hint else {}))
    if kind == "competences" and {c["key"] for c in clean} != COMPETENCE_COLUMNS:
        raise refuse("a competences board has the columns offre and besoin", "columns", "competence_columns")
    return {"key": key, "kind": kind, "title": title, "columns": clean}


def _check_columns_kept(session: Session, event_id: int, before: dict[str, Any], after: dict[str, Any]) -> None:
    """Raise Invalid if an edit removes or moves a column holding cards, or changes the kind of a board holding some."""
    held = _cards_by_column(session, event_id, before["key"])
    if not held:
        return
    if after["kind"] != before["kind"]:
        raise refuse("the kind of a board holding cards stays", "kind", "board_has_cards")
    labels = {c["key"]: c["label"] for c in before["columns"]}
    kept = [c["key"] for c in after["columns"]]
    for key, count in held.items():
        if key not in kept:
            label = labels.get(key, key)
            raise refuse(f"column {key!r} holds cards", "columns", "column_has_cards", label=label, count=count)
    order_before = [c["key"] for c in before["columns"] if c["key"] in held]
    order_after = [key for key in kept if key in held]
    if order_before != order_after:
        raise refuse("columns holding cards keep their order", "columns", "column_moved")


def _cards_by_column(session: Session, event_id: int, board: str) -> dict[str, int]:
    """Return how many cards each column of a board holds in the event's rooms (deleted ones too)."""
    rows = session.execute(
        select(Card.column, func.count())
        .join(Room, Card.room_id == Room.id)
        .where(Room.event_id == event_id, Card.board == board)
        .group_by(Card.column)
    ).tuples()
    return {column: count for column, count in rows}
