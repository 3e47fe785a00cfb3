"""The plenary's hypotheses: the organiser puts them to the vote, participants say validée, infirmée or à nuancer.

At most one hypothesis is open at a time: opening one closes the one that was open, so phones
always know which one they are voting on. A closed hypothesis may be opened again; its votes stay.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, NotRequired, TypedDict

import numpy as np
from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from collab.domain.access import Principal
from collab.domain.audit import record_action
from collab.domain.errors import Conflict, Forbidden, Invalid, NotFound
from collab.domain.matching import folded_words, ngram_weights
from collab.domain.programme import organiser_event, renumber
from collab.domain.rooms import SHOWN_TO_ALL, card_data, iso
from collab.domain.templates import HYPOTHESIS_MAX
from collab.store.database import db
from collab.store.models import Card, Event, Hypothesis, HypothesisVote, Participant, Room

TEXT_MAX = HYPOTHESIS_MAX  # a hypothesis typed in the console, or read from a template
EVIDENCE_MAX = 20
CONCLUSION_MAX = 2000
REASON_MAX = 280
REASONS_SHOWN = 6
HYPOTHESES_MAX = 50
# The cards the organiser picks evidence from: the event's newest visible ones.
EVIDENCE_CHOICES_MAX = 2000
VERDICTS = ("validee", "infirmee", "a_nuancer")
# Evidence collab suggests for a hypothesis: the visible cards whose text is nearest its own, by the
# competence matcher's TF-IDF cosine of character n-grams (not its square root: the floor reads on the
# cosine). Measured on the seeded day, the 780 cards tests/data/day_cards.toml makes against the template's
# four hypotheses (tests/domain/test_hypotheses.py keeps it true): a card sharing no word of four letters
# or more with a hypothesis scores 0.06 to 0.105 at most, by hypothesis; cards sharing a word such as
# "ingénierie", "coopération" or "budget" score 0.12 to 0.22. At 0.12 each hypothesis still has 14 to 65
# cards above the floor, so the handful shown is full on a real day and empty on unrelated cards.
SUGGESTED_MAX = 8
SUGGESTION_FLOOR = 0.12
STATES = ("draft", "open", "closed")

Broadcast = dict[str, Any]


class Listed(TypedDict):
    """The hypotheses in order, and how many the event has (drafts too)."""

    hypotheses: list[dict[str, Any]]
    count: int


class OrganiserView(Listed):
    """What the organiser reads after a change: every hypothesis, the one changed, the screen it moved to."""

    hypothesis: NotRequired[dict[str, Any]]
    screen: NotRequired[dict[str, Any]]


class EvidenceChoices(TypedDict):
    """The cards the organiser may cite."""

    cards: list[dict[str, Any]]


class Suggestions(TypedDict):
    """The cards collab suggests as evidence, by hypothesis id (as a string, the way JSON keys are)."""

    suggestions: dict[str, list[dict[str, Any]]]


class VoteCast(TypedDict):
    """A participant's vote as stored, on the open hypothesis."""

    hypothesis: dict[str, Any]


def get_hypotheses(principal: Principal) -> Listed:
    """Return the hypotheses in order: all of them for the organiser, the open and closed ones for others.

    A participant also reads their own vote on each (`mine`).
    """
    with db.transaction() as session:
        listed = _listed(session, principal.event_id, drafts=principal.role == "organiser")
        if principal.participant_id is not None:
            mine = _votes_of(session, principal.participant_id, [h["id"] for h in listed])
            listed = [h | {"mine": mine.get(h["id"])} for h in listed]
        return Listed(hypotheses=listed, count=_count(session, principal.event_id))


def evidence_choices(principal: Principal) -> EvidenceChoices:
    """Return the cards the organiser may cite as evidence: every visible card of the event, newest first."""
    with db.transaction() as session:
        organiser_event(session, principal)
        rows = session.execute(
            _visible_cards(principal.event_id).order_by(Card.id.desc()).limit(EVIDENCE_CHOICES_MAX)
        ).tuples()
        cards = [_evidence_card(card, author, room) for card, author, room in rows]
        return EvidenceChoices(cards=cards)


