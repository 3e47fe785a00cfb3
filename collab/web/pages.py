"""HTTP pages: the join flow, one page per screen, the QR code; render only, no SQL."""

from __future__ import annotations

import io
from typing import Any

import segno
from flask import Flask, Response, abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from collab.addresses import event_addresses, join_url, same_origin, venue
from collab.domain import diagnosis
from collab.domain.access import Principal
from collab.domain.errors import DomainError, NotFound, Unauthorised
from collab.domain.events import describe_event, event_id_for_code, event_links, normalise_code
from collab.domain.limits import limits
from collab.domain.participants import describe_participant, join_event
from collab.domain.privacy import privacy_notice as notice_of
from collab.domain.screen import get_screen
from collab.sockets import participant_joined
from collab.tokens import participant_id_from_token, participant_token, principal_for_token


def init_app(app: Flask) -> None:
    """Register the pages: home, join, the participant's board and each secret link's page."""
    app.add_url_rule("/", view_func=home)
    app.add_url_rule("/join", view_func=join_by_code)
    app.add_url_rule("/j/<code>", view_func=join, methods=["GET", "POST"])
    app.add_url_rule("/j/<code>/qr.svg", view_func=join_qr)
    app.add_url_rule("/j/<code>/confidentialite", view_func=privacy_notice)
    app.add_url_rule("/e/<code>", view_func=participant_board)
    app.add_url_rule("/s/<token>", view_func=screen)
    app.add_url_rule("/f/<token>", view_func=facilitator)
    app.add_url_rule("/o/<token>", view_func=organiser)


def not_found(_error: Any) -> tuple[str, int]:
    """Render the page shown for an unknown address or link."""
    return render_template("not_found.html"), 404


def home() -> str:
    """Show the page where a participant types the event's code."""
    return render_template("home.html", error=None, code="")


def join_by_code() -> Any:
    """Send a typed code to its join page, or say it is unknown."""
    code = normalise_code(request.args.get("code", ""))[:12]
    try:
        event_id_for_code(code)
    except NotFound:
        return render_template("home.html", error=_("Aucun événement n'a ce code."), code=code), 404
    return redirect(url_for("join", code=code))


def join(code: str) -> Any:
    """Show the join form of an event (pseudonym, scale, room) and register the participant."""
    code = normalise_code(code)
    try:
        event = describe_event(event_id_for_code(code))
    except NotFound:
        abort(404)
    form: dict[str, str] = {"pseudonym": "", "scale": "", "room": ""}
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not same_origin():
            abort(403)
        form = {key: request.form.get(key, "")[:200] for key in form}
        unknown = set(request.form) - set(form)
        try:
            if unknown or not form["room"].isdigit():
                errors["room"] = _("Choisissez une salle dans la liste.")
                raise _FormError
            participant = join_event(code, form["pseudonym"], form["scale"], int(form["room"]))
            participant_joined(participant)
        except DomainError as exc:
            errors[exc.details.get("field", "form")] = _refusal(exc)
        except _FormError:
            pass
        else:
            tokens = dict(session.get("participants", {}))
            tokens[code] = participant_token(participant["id"])
            session["participants"] = tokens
            session.permanent = True
            return redirect(url_for("participant_board", code=code), 303)
    current = _current_participant(code)
    status = 400 if errors else 200
    # `?efface=1`: the phone that just erased its participant comes back here.
    erased = request.args.get("efface") == "1" and current is None
    page = render_template("join.html", event=event, form=form, errors=errors, current=current, erased=erased)
    return page, status


def privacy_notice(code: str) -> str:
    """Show what the event keeps of its participants, for how long, who sees it and whom to ask."""
    try:
        notice = notice_of(code)
    except NotFound:
        abort(404)
    return render_template("privacy.html", notice=notice)


class _FormError(Exception):
    """A join form field that cannot even reach the domain."""


