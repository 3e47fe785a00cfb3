"""Events sent by the organiser's console: secret links, the moderation log, every room at a glance."""

from __future__ import annotations

from typing import Any

from flask import current_app, request

from collab.addresses import link_data
from collab.domain import audit, links, overview
from collab.domain.access import Principal
from collab.realtime.scopes import link_scope
from collab.realtime.server import socketio
from collab.sockets.edge import client_event, done
from collab.sockets.schemas import CreateLink, Empty, LinkRef

ORGANISER = ("organiser",)


def close_link_sockets(link_id: int, keep: str | None = None) -> int:
    """Disconnect every socket opened with a link (but `keep`), on every worker; return how many
    this worker held (with several workers, those held by others are closed but not counted)."""
    scope = link_scope(link_id)
    if keep is not None:
        socketio.server.leave_room(keep, scope, namespace="/")
    held = len(list(socketio.server.manager.get_participants("/", scope)))
    # collab.realtime.workers: closing the room disconnects its sockets, through the queue when there is one.
    socketio.close_room(scope)
    return held


@client_event("list_links", Empty, roles=ORGANISER, writes=False)
def on_list_links(principal: Principal, payload: Empty) -> dict[str, Any]:
    """Sent by the organiser's console; acknowledged with every valid secret link and its address."""
    found = links.list_links(current_app.config["SECRET_KEY"], principal)
    return done({"links": [link_data(link) for link in found]})


@client_event("create_link", CreateLink, roles=ORGANISER)
def on_create_link(principal: Principal, payload: CreateLink) -> dict[str, Any]:
    """Sent by the organiser; acknowledged with the new link (a facilitator link for all rooms, say)."""
    link = links.create_link(current_app.config["SECRET_KEY"], principal, payload.role, payload.room_id)
    return done({"link": link_data(link)})


@client_event("revoke_link", LinkRef, roles=ORGANISER)
def on_revoke_link(principal: Principal, payload: LinkRef) -> dict[str, Any]:
    """Sent by the organiser; the sockets opened with the link are closed at once, its pages answer 404."""
    revoked = links.revoke_link(principal, payload.link_id)
    closed = close_link_sockets(revoked["link_id"])
    return done({**revoked, "closed": closed})


@client_event("regenerate_link", LinkRef, roles=ORGANISER)
def on_regenerate_link(principal: Principal, payload: LinkRef) -> dict[str, Any]:
    """Sent by the organiser; the old link is revoked (its sockets closed) and the new one returned.

    The organiser's own socket stays open when they regenerate their own link, so that it
    receives the new address; its page then moves to it (every later event on it is refused).
    """
    old_id, link = links.regenerate_link(current_app.config["SECRET_KEY"], principal, payload.link_id)
    closed = close_link_sockets(old_id, keep=request.sid)  # type: ignore[attr-defined]
    return done({"revoked_link_id": old_id, "link": link_data(link), "closed": closed})


@client_event("get_moderation_log", Empty, roles=ORGANISER, writes=False)
def on_get_moderation_log(principal: Principal, payload: Empty) -> dict[str, Any]:
    """Sent by the organiser's console; acknowledged with the latest moderation actions, newest first."""
    return done({"entries": audit.moderation_log(principal)})


@client_event("get_overview", Empty, roles=ORGANISER, writes=False)
def on_get_overview(principal: Principal, payload: Empty) -> dict[str, Any]:
    """Sent by the organiser's console; acknowledged with every room's figures."""
    return done({"rooms": overview.room_overview(principal)})