def evidence_suggestions(principal: Principal) -> Suggestions:
    """Return, for each hypothesis, up to SUGGESTED_MAX visible cards nearest its text, nearest first (organiser).

    A card already cited or dismissed for a hypothesis is not suggested for it again; every card scores
    its similarity (0..1, `similarity`) and only those at SUGGESTION_FLOOR or above are suggested.
    """
    with db.transaction() as session:
        organiser_event(session, principal)
        ordered = _ordered(session, principal.event_id)
        rows = list(
            session.execute(
                _visible_cards(principal.event_id).order_by(Card.id.desc()).limit(EVIDENCE_CHOICES_MAX)
            ).tuples()
        )
        suggestions: dict[str, list[dict[str, Any]]] = {str(h.id): [] for h in ordered}
        texts = [folded_words(card.text) for card, _, _ in rows]
        if not ordered or not any(texts):
            return Suggestions(suggestions=suggestions)
        # One TF-IDF over the cards and the hypotheses: IDF weighs the words of this day's cards.
        weights = ngram_weights([*(folded_words(h.text) for h in ordered), *texts])
        similarity = (weights[: len(ordered)] @ weights[len(ordered) :].T).toarray()
        ids = np.array([card.id for card, _, _ in rows])
        # Rounded so that cards that differ only by float noise tie, and the newer card (higher id) comes first.
        scores = np.round(similarity, 6)
        for row, hypothesis in enumerate(ordered):
            score = np.where(np.isin(ids, [*hypothesis.evidence, *hypothesis.dismissed]), -1.0, scores[row])
            best = np.lexsort((-ids, -score))[:SUGGESTED_MAX]
            suggestions[str(hypothesis.id)] = [
                _evidence_card(*rows[col]) | {"similarity": float(score[col])}
                for col in best.tolist()
                if score[col] >= SUGGESTION_FLOOR
            ]
        return Suggestions(suggestions=suggestions)


def accept_evidence(principal: Principal, hypothesis_id: int, card_id: int) -> tuple[OrganiserView, Listed]:
    """Cite a suggested card as evidence of a hypothesis, after those cited (organiser)."""
    with db.transaction() as session:
        event = organiser_event(session, principal)
        hypothesis = _hypothesis(session, principal, hypothesis_id)
        _visible_card(session, event.id, card_id)
        if card_id in hypothesis.evidence:
            raise Conflict("this card is already cited for this hypothesis", card_id=card_id)
        if len(hypothesis.evidence) >= EVIDENCE_MAX:
            raise Conflict(f"a hypothesis cites up to {EVIDENCE_MAX} cards", field="evidence")
        hypothesis.evidence = [*hypothesis.evidence, card_id]
        hypothesis.dismissed = [i for i in hypothesis.dismissed if i != card_id]
        record_action(session, principal, None, "accept_evidence", card_id=card_id, hypothesis_id=hypothesis.id)
        return _organiser_change(session, event.id, hypothesis)


def dismiss_evidence(principal: Principal, hypothesis_id: int, card_id: int) -> OrganiserView:
    """Set a suggested card aside for a hypothesis: it is not suggested for it again (organiser)."""
    with db.transaction() as session:
        event = organiser_event(session, principal)
        hypothesis = _hypothesis(session, principal, hypothesis_id)
        _visible_card(session, event.id, card_id)
        if card_id in hypothesis.evidence:
            raise Conflict("this card is cited for this hypothesis: take it out in the form", card_id=card_id)
        if card_id not in hypothesis.dismissed:
            hypothesis.dismissed = [*hypothesis.dismissed, card_id]
            record_action(session, principal, None, "dismiss_evidence", card_id=card_id, hypothesis_id=hypothesis.id)
        view, _ = _organiser_change(session, event.id, hypothesis)
        return view


