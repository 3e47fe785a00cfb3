"""HTTP tests of the self-diagnosis pages: the published grid, the join form first, the personal link and its QR."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

from collab.domain import closing, diagnosis
from collab.domain.events import EventLinks
from collab.tokens import grid_token
from tests.support.apps import link_principal, participant_principal
from tests.support.grid import GRID, publish_grid
from tests.support.live import boot_data

ORIGIN = {"Origin": "http://localhost"}
Join = Callable[..., dict[str, Any]]


def joined(client: FlaskClient, event: EventLinks, pseudonym: str = "Camille") -> None:
    """Join the event through the form, as a phone does (the browser then is this participant)."""
    form = {"pseudonym": pseudonym, "scale": "commune", "room": str(event.rooms[0].id)}
    assert client.post(f"/j/{event.join_code}", data=form, headers=ORIGIN).status_code == 303


def test_before_publication_the_page_says_the_grid_is_not_published(client: FlaskClient, event: EventLinks) -> None:
    page = client.get(f"/j/{event.join_code.lower()}/grille")
    assert page.status_code == 200
    assert "pas encore publiée" in page.get_data(as_text=True)
    assert client.get("/j/ZZZZZZ/grille").status_code == 404


def test_a_visitor_who_has_not_joined_is_sent_to_the_join_form(client: FlaskClient, event: EventLinks) -> None:
    publish_grid(event.id)
    response = client.get(f"/j/{event.join_code}/grille")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/j/{event.join_code}")


def test_a_participant_gets_the_grid_their_answers_and_their_personal_link(
    client: FlaskClient, event: EventLinks
) -> None:
    publish_grid(event.id)
    joined(client, event)
    phone = client.get(f"/e/{event.join_code}").get_data(as_text=True)
    assert "Appliquer la grille de lecture à ma situation" in phone
    participant_id = boot_data(phone)["participant"]["id"]
    me = participant_principal({"id": participant_id})
    diagnosis.save_answers(me, "Le PETR", {"11": {"answer": "en_partie", "note": "Avec la CC"}})

    page = client.get(f"/j/{event.join_code}/grille").get_data(as_text=True)
    for question in GRID["questions"]:
        assert question["label"] in page
    assert page.count('type="radio"') == 4 * 5  # four answers for each of the five points
    boot = boot_data(page)
    assert boot["token"].startswith("p.") and boot["participant_id"] == participant_id
    assert boot["saved"]["situation"] == "Le PETR"
    assert boot["saved"]["answers"] == {"11": {"answer": "en_partie", "note": "Avec la CC"}}
    assert boot["limits"]["grid_note"] == diagnosis.NOTE_MAX
    link = f"/j/{event.join_code}/grille/{grid_token(participant_id)}"
    assert f'href="http://collab.test{link}"' in page and f'src="{link}/qr.svg"' in page


def test_the_personal_link_opens_the_answers_anywhere_with_the_grid_token_only(
    client: FlaskClient, event: EventLinks, join: Join
) -> None:
    publish_grid(event.id)
    alix = join(pseudonym="Alix")
    diagnosis.save_answers(participant_principal(alix), "Le PETR", {"21": {"answer": "oui", "note": ""}})
    token = grid_token(alix["id"])
    page = client.get(f"/j/{event.join_code}/grille/{token}")
    assert page.status_code == 200
    boot = boot_data(page.get_data(as_text=True))
    assert boot["token"] == token and boot["saved"]["answers"] == {"21": {"answer": "oui", "note": ""}}
    assert alix["token"] not in page.get_data(as_text=True)  # the full participant token is never handed out
    qr = client.get(f"/j/{event.join_code}/grille/{token}/qr.svg")
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml" and b"<svg" in qr.data

    for wrong in (alix["token"], "g.forged", event.organiser_token):
        assert client.get(f"/j/{event.join_code}/grille/{wrong}").status_code == 404, wrong
        assert client.get(f"/j/{event.join_code}/grille/{wrong}/qr.svg").status_code == 404, wrong


def test_the_personal_link_of_another_event_is_not_found(client: FlaskClient, event: EventLinks, join: Join) -> None:
    from collab.domain.events import create_event
    from tests.support.apps import SECRET

    other = create_event(SECRET, open_boards=True)
    publish_grid(event.id)
    token = grid_token(join()["id"])
    assert client.get(f"/j/{other.join_code}/grille/{token}").status_code == 404


def test_once_closed_a_visitor_applies_the_grid_in_their_browser_only(client: FlaskClient, event: EventLinks) -> None:
    publish_grid(event.id)
    closing.close_event(link_principal(event.organiser_token))
    page = client.get(f"/j/{event.join_code}/grille")
    assert page.status_code == 200
    boot = boot_data(page.get_data(as_text=True))
    assert boot["token"] is None and "saved" not in boot
    assert "Vos réponses restent dans ce navigateur." in page.get_data(as_text=True)


def test_the_organiser_sees_how_many_applied_the_grid_and_nothing_of_the_answers(
    client: FlaskClient, event: EventLinks, join: Join
) -> None:
    publish_grid(event.id)
    for name in ("Alix", "Bao"):
        diagnosis.save_answers(
            participant_principal(join(pseudonym=name)), "Secret de " + name, {"11": {"answer": "oui", "note": "N"}}
        )
    page = client.get(f"/o/{event.organiser_token}").get_data(as_text=True)
    assert "Grille de lecture : 2 participants l" in page
    assert "Secret de" not in page
    for name in ("report.html", "report.md", "cards.csv", "event.json", "report-organiser.html"):
        body = client.get(f"/o/{event.organiser_token}/export/{name}").get_data(as_text=True)
        assert "Secret de" not in body, name
