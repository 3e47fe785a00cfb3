"""What handlers send: a user intent's outcome, or one message to a scope."""

from __future__ import annotations

from typing import Any

from collab.domain.outcome import Outcome
from collab.realtime.batching import announce_all, broadcast_here
from collab.realtime.relay import relay
from collab.realtime.scopes import everyone_scope


def broadcast(scope: str | list[str], event: str, payload: dict[str, Any]) -> None:
    """Send `event` to every socket in `scope` (one or several rooms; a socket gets it once).

    The room changes waiting for their tick go out first, so that every socket receives
    everything in the order it happened: with workers, each sends its own sockets' share after
    what waits there (`relayed`).
    """
    broadcast_here(scope, event, payload)
    relay({"broadcast": [scope, event, payload]})


def publish(event_id: int, outcome: Outcome) -> None:
    """Broadcast what a user intent changed: its room changes, then the event's new state, if any."""
    announce_all(outcome.changes)
    if outcome.event is not None:
        broadcast(everyone_scope(event_id), "event_changed", outcome.event)
    if outcome.competences:
        # Every phone may have a new pair to see: clients ask again, each after its own short delay.
        broadcast(everyone_scope(event_id), "competences_changed", {"event_id": event_id})
