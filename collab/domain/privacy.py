"""Personal data: what the privacy notice says, a participant erasing themselves, and an event
anonymised once its retention has passed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypedDict

from sqlalchemy import CursorResult, Executable, delete, func, select, update
from sqlalchemy.orm import Session

from collab.domain.access import Principal
from collab.domain.competences import touches_competences
from collab.domain.errors import Forbidden, NotFound, Unauthorised
from collab.domain.events import normalise_code
from collab.domain.outcome import Outcome
from collab.domain.rooms import full_card, iso, next_seq, record_card_change, record_change, record_roles_changed
from collab.domain.syntheses import published_of
from collab.store.database import db
from collab.store.models import (
    Card,
    Change,
    Event,
    GridAnswer,
    HypothesisVote,
    MatchAcceptance,
    ModerationAction,
    Participant,
    Room,
    Synthesis,
)

ERASE_POLICIES = ("remove", "withdrawn")


def privacy_notice(code: str) -> dict[str, Any]:
    """Return what the privacy notice of the event with this join code tells, or raise NotFound."""
    with db.transaction() as session:
        event = session.scalar(select(Event).where(Event.join_code == normalise_code(code)))
        if event is None:
            raise NotFound("no event has this code")
        return {
            "title": event.title,
            "join_code": event.join_code,
            "contact": event.contact.strip(),
            "retention_days": event.retention_days,
            "erase_policy": event.erase_policy if event.erase_policy in ERASE_POLICIES else "withdrawn",
            "closed_at": iso(event.closed_at) if event.closed_at else None,
            "anonymise_after": iso(deadline) if (deadline := anonymise_after(event)) else None,
            "anonymised_at": iso(event.anonymised_at) if event.anonymised_at else None,
        }


class Erased(TypedDict):
    """The reply to a participant erasing themselves: what the policy did, to how many cards and contacts."""

    erased: bool
    policy: str
    cards: int
    contacts: int


@dataclass
class Erasure:
    """What erasing a participant changed: the room's changes and reply, the hypotheses
    whose results lost a reason, and the published syntheses as they now are (to send again)."""

    outcome: Outcome[Erased]
    hypotheses: list[int]
    syntheses: list[dict[str, Any]]


def erase_participant(principal: Principal, now: datetime | None = None) -> Erasure:
    """Erase a participant at their own request ("Effacer mes contributions"), in one transaction.

    Their cards are removed like a deleted card (policy "remove") or kept without author (policy
    "withdrawn"), each change numbered in the room so that open screens follow; their contact lines
    are erased, their pseudonym blanked and `erased_at` set: their token is refused from then on.
    Their dots and hypothesis verdicts stay as counts; under "remove" their reasons are blanked too.
    """
    if principal.role != "participant" or principal.participant_id is None:
        raise Forbidden("only a participant erases themselves")
    now = now or datetime.now(UTC)
    with db.transaction() as session:
        participant = session.get(Participant, principal.participant_id)
        if participant is None or participant.erased_at is not None:
            raise Unauthorised("this participant is unknown; join again")
        event = session.get(Event, participant.event_id)
        assert event is not None
        policy = event.erase_policy if event.erase_policy in ERASE_POLICIES else "withdrawn"
        room_id = participant.room_id
        # Taking the room's number first locks the room: a post or a merge waits for the erasure.
        seq = next_seq(session, room_id)
        participant.pseudonym = ""
        participant.erased_at = now
        session.flush()
        changes = [record_roles_changed(session, room_id, seq)]
        cards = list(
            session.scalars(
                select(Card).where(Card.participant_id == participant.id, Card.deleted_at.is_(None)).order_by(Card.seq)
            )
        )
        reasons: list[int] = []
        if policy == "remove":
            changes += _remove_cards(session, participant.id, cards, now)
            reasons = list(
                session.scalars(
                    update(HypothesisVote)
                    .where(HypothesisVote.participant_id == participant.id, HypothesisVote.reason != "")
                    .values(reason="")
                    .returning(HypothesisVote.hypothesis_id)
                )
            )
        else:
            changes += _withdraw_cards(session, cards)
        contacts = _count(
            session,
            update(MatchAcceptance)
            .where(MatchAcceptance.participant_id == participant.id, MatchAcceptance.contact != "")
            .values(contact=""),
        )
        # Their self-diagnosis was theirs alone: it goes with them.
        session.execute(delete(GridAnswer).where(GridAnswer.participant_id == participant.id))
        card_ids = {card.id for card in cards}
        published = _rewrite_syntheses(session, [room_id], card_ids, remove=policy == "remove")
        if policy == "remove":
            _forget_texts(session, cards)
        # Earlier changes are replayed to clients that missed them and are part of the archive.
        _scrub_changes(session, [room_id], {participant.id}, card_ids if policy == "remove" else set())
        reply: Erased = {"erased": True, "policy": policy, "cards": len(cards), "contacts": contacts}
        touched = bool(changes) and touches_competences(session, principal.event_id, changes)
        return Erasure(Outcome(reply=reply, changes=changes, competences=touched), reasons, published)


def _count(session: Session, statement: Executable) -> int:
    """Run an UPDATE and return how many rows it changed."""
    result: CursorResult[Any] = session.execute(statement)  # type: ignore[assignment]
    return result.rowcount


def _remove_cards(session: Session, participant_id: int, cards: list[Card], now: datetime) -> list[dict[str, Any]]:
    """Remove a participant's cards as a deleted card is removed; return the room changes, in order.

    Other people's duplicates merged into one of them come back on their own first; a card of
    someone else that held one of them as a duplicate is sent again without it.
    """
    changes: list[dict[str, Any]] = []
    theirs = {card.id for card in cards}
    targets: dict[int, Card] = {}
    for card in cards:
        others = list(
            session.scalars(
                select(Card)
                .where(Card.merged_into_id == card.id, Card.deleted_at.is_(None), Card.participant_id != participant_id)
                .order_by(Card.seq)
            )
        )
        if others:
            for other in others:
                other.merged_into_id = None
            session.flush()
            restored = [full_card(session, other) for other in others]
            visible = [c for c in restored if not c["hidden"]]
            public = None if len(visible) == len(restored) else {"cards": visible}
            changes.append(record_change(session, card.room_id, "merge_undone", {"cards": restored}, public=public))
        if card.merged_into_id is not None and card.merged_into_id not in theirs:
            target = session.get(Card, card.merged_into_id)
            if target is not None and target.deleted_at is None:
                targets[target.id] = target
        card.deleted_at = now
        changes.append(record_change(session, card.room_id, "card_deleted", {"card_id": card.id, "board": card.board}))
    session.flush()
    changes += [record_card_change(session, target, "card_updated") for target in targets.values()]
    return changes


def _withdraw_cards(session: Session, cards: list[Card]) -> list[dict[str, Any]]:
    """Send a participant's cards again, now without author; a merged duplicate through its card."""
    shown: dict[int, Card] = {}
    for card in cards:
        target = session.get(Card, card.merged_into_id) if card.merged_into_id is not None else card
        if target is not None and target.deleted_at is None:
            shown[target.id] = target
    return [record_card_change(session, card, "card_updated") for card in shown.values()]


