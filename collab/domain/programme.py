"""The programme that drives the day: phases, the event's and each room's current phase, countdowns.

Event-wide state (programme, event phase and timer, rooms and situations) is not numbered: every change
returns the whole of it, broadcast to every socket of the event as `event_changed`. A room's
own phase and timer are numbered room changes (`room_changed`), like every change in a room.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from collab.domain.access import Principal, room_in_event, staff_room
from collab.domain.audit import record_action
from collab.domain.errors import Forbidden, Invalid, NotFound
from collab.domain.events import MAX_ROOMS, add_link, event_details, phase_data, situation_data
from collab.domain.outcome import Outcome
from collab.domain.rooms import record_room_changed, room_state, timer_data
from collab.domain.templates import KEY, PHASE_KINDS, TIME
from collab.store.database import db
from collab.store.models import Event, Hypothesis, Phase, Room, Situation

TIMER_MIN = 10
TIMER_MAX = 3 * 60 * 60
TITLE_MAX = 200
DESCRIPTION_MAX = 2000
ROOM_NAME_MAX = 80


def server_now() -> datetime:
    """Return the current time in UTC, naive, as timers are stored."""
    return datetime.now(UTC).replace(tzinfo=None)


def stamp(moment: datetime) -> str:
    """Return a time as ISO 8601 in UTC with milliseconds, as clients parse it."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def get_event(principal: Principal) -> dict[str, Any]:
    """Return the event's live state for any role: programme, current phase, timer, rooms, server time."""
    with db.transaction() as session:
        return _state(session, principal.event_id)


def set_phase(principal: Principal, phase_id: int) -> Outcome:
    """Move the whole event to a phase of its programme (organiser)."""
    with db.transaction() as session:
        event = organiser_event(session, principal)
        phase = _phase(session, principal, phase_id)
        return _move_event(session, principal, event, phase)


def step_phase(principal: Principal, direction: str) -> Outcome:
    """Move the whole event to the next or the previous phase of the programme (organiser)."""
    with db.transaction() as session:
        event = organiser_event(session, principal)
        phases = _phases(session, event.id)
        ids = [p.id for p in phases]
        at = ids.index(event.current_phase_id) if event.current_phase_id in ids else None
        if direction == "next":
            target = 0 if at is None else at + 1
        elif direction == "previous":
            target = -1 if at is None else at - 1
        else:
            raise Invalid("direction is next or previous", field="direction")
        if not 0 <= target < len(phases):
            raise Invalid(f"the programme has no {direction} phase", field="direction")
        return _move_event(session, principal, event, phases[target])


def _move_event(session: Session, principal: Principal, event: Event, phase: Phase) -> Outcome:
    """Set the event's phase, log it, and return the new state."""
    event.current_phase_id = phase.id
    record_action(session, principal, None, "set_phase", phase_id=phase.id, title=phase.title)
    return event_outcome(session, event.id)


def set_open_boards(principal: Principal, boards: list[str]) -> Outcome:
    """Open boards to cards outside their phase, or close them again (organiser); `boards`: every board opened."""
    with db.transaction() as session:
        event = organiser_event(session, principal)
        keys = [b["key"] for b in event.boards]
        unknown = [key for key in boards if key not in keys]
        if unknown:
            raise Invalid(f"no board {unknown[0]!r} in this event", field="boards", reason="unknown_board")
        opened = [key for key in keys if key in boards]
        if opened != list(event.open_boards or []):
            event.open_boards = opened or None
            record_action(session, principal, None, "set_open_boards", boards=opened, titles=_titles(event, opened))
        return event_outcome(session, event.id)


def set_screen_follows_votes(principal: Principal, follows: bool) -> Outcome:
    """Choose whether opening a hypothesis vote switches the plenary screen to it (organiser)."""
    with db.transaction() as session:
        event = organiser_event(session, principal)
        if event.screen_follows_votes != follows:
            event.screen_follows_votes = follows
            record_action(session, principal, None, "set_screen_follows_votes", follows=follows)
        return event_outcome(session, event.id)


