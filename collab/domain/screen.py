"""The plenary screen's mode: what the organiser has the projector show, and what each mode needs."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from collab.domain.access import Principal
from collab.domain.errors import Forbidden, Invalid, NotFound
from collab.domain.syntheses import event_synthesis_boards
from collab.store.database import db
from collab.store.models import Event, Hypothesis, Room

# Each mode and the values it takes besides its name.
MODES: dict[str, tuple[str, ...]] = {
    "welcome": (),
    "rooms": (),
    "room": ("room_id",),
    "combined": ("board",),
    # An atelier's board (null: the first with a published synthesis), and the room's slide within it.
    "syntheses": ("board", "slide"),
    "hypothesis": ("hypothesis_id",),
    "competences": (),
    "wordcloud": ("board",),
}
VALUES = ("room_id", "board", "slide", "hypothesis_id")
DEFAULT = {"mode": "rooms"}
DEFAULT_COMBINED = "four_questions"
SLIDE_MAX = 500


def get_screen(principal: Principal) -> dict[str, Any]:
    """Return what the plenary screen shows now (the rooms side by side until the organiser chooses)."""
    if principal.role not in ("organiser", "screen", "facilitator"):
        raise Forbidden("only screens and the staff read the screen's mode")
    with db.transaction() as session:
        event = session.get(Event, principal.event_id)
        if event is None:
            raise NotFound("no such event")
        return screen_of(session, event)


def set_screen(principal: Principal, values: dict[str, Any]) -> dict[str, Any]:
    """Choose what the plenary screen shows (organiser); return it as stored.

    `values`: mode, and the one of room_id, board, slide, hypothesis_id that the mode takes.
    """
    if principal.role != "organiser":
        raise Forbidden("only the organiser chooses what the screen shows")
    with db.transaction() as session:
        event = session.get(Event, principal.event_id, with_for_update=True)
        if event is None:
            raise NotFound("no such event")
        event.screen = _checked(session, event, values)
        return dict(event.screen)


def screen_of(session: Session, event: Event) -> dict[str, Any]:
    """Return an event's screen mode; one naming what no longer exists (a hypothesis removed) is the default."""
    if event.screen is None:
        return dict(DEFAULT)
    try:
        return _checked(session, event, event.screen)
    except (Invalid, NotFound):
        return dict(DEFAULT)


def _checked(session: Session, event: Event, values: dict[str, Any]) -> dict[str, Any]:
    """Return the screen mode `values` name, with its default filled in, or raise Invalid / NotFound."""
    mode = values.get("mode")
    if mode not in MODES:
        raise Invalid(f"mode is one of {', '.join(MODES)}", field="mode")
    takes = MODES[mode]
    extra = [key for key in VALUES if key not in takes and values.get(key) is not None]
    if extra:
        raise Invalid(f"the {mode} mode takes no {extra[0]}", field=extra[0])
    screen: dict[str, Any] = {"mode": mode}
    for name in takes:
        screen.update(_value(session, event, mode, name, values.get(name)))
    return screen


def _value(session: Session, event: Event, mode: str, takes: str, value: Any) -> dict[str, Any]:
    """Return the value `takes` of a screen mode, its default filled in, or raise Invalid / NotFound."""
    screen: dict[str, Any] = {}
    if takes == "room_id":
        room = session.get(Room, value) if isinstance(value, int) else None
        if room is None or room.event_id != event.id:
            raise NotFound(f"no room {value} in this event", field="room_id")
        screen["room_id"] = room.id
    elif takes == "hypothesis_id":
        hypothesis = session.get(Hypothesis, value) if isinstance(value, int) else None
        if hypothesis is None or hypothesis.event_id != event.id:
            raise NotFound(f"no hypothesis {value} in this event", field="hypothesis_id")
        if hypothesis.state == "draft":
            # Screens read only the hypotheses put to the vote: a draft is the organiser's.
            raise Invalid("a draft hypothesis is not shown: put it to the vote first", field="hypothesis_id")
        screen["hypothesis_id"] = hypothesis.id
    elif takes == "slide":
        slide = 0 if value is None else value
        if not isinstance(slide, int) or not 0 <= slide <= SLIDE_MAX:
            raise Invalid(f"slide is 0 to {SLIDE_MAX}", field="slide")
        screen["slide"] = slide
    elif takes == "board":
        keys = [board["key"] for board in event.boards]
        if mode == "syntheses" and value is not None and value not in keys:
            # The syntheses of a board removed from the event since are still shown.
            keys += sorted(event_synthesis_boards(session, event.id) - set(keys))
        if mode == "combined" and value is None:
            value = DEFAULT_COMBINED if DEFAULT_COMBINED in keys else keys[0] if keys else None
        if value is not None and value not in keys:
            raise Invalid(f"board is one of {', '.join(keys)}", field="board")
        screen["board"] = value
    return screen
