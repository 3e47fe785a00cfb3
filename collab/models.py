"""The tables of collab, and nothing else: behaviour lives in collab.domain."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    """Return the current time in UTC (a callable, so each row gets its own)."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of every collab table."""


class Event(Base):
    """One seminar: its programme, rooms, boards and the secret links that run it."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    template: Mapped[str] = mapped_column(String(80))
    join_code: Mapped[str] = mapped_column(String(12), unique=True)
    # Scales and boards come from the template and are data, not code.
    scales: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    boards: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AccessLink(Base):
    """A secret link (organiser, facilitator or screen).

    The token is never stored: only its hash, and a nonce from which the server, holding the
    secret key, derives the token again to show the organiser their links after a restart.
    """

    __tablename__ = "access_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    # None: every room of the event (organiser, screen, or a facilitator of all rooms).
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    nonce: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    revoked_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Phase(Base):
    """One moment of the programme (accueil, plénière, atelier, pause, repas, fin)."""

    __tablename__ = "phases"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column()
    starts_at: Mapped[str] = mapped_column(String(5))
    ends_at: Mapped[str] = mapped_column(String(5))
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    activity: Mapped[str | None] = mapped_column(String(40))


class Situation(Base):
    """A cooperation situation (case study) the rooms work on."""

    __tablename__ = "situations"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    scales: Mapped[list[str]] = mapped_column(JSON, default=list)
    protagonists: Mapped[list[str]] = mapped_column(JSON, default=list)


class Room(Base):
    """A workshop room; `seq` numbers every change made in it, without gaps."""

    __tablename__ = "rooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(String(80))
    situation_id: Mapped[int | None] = mapped_column(ForeignKey("situations.id", ondelete="SET NULL"))
    seq: Mapped[int] = mapped_column(default=0)


class Participant(Base):
    """A person on a phone: a pseudonym, a territorial scale and a room; no account."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    pseudonym: Mapped[str] = mapped_column(String(40))
    scale: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Card(Base):
    """A short text posted into one column of a board; `client_id` makes a retried post land once."""

    __tablename__ = "cards"
    __table_args__ = (UniqueConstraint("participant_id", "client_id", name="uq_cards_participant_client"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(String(64))
    board: Mapped[str] = mapped_column(String(40))
    column: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    hidden: Mapped[bool] = mapped_column(default=False)
    # The room sequence number of the change that posted it: the acknowledgement replays from it.
    seq: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Change(Base):
    """One numbered change in a room, as broadcast; a reconnecting client is replayed from here."""

    __tablename__ = "changes"
    __table_args__ = (UniqueConstraint("room_id", "seq", name="uq_changes_room_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column()
    event: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Presence(Base):
    """One open socket of a participant; counts who is connected, per room."""

    __tablename__ = "presence"
    __table_args__ = (Index("ix_presence_room", "room_id"),)

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    connected_at: Mapped[datetime] = mapped_column(default=utcnow)
