"""Secret links, managed by the organiser: listed, created, revoked and regenerated.

The domain hands out tokens, never URLs: the transport builds addresses from them.
An organiser may not revoke the organiser link they are using (they would lock themselves
out); they may regenerate it, and then receive the new one in the same answer.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from collab.domain.access import Principal, hash_token, link_token, new_link
from collab.domain.audit import record_action
from collab.domain.errors import Forbidden, Invalid, NotFound
from collab.domain.rooms import iso
from collab.store.database import db
from collab.store.models import AccessLink, Room

# The roles an organiser may hand out a new link for; organiser links are only regenerated.
CREATABLE_ROLES = ("facilitator", "screen")
ROLE_ORDER = {"organiser": 0, "screen": 1, "facilitator": 2}


@dataclass
class LinkInfo:
    """A valid secret link as the organiser's console shows it."""

    id: int
    role: str
    # None: every room of the event.
    room_id: int | None
    room_name: str | None
    token: str
    created_at: str
    # True for the organiser link the requester is using now.
    current: bool

    def as_dict(self) -> dict[str, Any]:
        """Return the link as plain data."""
        return asdict(self)


def list_links(secret: str, principal: Principal) -> list[LinkInfo]:
    """Return every valid link of the event: organiser, screen, then facilitators by room."""
    _organiser_only(principal)
    with db.transaction() as session:
        rooms = _rooms(session, principal.event_id)
        links = session.scalars(
            select(AccessLink).where(AccessLink.event_id == principal.event_id, AccessLink.revoked_at.is_(None))
        ).all()
        infos = [_info(secret, principal, link, rooms) for link in links]
    position = {room_id: n for n, room_id in enumerate(rooms)}
    return sorted(
        infos,
        key=lambda i: (ROLE_ORDER.get(i.role, 9), -1 if i.room_id is None else position.get(i.room_id, 0), i.id),
    )


def create_link(secret: str, principal: Principal, role: str, room_id: int | None) -> LinkInfo:
    """Create a new facilitator link (for one room, or every room with `room_id` None) or screen link."""
    _organiser_only(principal)
    if role not in CREATABLE_ROLES:
        raise Invalid(f"a new link is for one of: {', '.join(CREATABLE_ROLES)}", field="role")
    if role == "screen" and room_id is not None:
        raise Invalid("a screen link shows every room", field="room_id")
    with db.transaction() as session:
        rooms = _rooms(session, principal.event_id)
        if room_id is not None and room_id not in rooms:
            raise NotFound(f"no room {room_id} in this event")
        link = _new(session, secret, principal.event_id, role, room_id)
        record_action(session, principal, room_id, "link_created", link_id=link.id, role=role)
        return _info(secret, principal, link, rooms)


def revoke_link(principal: Principal, link_id: int) -> dict[str, Any]:
    """Revoke a link: its pages answer 404 and its sockets are refused from now on."""
    _organiser_only(principal)
    with db.transaction() as session:
        link = _valid_link(session, principal, link_id)
        if link.id == principal.link_id:
            raise Forbidden("you cannot revoke the link you are using; regenerate it instead")
        link.revoked_at = datetime.now(UTC)
        record_action(session, principal, link.room_id, "link_revoked", link_id=link.id, role=link.role)
        return {"link_id": link.id, "role": link.role, "room_id": link.room_id}


def regenerate_link(secret: str, principal: Principal, link_id: int) -> tuple[int, LinkInfo]:
    """Revoke a link and create a new one for the same role and room; return the old id and the new link.

    Regenerating the organiser's own link is allowed: the new link is marked `current`.
    """
    _organiser_only(principal)
    with db.transaction() as session:
        rooms = _rooms(session, principal.event_id)
        link = _valid_link(session, principal, link_id)
        link.revoked_at = datetime.now(UTC)
        fresh = _new(session, secret, principal.event_id, link.role, link.room_id)
        record_action(
            session, principal, link.room_id, "link_regenerated", link_id=link.id, new_link_id=fresh.id, role=link.role
        )
        info = _info(secret, principal, fresh, rooms)
        info.current = link.id == principal.link_id
        return link.id, info


def _organiser_only(principal: Principal) -> None:
    """Refuse anyone but the organiser."""
    if principal.role != "organiser":
        raise Forbidden("only the organiser manages links")


def _rooms(session: Session, event_id: int) -> dict[int, str]:
    """Return the event's room names by id, in the rooms' order."""
    rows = session.execute(select(Room.id, Room.name).where(Room.event_id == event_id).order_by(Room.position))
    return {room_id: name for room_id, name in rows.tuples()}


def _valid_link(session: Session, principal: Principal, link_id: int) -> AccessLink:
    """Return a valid link of the principal's event, or raise NotFound."""
    # Locked (PostgreSQL; SQLite's writer lock already is): two regenerations of one link make one new link.
    link = session.get(AccessLink, link_id, with_for_update=True)
    if link is None or link.event_id != principal.event_id or link.revoked_at is not None:
        raise NotFound(f"no valid link {link_id} in this event")
    return link


def _new(session: Session, secret: str, event_id: int, role: str, room_id: int | None) -> AccessLink:
    """Store a new link and return its row (with its id)."""
    nonce, token = new_link(secret)
    link = AccessLink(event_id=event_id, role=role, room_id=room_id, nonce=nonce, token_hash=hash_token(token))
    session.add(link)
    session.flush()
    return link


def _info(secret: str, principal: Principal, link: AccessLink, rooms: dict[int, str]) -> LinkInfo:
    """Return a link as the console shows it, its token derived again from its nonce."""
    return LinkInfo(
        id=link.id,
        role=link.role,
        room_id=link.room_id,
        room_name=rooms.get(link.room_id) if link.room_id is not None else None,
        token=link_token(secret, link.nonce),
        created_at=iso(link.created_at),
        current=link.id == principal.link_id,
    )
