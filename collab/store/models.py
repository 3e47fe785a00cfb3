"""The tables of collab, and nothing else: behaviour lives in collab.domain."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy import true as sa_true
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
    # The phase the organiser has moved the day to (a phase id; None: before the first one).
    current_phase_id: Mapped[int | None] = mapped_column()
    # The event-wide countdown: when it ends and how long it was set for.
    timer_ends_at: Mapped[datetime | None] = mapped_column()
    timer_seconds: Mapped[int | None] = mapped_column()
    # What the organiser has the plenary screen show ({"mode": …, and what the mode needs}); None: the rooms.
    screen: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # A closed event is read-only: its pages and exports stay open to the holders of its links.
    closed_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The day it takes place (None: not set), where, and what the join page says before the form.
    starts_on: Mapped[date | None] = mapped_column()
    place: Mapped[str] = mapped_column(String(200), default="", server_default="")
    welcome: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Who participants write to about their personal data (the privacy notice shows it).
    contact: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # The event's own wording of what the seminar calls things ({key: text}; None: none set).
    texts: Mapped[dict[str, str] | None] = mapped_column(JSON)
    # Pseudonyms and contact lines are erased this many days after the close (None: kept).
    retention_days: Mapped[int | None] = mapped_column()
    # What "Effacer mes contributions" does to a participant's cards: "remove" them, or keep them
    # without author ("withdrawn").
    erase_policy: Mapped[str] = mapped_column(String(20), default="withdrawn", server_default="withdrawn")
    anonymised_at: Mapped[datetime | None] = mapped_column()
    # Boards the organiser opened to cards besides the current phase's (keys; None: none).
    open_boards: Mapped[list[str] | None] = mapped_column(JSON)
    # Opening a hypothesis vote switches the plenary screen to it.
    screen_follows_votes: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    # The grille de lecture as published to participants (a snapshot of its questions and points;
    # None: not published), and when.
    grid: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    grid_published_at: Mapped[datetime | None] = mapped_column()


class AdminLink(Base):
    """The server's secret admin link: every event, created, restored and deleted from the web.

    Stored like an AccessLink: the token's hash, and a nonce the server derives the token from again.
    """

    __tablename__ = "admin_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    revoked_at: Mapped[datetime | None] = mapped_column()
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
    # Locked: nobody posts. Activity: open (posting), paused (read-only) or closed.
    locked: Mapped[bool] = mapped_column(default=False)
    activity_state: Mapped[str] = mapped_column(String(20), default="open")
    # New cards wait, seen only by their author and the staff, until revealed (reveal_mode)
    # or approved (premoderation).
    reveal_mode: Mapped[bool] = mapped_column(default=False)
    premoderation: Mapped[bool] = mapped_column(default=False)
    # The room's own phase, when its facilitator moved it; None: the event's phase.
    current_phase_id: Mapped[int | None] = mapped_column()
    timer_ends_at: Mapped[datetime | None] = mapped_column()
    timer_seconds: Mapped[int | None] = mapped_column()


class Participant(Base):
    """A person on a phone: a pseudonym, a territorial scale and a room; no account."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    pseudonym: Mapped[str] = mapped_column(String(40))
    scale: Mapped[str] = mapped_column(String(40))
    # The protagonist of the room's situation this person plays in the case study, if any.
    role: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when the person erased themselves ("Effacer mes contributions") or the event was anonymised.
    erased_at: Mapped[datetime | None] = mapped_column()


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
    # Why a card is seen only by its author and the staff: "reveal" or "moderation"; None: it is not.
    held: Mapped[str | None] = mapped_column(String(20))
    pinned: Mapped[bool] = mapped_column(default=False)
    # The text as posted, kept on the first edit.
    original_text: Mapped[str | None] = mapped_column(Text)
    edited_at: Mapped[datetime | None] = mapped_column()
    deleted_at: Mapped[datetime | None] = mapped_column()
    # A duplicate merged into another card (undone by setting it back to None).
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("cards.id", ondelete="SET NULL"))
    # The room's situation and the author's role when it was posted (case study), kept as they were.
    situation_id: Mapped[int | None] = mapped_column(ForeignKey("situations.id", ondelete="SET NULL"))
    role: Mapped[str | None] = mapped_column(String(120))
    # On a competences board: {"type", "scope", "keywords"}; None on other boards.
    skill: Mapped[dict[str, Any] | None] = mapped_column(JSON)
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
    # What the staff (and `author_id`, if set) receive; `public_payload`, when set, is what
    # everyone else receives (a card held for reveal, without its text).
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    public_payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    author_id: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Presence(Base):
    """One open socket of a participant, and the worker holding it; counts who is connected, per room."""

    __tablename__ = "presence"
    __table_args__ = (Index("ix_presence_room", "room_id"),)

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    worker: Mapped[str] = mapped_column(String(100), default="", server_default="")
    connected_at: Mapped[datetime] = mapped_column(default=utcnow)


