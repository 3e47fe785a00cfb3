"""HTTP pages: joining by code, staying the same participant, secret links, QR code, headers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from collab.domain.events import EventLinks
from collab.store.database import db
from collab.store.models import Participant
from tests.support.apps import link_token
from tests.support.live import boot_data

ORIGIN = {"Origin": "http://localhost"}


def participants() -> int:
    """Return how many participants have joined."""
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(Participant)) or 0


def join_form(event: EventLinks, **overrides: str) -> dict[str, str]:
    """Return a valid join form for the first room."""
    return {"pseudonym": "Camille", "scale": "intercommunalite", "room": str(event.rooms[0].id)} | overrides


def test_a_typed_code_leads_to_the_join_page_whatever_its_case(client: FlaskClient, event: EventLinks) -> None:
    assert client.get("/").status_code == 200
    typed = event.join_code.lower()[:3] + " " + event.join_code.lower()[3:]
    response = client.get("/join", query_string={"code": typed})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/j/{event.join_code}")
    unknown = client.get("/join", query_string={"code": "ZZZZZZ"})
    assert unknown.status_code == 404 and "Aucun événement" in unknown.get_data(as_text=True)


def test_the_join_page_offers_scales_and_rooms(client: FlaskClient, event: EventLinks) -> None:
    page = client.get(f"/j/{event.join_code.lower()}").get_data(as_text=True)
    for text in ("Pseudonyme", "Échelle territoriale", "Intercommunalité", "État / national", "Salle 4"):
        assert text in page


def test_joining_lands_on_the_board_and_a_reload_is_the_same_person(client: FlaskClient, event: EventLinks) -> None:
    response = client.post(f"/j/{event.join_code}", data=join_form(event), headers=ORIGIN)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/e/{event.join_code}")
    first = boot_data(client.get(f"/e/{event.join_code}").get_data(as_text=True))
    again = boot_data(client.get(f"/e/{event.join_code}").get_data(as_text=True))
    assert first["token"] == again["token"] and first["token"].startswith("p.")
    assert first["participant"]["pseudonym"] == "Camille" and first["room_id"] == event.rooms[0].id
    assert participants() == 1
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_the_board_without_joining_sends_to_the_join_form(client: FlaskClient, event: EventLinks) -> None:
    response = client.get(f"/e/{event.join_code}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/j/{event.join_code}")


@pytest.mark.parametrize(
    "overrides",
    [
        {"pseudonym": ""},
        {"pseudonym": "x" * 41},
        {"scale": "planete"},
        {"room": "999"},
        {"room": "abc"},
        {"room": ""},
        {"unexpected": "1"},
    ],
)
def test_a_bad_join_form_gets_a_clear_error_and_creates_nobody(
    client: FlaskClient, event: EventLinks, overrides: dict[str, str]
) -> None:
    response = client.post(f"/j/{event.join_code}", data=join_form(event, **overrides), headers=ORIGIN)
    assert response.status_code == 400
    assert "Choisissez" in response.get_data(as_text=True) or "pseudonyme" in response.get_data(as_text=True)
    assert participants() == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.test"},
        {"Origin": "null", "Sec-Fetch-Site": "cross-site"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
    ],
)
def test_a_join_posted_from_another_site_is_refused(
    client: FlaskClient, event: EventLinks, headers: dict[str, str]
) -> None:
    response = client.post(f"/j/{event.join_code}", data=join_form(event), headers=headers)
    assert response.status_code == 403
    assert participants() == 0


def test_the_qr_code_is_an_svg_of_the_join_url(client: FlaskClient, event: EventLinks) -> None:
    response = client.get(f"/j/{event.join_code}/qr.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.data.startswith(b"<svg")
    assert client.get("/j/ZZZZZZ/qr.svg").status_code == 404


def test_secret_links_open_their_screen_only(client: FlaskClient, event: EventLinks) -> None:
    screen = client.get(f"/s/{event.screen_token}")
    assert screen.status_code == 200
    assert boot_data(screen.get_data(as_text=True))["join_url"] == f"http://collab.test/j/{event.join_code}"
    facilitator = client.get(f"/f/{event.rooms[2].facilitator_token}")
    assert boot_data(facilitator.get_data(as_text=True))["room_ids"] == [event.rooms[2].id]
    organiser = client.get(f"/o/{event.organiser_token}").get_data(as_text=True)
    assert link_token(event.rooms[3].facilitator_token) in organiser and link_token(event.screen_token) in organiser
    for wrong in (f"/s/{event.organiser_token}", f"/o/{event.screen_token}", "/f/nope", f"/f/{event.screen_token}"):
        assert client.get(wrong).status_code == 404


@pytest.mark.parametrize("path", ["/", "/j/{code}", "/s/{screen}", "/f/{facilitator}", "/o/{organiser}", "/nowhere"])
def test_every_page_forbids_inline_script(client: FlaskClient, event: EventLinks, path: str) -> None:
    url = path.format(
        code=event.join_code,
        screen=event.screen_token,
        facilitator=event.rooms[0].facilitator_token,
        organiser=event.organiser_token,
    )
    response = client.get(url)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["Referrer-Policy"] == "same-origin"
    body = response.get_data(as_text=True)
    assert "<script>" not in body and " on" + "click=" not in body


def test_a_participant_page_shows_user_text_as_text(
    client: FlaskClient, event: EventLinks, join: Callable[..., Any]
) -> None:
    client.post(
        f"/j/{event.join_code}",
        data=join_form(event, pseudonym='"><img src=x onerror=alert(1)>'),
        headers=ORIGIN,
    )
    page = client.get(f"/e/{event.join_code}").get_data(as_text=True)
    assert "<img src=x" not in page
