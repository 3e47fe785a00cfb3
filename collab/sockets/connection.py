"""Connecting, catching up and leaving: the events every role sends."""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app, request
from flask_socketio import ConnectionRefusedError, emit, join_room

from collab import metrics
from collab.domain import presence, rooms
from collab.domain.access import Principal
from collab.domain.errors import Unauthorised
from collab.domain.events import describe_event
from collab.domain.reads import reading
from collab.realtime.batching import watching
from collab.realtime.relay import relaying
from collab.realtime.scopes import event_scope, everyone_scope, link_scope, participant_scope, room_scope, staff_scope
from collab.realtime.server import socketio
from collab.sockets import presence_queue
from collab.sockets.edge import client_event, done, error, remember_principal, unauthorised
from collab.sockets.schemas import Sync
from collab.tokens import principal_for_token

log = logging.getLogger(__name__)


@socketio.on("connect")
def on_connect(auth: Any = None) -> None:
    """Sent by every client on (re)connect with `{token}`; joins it to the rooms it may watch.

    Participants and screens join the public side of their rooms, facilitators and the
    organiser the staff side; a participant also joins their own scope, a link its link scope;
    every socket joins the event's `everyone` scope (`event_changed`).

    A participant's socket is queued for the presence table (collab.sockets.presence_queue): a
    thousand phones arriving at once make a few transactions and a few `presence_changed` for the
    event's screens and consoles, the last with every one. A staff socket gets the counts at once,
    the queue written first so that they include every participant already connected here.
    """
    token = auth.get("token") if isinstance(auth, dict) else None
    try:
        # Read beside the writer (SQLite): a reconnect storm does not queue for the writing connection.
        with reading():
            principal = principal_for_token(token)
            watched = _watched_rooms(principal)
    except Unauthorised as exc:
        log.info("socket refused: %s", exc.message, extra={"reason": exc.message})
        raise ConnectionRefusedError(unauthorised(exc)) from None
    sid = request.sid  # type: ignore[attr-defined]
    fields = {"sid": sid, "role": principal.role, "event_id": principal.event_id, "room_id": principal.room_id}
    log.info("socket opened: %s of event %s", principal.role, principal.event_id, extra=fields)
    if relaying():
        # With workers: the rooms' numbers now, from which this worker sends their changes in order.
        watching(rooms.room_seqs(watched))
    remember_principal(str(token), principal)
    if principal.role == "grid":
        # A personal grid link reads and saves one self-diagnosis: it watches nothing and is nobody present.
        metrics.socket_opened(sid, principal.role)
        return
    join_room(everyone_scope(principal.event_id))
    for room_id in watched:
        join_room(staff_scope(room_id) if principal.is_staff else room_scope(room_id))
    if principal.link_id is not None:
        join_room(link_scope(principal.link_id))
    if principal.participant_id is not None:
        join_room(participant_scope(principal.participant_id))
        presence_queue.socket_opened(presence.open_socket(sid, principal, current_app.config["WORKER_NAME"]))
    else:
        join_room(event_scope(principal.event_id))
        presence_queue.write_now()
        with reading():
            counts = presence.connected_counts(principal.event_id)
        emit("presence_changed", presence_queue.presence_payload(counts))
    metrics.socket_opened(sid, principal.role)


@socketio.on("disconnect")
def on_disconnect(reason: Any = None) -> None:
    """A socket closed; if it was a participant's last one, the screens' count goes down (queued, as on connect)."""
    sid = request.sid  # type: ignore[attr-defined]
    log.info("socket closed: %s", reason, extra={"sid": sid, "reason": str(reason)})
    presence_queue.socket_closed(sid)
    metrics.socket_closed(sid)


@socketio.on("*")
def on_unknown(event: str, *args: Any) -> dict[str, Any]:
    """Any event collab does not know gets an error acknowledgement and changes nothing."""
    metrics.refused(metrics.UNKNOWN_EVENT, "unknown_event")  # its name is the client's: not a label
    return error("unknown_event", "this event does not exist")


@client_event("sync", Sync, roles=("participant", "facilitator", "screen", "organiser"), writes=False)
def on_sync(principal: Principal, payload: Sync) -> dict[str, Any]:
    """Sent by a client after (re)connecting with the last `seq` it has for a room.

    Acknowledged with the changes it missed, in order, or with a snapshot of the room.
    """
    result = rooms.sync_room(principal, payload.room_id, payload.since, current_app.config["MAX_REPLAY"])
    return done(result)


def _watched_rooms(principal: Principal) -> list[int]:
    """Return the rooms whose changes reach this principal."""
    if principal.role == "grid":
        return []
    if principal.room_id is not None:
        return [principal.room_id]
    return [room["id"] for room in describe_event(principal.event_id)["rooms"]]