def _refusal(exc: DomainError) -> str:
    """Return the message a person sees for a refused join, in the page's language."""
    field = exc.details.get("field")
    if exc.code == "closed":
        return _("Ce séminaire est clos : il n'est plus possible de le rejoindre.")
    return {
        "pseudonym": _("Un pseudonyme compte de 1 à 40 caractères."),
        "scale": _("Choisissez une échelle territoriale dans la liste."),
        "room": _("Choisissez une salle dans la liste."),
    }.get(field or "", _("Cette inscription n'a pas pu être enregistrée."))


def _current_participant(code: str) -> dict[str, Any] | None:
    """Return the participant this browser already is in the event, if any."""
    token = session.get("participants", {}).get(code)
    if not token:
        return None
    try:
        participant = describe_participant(participant_id_from_token(token))
    except (Unauthorised, NotFound):
        return None
    return participant | {"token": token}


def participant_board(code: str) -> Any:
    """Show a participant's phone page; without a valid token, send them to the join form."""
    code = normalise_code(code)
    participant = _current_participant(code)
    if participant is None:
        return redirect(url_for("join", code=code))
    event = describe_event(participant["event_id"])
    room = next(r for r in event["rooms"] if r["id"] == participant["room_id"])
    boot = {
        "token": participant["token"],
        "event": event,
        "participant": _public(participant),
        "room_id": room["id"],
        "erased_url": url_for("join", code=code, efface=1),
        "limits": limits(),
    }
    privacy = notice_of(code)
    published = diagnosis.published_grid(event["id"]) is not None
    return render_template(
        "participant.html",
        event=event,
        room=room,
        participant=participant,
        boot=boot,
        privacy=privacy,
        grid_published=published,
    )


def _public(participant: dict[str, Any]) -> dict[str, Any]:
    """Return a participant without their token."""
    return {k: v for k, v in participant.items() if k != "token"}


def join_qr(code: str) -> Response:
    """Return the join URL of an event as an SVG QR code, drawn on the server."""
    code = normalise_code(code)
    try:
        event_id_for_code(code)
    except NotFound:
        abort(404)
    out = io.BytesIO()
    segno.make(join_url(code), error="m").save(out, kind="svg", scale=10, border=2, xmldecl=False, svgns=True)
    return Response(out.getvalue(), mimetype="image/svg+xml", headers={"Cache-Control": "max-age=300"})


def _link(token: str, role: str) -> Principal:
    """Return the principal of a secret link of the given role, or answer 404."""
    try:
        principal = principal_for_token(token)
    except Unauthorised:
        abort(404)
    if principal.role != role:
        abort(404)
    return principal


def screen(token: str) -> str:
    """Show the plenary screen: every room's grid, the join QR code, presence and programme."""
    principal = _link(token, "screen")
    event = describe_event(principal.event_id)
    boot = {
        "token": token,
        "event": event,
        "join_url": join_url(event["join_code"]),
        "screen": get_screen(principal),
        "limits": limits(),
    }
    # ?theme=dark or ?theme=light forces the projector's theme; otherwise its system's preference.
    theme = request.args.get("theme") if request.args.get("theme") in ("light", "dark") else None
    return render_template("screen.html", event=event, boot=boot, join_url=boot["join_url"], theme=theme)


def facilitator(token: str) -> str:
    """Show a facilitator's console for their room (or every room)."""
    principal = _link(token, "facilitator")
    event = describe_event(principal.event_id)
    rooms = [r for r in event["rooms"] if principal.may_watch(r["id"])]
    boot = {"token": token, "event": event, "room_ids": [r["id"] for r in rooms], "limits": limits()}
    return render_template("facilitator.html", event=event, rooms=rooms, boot=boot, venue=venue())


def organiser(token: str) -> str:
    """Show the organiser's page: links and join code, the day's programme to run and edit, and its console."""
    principal = _link(token, "organiser")
    links = event_addresses(event_links(current_app.config["SECRET_KEY"], principal.event_id))
    event = describe_event(principal.event_id)
    boot = {"token": token, "event": event, "screen": get_screen(principal), "limits": limits()}
    applied = diagnosis.applied_count(principal.event_id)
    return render_template("organiser.html", event=event, links=links, boot=boot, venue=venue(), grid_applied=applied)
