"""What the server does as it starts: forget stale sockets, make sure an event exists, say where;
then, for as long as it runs, anonymise the events whose retention has passed."""

from __future__ import annotations

import logging
import os
import shutil
import sys
from pathlib import Path

from flask import Flask

from collab.addresses import admin_url, describe_links, event_addresses
from collab.domain import presence
from collab.domain.admin import admin_token
from collab.domain.events import create_event, event_links, latest_event_id
from collab.domain.privacy import anonymise_due_events
from collab.realtime.server import socketio

log = logging.getLogger(__name__)
# How often the running server looks for events due for anonymisation (seconds).
RETENTION_CHECK_SECONDS = 3600


def announce_links(app: Flask, host: str) -> None:
    """Create the demo event on an empty database, then print the newest event's links."""
    with app.app_context():
        # Alone (no message queue), every recorded socket was this process's; with a queue,
        # only those recorded under this worker's name.
        presence.forget_sockets(app.config["WORKER_NAME"] if app.config["MESSAGE_QUEUE"] else None)
        event_id = latest_event_id()
        secret = app.config["SECRET_KEY"]
        if event_id is None and app.config["CREATE_DEMO"]:
            event_id = create_event(secret, template=app.config["DEMO_TEMPLATE"], rooms=app.config["DEMO_ROOMS"]).id
        where = "toutes les interfaces" if host in ("0.0.0.0", "::") else host
        print(f"collab écoute sur {where}, port {app.config['PORT']}", flush=True)
        if host in ("127.0.0.1", "localhost", "::1"):
            print("  Attention : le serveur n'écoute que cette machine ; les téléphones ne le joindront pas.")
        if event_id is not None:
            print(describe_links(event_addresses(event_links(secret, event_id))), flush=True)
        made = admin_token(secret)
        if made.created:
            # Printed once, on the first start: afterwards `collab admin-link` prints it again.
            print(f"Administration (préparer, supprimer des séminaires) : {admin_url(made.token)}", flush=True)
        else:
            print(f"Lien d'administration : {collab_command()} admin-link", flush=True)
        print("Pour arrêter le serveur : Ctrl+C. Les données restent dans", app.config["INSTANCE_PATH"], flush=True)


def collab_command() -> str:
    """Return how to type the `collab` command here: its name if the PATH finds this one, else its path."""
    script = Path(sys.executable).parent / "collab"
    found = shutil.which("collab")
    if found and Path(found).resolve() == script.resolve():
        return "collab"
    # From a checkout, .venv/bin/collab.
    return os.path.relpath(script) if script.is_relative_to(Path.cwd()) else str(script)


def keep_retention(app: Flask) -> None:
    """Anonymise the events due for it now, before serving, then start the task that does it every hour.

    Every worker runs it: each event is claimed by one UPDATE … WHERE anonymised_at IS NULL, so
    only one of them anonymises it and the others find nothing to do.
    """
    anonymise_due(app)
    socketio.start_background_task(_retention_loop, app)


def anonymise_due(app: Flask) -> None:
    """Anonymise the events whose retention has passed and say so; a failure is logged, never raised."""
    with app.app_context():
        try:
            for done in anonymise_due_events():
                print(f"Séminaire {done['join_code']} anonymisé : sa durée de conservation est passée.", flush=True)
        except Exception:
            log.exception("the events due for anonymisation could not be anonymised; next try in an hour")


def _retention_loop(app: Flask) -> None:
    while True:
        socketio.sleep(RETENTION_CHECK_SECONDS)
        anonymise_due(app)
