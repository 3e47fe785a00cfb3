"""Atelier 3: offers and needs across every room, the pairs proposed, and people put in touch.

The pairs are computed from the event's visible competence cards (collab.domain.matching) and
kept until one of those cards changes; each phone, console and screen asks for its own view.
"""

from __future__ import annotations

import threading
from typing import Any, Literal, TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from collab.domain.access import Principal
from collab.domain.errors import Forbidden, Invalid, NotFound
from collab.domain.events import SKILL_TYPE_LABELS
from collab.domain.matching import Match, Skill, best_for_need, best_for_offer, gaps, match_competences
from collab.domain.rooms import SHOWN_TO_ALL, card_data
from collab.offload import offload
from collab.store.database import db
from collab.store.models import Card, Event, MatchAcceptance, Participant, Room

CONTACT_MAX = 200
PROPOSALS = 3
TOP = 10
COMPETENCES_KIND = "competences"


class Matches(TypedDict):
    """A participant's offers and needs, each with the pairs proposed."""

    offers: list[dict[str, Any]]
    needs: list[dict[str, Any]]


class MatchSeen(TypedDict):
    """A pair as one of its authors now sees it."""

    match: dict[str, Any]


class CompetenceMap(TypedDict):
    """The event's map of competences: totals, types, the needs nobody answers, the strongest pairs."""

    totals: dict[str, int]
    types: list[dict[str, Any]]
    gaps: list[dict[str, Any]]
    top: list[dict[str, Any]]


_cache_lock = threading.Lock()
# event id → (its creation time, its rooms' names and sequence numbers; its competence cards by
# id; their pairs).
# Every change to a card takes its room's next number, so unchanged numbers are unchanged cards:
# after one offer is posted, the first phone to ask computes the pairs, the others read them.
_cache: dict[int, tuple[tuple[Any, ...], dict[int, dict[str, Any]], list[Match]]] = {}


def competence_boards(session: Session, event_id: int) -> set[str]:
    """Return the keys of the event's competences boards."""
    event = session.get(Event, event_id)
    return {b["key"] for b in (event.boards if event else []) if b.get("kind") == COMPETENCES_KIND}


def touches_competences(session: Session, event_id: int, changes: list[dict[str, Any]]) -> bool:
    """Tell whether room changes concern a competence card (so the pairs may have changed)."""
    boards: set[str] = set()
    for change in changes:
        payload = change["payload"]
        cards = [payload["card"]] if isinstance(payload.get("card"), dict) else list(payload.get("cards", []))
        # Only competence cards carry a skill: most changes are told apart without reading the event.
        if any(card.get("skill") for card in cards):
            return True
        if isinstance(payload.get("board"), str):
            boards.add(payload["board"])
    return bool(boards) and bool(boards & competence_boards(session, event_id))


def get_matches(principal: Principal) -> Matches:
    """Return a participant's offers and needs, each with the pairs proposed ("who could help me",
    "whom I could help") and the pairs someone already said yes to."""
    if principal.role != "participant" or principal.participant_id is None:
        raise Forbidden("only participants have offers and needs")
    with db.transaction() as session:
        cards, matches = _event_matches(session, principal.event_id)
        accepted = _acceptances(session, principal.event_id)
        me = principal.participant_id
        mine = [card for card in cards.values() if card["author"]["id"] == me]
        answer = Matches(offers=[], needs=[])
        for card in sorted(mine, key=lambda c: c["id"]):
            side: Literal["offers", "needs"] = "offers" if card["column"] == "offre" else "needs"
            rank = best_for_offer if side == "offers" else best_for_need
            best = rank(matches, card["id"], PROPOSALS)
            pairs = [(m.offer_id, m.need_id) for m in best]
            # A pair someone said yes to stays on the list, even when others now rank higher.
            for offer_id, need_id in accepted:
                visible = offer_id in cards and need_id in cards
                if visible and card["id"] in (offer_id, need_id) and (offer_id, need_id) not in pairs:
                    pairs.append((offer_id, need_id))
            by_pair = {(m.offer_id, m.need_id): m for m in matches}
            entries = [_entry(cards, by_pair.get(pair), pair, accepted, me) for pair in pairs]
            answer[side].append({"card": card, "matches": entries})
        return answer