def _titles(event: Event, keys: list[str]) -> list[str]:
    """Return the titles of these boards of the event, as the journal shows them."""
    titles = {b["key"]: str(b.get("title") or b["key"]) for b in event.boards}
    return [titles[key] for key in keys]


def set_room_phase(principal: Principal, room_id: int, phase_id: int | None) -> Outcome:
    """Move one room to a phase of its own, or back to following the event (None); room staff."""
    with db.transaction() as session:
        room = staff_room(session, principal, room_id, lock=True)
        phase = _phase(session, principal, phase_id) if phase_id is not None else None
        if room.current_phase_id == phase_id:
            return Outcome(reply={"room_id": room.id, "seq": None, "state": room_state(room)})
        room.current_phase_id = phase_id
        record_action(
            session, principal, room.id, "set_room_phase", phase_id=phase_id, title=phase.title if phase else None
        )
        change = record_room_changed(session, room)
        return Outcome(reply={**change["payload"]}, changes=[change])


def save_phase(principal: Principal, phase_id: int | None, values: dict[str, Any]) -> Outcome:
    """Add a phase (`phase_id` None, placed by its start time) or edit one (organiser).

    `values`: start, end ("HH:MM"), kind, title, description, activity (ateliers only).
    """
    clean = _phase_values(values)
    with db.transaction() as session:
        event = organiser_event(session, principal)
        # A phase naming no board of the event would show the phones some other board, silently.
        if clean["activity"] is not None and clean["activity"] not in {b["key"] for b in event.boards}:
            raise Invalid(f"no board {clean['activity']!r} in this event", field="activity", reason="unknown_board")
        if phase_id is None:
            phases = _phases(session, event.id)
            position = next((i for i, p in enumerate(phases) if p.starts_at > clean["starts_at"]), len(phases))
            phase = Phase(event_id=event.id, position=position, **clean)
            phases.insert(position, phase)
            session.add(phase)
            renumber(phases)
            session.flush()
            action = "add_phase"
        else:
            phase = _phase(session, principal, phase_id)
            for key, value in clean.items():
                setattr(phase, key, value)
            action = "edit_phase"
        record_action(session, principal, None, action, phase_id=phase.id, title=phase.title)
        outcome = event_outcome(session, event.id)
        outcome.reply["phase_id"] = phase.id
        return outcome


def delete_phase(principal: Principal, phase_id: int) -> Outcome:
    """Remove a phase (organiser); the event and the rooms that were on it go back to no phase / the event's."""
    with db.transaction() as session:
        event = organiser_event(session, principal)
        phase = _phase(session, principal, phase_id)
        if event.current_phase_id == phase.id:
            event.current_phase_id = None
        changes = []
        for room in session.scalars(select(Room).where(Room.event_id == event.id, Room.current_phase_id == phase.id)):
            room.current_phase_id = None
            changes.append(record_room_changed(session, room))
        record_action(session, principal, None, "delete_phase", phase_id=phase.id, title=phase.title)
        session.delete(phase)
        session.flush()
        renumber(_phases(session, event.id))
        outcome = event_outcome(session, event.id)
        outcome.changes = changes
        return outcome


def move_phase(principal: Principal, phase_id: int, position: int) -> Outcome:
    """Put a phase at `position` (0 is first) in the programme (organiser)."""
    with db.transaction() as session:
        event = organiser_event(session, principal)
        phase = _phase(session, principal, phase_id)
        phases = [p for p in _phases(session, event.id) if p.id != phase.id]
        if not 0 <= position <= len(phases):
            raise Invalid(f"position is 0 to {len(phases)}", field="position")
        phases.insert(position, phase)
        renumber(phases)
        record_action(session, principal, None, "move_phase", phase_id=phase.id, position=position)
        return event_outcome(session, event.id)


def rename_room(principal: Principal, room_id: int, name: str) -> Outcome:
    """Give a room a new name (organiser)."""
    name = " ".join(name.split())
    if not 1 <= len(name) <= ROOM_NAME_MAX:
        raise Invalid(f"a room name has 1 to {ROOM_NAME_MAX} characters", field="name")
    with db.transaction() as session:
        event = organiser_event(session, principal)
        room = room_in_event(session, principal, room_id)
        if room.name != name:
            record_action(session, principal, room.id, "rename_room", before=room.name, name=name)
            room.name = name
        return event_outcome(session, event.id)


