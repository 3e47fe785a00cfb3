"""Events: created from a template, found by join code, described for every screen."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from collab.domain.access import hash_token, link_token, new_link
from collab.domain.errors import Invalid, NotFound
from collab.domain.rooms import timer_data
from collab.domain.templates import DEFAULT_TEMPLATE, load_template
from collab.store.database import db
from collab.store.models import AccessLink, Event, Hypothesis, Phase, Room, Situation

# No 0/O, 1/I/L: a code read aloud or copied from a projector is typed right the first time.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
MAX_ROOMS = 40
# The words of atelier 3, in the interface's language.
SKILL_TYPE_LABELS = {
    "savoirs": "Savoirs",
    "savoir_faire": "Savoir-faire",
    "savoir_etre": "Savoir-être",
    "methodes": "Méthodes",
}
SKILL_SCOPE_LABELS = {"individuel": "Individuel", "collectif": "Collectif"}


@dataclass
class RoomLink:
    """A room with the token of its facilitator link (None once revoked and not regenerated)."""

    id: int
    name: str
    facilitator_token: str | None


@dataclass
class EventLinks:
    """An event with the tokens of its secret links, for the organiser's eyes only."""

    id: int
    title: str
    join_code: str
    organiser_token: str | None
    screen_token: str | None
    rooms: list[RoomLink] = field(default_factory=list)
    # Facilitator links for every room, made by the organiser.
    all_rooms_tokens: list[str] = field(default_factory=list)


def normalise_code(code: str) -> str:
    """Return a typed join code in its stored form (case and spaces do not matter)."""
    return "".join(code.split()).upper()


def create_event(
    secret: str,
    template: str = DEFAULT_TEMPLATE,
    rooms: int | None = None,
    title: str | None = None,
    data: dict[str, Any] | None = None,
    starts_on: date | None = None,
    open_boards: bool = False,
) -> EventLinks:
    """Create an event from a template, with its rooms, programme, situations, draft hypotheses and links.

    `data`: a template already read and checked (an upload, a copy); else the template named `template`.
    `open_boards`: every board takes cards from the start, whatever the phase (a rehearsal, a demo).
    """
    data = load_template(template) if data is None else data
    room_count = data.get("rooms", 4) if rooms is None else rooms
    if not 1 <= room_count <= MAX_ROOMS:
        raise Invalid(f"an event has between 1 and {MAX_ROOMS} rooms")
    title = (title or data["title"]).strip()
    if not title or len(title) > 200:
        raise Invalid("an event title has 1 to 200 characters")
    for _attempt in range(10):
        try:
            return _insert_event(secret, data, template, room_count, title, _new_code(), starts_on, open_boards)
        except IntegrityError:
            continue  # the join code was taken; draw another
    raise RuntimeError("could not draw a free join code")