def _rewrite_syntheses(
    session: Session, room_ids: list[int], card_ids: set[int] | None, remove: bool
) -> list[dict[str, Any]]:
    """Take erased authors out of the published syntheses of these rooms (the screen's frozen copies);
    return those that changed, as published now.

    `card_ids` None: every card's author (an anonymised event). `remove`: drop the cards instead.
    """
    changed = []
    for synthesis in session.scalars(select(Synthesis).where(Synthesis.room_id.in_(room_ids))):
        if synthesis.published is None:
            continue
        kept = []
        for card in synthesis.published.get("cards", []):
            if card_ids is None or card["id"] in card_ids:
                if remove:
                    continue
                card = card | {"author": {"pseudonym": "", "scale": card["author"]["scale"], "erased": True}}
            kept.append(card)
        if kept != synthesis.published.get("cards", []):
            synthesis.published = synthesis.published | {"cards": kept}
            changed.append(published_of(synthesis))
    return changed


def _forget_texts(session: Session, cards: list[Card]) -> None:
    """Keep nothing of removed cards' words: their text, the text as posted, the log's copies."""
    for card in cards:
        card.text = ""
        card.original_text = None
    ids = [card.id for card in cards]
    if ids:
        session.execute(update(ModerationAction).where(ModerationAction.card_id.in_(ids)).values(details={}))