def save_hypothesis(
    principal: Principal, hypothesis_id: int | None, text: str, evidence: list[int]
) -> tuple[OrganiserView, Listed]:
    """Write a new hypothesis (`hypothesis_id` None, as a draft, last) or change one's text and evidence."""
    text = " ".join(text.split())
    if not 1 <= len(text) <= TEXT_MAX:
        raise Invalid(f"a hypothesis has 1 to {TEXT_MAX} characters", field="text")
    if len(evidence) > EVIDENCE_MAX or len(set(evidence)) != len(evidence):
        raise Invalid(f"a hypothesis cites up to {EVIDENCE_MAX} different cards", field="evidence")
    with db.transaction() as session:
        event = organiser_event(session, principal)
        if evidence:
            shown = set(session.scalars(select(Card.id).where(Card.id.in_(evidence)).where(_visible(event.id))))
            missing = [card_id for card_id in evidence if card_id not in shown]
            if missing:
                raise Invalid("these cards are not visible cards of the event", field="evidence", cards=missing)
        if hypothesis_id is None:
            count = session.scalar(select(func.count()).where(Hypothesis.event_id == event.id)) or 0
            if count >= HYPOTHESES_MAX:
                raise Invalid(f"an event has at most {HYPOTHESES_MAX} hypotheses", field="hypothesis_id")
            hypothesis = Hypothesis(event_id=event.id, position=count, text=text, evidence=list(evidence))
            session.add(hypothesis)
            session.flush()
            renumber(_ordered(session, event.id))
        else:
            hypothesis = _hypothesis(session, principal, hypothesis_id)
            hypothesis.text = text
            hypothesis.evidence = list(evidence)
        session.flush()
        record_action(
            session, principal, None, "save_hypothesis", hypothesis_id=hypothesis.id, text=text, evidence=len(evidence)
        )
        return _organiser_change(session, event.id, hypothesis)


def delete_hypothesis(principal: Principal, hypothesis_id: int) -> tuple[OrganiserView, Listed]:
    """Remove a hypothesis and its votes (organiser)."""
    with db.transaction() as session:
        event = organiser_event(session, principal)
        hypothesis = _hypothesis(session, principal, hypothesis_id)
        record_action(session, principal, None, "delete_hypothesis", hypothesis_id=hypothesis.id, text=hypothesis.text)
        session.execute(delete(HypothesisVote).where(HypothesisVote.hypothesis_id == hypothesis.id))
        session.delete(hypothesis)
        session.flush()
        renumber(_ordered(session, event.id))
        return _organiser_change(session, event.id, None)


def move_hypothesis(principal: Principal, hypothesis_id: int, position: int) -> tuple[OrganiserView, Listed]:
    """Put a hypothesis at `position` (0 is first) in the order the plenary takes them (organiser)."""
    with db.transaction() as session:
        event = organiser_event(session, principal)
        hypothesis = _hypothesis(session, principal, hypothesis_id)
        others = [h for h in _ordered(session, event.id) if h.id != hypothesis.id]
        if not 0 <= position <= len(others):
            raise Invalid(f"position is 0 to {len(others)}", field="position")
        others.insert(position, hypothesis)
        renumber(others)
        record_action(session, principal, None, "move_hypothesis", hypothesis_id=hypothesis.id, position=position)
        return _organiser_change(session, event.id, hypothesis)


def open_hypothesis(principal: Principal, hypothesis_id: int) -> tuple[OrganiserView, Listed]:
    """Put a hypothesis to the vote; the one that was open closes (organiser).

    Unless the organiser turned it off (`screen_follows_votes`), the plenary screen shows the vote:
    the answer then carries the screen's new mode (`screen`), for the transport to announce.
    """
    with db.transaction() as session:
        event = organiser_event(session, principal)
        hypothesis = _hypothesis(session, principal, hypothesis_id)
        now = datetime.now(UTC)
        closed = None
        if hypothesis.state != "open":
            for other in session.scalars(
                select(Hypothesis).where(Hypothesis.event_id == event.id, Hypothesis.state == "open")
            ):
                other.state, other.closed_at, closed = "closed", now, other.id
            hypothesis.state, hypothesis.opened_at, hypothesis.closed_at = "open", now, None
            record_action(
                session,
                principal,
                None,
                "open_hypothesis",
                hypothesis_id=hypothesis.id,
                text=hypothesis.text,
                closed=closed,
            )
        view, changed = _organiser_change(session, event.id, hypothesis)
        if event.screen_follows_votes is not False:
            event.screen = {"mode": "hypothesis", "hypothesis_id": hypothesis.id}
            view["screen"] = dict(event.screen)
        return view, changed


