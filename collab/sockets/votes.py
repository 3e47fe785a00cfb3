"""Dot votes: opened and closed from a facilitator's console, dots placed and withdrawn from phones."""

from __future__ import annotations

from typing import Any

from collab.domain import votes
from collab.domain.access import Principal
from collab.realtime.publishing import publish
from collab.sockets.edge import client_event, done
from collab.sockets.limits import admit
from collab.sockets.schemas import CardRef, OpenVote, RoomRef


@client_event("open_vote", OpenVote, roles=("facilitator", "organiser"))
def on_open_vote(principal: Principal, payload: OpenVote) -> dict[str, Any]:
    """Sent by a facilitator; broadcast as `vote_opened` to the room, its staff and the screens: counts restart at 0."""
    outcome = votes.open_vote(principal, payload.room_id, payload.dots)
    publish(principal.event_id, outcome)
    return done(outcome.reply)


@client_event("close_vote", RoomRef, roles=("facilitator", "organiser"))
def on_close_vote(principal: Principal, payload: RoomRef) -> dict[str, Any]:
    """Sent by a facilitator; broadcast as `vote_closed`: phones drop their dot buttons, counts stay."""
    outcome = votes.close_vote(principal, payload.room_id)
    publish(principal.event_id, outcome)
    return done(outcome.reply)


@client_event("place_dot", CardRef, roles=("participant",))
def on_place_dot(principal: Principal, payload: CardRef) -> dict[str, Any]:
    """Sent by a participant; broadcast as `votes_changed` with the card's new total to everyone watching the room."""
    admit("votes", principal)
    outcome = votes.place_dot(principal, payload.card_id)
    publish(principal.event_id, outcome)
    return done(outcome.reply)


@client_event("withdraw_dot", CardRef, roles=("participant",))
def on_withdraw_dot(principal: Principal, payload: CardRef) -> dict[str, Any]:
    """Sent by a participant; broadcast as `votes_changed`, like `place_dot`."""
    admit("votes", principal)
    outcome = votes.withdraw_dot(principal, payload.card_id)
    publish(principal.event_id, outcome)
    return done(outcome.reply)
