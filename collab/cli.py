"""collab's commands (`collab …`, or `flask --app collab …`): upgrade the schema, create an event from a template,
print its links, export and import an event, anonymise the events whose retention has passed."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup

from collab import create_app
from collab.addresses import admin_url, describe_links, event_addresses
from collab.domain.admin import admin_token
from collab.domain.errors import DomainError
from collab.domain.events import create_event, event_id_for_code, event_links, latest_event_id
from collab.domain.privacy import anonymise_due_events
from collab.domain.templates import DEFAULT_TEMPLATE
from collab.exports.archive import restore_event
from collab.exports.files import FORMATS, export_file
from collab.store.database import backup_sqlite, db


def init_app(app: Flask) -> None:
    """Register collab's commands on the app."""
    app.cli.add_command(database_commands)
    app.cli.add_command(migrate_command)
    app.cli.add_command(create_event_command)
    app.cli.add_command(links_command)
    app.cli.add_command(export_event_command)
    app.cli.add_command(import_event_command)
    app.cli.add_command(admin_link_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(purge_command)


def collab_commands() -> FlaskGroup:
    """Return the `collab` command: the commands below, on the app create_app makes."""
    commands = FlaskGroup(
        name="collab",
        help="collab, a real-time workshop app for seminars: `collab serve` runs the server.",
        create_app=create_app,
        # No `run`, `shell` or `routes`: Werkzeug's development server is not how collab serves.
        add_default_commands=False,
        add_version_option=False,
    )
    # Neither --app (collab is the app) nor --env-file and --debug (COLLAB_* variables configure it).
    commands.params = [param for param in commands.params if param.name not in ("app", "env_file", "debug")]
    return click.version_option(package_name="collab", prog_name="collab")(commands)


@click.group("db")
def database_commands() -> None:
    """The database's schema."""


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def backup_command(path: str) -> None:
    """Copy the SQLite database to PATH while the server keeps serving (PostgreSQL: use pg_dump)."""
    url = db.engine.url if db.engine is not None else None
    if url is None or url.get_backend_name() != "sqlite" or not url.database:
        raise click.ClickException(
            "this database is PostgreSQL: back it up with pg_dump, for example "
            '`pg_dump --format=custom --file=collab.dump "$DATABASE"` (docs/deploy.md)'
        )
    if os.path.exists(path):
        raise click.ClickException(f"{path} exists already; choose a new file")
    pages = backup_sqlite(url.database, path)
    click.echo(f"Database copied to {path} ({pages} pages, checked).")


@click.command("admin-link")
@click.option("--regenerate", is_flag=True, help="Revoke the admin link and make a new one.")
@click.option("--json", "as_json", is_flag=True, help='Print {"admin_url": …}.')
def admin_link_command(regenerate: bool, as_json: bool) -> None:
    """Print the server's admin link: every event, created, restored and deleted from the web."""
    url = admin_url(admin_token(current_app.config["SECRET_KEY"], regenerate=regenerate).token)
    click.echo(json.dumps({"admin_url": url}) if as_json else f"Administration : {url}")


@click.command("migrate")
def migrate_command() -> None:
    """Bring the database's schema to the newest version (run it once before starting several workers)."""
    # create_app has upgraded the schema already, as every start of collab does: say where it stands.
    click.echo(f"Database schema at revision {db.migrate()}.")


# `collab db upgrade`; `migrate` is its older name, kept for the scripts that use it.
database_commands.add_command(migrate_command, "upgrade")


@click.command("create-event")
@click.option(
    "--template", default=DEFAULT_TEMPLATE, show_default=True, help="Built-in template name, or a path to a .toml file."
)
@click.option("--rooms", type=click.IntRange(1, 40), default=None, help="Number of rooms (template's default).")
@click.option("--title", default=None, help="Event title (template's default).")
@click.option(
    "--open-boards", is_flag=True, help="Every board takes cards from the start, whatever the phase (a rehearsal)."
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def create_event_command(template: str, rooms: int | None, title: str | None, open_boards: bool, as_json: bool) -> None:
    """Create an event from a template and print its join code and links."""
    try:
        secret = current_app.config["SECRET_KEY"]
        created = create_event(secret, template=template, rooms=rooms, title=title, open_boards=open_boards)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    _print_links(event_addresses(created), as_json)


@click.command("links")
@click.argument("code", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def links_command(code: str | None, as_json: bool) -> None:
    """Print the links of the event with this join code (default: the newest event)."""
    try:
        event_id = event_id_for_code(code) if code else latest_event_id()
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    if event_id is None:
        raise click.ClickException("no event yet; create one with `collab create-event`")
    _print_links(event_addresses(event_links(current_app.config["SECRET_KEY"], event_id)), as_json)


def _print_links(links: dict[str, object], as_json: bool) -> None:
    """Print an event's links as JSON or for a person."""
    if as_json:
        click.echo(json.dumps(links, ensure_ascii=False))
    else:
        click.echo(describe_links(links))


@click.command("export-event")
@click.argument("code")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="json", show_default=True)
@click.option("--organiser", is_flag=True, help="Report (md, html): list the hidden and held cards too, marked.")
@click.option("--output", type=click.Path(dir_okay=False, writable=True), help="File to write (default: stdout).")
def export_event_command(code: str, fmt: str, organiser: bool, output: str | None) -> None:
    """Export the event with this join code: json (archive), md or html (report), csv (cards), toml (template).

    xlsx or ods: the cards, dots and hypothesis votes as a spreadsheet, written to the file --output names.
    dossier or odt: the après-séminaire dossier, print-ready HTML or an editable text (odt needs --output).
    """
    try:
        file = export_file(event_id_for_code(code), fmt, organiser)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    if isinstance(file.body, bytes):
        if output is None:
            raise click.ClickException(f"{fmt} is a binary file: give it a file with --output")
        with open(output, "wb") as binary:
            binary.write(file.body)
        click.echo(f"{file.filename} written to {output}", err=True)
        return
    if output is None:
        click.echo(file.body, nl=False)
        return
    # The CSV's BOM and CRLF are kept as they are: no newline translation.
    with open(output, "w", encoding="utf-8", newline="") as out:
        out.write(file.body)
    click.echo(f"{file.filename} written to {output}", err=True)


@click.command("import-event")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_event_command(path: str) -> None:
    """Restore an event from its JSON archive (made by export-event) into this database."""
    try:
        with open(path, encoding="utf-8") as source:
            data = json.load(source)
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"cannot read {path} as JSON: {exc}") from None
    try:
        restored = restore_event(data)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Imported event {restored['join_code']} ({restored['title']}), id {restored['id']}.")


@click.command("purge")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
# The clock, for tests: an ISO 8601 time taken as now (UTC when it has no zone).
@click.option("--now", "now_text", hidden=True)
def purge_command(as_json: bool, now_text: str | None) -> None:
    """Anonymise every closed event whose retention (days after the close) has passed."""
    now = None
    if now_text is not None:
        try:
            now = datetime.fromisoformat(now_text)
        except ValueError:
            raise click.BadParameter("an ISO 8601 time, e.g. 2027-01-31T12:00:00Z", param_hint="--now") from None
        now = now if now.tzinfo else now.replace(tzinfo=UTC)
    done = anonymise_due_events(now)
    if as_json:
        click.echo(json.dumps({"anonymised": done}, ensure_ascii=False))
        return
    if not done:
        click.echo("No event is due for anonymisation.")
    for event in done:
        click.echo(
            f"Anonymised event {event['join_code']} ({event['title']}): {event['pseudonyms']} pseudonyms "
            f"and {event['contacts']} contact lines erased; its cards are kept without author."
        )