def close_hypothesis(principal: Principal, hypothesis_id: int) -> tuple[OrganiserView, Listed]:
    """End the vote on a hypothesis: its results stand, votes are no longer taken (organiser)."""
    with db.transaction() as session:
        event = organiser_event(session, principal)
        hypothesis = _hypothesis(session, principal, hypothesis_id)
        if hypothesis.state == "draft":
            raise Conflict("this hypothesis was never put to the vote")
        if hypothesis.state == "open":
            hypothesis.state, hypothesis.closed_at = "closed", datetime.now(UTC)
            record_action(
                session, principal, None, "close_hypothesis", hypothesis_id=hypothesis.id, text=hypothesis.text
            )
        return _organiser_change(session, event.id, hypothesis)


def conclude_hypothesis(principal: Principal, hypothesis_id: int, conclusion: str) -> tuple[OrganiserView, Listed]:
    """Record what the plenary concluded about a hypothesis ("" takes the conclusion away); organiser."""
    conclusion = conclusion.strip()
    if len(conclusion) > CONCLUSION_MAX:
        raise Invalid(f"a conclusion has at most {CONCLUSION_MAX} characters", field="conclusion")
    with db.transaction() as session:
        event = organiser_event(session, principal)
        hypothesis = _hypothesis(session, principal, hypothesis_id)
        hypothesis.conclusion = conclusion
        record_action(
            session, principal, None, "conclude_hypothesis", hypothesis_id=hypothesis.id, text=hypothesis.text
        )
        return _organiser_change(session, event.id, hypothesis)


def vote_hypothesis(principal: Principal, hypothesis_id: int, verdict: str, reason: str) -> VoteCast:
    """Give or change a participant's verdict on the open hypothesis; return it as stored.

    One row per participant and hypothesis, whatever the number of their sockets voting at once.
    The answer carries what the phone lacks, its vote as stored; the results are counted
    when they leave for the screens (`vote_results`), a few times a second, not once per vote.
    """
    if principal.role != "participant" or principal.participant_id is None:
        raise Forbidden("only participants vote")
    if verdict not in VERDICTS:
        raise Invalid(f"a verdict is one of {', '.join(VERDICTS)}", field="verdict")
    reason = " ".join(reason.split())
    if len(reason) > REASON_MAX:
        raise Invalid(f"a reason has at most {REASON_MAX} characters", field="reason")
    with db.transaction() as session:
        # A shared lock: votes go side by side, a close waits for them (and they for it).
        hypothesis = session.get(Hypothesis, hypothesis_id, with_for_update={"read": True})
        if hypothesis is None or hypothesis.event_id != principal.event_id:
            raise NotFound(f"no hypothesis {hypothesis_id} in this event")
        if hypothesis.state != "open":
            raise Conflict("the vote on this hypothesis is not open", state=hypothesis.state)
        _upsert_vote(session, hypothesis.id, principal.participant_id, verdict, reason)
    mine = {"verdict": verdict, "reason": reason}
    return VoteCast(hypothesis={"id": hypothesis_id, "state": "open", "mine": mine})


def vote_results(hypothesis_id: int) -> Broadcast:
    """Return a hypothesis's live results as screens and consoles receive them (`hypothesis_results`)."""
    with db.reading(), db.transaction() as session:
        scales = session.scalar(
            select(Event.scales).join(Hypothesis, Hypothesis.event_id == Event.id).where(Hypothesis.id == hypothesis_id)
        )
        return {"hypothesis_id": hypothesis_id, **_results(session, hypothesis_id, scales or [])}


