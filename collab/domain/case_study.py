"""Atelier 1: the cooperation situations rooms work on, and the protagonists participants play."""

from __future__ import annotations

from typing import Any, TypedDict

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from collab.domain.access import Principal, staff_room
from collab.domain.audit import record_action
from collab.domain.errors import Forbidden, Invalid, NotFound
from collab.domain.events import situation_data
from collab.domain.outcome import Outcome
from collab.domain.programme import event_outcome, organiser_event
from collab.domain.rooms import SHOWN_TO_ALL, card_data, next_seq, record_roles_changed
from collab.domain.templates import ROLE_MAX
from collab.store.database import db
from collab.store.models import Card, Event, Participant, Room, Situation

TITLE_MAX = 200
DESCRIPTION_MAX = 2000
PROTAGONISTS_MAX = 20
# The board whose cards the four-question grid links back to.
CASE_STUDY_KIND = "case_study"


def take_role(principal: Principal, role: str | None) -> Outcome:
    """Play one of the protagonists of the room's situation (None: play none); broadcast `roles_changed`."""
    if principal.role != "participant" or principal.participant_id is None or principal.room_id is None:
        raise Forbidden("only participants take a role")
    with db.transaction() as session:
        # Taking the number first locks the room: its roles change one at a time, in order.
        seq = next_seq(session, principal.room_id)
        participant = session.get(Participant, principal.participant_id)
        room = session.get(Room, principal.room_id)
        assert participant is not None and room is not None
        participant.role = _check_role(session, room, role)
        change = record_roles_changed(session, room.id, seq)
        return Outcome(reply={"seq": change["payload"]["seq"], "role": participant.role}, changes=[change])


def assign_role(principal: Principal, participant_id: int, role: str | None) -> Outcome:
    """Give a participant of a room one of its situation's protagonists (facilitator, organiser)."""
    with db.transaction() as session:
        participant = session.get(Participant, participant_id)
        if participant is None or participant.event_id != principal.event_id:
            raise NotFound(f"no participant {participant_id} in this event")
        room = staff_room(session, principal, participant.room_id)
        seq = next_seq(session, room.id)
        participant.role = _check_role(session, room, role)
        record_action(session, principal, room.id, "assign_role", participant_id=participant.id, role=participant.role)
        change = record_roles_changed(session, room.id, seq)
        return Outcome(reply={"seq": change["payload"]["seq"]}, changes=[change])


def set_room_situation(principal: Principal, room_id: int, situation_id: int | None) -> Outcome:
    """Have a room work another situation (or none); its roles, which belonged to the previous one, go."""
    with db.transaction() as session:
        room = staff_room(session, principal, room_id, lock=True)
        if situation_id is not None:
            _situation(session, principal, situation_id)
        if room.situation_id == situation_id:
            return event_outcome(session, principal.event_id)
        room.situation_id = situation_id
        session.execute(update(Participant).where(Participant.room_id == room.id).values(role=None))
        record_action(session, principal, room.id, "set_room_situation", situation_id=situation_id)
        outcome = event_outcome(session, principal.event_id)
        outcome.changes.append(record_roles_changed(session, room.id))
        return outcome


def save_situation(principal: Principal, situation_id: int | None, values: dict[str, Any]) -> Outcome:
    """Create a situation (`situation_id` None) or change one (organiser); broadcast `event_changed`."""
    with db.transaction() as session:
        event = organiser_event(session, principal)
        checked = _situation_values(event, values)
        if situation_id is None:
            last = session.scalars(
                select(Situation.position).where(Situation.event_id == event.id).order_by(Situation.position.desc())
            ).first()
            situation = Situation(event_id=event.id, position=(last + 1) if last is not None else 0, **checked)
            session.add(situation)
        else:
            situation = _situation(session, principal, situation_id)
            for key, value in checked.items():
                setattr(situation, key, value)
        session.flush()
        record_action(session, principal, None, "save_situation", situation_id=situation.id, title=situation.title)
        outcome = event_outcome(session, event.id)
        outcome.reply["situation"] = situation_data(situation)
        # A protagonist struck from the list is no longer played in the rooms working this situation.
        for room in session.scalars(select(Room).where(Room.situation_id == situation.id).order_by(Room.id)):
            dropped = update(Participant).where(
                Participant.room_id == room.id,
                Participant.role.is_not(None),
                Participant.role.not_in(situation.protagonists),
            )
            if session.execute(dropped.values(role=None)).rowcount:  # type: ignore[attr-defined]
                outcome.changes.append(record_roles_changed(session, room.id))
        return outcome


