"""The admin pages: every event of the server, created, restored, printed and deleted from the web.

Render and validate only: the domain (collab.domain.admin, events, templates) does the work.
Every page answers 404 to anything but the valid admin link; every form refuses a foreign Origin.
"""

from __future__ import annotations

import base64
import functools
import io
import json
from datetime import date
from typing import Any

import segno
from flask import Flask, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _

from collab.addresses import event_addresses, same_origin, venue
from collab.domain import admin
from collab.domain.errors import DomainError, NotFound, Unauthorised
from collab.domain.events import MAX_ROOMS, create_event, event_links
from collab.domain.templates import (
    TEMPLATE_MAX_BYTES,
    check_template,
    event_template,
    load_template,
    parse_template,
    template_names,
)
from collab.exports.archive import restore_event

# What a form may upload: a template is a few kilobytes; a full day's archive a few megabytes.
ARCHIVE_MAX_BYTES = 50 * 1024 * 1024
FORM_FIELDS = ("title", "starts_on", "place", "rooms", "source")


def init_app(app: Flask) -> None:
    """Register the admin routes."""
    app.add_url_rule("/a/<token>", view_func=home, endpoint="admin_home", methods=["GET"])
    app.add_url_rule("/a/<token>/events", view_func=create, endpoint="admin_create", methods=["POST"])
    app.add_url_rule("/a/<token>/events/<int:event_id>", view_func=event_page, endpoint="admin_event_page")
    app.add_url_rule("/a/<token>/events/<int:event_id>/print", view_func=print_sheets, endpoint="admin_print_sheets")
    event = "/a/<token>/events/<int:event_id>"
    app.add_url_rule(f"{event}/delete", view_func=delete, endpoint="admin_delete", methods=["POST"])
    app.add_url_rule("/a/<token>/restore", view_func=restore, endpoint="admin_restore", methods=["POST"])
    app.add_url_rule("/a/<token>/regenerate", view_func=regenerate, endpoint="admin_regenerate", methods=["POST"])
    app.errorhandler(413)(too_large)


def too_large(_error: Any) -> tuple[str, int]:
    """Say that an uploaded file is too large, and that nothing was created."""
    message = _("Ce fichier est trop lourd : rien n'a été créé. Un modèle pèse 1 Mo au plus, une archive 50 Mo.")
    return render_template("too_large.html", message=message), 413


def _admin(token: str) -> None:
    """Answer 404 unless `token` is the admin link's; a posted form must come from this site."""
    try:
        admin.check_admin(token)
    except Unauthorised:
        abort(404)
    if request.method == "POST" and not same_origin():
        abort(403)


@functools.cache
def _templates() -> tuple[dict[str, str], ...]:
    """Return the built-in templates as the form offers them: name, title, description.

    Read once per process: they are files shipped with collab, not data that changes while it runs.
    """
    found = []
    for name in template_names():
        data = load_template(name)
        found.append({"name": name, "title": data["title"], "description": str(data.get("description", ""))})
    return tuple(found)


def _page(token: str, status: int = 200, **context: Any) -> tuple[str, int]:
    """Render the admin page: the events, the creation form (with `form` and `errors`), the restore form."""
    context.setdefault("form", {"title": "", "starts_on": "", "place": "", "rooms": "", "source": ""})
    context.setdefault("errors", {})
    context.setdefault("restore_errors", [])
    context.setdefault("message", None)
    context.setdefault("problems", [])
    context.setdefault("delete_errors", {})
    events = admin.list_events(current_app.config["SECRET_KEY"])
    for event in events:
        token_of = event.pop("organiser_token")
        event["organiser_url"] = f"/o/{token_of}" if token_of else None
    body = render_template(
        "admin.html", token=token, events=events, templates=_templates(), max_rooms=MAX_ROOMS, **context
    )
    return body, status


def home(token: str) -> tuple[str, int]:
    """Show every event of the server and the forms to create or restore one."""
    _admin(token)
    done = request.args.get("deleted")
    message = _("Le séminaire %(code)s a été supprimé.", code=done) if done else None
    return _page(token, message=message)


def create(token: str) -> Any:
    """Create an event from a built-in template, an uploaded file or a copy; then show its links."""
    request.max_content_length = TEMPLATE_MAX_BYTES + 64 * 1024
    _admin(token)
    form = {key: request.form.get(key, "")[:300].strip() for key in FORM_FIELDS}
    errors: dict[str, str] = {}
    title = form["title"]
    if not title or len(title) > 200:
        errors["title"] = _("Le titre compte de 1 à 200 caractères.")
    starts_on = None
    if form["starts_on"]:
        try:
            starts_on = date.fromisoformat(form["starts_on"])
        except ValueError:
            errors["starts_on"] = _("Une date s'écrit AAAA-MM-JJ.")
    if len(form["place"]) > 200:
        errors["place"] = _("Le lieu compte 200 caractères au plus.")
    rooms = None
    if form["rooms"]:
        if not form["rooms"].isdigit() or not 1 <= int(form["rooms"]) <= MAX_ROOMS:
            errors["rooms"] = _("Un séminaire a de 1 à %(max)s salles.", max=MAX_ROOMS)
        else:
            rooms = int(form["rooms"])
    data = None
    problems: list[str] = []
    try:
        data = _template_data(form["source"])
    except _SourceError as exc:
        errors["source"] = exc.message
    except DomainError as exc:
        errors["source"] = _("Ce modèle ne convient pas ; rien n'a été créé.")
        problems = _problems(exc)
    if errors or data is None:
        return _page(token, 400, form=form, errors=errors, problems=problems)
    data = dict(data, place=form["place"]) if form["place"] else data
    created = create_event(current_app.config["SECRET_KEY"], rooms=rooms, title=title, data=data, starts_on=starts_on)
    return redirect(url_for("admin_event_page", token=token, event_id=created.id, created=1), 303)


