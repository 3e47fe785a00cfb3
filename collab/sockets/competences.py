"""Atelier 3: offers and needs matched across rooms, and people put in touch."""

from __future__ import annotations

from typing import Any

from collab.domain import competences
from collab.domain.access import Principal
from collab.realtime.publishing import broadcast
from collab.realtime.scopes import participant_scope
from collab.sockets.edge import client_event, done
from collab.sockets.schemas import AcceptMatch, Empty, MatchRef


@client_event("get_matches", Empty, roles=("participant",), writes=False)
def on_get_matches(principal: Principal, payload: Empty) -> dict[str, Any]:
    """Sent by a phone on the competences board: my offers and needs with the pairs proposed; nothing is broadcast."""
    return done(competences.get_matches(principal))


@client_event("accept_match", AcceptMatch, roles=("participant",))
def on_accept_match(principal: Principal, payload: AcceptMatch) -> dict[str, Any]:
    """Sent by the author of an offer or a need; both authors' phones receive `match_changed`."""
    seen, tell = competences.accept_match(principal, payload.offer_id, payload.need_id, payload.contact)
    _tell(tell, payload.offer_id, payload.need_id)
    return done(seen)


@client_event("withdraw_match", MatchRef, roles=("participant",))
def on_withdraw_match(principal: Principal, payload: MatchRef) -> dict[str, Any]:
    """Sent by a participant taking back a yes; both authors' phones receive `match_changed`."""
    tell = competences.withdraw_match(principal, payload.offer_id, payload.need_id)
    _tell(tell, payload.offer_id, payload.need_id)
    return done()


@client_event("get_competence_map", Empty, roles=("organiser", "facilitator", "screen"), writes=False)
def on_get_competence_map(principal: Principal, payload: Empty) -> dict[str, Any]:
    """Sent by a console or the screen: the event's map of offers, needs, gaps and strongest pairs."""
    return done(competences.competence_map(principal))


def _tell(participant_ids: set[int], offer_id: int, need_id: int) -> None:
    """Tell both authors of a pair that where it stands changed (they ask `get_matches` again)."""
    scopes = [participant_scope(pid) for pid in sorted(participant_ids)]
    broadcast(scopes, "match_changed", {"offer_id": offer_id, "need_id": need_id})