def add_room(principal: Principal, name: str, secret: str) -> Outcome:
    """Open one more room (organiser), with the next situation in turn and its facilitator link.

    The reply carries the new link's token, for the organiser to hand out.
    """
    name = " ".join(name.split())
    if not 1 <= len(name) <= ROOM_NAME_MAX:
        raise Invalid(f"a room name has 1 to {ROOM_NAME_MAX} characters", field="name")
    with db.transaction() as session:
        event = organiser_event(session, principal)
        rooms = list(session.scalars(select(Room).where(Room.event_id == event.id).order_by(Room.position)))
        if len(rooms) >= MAX_ROOMS:
            raise Invalid(f"an event has at most {MAX_ROOMS} rooms")
        situations = list(
            session.scalars(select(Situation.id).where(Situation.event_id == event.id).order_by(Situation.position))
        )
        room = Room(
            event_id=event.id,
            position=(rooms[-1].position + 1) if rooms else 1,
            name=name,
            situation_id=situations[len(rooms) % len(situations)] if situations else None,
        )
        session.add(room)
        session.flush()
        token = add_link(session, secret, event.id, "facilitator", room.id)
        record_action(session, principal, room.id, "room_added", name=name)
        outcome = event_outcome(session, event.id)
        outcome.reply["room"] = {"id": room.id, "name": room.name, "facilitator_token": token}
        return outcome


def start_timer(principal: Principal, room_id: int | None, seconds: int) -> Outcome:
    """Start a countdown of `seconds` for a room (its staff) or the whole event (organiser)."""
    _check_seconds(seconds, TIMER_MIN)
    with db.transaction() as session:
        holder = _timer_holder(session, principal, room_id)
        now = server_now()
        holder.timer_ends_at = now + timedelta(seconds=seconds)
        holder.timer_seconds = seconds
        record_action(session, principal, room_id, "start_timer", seconds=seconds)
        return _timer_outcome(session, holder)


def add_time(principal: Principal, room_id: int | None, seconds: int) -> Outcome:
    """Add `seconds` to a running countdown (one that has run out starts again from now)."""
    _check_seconds(seconds, 1)
    with db.transaction() as session:
        holder = _timer_holder(session, principal, room_id)
        if holder.timer_ends_at is None:
            raise Invalid("no countdown is running", field="room_id")
        now = server_now()
        ends_at = max(holder.timer_ends_at, now) + timedelta(seconds=seconds)
        if (ends_at - now).total_seconds() > TIMER_MAX:
            raise Invalid(f"a countdown lasts at most {TIMER_MAX} seconds", field="seconds")
        holder.timer_ends_at = ends_at
        holder.timer_seconds = (holder.timer_seconds or 0) + seconds
        record_action(session, principal, room_id, "add_time", seconds=seconds)
        return _timer_outcome(session, holder)


def stop_timer(principal: Principal, room_id: int | None) -> Outcome:
    """Stop a countdown; stopping none changes nothing."""
    with db.transaction() as session:
        holder = _timer_holder(session, principal, room_id)
        if holder.timer_ends_at is None:
            if isinstance(holder, Room):
                return Outcome(reply={"room_id": holder.id, "seq": None, "state": room_state(holder)})
            return Outcome(reply={**_state(session, holder.id)})
        holder.timer_ends_at = None
        holder.timer_seconds = None
        record_action(session, principal, room_id, "stop_timer")
        return _timer_outcome(session, holder)


def _timer_holder(session: Session, principal: Principal, room_id: int | None) -> Event | Room:
    """Return the room whose timer the principal may run, or the event for the organiser."""
    if room_id is None:
        return organiser_event(session, principal)
    return staff_room(session, principal, room_id, lock=True)


def _timer_outcome(session: Session, holder: Event | Room) -> Outcome:
    """Return the outcome of a timer change: a numbered room change, or the event's new state."""
    if isinstance(holder, Room):
        change = record_room_changed(session, holder)
        reply = {**change["payload"], "now": stamp(server_now())}
        return Outcome(reply=reply, changes=[change])
    return event_outcome(session, holder.id)


