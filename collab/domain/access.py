"""Who is asking: secret links (organiser, facilitator, screen) and participants, as principals."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from collab.domain.errors import Forbidden, NotFound, Unauthorised
from collab.store.database import db
from collab.store.models import AccessLink, Participant, Room

# "grid": a participant's personal grid link, which reads and saves their self-diagnosis and nothing else.
ROLES = ("organiser", "facilitator", "screen", "participant", "grid")


@dataclass(frozen=True)
class Principal:
    """The role a request acts with; `room_id` None means every room of the event."""

    role: str
    event_id: int
    room_id: int | None = None
    participant_id: int | None = None
    # The secret link this principal came with (None for participants).
    link_id: int | None = None

    def may_watch(self, room_id: int) -> bool:
        """Tell whether this principal may see the live board of `room_id`."""
        return self.room_id is None or self.room_id == room_id

    @property
    def is_staff(self) -> bool:
        """Tell whether this principal runs rooms (facilitator or organiser)."""
        return self.role in ("organiser", "facilitator")

    def may_moderate(self, room_id: int) -> bool:
        """Tell whether this principal may hide and restore cards in `room_id`."""
        return self.role in ("organiser", "facilitator") and self.may_watch(room_id)


def new_link(secret: str) -> tuple[str, str]:
    """Return the nonce of a new secret link and the token derived from it."""
    nonce = secrets.token_urlsafe(24)
    return nonce, link_token(secret, nonce)


def link_token(secret: str, nonce: str) -> str:
    """Return the token of the link with this nonce: unguessable without the server's secret."""
    digest = hmac.new(secret.encode("utf-8"), f"collab.link:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")[:32]


def hash_token(token: str) -> str:
    """Return the stored form of a secret token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def principal_for_link(token: str) -> Principal:
    """Return the principal of a secret link, or raise Unauthorised."""
    with db.transaction() as session:
        link = session.scalar(select(AccessLink).where(AccessLink.token_hash == hash_token(token)))
        if link is None or link.revoked_at is not None:
            raise Unauthorised("this link is not valid (revoked or mistyped)")
        return Principal(role=link.role, event_id=link.event_id, room_id=link.room_id, link_id=link.id)


def principal_for_participant(participant_id: int) -> Principal:
    """Return the principal of a participant, or raise Unauthorised if they no longer exist or were erased."""
    with db.transaction() as session:
        participant = session.get(Participant, participant_id)
        if participant is None or participant.erased_at is not None:
            raise Unauthorised("this participant is unknown; join again")
        return Principal(
            role="participant",
            event_id=participant.event_id,
            room_id=participant.room_id,
            participant_id=participant.id,
        )


def principal_for_grid_link(participant_id: int) -> Principal:
    """Return the principal of a participant's grid link, or raise Unauthorised once they are erased.

    It watches no room (`room_id` is the participant's, and a grid link joins no room's scope).
    """
    principal = principal_for_participant(participant_id)
    return Principal(role="grid", event_id=principal.event_id, room_id=principal.room_id, participant_id=participant_id)


def room_in_event(session: Session, principal: Principal, room_id: int, lock: bool = False) -> Room:
    """Return the room `room_id` if it belongs to the principal's event and they may watch it.

    `lock`: take the room's row for the transaction (PostgreSQL), so concurrent changes queue.
    """
    room = session.get(Room, room_id, with_for_update=lock)
    if room is None or room.event_id != principal.event_id:
        raise NotFound(f"no room {room_id} in this event")
    if not principal.may_watch(room_id):
        raise Forbidden("this room is not yours")
    return room


def staff_room(session: Session, principal: Principal, room_id: int, lock: bool = False) -> Room:
    """Return a room of the principal's event that they run (its facilitator, or the organiser), or raise."""
    room = room_in_event(session, principal, room_id, lock)
    if not principal.may_moderate(room_id):
        raise Forbidden("only the room's facilitator or the organiser runs this room")
    return room