def scale_counts(scales: list[dict[str, Any]], counted: Any) -> list[tuple[str, str, dict[str, int]]]:
    """Return (scale, label, counts per verdict) of the scales that voted, from (scale, verdict, count) rows.

    The event's scales come first, in their order; then scales it no longer lists, under their raw key.
    """
    by_scale: dict[str, dict[str, int]] = {}
    for scale, verdict, n in counted:
        by_scale.setdefault(scale, dict.fromkeys(VERDICTS, 0))[verdict] = int(n)
    labels = {scale["key"]: scale["label"] for scale in scales}
    known = [key for key in labels if key in by_scale]
    unknown = sorted(key for key in by_scale if key not in labels)
    return [(key, labels.get(key, key), by_scale[key]) for key in (*known, *unknown)]


def _upsert_vote(session: Session, hypothesis_id: int, participant_id: int, verdict: str, reason: str) -> None:
    """Insert the vote, or update it in place when the participant already voted (INSERT … ON CONFLICT)."""
    now = datetime.now(UTC)
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(HypothesisVote).values(
        hypothesis_id=hypothesis_id,
        participant_id=participant_id,
        verdict=verdict,
        reason=reason,
        created_at=now,
        updated_at=now,
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["hypothesis_id", "participant_id"],
            set_={"verdict": verdict, "reason": reason, "updated_at": now},
        )
    )


def _organiser_change(session: Session, event_id: int, hypothesis: Hypothesis | None) -> tuple[OrganiserView, Listed]:
    """Return the organiser's view (every hypothesis, drafts too) and `hypotheses_changed` (no drafts)."""
    session.flush()
    listed = _listed(session, event_id, drafts=True)
    view = OrganiserView(hypotheses=listed, count=len(listed))
    if hypothesis is not None:
        view["hypothesis"] = next(h for h in listed if h["id"] == hypothesis.id)
    # `count`: every hypothesis, drafts too, so that screens say "Hypothèse 2 / 4" from the first vote.
    return view, Listed(hypotheses=[h for h in listed if h["state"] != "draft"], count=len(listed))


def _count(session: Session, event_id: int) -> int:
    """Return how many hypotheses the event has, drafts too."""
    return session.scalar(select(func.count()).where(Hypothesis.event_id == event_id)) or 0


def _listed(session: Session, event_id: int, drafts: bool) -> list[dict[str, Any]]:
    """Return an event's hypotheses in order, as H objects (without `mine`)."""
    scales = session.scalar(select(Event.scales).where(Event.id == event_id)) or []
    return [_entry(session, h, scales) for h in _ordered(session, event_id) if drafts or h.state != "draft"]


def _entry(session: Session, hypothesis: Hypothesis, scales: list[dict[str, Any]]) -> dict[str, Any]:
    """Return one hypothesis as clients read it: its evidence as everyone may see it, its results."""
    return {
        "id": hypothesis.id,
        "position": hypothesis.position,
        "text": hypothesis.text,
        "evidence": _evidence(session, hypothesis),
        "state": hypothesis.state,
        "conclusion": hypothesis.conclusion,
        "opened_at": iso(hypothesis.opened_at) if hypothesis.opened_at else None,
        "closed_at": iso(hypothesis.closed_at) if hypothesis.closed_at else None,
        **_results(session, hypothesis.id, scales),
    }


def _results(session: Session, hypothesis_id: int, scales: list[dict[str, Any]]) -> dict[str, Any]:
    """Return a hypothesis's counts per verdict, in all and by the voters' scale, and the newest reasons given.

    One grouped query counts the votes by scale and verdict; the overall counts are their sums.
    """
    by_scale = scale_counts(scales, _counted(session, [hypothesis_id]).get(hypothesis_id, []))
    results = {verdict: sum(counts[verdict] for _, _, counts in by_scale) for verdict in VERDICTS}
    reasons = session.execute(
        select(HypothesisVote.verdict, HypothesisVote.reason)
        .where(HypothesisVote.hypothesis_id == hypothesis_id, HypothesisVote.reason != "")
        .order_by(HypothesisVote.updated_at.desc(), HypothesisVote.id.desc())
        .limit(REASONS_SHOWN)
    ).tuples()
    return {
        "results": results | {"total": sum(results.values())},
        "by_scale": [
            {"scale": key, "label": label, "results": counts | {"total": sum(counts.values())}}
            for key, label, counts in by_scale
        ],
        "reasons": [{"verdict": verdict, "reason": reason} for verdict, reason in reasons],
    }