def _problems(exc: DomainError) -> list[str]:
    """Return every problem a refused template names, each with its field and line when known."""
    listed = exc.details.get("problems")
    if not isinstance(listed, list) or not listed:
        return [exc.message]
    lines = []
    for problem in listed:
        where = str(problem.get("field") or "")
        if problem.get("line"):
            where = _("ligne %(line)s", line=problem["line"]) + (f" · {where}" if where else "")
        lines.append(f"{where} : {problem.get('message', '')}" if where else str(problem.get("message", "")))
    return lines


class _SourceError(Exception):
    """The form's choice of model cannot be used; `message` says why, for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _template_data(source: str) -> dict[str, Any]:
    """Return the checked template the form chose: built-in, uploaded, or an earlier event's structure."""
    if source.startswith("template:") and source.removeprefix("template:") in template_names():
        return load_template(source.removeprefix("template:"))
    if source == "upload":
        upload = request.files.get("template_file")
        if upload is None or not upload.filename:
            raise _SourceError(_("Choisissez le fichier du modèle (.toml)."))
        raw = upload.read(TEMPLATE_MAX_BYTES + 1)
        if len(raw) > TEMPLATE_MAX_BYTES:
            raise _SourceError(_("Un fichier de modèle pèse 1 Mo au plus."))
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _SourceError(_("Ce fichier n'est pas du texte UTF-8 : est-ce bien un modèle .toml ?")) from None
        return parse_template(text, upload.filename[:100])
    if source.startswith("copy:") and source.removeprefix("copy:").isdigit():
        # Structure only (programme, rooms, boards, scales, situations, hypotheses): never people or cards.
        try:
            data = event_template(int(source.removeprefix("copy:")))
        except NotFound:
            raise _SourceError(_("Choisissez un modèle dans la liste.")) from None
        check_template(data, "copy")  # an event edited on the web must still make a valid one
        return data
    raise _SourceError(_("Choisissez un modèle dans la liste."))


def _qr_data_uri(url: str) -> str:
    """Return a QR code of `url` as an SVG data URI, for an <img> the page's policy allows."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=6, border=2, xmldecl=False, svgns=True)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def _links(event_id: int) -> dict[str, Any]:
    """Return an event's links as addresses, or answer 404."""
    try:
        return event_addresses(event_links(current_app.config["SECRET_KEY"], event_id))
    except DomainError:
        abort(404)


def event_page(token: str, event_id: int) -> str:
    """Show an event's links: join code and QR code, screen, organiser, facilitators; copy and print."""
    _admin(token)
    links = _links(event_id)
    created = request.args.get("created") == "1"
    return render_template("admin_event.html", token=token, links=links, created=created, venue=venue())


def print_sheets(token: str, event_id: int) -> str:
    """Show one A4 sheet per facilitator with their link as a QR code, and one for the room's door."""
    _admin(token)
    links = _links(event_id)
    sheets = [
        {"room": room["name"], "url": room["facilitator_url"], "qr": _qr_data_uri(room["facilitator_url"])}
        for room in links["rooms"]
        if room["facilitator_url"]
    ]
    join = {"url": links["join_url"], "qr": _qr_data_uri(links["join_url"])}
    return render_template("admin_print.html", links=links, sheets=sheets, join=join)


def delete(token: str, event_id: int) -> Any:
    """Delete an event once its join code was typed again; close its open sockets."""
    _admin(token)
    try:
        gone = admin.delete_event(event_id, request.form.get("join_code", "")[:20])
    except DomainError as exc:
        if exc.code == "not_found":
            abort(404)
        return _page(token, 400, delete_errors={event_id: _("Tapez le code du séminaire pour le supprimer.")})
    from collab.realtime.scopes import everyone_scope
    from collab.realtime.server import socketio

    # Every page of it still open is disconnected; reconnecting, its link is refused.
    socketio.close_room(everyone_scope(event_id))
    return redirect(url_for("admin_home", token=token, deleted=gone["join_code"]), 303)


def restore(token: str) -> Any:
    """Restore an event from a JSON archive (made by export-event or the organiser's download)."""
    request.max_content_length = ARCHIVE_MAX_BYTES + 64 * 1024
    _admin(token)
    upload = request.files.get("archive")
    if upload is None or not upload.filename:
        return _page(token, 400, restore_errors=[_("Choisissez le fichier de l'archive (.json).")])
    try:
        data = json.load(upload.stream)
    except (ValueError, UnicodeDecodeError):
        problem = _("Ce fichier n'est pas du JSON : est-ce bien une archive de collab ?")
        return _page(token, 400, restore_errors=[problem])
    try:
        restored = restore_event(data)
    except DomainError as exc:
        return _page(token, 400, restore_errors=[exc.message])
    return redirect(url_for("admin_event_page", token=token, event_id=restored["id"], created=1), 303)


def regenerate(token: str) -> Any:
    """Revoke the admin link and go to the new one."""
    _admin(token)
    new = admin.admin_token(current_app.config["SECRET_KEY"], regenerate=True)
    return redirect(url_for("admin_home", token=new.token), 303)