def _check_seconds(seconds: int, least: int) -> None:
    """Raise Invalid unless a duration is between `least` seconds and three hours."""
    if not least <= seconds <= TIMER_MAX:
        raise Invalid(f"a duration is {least} to {TIMER_MAX} seconds", field="seconds")


def _phase_values(values: dict[str, Any]) -> dict[str, Any]:
    """Return the checked columns of a phase, or raise Invalid naming the field."""
    start, end, kind = values.get("start", ""), values.get("end", ""), values.get("kind")
    title = " ".join(str(values.get("title", "")).split())
    description = str(values.get("description") or "").strip()
    activity = values.get("activity") or None
    for key, value in (("start", start), ("end", end)):
        if not TIME.match(str(value)):
            raise Invalid(f"{key} is a time HH:MM", field=key)
    if end < start:
        raise Invalid("a phase ends after it starts", field="end")
    if kind not in PHASE_KINDS:
        raise Invalid(f"kind is one of {', '.join(PHASE_KINDS)}", field="kind")
    if not 1 <= len(title) <= TITLE_MAX:
        raise Invalid(f"a title has 1 to {TITLE_MAX} characters", field="title")
    if len(description) > DESCRIPTION_MAX:
        raise Invalid(f"a description has at most {DESCRIPTION_MAX} characters", field="description")
    if activity is not None and (kind != "atelier" or not KEY.match(str(activity))):
        raise Invalid("only an atelier has an activity (a-z, 0-9, _)", field="activity")
    return {
        "starts_at": start,
        "ends_at": end,
        "kind": kind,
        "title": title,
        "description": description,
        "activity": activity,
    }


def organiser_event(session: Session, principal: Principal) -> Event:
    """Return the principal's event if they are its organiser, else raise Forbidden."""
    if principal.role != "organiser":
        raise Forbidden("only the organiser runs the event's programme")
    # The row lock orders concurrent edits: two "Phase suivante" clicks move the day two phases.
    event = session.get(Event, principal.event_id, with_for_update=True)
    if event is None:
        raise NotFound("no such event")
    return event


def _phase(session: Session, principal: Principal, phase_id: int) -> Phase:
    """Return a phase of the principal's event, or raise NotFound."""
    phase = session.get(Phase, phase_id)
    if phase is None or phase.event_id != principal.event_id:
        raise NotFound(f"no phase {phase_id} in this event")
    return phase


def _phases(session: Session, event_id: int) -> list[Phase]:
    """Return an event's phases in programme order."""
    return list(session.scalars(select(Phase).where(Phase.event_id == event_id).order_by(Phase.position, Phase.id)))


def renumber(rows: Sequence[Phase | Hypothesis]) -> None:
    """Number rows the organiser orders (phases, hypotheses) 0, 1, 2… in the order given."""
    for position, row in enumerate(rows):
        row.position = position


def event_outcome(session: Session, event_id: int) -> Outcome:
    """Return the outcome of an event-wide change: its new state, acknowledged and broadcast."""
    session.flush()
    state = _state(session, event_id)
    return Outcome(reply={**state}, event=state)


def _state(session: Session, event_id: int) -> dict[str, Any]:
    """Return an event's live state, as `get_event` answers and `event_changed` carries it."""
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound("no such event")
    rooms = session.scalars(select(Room).where(Room.event_id == event_id).order_by(Room.position))
    situations = list(
        session.scalars(select(Situation).where(Situation.event_id == event_id).order_by(Situation.position))
    )
    by_id = {s.id: situation_data(s) for s in situations}
    return {
        **event_details(event),
        "programme": [phase_data(p) for p in _phases(session, event_id)],
        "current_phase_id": event.current_phase_id,
        "timer": timer_data(event.timer_ends_at, event.timer_seconds),
        "rooms": [{"id": r.id, "name": r.name, "situation": by_id.get(r.situation_id or 0)} for r in rooms],
        "situations": [by_id[s.id] for s in situations],
        "closed": event.closed_at is not None,
        # Phones offer the grille de lecture while one is published.
        "grid_published": event.grid is not None,
        "now": stamp(server_now()),
    }