def _counted(session: Session, hypothesis_ids: list[int]) -> dict[int, list[tuple[str, str, int]]]:
    """Return the (scale, verdict, count) of the votes on these hypotheses, by hypothesis id, in one query."""
    rows = session.execute(
        select(HypothesisVote.hypothesis_id, Participant.scale, HypothesisVote.verdict, func.count())
        .join(Participant, HypothesisVote.participant_id == Participant.id)
        .where(HypothesisVote.hypothesis_id.in_(hypothesis_ids))
        .group_by(HypothesisVote.hypothesis_id, Participant.scale, HypothesisVote.verdict)
    ).tuples()
    counted: dict[int, list[tuple[str, str, int]]] = {}
    for hypothesis_id, scale, verdict, n in rows:
        counted.setdefault(hypothesis_id, []).append((scale, verdict, int(n)))
    return counted


def _evidence(session: Session, hypothesis: Hypothesis) -> list[dict[str, Any]]:
    """Return the cited cards still visible, in the organiser's order (hidden or deleted ones left out)."""
    if not hypothesis.evidence:
        return []
    rows = session.execute(_visible_cards(hypothesis.event_id).where(Card.id.in_(hypothesis.evidence))).tuples()
    found = {
        card.id: card_data(card, author) | {"room_id": room.id, "room_name": room.name} for card, author, room in rows
    }
    return [found[card_id] for card_id in hypothesis.evidence if card_id in found]


def _evidence_card(card: Card, author: Participant, room: Room) -> dict[str, Any]:
    """Return a card as evidence: a card object with its room's id and name."""
    return card_data(card, author) | {"room_id": room.id, "room_name": room.name}


def _visible(event_id: int) -> Any:
    """Return the condition of a card everyone in the event may read (joined with its room)."""
    return Card.room_id.in_(select(Room.id).where(Room.event_id == event_id)) & SHOWN_TO_ALL


def _visible_card(session: Session, event_id: int, card_id: int) -> None:
    """Raise Invalid unless the card is a visible card of the event."""
    if session.scalar(select(Card.id).where(Card.id == card_id, _visible(event_id))) is None:
        raise Invalid("this card is not a visible card of the event", field="card_id", card_id=card_id)


def _visible_cards(event_id: int) -> Any:
    """Return a query of the event's visible cards with their author and room."""
    return (
        select(Card, Participant, Room)
        .join(Participant, Card.participant_id == Participant.id)
        .join(Room, Card.room_id == Room.id)
        .where(_visible(event_id))
    )


def _votes_of(session: Session, participant_id: int, ids: list[int]) -> dict[int, dict[str, str]]:
    """Return a participant's votes on these hypotheses, by hypothesis id."""
    if not ids:
        return {}
    rows = session.scalars(
        select(HypothesisVote).where(
            HypothesisVote.participant_id == participant_id, HypothesisVote.hypothesis_id.in_(ids)
        )
    )
    return {row.hypothesis_id: {"verdict": row.verdict, "reason": row.reason} for row in rows}


def _hypothesis(session: Session, principal: Principal, hypothesis_id: int) -> Hypothesis:
    """Return a hypothesis of the principal's event, or raise NotFound."""
    hypothesis = session.get(Hypothesis, hypothesis_id)
    if hypothesis is None or hypothesis.event_id != principal.event_id:
        raise NotFound(f"no hypothesis {hypothesis_id} in this event")
    return hypothesis


def _ordered(session: Session, event_id: int) -> list[Hypothesis]:
    """Return an event's hypotheses in the plenary's order."""
    return list(
        session.scalars(
            select(Hypothesis).where(Hypothesis.event_id == event_id).order_by(Hypothesis.position, Hypothesis.id)
        )
    )