def accept_match(principal: Principal, offer_id: int, need_id: int, contact: str) -> tuple[MatchSeen, set[int]]:
    """Say yes to an offer–need pair one of whose cards is mine; return the pair as I now see it and
    the participants to tell (both authors). Once both said yes, each reads the other's contact."""
    contact = " ".join(contact.split())
    if len(contact) > CONTACT_MAX:
        raise Invalid(f"a contact line has at most {CONTACT_MAX} characters", field="contact")
    with db.transaction() as session:
        offer, need, me = _pair(session, principal, offer_id, need_id)
        row = _acceptance(session, offer.id, need.id, me)
        if row is None:
            session.add(
                MatchAcceptance(
                    event_id=principal.event_id, offer_id=offer.id, need_id=need.id, participant_id=me, contact=contact
                )
            )
        else:
            row.contact = contact
        session.flush()
        cards, matches = _event_matches(session, principal.event_id)
        by_pair = {(m.offer_id, m.need_id): m for m in matches}
        pair = (offer.id, need.id)
        entry = _entry(cards, by_pair.get(pair), pair, _acceptances(session, principal.event_id), me)
        return MatchSeen(match=entry), {offer.participant_id, need.participant_id}


def withdraw_match(principal: Principal, offer_id: int, need_id: int) -> set[int]:
    """Take back my yes to a pair; return the participants to tell."""
    with db.transaction() as session:
        offer, need, me = _pair(session, principal, offer_id, need_id)
        row = _acceptance(session, offer.id, need.id, me)
        if row is not None:
            session.delete(row)
        return {offer.participant_id, need.participant_id}


def competence_map(principal: Principal) -> CompetenceMap:
    """Return the event's overall map for the staff and the screen: what is offered and needed by type,
    the needs nobody's offer answers, and the strongest pairs."""
    if principal.role not in ("organiser", "facilitator", "screen"):
        raise Forbidden("the map of competences is for the staff and the screen")
    with db.transaction() as session:
        cards, matches = _event_matches(session, principal.event_id)
        offers = [c for c in cards.values() if c["column"] == "offre"]
        needs = [c for c in cards.values() if c["column"] == "besoin"]
        unanswered = gaps([_skill(c) for c in needs], matches)
        types = [
            {
                "type": key,
                "label": label,
                "offers": sum(1 for c in offers if c["skill"]["type"] == key),
                "needs": sum(1 for c in needs if c["skill"]["type"] == key),
            }
            for key, label in SKILL_TYPE_LABELS.items()
        ]
        top = [_entry(cards, m, (m.offer_id, m.need_id), None, None) for m in matches[:TOP]]
        return CompetenceMap(
            totals={"offers": len(offers), "needs": len(needs), "matches": len(matches), "gaps": len(unanswered)},
            types=types,
            gaps=[cards[skill.id] for skill in unanswered],
            top=top,
        )


def _event_matches(session: Session, event_id: int) -> tuple[dict[int, dict[str, Any]], list[Match]]:
    """Return the event's visible competence cards by id, and the pairs proposed between them.

    Callers read what is returned and never change it: it is shared until the cards change.
    """
    # Read before the cards: a change committed in between makes the next call compute again.
    # The event's creation time tells apart two databases (tests) whose events have the same id.
    version = (
        session.scalar(select(Event.created_at).where(Event.id == event_id)),
        *session.execute(
            select(Room.id, Room.seq, Room.name).where(Room.event_id == event_id).order_by(Room.id)
        ).tuples(),
    )
    with _cache_lock:
        cached = _cache.get(event_id)
        if cached is not None and cached[0] == version:
            return cached[1], cached[2]
    boards = competence_boards(session, event_id)
    rows = session.execute(
        select(Card, Participant, Room)
        .join(Participant, Card.participant_id == Participant.id)
        .join(Room, Card.room_id == Room.id)
        .where(
            Room.event_id == event_id,
            Card.board.in_(boards),
            Card.skill.is_not(None),
            SHOWN_TO_ALL,
        )
        .order_by(Card.id)
    ).tuples()
    cards = {
        card.id: card_data(card, author) | {"room_id": room.id, "room_name": room.name} for card, author, room in rows
    }
    skills = [_skill(card) for card in cards.values()]
    # 20–40 ms of scikit-learn for a full room of offers and needs: off the event loop.
    matches = offload(
        match_competences,
        [s for s in skills if s.side == "offre"],
        [s for s in skills if s.side == "besoin"],
    )
    with _cache_lock:
        _cache[event_id] = (version, cards, matches)
    return cards, matches


def _skill(card: dict[str, Any]) -> Skill:
    """Return a competence card as the matcher reads it."""
    skill = card["skill"]
    return Skill(
        id=card["id"],
        side=card["column"],
        text=card["text"],
        type=skill["type"],
        scope=skill["scope"],
        keywords=tuple(skill.get("keywords", [])),
        participant_id=card["author"]["id"],
    )


