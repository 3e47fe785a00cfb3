"""Events sent by participants' phones."""

from __future__ import annotations

from functools import partial
from typing import Any

from flask import request, session

from collab import metrics
from collab.domain import cards, hypotheses, privacy
from collab.domain.access import Principal
from collab.realtime.publishing import broadcast, publish
from collab.realtime.scopes import event_scope, participant_scope
from collab.realtime.server import socketio
from collab.realtime.tallies import tally
from collab.sockets.edge import PRINCIPAL_KEY, client_event, done
from collab.sockets.limits import give_back, take
from collab.sockets.schemas import EraseMe, PostCard


@client_event("post_card", PostCard, roles=("participant",))
def on_post_card(principal: Principal, payload: PostCard) -> dict[str, Any]:
    """Sent by a participant; acknowledged once committed, broadcast as `card_posted` to the room.

    A retry with the same client id gets the same acknowledgement and broadcasts nothing; a new
    card counts against the participant's post limit (`rate_limited` beyond it, nothing written).
    """
    skill = payload.skill.model_dump() if payload.skill is not None else None
    over_limit = take("posts", principal)
    outcome = cards.post_card(
        principal, payload.client_id, payload.board, payload.column, payload.text, skill, over_limit
    )
    if outcome.changes:
        metrics.card_posted()
    elif over_limit is None:
        give_back("posts", principal)  # a retry counts nothing
    publish(principal.event_id, outcome)
    return done(outcome.reply)


@client_event("erase_me", EraseMe, roles=("participant",), while_closed=True)
def on_erase_me(principal: Principal, payload: EraseMe) -> dict[str, Any]:
    """Sent by a participant ("Effacer mes contributions"); also once the event is closed.

    Broadcast to the room as numbered changes: `roles_changed` without them, then `card_deleted`
    (policy "remove") or `card_updated` with an erased author (policy "withdrawn") for each of
    their cards; `hypothesis_results` again where a reason of theirs was blanked, and
    `synthesis_published` again where a published synthesis named them. Their other sockets are
    closed; this one refuses every later event, and its token is refused from then on.
    """
    assert principal.participant_id is not None
    erasure = privacy.erase_participant(principal)
    publish(principal.event_id, erasure.outcome)
    for hypothesis_id in erasure.hypotheses:
        # A reason blanked: the screens and consoles get the results again (throttled, like a vote).
        tally(
            event_scope(principal.event_id),
            "hypothesis_results",
            ("hypothesis_results", hypothesis_id),
            partial(hypotheses.vote_results, hypothesis_id),
        )
    for synthesis in erasure.syntheses:
        broadcast(
            event_scope(principal.event_id),
            "synthesis_published",
            {"room_id": synthesis["room_id"], "board": synthesis["board"], "synthesis": synthesis},
        )
    scope = participant_scope(principal.participant_id)
    socketio.server.leave_room(request.sid, scope, namespace="/")  # type: ignore[attr-defined]
    socketio.close_room(scope)
    # The principal found at connect no longer holds: later events check the token, now refused.
    session.pop(PRINCIPAL_KEY, None)
    return done(erasure.outcome.reply)