def _scrub_changes(session: Session, room_ids: list[int], people: set[int] | None, texts: set[int]) -> None:
    """Rewrite the stored changes of these rooms without the pseudonyms of `people` (None: everyone's)
    and without the words of the cards `texts`."""
    for change in session.scalars(select(Change).where(Change.room_id.in_(room_ids))):
        payload = _scrubbed(change.payload, people, texts)
        if payload != change.payload:
            change.payload = payload
        if change.public_payload is not None:
            public = _scrubbed(change.public_payload, people, texts)
            if public != change.public_payload:
                change.public_payload = public


def _scrubbed(value: Any, people: set[int] | None, texts: set[int]) -> Any:
    """Return a change's payload with the pseudonyms of `people` blanked (their authors marked erased)
    and the words of the cards `texts` blanked, at any depth (a card, its duplicates, a list of roles)."""
    if isinstance(value, list):
        return [_scrubbed(item, people, texts) for item in value]
    if not isinstance(value, dict):
        return value
    out = {key: _scrubbed(item, people, texts) for key, item in value.items()}
    if "pseudonym" in out:
        # A card's author names them by `id`; an entry of the room's roles by `participant_id`.
        who = out.get("id", out.get("participant_id"))
        if people is None or who in people:
            out["pseudonym"] = ""
            if "id" in out:
                out["erased"] = True
    if "board" in out and "text" in out and out.get("id") in texts:
        out["text"] = ""
    return out


def anonymise_after(event: Event) -> datetime | None:
    """Return when an event's personal data is due for anonymisation (None: never, or not closed yet)."""
    if event.closed_at is None or event.retention_days is None:
        return None
    closed_at = event.closed_at if event.closed_at.tzinfo else event.closed_at.replace(tzinfo=UTC)
    return closed_at + timedelta(days=event.retention_days)


def anonymise_due_events(now: datetime | None = None) -> list[dict[str, Any]]:
    """Anonymise every event whose retention has passed by `now` (default: the current UTC time).

    Each event in its own transaction: pseudonyms blanked (`erased_at` set, so their tokens are
    refused), contact lines erased, the published syntheses without authors, cards kept without
    author, `anonymised_at` set. Safe to run on every worker at once: only the first to mark an
    event anonymises it. Returns what was done, one entry per event.
    """
    now = now or datetime.now(UTC)
    with db.transaction() as session:
        candidates = list(
            session.scalars(
                select(Event).where(
                    Event.closed_at.is_not(None), Event.retention_days.is_not(None), Event.anonymised_at.is_(None)
                )
            )
        )
        due = [event.id for event in candidates if (deadline := anonymise_after(event)) and deadline <= now]
    done = []
    for event_id in due:
        result = _anonymise_event(event_id, now)
        if result is not None:
            done.append(result)
    return done


def _anonymise_event(event_id: int, now: datetime) -> dict[str, Any] | None:
    """Anonymise one event unless another process did it first; return what was done."""
    with db.transaction() as session:
        # The one UPDATE that claims the event: a second worker finds it marked and does nothing.
        claimed = _count(
            session, update(Event).where(Event.id == event_id, Event.anonymised_at.is_(None)).values(anonymised_at=now)
        )
        if not claimed:
            return None
        event = session.get(Event, event_id)
        assert event is not None
        named = session.scalar(
            select(func.count(Participant.id)).where(Participant.event_id == event_id, Participant.pseudonym != "")
        )
        session.execute(
            update(Participant)
            .where(Participant.event_id == event_id, Participant.erased_at.is_(None))
            .values(erased_at=now)
        )
        session.execute(update(Participant).where(Participant.event_id == event_id).values(pseudonym=""))
        contacts = _count(
            session,
            update(MatchAcceptance)
            .where(MatchAcceptance.event_id == event_id, MatchAcceptance.contact != "")
            .values(contact=""),
        )
        session.execute(delete(GridAnswer).where(GridAnswer.event_id == event_id))
        room_ids = list(session.scalars(select(Room.id).where(Room.event_id == event_id)))
        _rewrite_syntheses(session, room_ids, None, remove=False)
        _scrub_changes(session, room_ids, None, set())
        return {
            "id": event.id,
            "title": event.title,
            "join_code": event.join_code,
            "anonymised_at": iso(now),
            "pseudonyms": named or 0,
            "contacts": contacts,
        }
