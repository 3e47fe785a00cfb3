"""The grille de lecture: curated from the staff's consoles (facilitators for their room, the organiser), published.

Every change reaches the event's staff as `grid_changed`: their consoles read the grid again, each
with its own proposals (a facilitator's come from their room's cards).
"""

from __future__ import annotations

from typing import Any

from collab.domain import grid
from collab.domain.access import Principal
from collab.realtime.publishing import broadcast
from collab.realtime.scopes import everyone_scope, staff_scope
from collab.sockets.edge import client_event, done
from collab.sockets.schemas import Empty, GridPointRef, MergeGridPoints, MoveGridPoint, SaveGridPoint

STAFF = ("facilitator", "organiser")


def _changed(principal: Principal, changed: grid.Changed) -> dict[str, Any]:
    """Tell the event's staff the grid changed, and return the acting console's new view."""
    curation = changed["curation"]
    payload = {"published_at": curation["published_at"]}
    broadcast([staff_scope(room_id) for room_id in changed["rooms"]], "grid_changed", payload)
    if changed["event"] is not None:
        # Published or withdrawn: every phone's "apply the grid" link follows.
        broadcast(everyone_scope(principal.event_id), "event_changed", changed["event"])
    return done(curation)


@client_event("get_grid", Empty, roles=STAFF, writes=False)
def on_get_grid(principal: Principal, payload: Empty) -> dict[str, Any]:
    """Sent by a console as it opens its grid panel, and on `grid_changed`: proposals, points, the published grid."""
    return done(grid.get_grid(principal))


@client_event("save_grid_point", SaveGridPoint, roles=STAFF)
def on_save_grid_point(principal: Principal, payload: SaveGridPoint) -> dict[str, Any]:
    """Sent by a console (add a point, or edit a point's text); `grid_changed` to the event's staff."""
    changed = grid.save_point(principal, payload.point_id, payload.question, payload.text, list(payload.cards))
    return _changed(principal, changed)


@client_event("merge_grid_points", MergeGridPoints, roles=STAFF)
def on_merge_grid_points(principal: Principal, payload: MergeGridPoints) -> dict[str, Any]:
    """Sent by a console; `grid_changed` to the event's staff."""
    return _changed(principal, grid.merge_points(principal, payload.point_id, payload.other_id, payload.text))


@client_event("move_grid_point", MoveGridPoint, roles=STAFF)
def on_move_grid_point(principal: Principal, payload: MoveGridPoint) -> dict[str, Any]:
    """Sent by a console; `grid_changed` to the event's staff."""
    return _changed(principal, grid.move_point(principal, payload.point_id, payload.position))


@client_event("delete_grid_point", GridPointRef, roles=STAFF)
def on_delete_grid_point(principal: Principal, payload: GridPointRef) -> dict[str, Any]:
    """Sent by a console; `grid_changed` to the event's staff."""
    return _changed(principal, grid.delete_point(principal, payload.point_id))


@client_event("publish_grid", Empty, roles=STAFF)
def on_publish_grid(principal: Principal, payload: Empty) -> dict[str, Any]:
    """Sent by a console: every point of the event becomes the published grid; `grid_changed` to the staff."""
    return _changed(principal, grid.publish_grid(principal))


@client_event("withdraw_grid", Empty, roles=STAFF)
def on_withdraw_grid(principal: Principal, payload: Empty) -> dict[str, Any]:
    """Sent by a console: participants no longer see a grid; `grid_changed` to the staff."""
    return _changed(principal, grid.withdraw_grid(principal))
