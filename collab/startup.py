"""What the server does as it starts: forget stale sockets, make sure an event exists, say where."""

from __future__ import annotations

from flask import Flask

from collab.domain import presence
from collab.domain.admin import admin_token
from collab.domain.events import create_event, event_links, latest_event_id
from collab.links import admin_url, describe_links
from collab.links import event_links as links_of


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
            print(describe_links(links_of(event_links(secret, event_id))), flush=True)
        made = admin_token(secret)
        if made.created:
            # Printed once, on the first start: afterwards `flask --app collab admin-link` prints it again.
            print(f"Administration (préparer, supprimer des séminaires) : {admin_url(made.token)}", flush=True)
        else:
            print("Lien d'administration : .venv/bin/flask --app collab admin-link", flush=True)
        print("Pour arrêter le serveur : Ctrl+C. Les données restent dans", app.config["INSTANCE_PATH"], flush=True)
