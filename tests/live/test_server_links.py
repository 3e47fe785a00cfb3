"""Against a real server process: revoking a secret link closes the sockets opened with it."""

from __future__ import annotations

import threading

import pytest
import requests
import socketio
from flask import Flask
from flask.testing import FlaskClient

from collab.domain.events import EventLinks
from tests.support.live import LiveServer


def open_socket(url: str, token: str) -> tuple[socketio.Client, threading.Event]:
    """Connect a python-socketio client with a token; return it and an event set when it is closed."""
    sio = socketio.Client(reconnection=False)
    closed = threading.Event()
    sio.on("disconnect", lambda *_reason: closed.set())
    sio.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=10)
    return sio, closed


def test_a_socket_opened_with_a_link_is_closed_when_the_organiser_revokes_it(server: LiveServer) -> None:
    links = server.create_event(rooms=2)
    server.start()
    token = links["rooms"][0]["facilitator_url"].rsplit("/", 1)[1]
    facilitator, facilitator_closed = open_socket(server.url, token)
    other, other_closed = open_socket(server.url, links["rooms"][1]["facilitator_url"].rsplit("/", 1)[1])
    organiser, _ = open_socket(server.url, links["organiser_url"].rsplit("/", 1)[1])

    listed = organiser.call("list_links", {}, timeout=10)["links"]
    target = next(link for link in listed if link["url"] == links["rooms"][0]["facilitator_url"])
    ack = organiser.call("revoke_link", {"link_id": target["id"]}, timeout=10)
    assert ack["ok"] and ack["closed"] == 1

    assert facilitator_closed.wait(5), "the revoked link's socket is still open"
    assert not facilitator.connected
    assert not other_closed.is_set() and other.call("sync", {"room_id": links["rooms"][1]["id"]}, timeout=10)["ok"]
    with pytest.raises(socketio.exceptions.ConnectionError):
        open_socket(server.url, token)
    assert requests.get(links["rooms"][0]["facilitator_url"], timeout=10).status_code == 404
    for sio in (other, organiser):
        sio.disconnect()


def test_the_consoles_show_the_phones_address_and_warn_when_only_this_machine_listens(
    app: Flask, client: FlaskClient, event: EventLinks
) -> None:
    pages = [f"/o/{event.organiser_token}", f"/f/{event.rooms[0].facilitator_token}"]
    app.config["LISTEN_HOST"] = "0.0.0.0"
    for page in pages:
        html = client.get(page).get_data(as_text=True)
        assert '<strong class="venue__url" data-venue-url>http://collab.test</strong>' in html, page
        assert "data-venue-warning" not in html, page
    app.config["LISTEN_HOST"] = "127.0.0.1"
    for page in pages:
        html = client.get(page).get_data(as_text=True)
        assert "data-venue-warning" in html and "les téléphones ne le joindront pas" in html, page
    # Listening everywhere but with no network address to give out: the same warning.
    app.config["LISTEN_HOST"] = "0.0.0.0"
    app.config["PUBLIC_URL"] = "http://127.0.0.1:5000"
    assert "data-venue-warning" in client.get(pages[0]).get_data(as_text=True)