def _acceptances(session: Session, event_id: int) -> dict[tuple[int, int], dict[int, str]]:
    """Return, per (offer, need) pair, who said yes and the contact line each gave."""
    rows = session.scalars(select(MatchAcceptance).where(MatchAcceptance.event_id == event_id))
    accepted: dict[tuple[int, int], dict[int, str]] = {}
    for row in rows:
        accepted.setdefault((row.offer_id, row.need_id), {})[row.participant_id] = row.contact
    return accepted


def _entry(
    cards: dict[int, dict[str, Any]],
    match: Match | None,
    pair: tuple[int, int],
    accepted: dict[tuple[int, int], dict[int, str]] | None,
    me: int | None,
) -> dict[str, Any]:
    """Return one pair as a client reads it; with `accepted` and `me`, where each side stands."""
    offer, need = cards[pair[0]], cards[pair[1]]
    entry: dict[str, Any] = {
        "offer": offer,
        "need": need,
        "score": round(match.score, 3) if match else 0.0,
        "same_type": match.same_type if match else offer["skill"]["type"] == need["skill"]["type"],
        "shared_keywords": list(match.shared_keywords) if match else [],
    }
    if accepted is None or me is None:
        return entry
    yes = accepted.get(pair, {})
    other = need["author"]["id"] if offer["author"]["id"] == me else offer["author"]["id"]
    both = me in yes and other in yes
    entry |= {
        "accepted_by_me": me in yes,
        "accepted_by_them": other in yes,
        # The other's way to be reached, only once both said yes (and only if they gave one).
        "contact": (yes[other] or None) if both else None,
        "my_contact": yes.get(me),
    }
    return entry


def _acceptance(session: Session, offer_id: int, need_id: int, participant_id: int) -> MatchAcceptance | None:
    """Return one person's yes to a pair, if they said it."""
    return session.scalar(
        select(MatchAcceptance).where(
            MatchAcceptance.offer_id == offer_id,
            MatchAcceptance.need_id == need_id,
            MatchAcceptance.participant_id == participant_id,
        )
    )


def _pair(session: Session, principal: Principal, offer_id: int, need_id: int) -> tuple[Card, Card, int]:
    """Return an offer and a need of the event, one of them the principal's, or raise."""
    if principal.role != "participant" or principal.participant_id is None:
        raise Forbidden("only participants are put in touch")
    boards = competence_boards(session, principal.event_id)
    found = []
    for card_id, column in ((offer_id, "offre"), (need_id, "besoin")):
        card = session.get(Card, card_id)
        room = session.get(Room, card.room_id) if card else None
        if card is None or room is None or room.event_id != principal.event_id or card.board not in boards:
            raise NotFound(f"no competence card {card_id} in this event")
        if card.column != column or card.hidden or card.held or card.deleted_at or card.merged_into_id:
            raise Invalid(f"card {card_id} is not a visible {'offer' if column == 'offre' else 'need'}")
        found.append(card)
    offer, need = found
    me = principal.participant_id
    if me not in (offer.participant_id, need.participant_id):
        raise Forbidden("only the author of the offer or of the need says yes to a pair")
    if offer.participant_id == need.participant_id:
        raise Invalid("an offer and a need of the same person are not a pair")
    return offer, need, me


def competence_directory(principal: Principal) -> dict[str, Any]:
    """Return the event's visible offers and needs, and the pairs both authors said yes to with their contacts.

    For the organiser's dossier: a contact line is there only when the offer's author and the need's
    author both accepted the pair, as each of them sees it (get_matches).
    """
    if principal.role != "organiser":
        raise Forbidden("the directory of competences is the organiser's")
    with db.transaction() as session:
        cards, _ = _event_matches(session, principal.event_id)
        accepted = _acceptances(session, principal.event_id)
    agreed = []
    for (offer_id, need_id), yes in sorted(accepted.items()):
        offer, need = cards.get(offer_id), cards.get(need_id)
        if offer is None or need is None:
            continue  # a card hidden or deleted since: its pair is no longer shown
        offerer, needer = offer["author"]["id"], need["author"]["id"]
        if offerer in yes and needer in yes:
            agreed.append(
                {
                    "offer": offer,
                    "need": need,
                    "offer_contact": yes[offerer] or None,
                    "need_contact": yes[needer] or None,
                }
            )
    ordered = sorted(cards.values(), key=lambda c: c["id"])
    return {
        "offers": [c for c in ordered if c["column"] == "offre"],
        "needs": [c for c in ordered if c["column"] == "besoin"],
        "agreed": agreed,
    }