def _new_code() -> str:
    """Return a random join code."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _insert_event(
    secret: str,
    data: dict[str, Any],
    template: str,
    room_count: int,
    title: str,
    code: str,
    starts_on: date | None,
    open_boards: bool = False,
) -> EventLinks:
    """Insert one event and everything it holds, in one transaction."""
    with db.transaction() as session:
        event = Event(
            title=title,
            template=data.get("name", template)[:80],
            join_code=code,
            scales=data["scales"],
            boards=data["boards"],
            starts_on=starts_on,
            place=data.get("place", ""),
            welcome=data.get("welcome", ""),
            contact=data.get("contact", ""),
            texts=data.get("texts") or None,
            retention_days=data.get("retention_days"),
            erase_policy=data.get("erase_policy", "withdrawn"),
            open_boards=[board["key"] for board in data["boards"]] if open_boards else None,
        )
        session.add(event)
        session.flush()
        for position, phase in enumerate(data["phases"]):
            session.add(
                Phase(
                    event_id=event.id,
                    position=position,
                    starts_at=phase["start"],
                    ends_at=phase["end"],
                    kind=phase["kind"],
                    title=phase["title"],
                    description=phase.get("description", ""),
                    activity=phase.get("activity"),
                )
            )
        situations = [
            Situation(
                event_id=event.id,
                position=position,
                title=situation["title"],
                description=situation.get("description", ""),
                scales=situation.get("scales", []),
                protagonists=situation.get("protagonists", []),
            )
            for position, situation in enumerate(data.get("situations", []))
        ]
        session.add_all(situations)
        # The plenary's hypotheses, as drafts: no evidence yet, the day's cards do not exist.
        for position, hypothesis in enumerate(data.get("hypotheses", [])):
            session.add(Hypothesis(event_id=event.id, position=position, text=" ".join(hypothesis["text"].split())))
        session.flush()
        created = EventLinks(
            id=event.id,
            title=title,
            join_code=code,
            organiser_token=add_link(session, secret, event.id, "organiser", None),
            screen_token=add_link(session, secret, event.id, "screen", None),
        )
        names = data.get("room_names", [])
        for n in range(1, room_count + 1):
            room = Room(
                event_id=event.id,
                position=n,
                # The template's own names first, then its pattern ("Salle {n}") for any room more.
                name=names[n - 1] if n <= len(names) else data.get("room_name", "Salle {n}").format(n=n),
                situation_id=situations[(n - 1) % len(situations)].id if situations else None,
            )
            session.add(room)
            session.flush()
            token = add_link(session, secret, event.id, "facilitator", room.id)
            created.rooms.append(RoomLink(id=room.id, name=room.name, facilitator_token=token))
        return created


def add_link(session: Session, secret: str, event_id: int, role: str, room_id: int | None) -> str:
    """Store a new secret link (its hash and nonce) and return its token."""
    nonce, token = new_link(secret)
    session.add(AccessLink(event_id=event_id, role=role, room_id=room_id, nonce=nonce, token_hash=hash_token(token)))
    return token


def event_links(secret: str, event_id: int) -> EventLinks:
    """Return the tokens of an event's valid links, derived again from their nonces.

    Per role and room, the newest valid link; facilitator links for every room are all listed.
    """
    with db.transaction() as session:
        event = session.get(Event, event_id)
        if event is None:
            raise NotFound("no such event")
        links = session.scalars(
            select(AccessLink)
            .where(AccessLink.event_id == event_id, AccessLink.revoked_at.is_(None))
            .order_by(AccessLink.id)
        ).all()
        token = {(link.role, link.room_id): link_token(secret, link.nonce) for link in links}
        all_rooms = [
            link_token(secret, link.nonce) for link in links if link.role == "facilitator" and link.room_id is None
        ]
        rooms = session.scalars(select(Room).where(Room.event_id == event_id).order_by(Room.position))
        return EventLinks(
            id=event.id,
            title=event.title,
            join_code=event.join_code,
            organiser_token=token.get(("organiser", None)),
            screen_token=token.get(("screen", None)),
            rooms=[RoomLink(id=r.id, name=r.name, facilitator_token=token.get(("facilitator", r.id))) for r in rooms],
            all_rooms_tokens=all_rooms,
        )


def latest_event_id() -> int | None:
    """Return the id of the most recently created event, if there is one."""
    with db.transaction() as session:
        return session.scalar(select(Event.id).order_by(Event.id.desc()).limit(1))


def join_code_of(event_id: int) -> str | None:
    """Return the join code of an event (None for no such event)."""
    with db.transaction() as session:
        return session.scalar(select(Event.join_code).where(Event.id == event_id))


def event_id_for_code(code: str) -> int:
    """Return the id of the event with this join code, or raise NotFound."""
    with db.transaction() as session:
        event_id = session.scalar(select(Event.id).where(Event.join_code == normalise_code(code)))
        if event_id is None:
            raise NotFound("no event has this code")
        return event_id


def describe_event(event_id: int) -> dict[str, Any]:
    """Return what every screen of an event shows: title, code, programme and where the day is, rooms, boards."""
    with db.transaction() as session:
        event = session.get(Event, event_id)
        if event is None:
            raise NotFound("no such event")
        phases = session.scalars(select(Phase).where(Phase.event_id == event_id).order_by(Phase.position))
        situations = {s.id: s for s in session.scalars(select(Situation).where(Situation.event_id == event_id))}
        rooms = session.scalars(select(Room).where(Room.event_id == event_id).order_by(Room.position))
        return {
            **event_details(event),
            "join_code": event.join_code,
            "skill_types": [{"key": k, "label": label} for k, label in SKILL_TYPE_LABELS.items()],
            "skill_scopes": [{"key": k, "label": label} for k, label in SKILL_SCOPE_LABELS.items()],
            "situations": [situation_data(s) for s in sorted(situations.values(), key=lambda s: s.position)],
            "current_phase_id": event.current_phase_id,
            "timer": timer_data(event.timer_ends_at, event.timer_seconds),
            "closed": event.closed_at is not None,
            # The event's own wording ({key: text}, see collab.domain.templates.TEXT_KEYS).
            "texts": event.texts or {},
            "programme": [phase_data(p) for p in phases],
            "rooms": [
                {
                    "id": r.id,
                    "name": r.name,
                    "situation": situation_data(situations.get(r.situation_id)) if r.situation_id else None,
                }
                for r in rooms
            ],
        }


def event_details(event: Event) -> dict[str, Any]:
    """Return what the organiser edits of an event itself: its details, scales and boards."""
    return {
        "id": event.id,
        "title": event.title,
        "starts_on": event.starts_on.isoformat() if event.starts_on else None,
        "place": event.place or "",
        "welcome": event.welcome or "",
        "contact": event.contact or "",
        "retention_days": event.retention_days,
        "erase_policy": event.erase_policy or "withdrawn",
        "scales": event.scales,
        # Boards of events made before boards had a kind are grids.
        "boards": [{"kind": "grid"} | board for board in event.boards],
        # Boards the organiser opened to cards outside their phase, and whether a vote takes the screen.
        "open_boards": list(event.open_boards or []),
        "screen_follows_votes": event.screen_follows_votes is not False,
    }


def phase_data(phase: Phase) -> dict[str, Any]:
    """Return a phase as plain data, as in the event's programme."""
    return {
        "id": phase.id,
        "start": phase.starts_at,
        "end": phase.ends_at,
        "kind": phase.kind,
        "title": phase.title,
        "description": phase.description,
        "activity": phase.activity,
    }


def situation_data(situation: Situation | None) -> dict[str, Any] | None:
    """Return a situation as plain data."""
    if situation is None:
        return None
    return {
        "id": situation.id,
        "title": situation.title,
        "description": situation.description,
        "scales": situation.scales,
        "protagonists": situation.protagonists,
    }
