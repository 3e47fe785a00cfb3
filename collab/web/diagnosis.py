"""The self-diagnosis pages: the published grid a participant applies to their situation, and their grid link."""

from __future__ import annotations

import io
from typing import Any

import segno
from flask import Flask, Response, abort, redirect, render_template, url_for

from collab.addresses import base_url
from collab.domain import diagnosis
from collab.domain.access import Principal
from collab.domain.closing import is_closed
from collab.domain.errors import NotFound, Unauthorised
from collab.domain.events import event_id_for_code, normalise_code
from collab.domain.limits import limits
from collab.tokens import GRID_PREFIX, grid_token, principal_for_token
from collab.web.pages import _current_participant


def init_app(app: Flask) -> None:
    """Register the grid's pages: the participant's, their grid link's, and its QR code."""
    app.add_url_rule("/j/<code>/grille", view_func=grid)
    app.add_url_rule("/j/<code>/grille/<token>", view_func=grid_link)
    app.add_url_rule("/j/<code>/grille/<token>/qr.svg", view_func=grid_link_qr)


def grid(code: str) -> Any:
    """Show the published grid to apply, as the participant this browser is; else the join form.

    Before publication, a page saying so. Once the event is closed, someone who never joined (the
    join form refuses them) still applies it, kept in their browser only.
    """
    code = normalise_code(code)
    event_id = _event_of(code)
    published = diagnosis.published_grid(event_id)
    if published is None:
        return render_template("grid.html", grid=None, code=code)
    participant = _current_participant(code)
    if participant is None:
        if not is_closed(event_id):
            return redirect(url_for("join", code=code))
        return _page(code, published, event_id, None, None)
    principal = Principal(
        role="participant", event_id=event_id, room_id=participant["room_id"], participant_id=participant["id"]
    )
    return _page(code, published, event_id, principal, participant["token"])


def grid_link(code: str, token: str) -> Any:
    """Show a participant's answers on another device, with their personal grid link (404 for any other)."""
    code = normalise_code(code)
    principal = _grid_principal(code, token)
    published = diagnosis.published_grid(principal.event_id)
    if published is None:
        return render_template("grid.html", grid=None, code=code)
    return _page(code, published, principal.event_id, principal, token)


def grid_link_qr(code: str, token: str) -> Response:
    """Return a participant's personal grid link as an SVG QR code, drawn on the server."""
    code = normalise_code(code)
    _grid_principal(code, token)
    out = io.BytesIO()
    link = base_url() + url_for("grid_link", code=code, token=token)
    segno.make(link, error="m").save(out, kind="svg", scale=8, border=2, xmldecl=False, svgns=True)
    return Response(out.getvalue(), mimetype="image/svg+xml", headers={"Cache-Control": "private, max-age=300"})


def _event_of(code: str) -> int:
    """Return the id of the event with this join code, or answer 404."""
    try:
        return event_id_for_code(code)
    except NotFound:
        abort(404)


def _grid_principal(code: str, token: str) -> Principal:
    """Return the principal of a grid link of the event with this code, or answer 404."""
    event_id = _event_of(code)
    if not token.startswith(GRID_PREFIX):
        abort(404)
    try:
        principal = principal_for_token(token)
    except Unauthorised:
        abort(404)
    if principal.role != "grid" or principal.event_id != event_id:
        abort(404)
    return principal


def _page(code: str, published: dict[str, Any], event_id: int, principal: Principal | None, token: str | None) -> str:
    """Render the grid to apply: the answers saved on the server, and the personal link when there is one."""
    boot: dict[str, Any] = {"token": token, "event_id": event_id, "limits": limits(), "grid": published}
    link = None
    if principal is not None and principal.participant_id is not None:
        boot["participant_id"] = principal.participant_id
        boot["saved"] = diagnosis.get_answers(principal)
        personal = token if principal.role == "grid" else grid_token(principal.participant_id)
        assert personal is not None
        link = {
            "url": base_url() + url_for("grid_link", code=code, token=personal),
            "qr": url_for("grid_link_qr", code=code, token=personal),
        }
    return render_template("grid.html", grid=published, code=code, boot=boot, link=link, answers=diagnosis.ANSWERS)
