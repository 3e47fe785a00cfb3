"""The plenary's hypotheses: entered and put to the vote by the organiser, voted on from phones.

Every change the organiser makes reaches every socket of the event as `hypotheses_changed`
(the open and closed hypotheses: phones learn that a vote opened or closed); each vote reaches
the screens and consoles only, as `hypothesis_results`, so 150 phones voting do not wake 150 phones;
the results are an aggregate, sent at most once per TALLY_MS however fast the votes come.
"""

from __future__ import annotations

from typing import Any

from collab.domain import hypotheses
from collab.domain.access import Principal
from collab.realtime.publishing import broadcast
from collab.realtime.scopes import event_scope, everyone_scope
from collab.realtime.tallies import tally
from collab.sockets.edge import client_event, done
from collab.sockets.limits import admit
from collab.sockets.schemas import (
    ConcludeHypothesis,
    Empty,
    EvidenceRef,
    HypothesisRef,
    MoveHypothesis,
    SaveHypothesis,
    VoteHypothesis,
)

EVERY_ROLE = ("participant", "facilitator", "screen", "organiser")
ORGANISER = ("organiser",)


def _changed(principal: Principal, result: tuple[hypotheses.OrganiserView, hypotheses.Listed]) -> dict[str, Any]:
    """Broadcast `hypotheses_changed` to the whole event and return the organiser's acknowledgement."""
    view, changed = result
    broadcast(everyone_scope(principal.event_id), "hypotheses_changed", dict(changed))
    return done(view)


@client_event("get_hypotheses", Empty, roles=EVERY_ROLE, writes=False)
def on_get_hypotheses(principal: Principal, payload: Empty) -> dict[str, Any]:
    """Sent by every client as it connects; the organiser reads drafts too, a participant their own votes."""
    return done(hypotheses.get_hypotheses(principal))


@client_event("get_evidence_cards", Empty, roles=ORGANISER, writes=False)
def on_get_evidence_cards(principal: Principal, payload: Empty) -> dict[str, Any]:
    """Sent by the organiser's hypothesis form: the event's visible cards, to cite as evidence."""
    return done(hypotheses.evidence_choices(principal))


@client_event("get_evidence_suggestions", Empty, roles=ORGANISER, writes=False)
def on_get_evidence_suggestions(principal: Principal, payload: Empty) -> dict[str, Any]:
    """Sent by the organiser's console: for each hypothesis, the visible cards nearest its text."""
    return done(hypotheses.evidence_suggestions(principal))


@client_event("accept_evidence", EvidenceRef, roles=ORGANISER)
def on_accept_evidence(principal: Principal, payload: EvidenceRef) -> dict[str, Any]:
    """Sent by the organiser: a suggested card becomes evidence; broadcast as `hypotheses_changed`."""
    return _changed(principal, hypotheses.accept_evidence(principal, payload.hypothesis_id, payload.card_id))


@client_event("dismiss_evidence", EvidenceRef, roles=ORGANISER)
def on_dismiss_evidence(principal: Principal, payload: EvidenceRef) -> dict[str, Any]:
    """Sent by the organiser: a suggested card is set aside; nobody else sees suggestions, nothing is broadcast."""
    return done(hypotheses.dismiss_evidence(principal, payload.hypothesis_id, payload.card_id))


@client_event("save_hypothesis", SaveHypothesis, roles=ORGANISER)
def on_save_hypothesis(principal: Principal, payload: SaveHypothesis) -> dict[str, Any]:
    """Sent by the organiser; broadcast as `hypotheses_changed` to every socket of the event."""
    result = hypotheses.save_hypothesis(principal, payload.hypothesis_id, payload.text, list(payload.evidence))
    return _changed(principal, result)


@client_event("delete_hypothesis", HypothesisRef, roles=ORGANISER)
def on_delete_hypothesis(principal: Principal, payload: HypothesisRef) -> dict[str, Any]:
    """Sent by the organiser; broadcast as `hypotheses_changed`."""
    return _changed(principal, hypotheses.delete_hypothesis(principal, payload.hypothesis_id))


@client_event("move_hypothesis", MoveHypothesis, roles=ORGANISER)
def on_move_hypothesis(principal: Principal, payload: MoveHypothesis) -> dict[str, Any]:
    """Sent by the organiser; broadcast as `hypotheses_changed`."""
    return _changed(principal, hypotheses.move_hypothesis(principal, payload.hypothesis_id, payload.position))


@client_event("open_hypothesis", HypothesisRef, roles=ORGANISER)
def on_open_hypothesis(principal: Principal, payload: HypothesisRef) -> dict[str, Any]:
    """Sent by the organiser; broadcast as `hypotheses_changed`: phones show the vote (the previous one closed);
    and as `screen_changed` when the screen follows votes."""
    ack = _changed(principal, hypotheses.open_hypothesis(principal, payload.hypothesis_id))
    if "screen" in ack:
        # The screen follows the vote (unless the organiser turned that off): screens and consoles switch.
        broadcast(event_scope(principal.event_id), "screen_changed", {"screen": ack["screen"]})
    return ack


@client_event("close_hypothesis", HypothesisRef, roles=ORGANISER)
def on_close_hypothesis(principal: Principal, payload: HypothesisRef) -> dict[str, Any]:
    """Sent by the organiser; broadcast as `hypotheses_changed`: phones show the results."""
    return _changed(principal, hypotheses.close_hypothesis(principal, payload.hypothesis_id))


@client_event("conclude_hypothesis", ConcludeHypothesis, roles=ORGANISER)
def on_conclude_hypothesis(principal: Principal, payload: ConcludeHypothesis) -> dict[str, Any]:
    """Sent by the organiser; broadcast as `hypotheses_changed`: phones and screens show the conclusion."""
    return _changed(principal, hypotheses.conclude_hypothesis(principal, payload.hypothesis_id, payload.conclusion))


@client_event("vote_hypothesis", VoteHypothesis, roles=("participant",))
def on_vote_hypothesis(principal: Principal, payload: VoteHypothesis) -> dict[str, Any]:
    """Sent by a participant; `hypothesis_results` to the event's screens and consoles only (throttled)."""
    admit("votes", principal)
    vote = hypotheses.vote_hypothesis(principal, payload.hypothesis_id, payload.verdict, payload.reason)
    hypothesis_id = payload.hypothesis_id
    key = ("hypothesis_results", hypothesis_id)
    tally(event_scope(principal.event_id), "hypothesis_results", key, lambda: hypotheses.vote_results(hypothesis_id))
    return done(vote)
