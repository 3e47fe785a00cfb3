"""Connecting, catching up and leaving: the events every role sends."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_socketio import ConnectionRefusedError, emit, join_room

from collab.domain import presence, rooms
from collab.domain.access import Principal
from collab.domain.errors import Unauthorised
from collab.domain.events import describe_event
from collab.realtime import (
    event_scope,
    everyone_scope,
    link_scope,
    participant_scope,
    room_scope,
    socketio,
    staff_scope,
    tally,
)
from collab.sockets.edge import client_event, error, remember_principal
from collab.sockets.schemas import Sync
from collab.tokens import principal_for_token


@socketio.on("connect")
def on_connect(auth: Any = None) -> None:
    """Sent by every client on (re)connect with `{token}`; joins it to the rooms it may watch.

    Participants and screens join the public side of their rooms, facilitators and the
    organiser the staff side; a participant also joins their own scope, a link its link scope;
    every socket joins the event's `everyone` scope (`event_changed`).

    A participant's arrival is broadcast to the event's screens and consoles as `presence_changed`
    (throttled: a thousand phones arriving at once make a few messages, the last with every one).
    """
    token = auth.get("token") if isinstance(auth, dict) else None
    try:
        principal = principal_for_token(token)
    except Unauthorised as exc:
        raise ConnectionRefusedError(exc.as_ack()["error"]) from None
    remember_principal(str(token), principal)
    join_room(everyone_scope(principal.event_id))
    for room_id in _watched_rooms(principal):
        join_room(staff_scope(room_id) if principal.is_staff else room_scope(room_id))
    if principal.link_id is not None:
        join_room(link_scope(principal.link_id))
    if principal.participant_id is not None:
        join_room(participant_scope(principal.participant_id))
        sid = request.sid  # type: ignore[attr-defined]
        counts = presence.participant_connected(sid, principal, current_app.config["WORKER_NAME"])
        _presence_changed(principal.event_id, counts)
    else:
        join_room(event_scope(principal.event_id))
        emit("presence_changed", _presence(presence.connected_counts(principal.event_id)))


@socketio.on("disconnect")
def on_disconnect(reason: Any = None) -> None:
    """A socket closed; if it was a participant's last one, the screens' count goes down."""
    closed = presence.socket_closed(request.sid)  # type: ignore[attr-defined]
    if closed is not None:
        _presence_changed(*closed)


@socketio.on("*")
def on_unknown(event: str, *args: Any) -> dict[str, Any]:
    """Any event collab does not know gets an error acknowledgement and changes nothing."""
    return error("unknown_event", "this event does not exist")


@client_event("sync", Sync, roles=("participant", "facilitator", "screen", "organiser"), writes=False)
def on_sync(principal: Principal, payload: Sync) -> dict[str, Any]:
    """Sent by a client after (re)connecting with the last `seq` it has for a room.

    Acknowledged with the changes it missed, in order, or with a snapshot of the room.
    """
    result = rooms.sync_room(principal, payload.room_id, payload.since, current_app.config["MAX_REPLAY"])
    return {"ok": True, **result}


def _watched_rooms(principal: Principal) -> list[int]:
    """Return the rooms whose changes reach this principal."""
    if principal.room_id is not None:
        return [principal.room_id]
    return [room["id"] for room in describe_event(principal.event_id)["rooms"]]


def _presence_changed(event_id: int, counts: dict[int, int]) -> None:
    """Send the event's screens and consoles the new counts: an aggregate, at most once per TALLY_MS."""
    tally(event_scope(event_id), "presence_changed", ("presence_changed", event_id), _presence(counts))


def _presence(counts: dict[int, int]) -> dict[str, Any]:
    """Return the `presence_changed` payload: participants connected per room and in all."""
    return {
        "rooms": [{"room_id": room_id, "count": n} for room_id, n in sorted(counts.items())],
        "total": sum(counts.values()),
    }