def delete_situation(principal: Principal, situation_id: int) -> Outcome:
    """Remove a situation (organiser); rooms that worked it have none, their cards keep their words."""
    with db.transaction() as session:
        event = organiser_event(session, principal)
        situation = _situation(session, principal, situation_id)
        rooms = list(session.scalars(select(Room).where(Room.situation_id == situation.id)))
        changes = []
        for room in rooms:
            room.situation_id = None
            session.execute(update(Participant).where(Participant.room_id == room.id).values(role=None))
            changes.append(record_roles_changed(session, room.id))
        session.execute(update(Card).where(Card.situation_id == situation.id).values(situation_id=None))
        session.delete(situation)
        record_action(session, principal, None, "delete_situation", situation_id=situation_id, title=situation.title)
        outcome = event_outcome(session, event.id)
        outcome.changes.extend(changes)
        return outcome


class SituationCards(TypedDict):
    """A situation and the case-study cards every room posted about it."""

    situation: dict[str, Any] | None
    cards: list[dict[str, Any]]


def situation_cards(principal: Principal, situation_id: int) -> SituationCards:
    """Return a situation and the case-study cards every room posted about it, as everyone may read them.

    The four-question grid of atelier 2 links back to atelier 1's analysis through this.
    """
    with db.transaction() as session:
        situation = _situation(session, principal, situation_id)
        event = session.get(Event, principal.event_id)
        assert event is not None
        boards = {b["key"] for b in event.boards if b.get("kind") == CASE_STUDY_KIND}
        rows = session.execute(
            select(Card, Participant, Room)
            .join(Participant, Card.participant_id == Participant.id)
            .join(Room, Card.room_id == Room.id)
            .where(
                Card.situation_id == situation.id,
                Card.board.in_(boards),
                SHOWN_TO_ALL,
            )
            .order_by(Room.position, Card.seq)
        ).tuples()
        cards = [card_data(card, author) | {"room_id": room.id, "room_name": room.name} for card, author, room in rows]
        return SituationCards(situation=situation_data(situation), cards=cards)


def _check_role(session: Session, room: Room, role: str | None) -> str | None:
    """Return `role` if it is a protagonist of the room's situation (or None), else raise Invalid."""
    if role is None:
        return None
    situation = session.get(Situation, room.situation_id) if room.situation_id else None
    if situation is None or role not in situation.protagonists:
        raise Invalid("choose a role among the protagonists of the room's situation", field="role")
    return role


def _situation(session: Session, principal: Principal, situation_id: int) -> Situation:
    """Return a situation of the principal's event, or raise NotFound."""
    situation = session.get(Situation, situation_id)
    if situation is None or situation.event_id != principal.event_id:
        raise NotFound(f"no situation {situation_id} in this event")
    return situation


def _situation_values(event: Event, values: dict[str, Any]) -> dict[str, Any]:
    """Return a situation's fields trimmed and checked, or raise Invalid naming the field."""
    title = " ".join(str(values.get("title", "")).split())
    if not 1 <= len(title) <= TITLE_MAX:
        raise Invalid(f"a situation's title has 1 to {TITLE_MAX} characters", field="title")
    description = str(values.get("description", "")).strip()
    if len(description) > DESCRIPTION_MAX:
        raise Invalid(f"a description has at most {DESCRIPTION_MAX} characters", field="description")
    known = [scale["key"] for scale in event.scales]
    scales = list(values.get("scales", []))
    if not set(scales) <= set(known):
        raise Invalid("choose the scales among the event's", field="scales")
    protagonists: list[str] = []
    for name in values.get("protagonists", []):
        name = " ".join(str(name).split())
        if not name:
            continue
        if len(name) > ROLE_MAX:
            raise Invalid(f"a protagonist's name has at most {ROLE_MAX} characters", field="protagonists")
        if name not in protagonists:
            protagonists.append(name)
    if len(protagonists) > PROTAGONISTS_MAX:
        raise Invalid(f"at most {PROTAGONISTS_MAX} protagonists", field="protagonists")
    return {
        "title": title,
        "description": description,
        "scales": [key for key in known if key in scales],
        "protagonists": protagonists,
    }