class ModerationAction(Base):
    """One moderation action (who, what, when), for the organiser to read."""

    __tablename__ = "moderation_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    # The role and, for a facilitator, the room of the link that acted ("facilitator:Salle 1").
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(40))
    card_id: Mapped[int | None] = mapped_column()
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DotVote(Base):
    """A dot vote in a room: each participant places up to `dots` dots on cards."""

    __tablename__ = "dot_votes"

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    dots: Mapped[int] = mapped_column()
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column()


class Dot(Base):
    """One dot a participant placed on a card during a dot vote."""

    __tablename__ = "dots"
    __table_args__ = (Index("ix_dots_vote_participant", "vote_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("dot_votes.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Synthesis(Base):
    """A room's synthesis of one board: chosen cards in order and free text per column; published for the screen."""

    __tablename__ = "syntheses"
    __table_args__ = (UniqueConstraint("room_id", "board", name="uq_syntheses_room_board"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    # The board it synthesises (the syntheses made before boards had their own were the four questions').
    board: Mapped[str] = mapped_column(String(40), default="four_questions", server_default="four_questions")
    # Card ids in the order the facilitator chose, and {column key: text}.
    items: Mapped[list[int]] = mapped_column(JSON, default=list)
    texts: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # What the screen shows: the synthesis as it was when published (cards resolved to text).
    published: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    published_at: Mapped[datetime | None] = mapped_column()


class MatchAcceptance(Base):
    """One person's yes to an offer–need pair: both authors saying yes puts them in touch."""

    __tablename__ = "match_acceptances"
    __table_args__ = (UniqueConstraint("offer_id", "need_id", "participant_id", name="uq_match_acceptances"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("cards.id", ondelete="CASCADE"))
    need_id: Mapped[int] = mapped_column(ForeignKey("cards.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    # How to reach this person (an e-mail, a phone number), shown to the other only once both said yes.
    contact: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Hypothesis(Base):
    """A hypothesis the plenary tests: participants vote validée, infirmée or à nuancer."""

    __tablename__ = "hypotheses"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column()
    text: Mapped[str] = mapped_column(Text)
    # Cards of the ateliers that support or question it (card ids, in the organiser's order).
    evidence: Mapped[list[int]] = mapped_column(JSON, default=list)
    # Suggested evidence cards the organiser dismissed: not suggested again.
    dismissed: Mapped[list[int]] = mapped_column(JSON, default=list)
    # "draft" (not yet put to the vote), "open", "closed".
    state: Mapped[str] = mapped_column(String(20), default="draft")
    # What the plenary concluded, recorded by the organiser.
    conclusion: Mapped[str] = mapped_column(Text, default="")
    opened_at: Mapped[datetime | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class HypothesisVote(Base):
    """One participant's verdict on a hypothesis, with an optional reason; changeable while the vote is open."""

    __tablename__ = "hypothesis_votes"
    __table_args__ = (UniqueConstraint("hypothesis_id", "participant_id", name="uq_hypothesis_votes"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hypothesis_id: Mapped[int] = mapped_column(ForeignKey("hypotheses.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    # "validee", "infirmee" or "a_nuancer".
    verdict: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class GridPoint(Base):
    """A point of the grille de lecture: a question to ask oneself, under one of the four questions.

    `room_id` set: a facilitator's curation for their room; None: the event's grid, which the organiser publishes.
    """

    __tablename__ = "grid_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    # The grid board's column it answers (pourquoi, pour_quoi, comment, conditions).
    question: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column()
    text: Mapped[str] = mapped_column(Text)
    # The cards it was drawn from (card ids).
    cards: Mapped[list[int]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class GridAnswer(Base):
    """One participant's self-diagnosis with the published grid: their situation, and per point an answer and a note.

    Nobody else sees it: not the organiser, not the facilitators, not the exports.
    """

    __tablename__ = "grid_answers"
    __table_args__ = (UniqueConstraint("participant_id", name="uq_grid_answers_participant"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    # The cooperation situation the participant applies the grid to, in their words.
    situation: Mapped[str] = mapped_column(String(200), default="")
    # {point id: {"answer": "oui" | "en_partie" | "non" | "a_explorer", "note": text}}.
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
