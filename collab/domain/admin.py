"""The server's admin: its secret link, every event listed, an event deleted with all it holds.

The admin link is stored as an AccessLink is (a hash and a nonce), in its own table: it belongs
to no event. There is one valid admin link at a time; regenerating it revokes the old one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import delete, func, select

from collab.domain.access import hash_token, link_token, new_link
from collab.domain.errors import Invalid, NotFound, Unauthorised
from collab.store.database import db
from collab.store.models import AccessLink, AdminLink, Card, Event, Participant, Room


@dataclass(frozen=True)
class AdminToken:
    """The admin link's token, and whether it was made just now (the first start prints it)."""

    token: str
    created: bool


def admin_token(secret: str, regenerate: bool = False) -> AdminToken:
    """Return the valid admin link's token, making one when there is none (or when asked to)."""
    with db.transaction() as session:
        current = session.scalars(
            select(AdminLink).where(AdminLink.revoked_at.is_(None)).order_by(AdminLink.id.desc())
        ).all()
        if current and not regenerate:
            return AdminToken(link_token(secret, current[0].nonce), created=False)
        now = datetime.now(UTC).replace(tzinfo=None)
        for link in current:
            link.revoked_at = now
        nonce, token = new_link(secret)
        session.add(AdminLink(nonce=nonce, token_hash=hash_token(token)))
        return AdminToken(token, created=True)


def check_admin(token: object) -> None:
    """Raise Unauthorised unless `token` is the valid admin link's."""
    if not isinstance(token, str) or not 0 < len(token) <= 200:
        raise Unauthorised("an admin token is required")
    with db.transaction() as session:
        found = session.scalar(
            select(AdminLink.id).where(AdminLink.token_hash == hash_token(token), AdminLink.revoked_at.is_(None))
        )
    if found is None:
        raise Unauthorised("this admin link is not valid")


def event_state(event: Event, today: date) -> str:
    """Return where an event stands: "upcoming", "running" or "closed"."""
    if event.closed_at is not None:
        return "closed"
    if event.starts_on is not None and event.starts_on > today:
        return "upcoming"
    if event.current_phase_id is None and (event.starts_on is None or event.starts_on == today):
        return "upcoming"  # the day has not been started from the organiser page yet
    return "running"


def list_events(secret: str, today: date | None = None) -> list[dict[str, Any]]:
    """Return every event of the server, the next ones first: what the admin page lists, with its organiser token."""
    today = today or date.today()
    with db.reading(), db.transaction() as session:
        counts: dict[str, dict[int, int]] = {}
        for name, column, model in (
            ("rooms", Room.event_id, Room),
            ("participants", Participant.event_id, Participant),
        ):
            rows = session.execute(select(column, func.count()).select_from(model).group_by(column))
            counts[name] = {event_id: n for event_id, n in rows}
        card_rows = session.execute(
            select(Room.event_id, func.count(Card.id))
            .join(Card, Card.room_id == Room.id)
            .where(Card.deleted_at.is_(None), Card.merged_into_id.is_(None))
            .group_by(Room.event_id)
        )
        counts["cards"] = {event_id: n for event_id, n in card_rows}
        organisers = session.execute(
            select(AccessLink.event_id, AccessLink.nonce)
            .where(AccessLink.role == "organiser", AccessLink.revoked_at.is_(None))
            .order_by(AccessLink.id)
        )
        organiser_token = {event_id: link_token(secret, nonce) for event_id, nonce in organisers}
        events = session.scalars(select(Event)).all()
        listed: list[dict[str, Any]] = [
            {
                "id": event.id,
                "title": event.title,
                "starts_on": event.starts_on.isoformat() if event.starts_on else None,
                "place": event.place,
                "join_code": event.join_code,
                "state": event_state(event, today),
                "rooms": counts["rooms"].get(event.id, 0),
                "participants": counts["participants"].get(event.id, 0),
                "cards": counts["cards"].get(event.id, 0),
                "organiser_token": organiser_token.get(event.id),
            }
            for event in events
        ]
    order = {"running": 0, "upcoming": 1, "closed": 2}
    listed.sort(key=lambda e: (order[e["state"]], e["starts_on"] or "9999", -e["id"]))
    return listed


def count_cards() -> int:
    """Return how many cards the server holds, every event, deleted and merged ones aside (as the list counts them)."""
    with db.reading(), db.transaction() as session:
        counted = session.scalar(
            select(func.count(Card.id)).where(Card.deleted_at.is_(None), Card.merged_into_id.is_(None))
        )
    return int(counted or 0)


def delete_event(event_id: int, typed_code: str) -> dict[str, Any]:
    """Delete an event and every row of it, in one transaction, once its join code was typed again."""
    with db.transaction() as session:
        event = session.get(Event, event_id)
        if event is None:
            raise NotFound("no such event")
        if "".join(typed_code.split()).upper() != event.join_code:
            raise Invalid("type the event's join code to delete it", field="join_code")
        gone = {"id": event.id, "title": event.title, "join_code": event.join_code}
        # Every table of an event refers to it (or to its rooms) with ON DELETE CASCADE.
        session.execute(delete(Event).where(Event.id == event_id))
        return gone
