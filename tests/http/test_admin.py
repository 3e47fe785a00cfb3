"""The admin space: its secret link, every event listed, created from the web, restored, deleted."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from typing import Any

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from collab.domain.admin import admin_token, event_state
from collab.domain.cards import post_card
from collab.domain.events import EventLinks, create_event
from collab.exports.archive import archive_event
from collab.store.database import db
from collab.store.models import Card, Change, Event, Participant, Room
from tests.support.apps import SECRET, joiner, participant_principal

ORIGIN = {"Origin": "http://localhost"}


def admin(app: Flask) -> str:
    """Return the admin page's path."""
    return f"/a/{admin_token(SECRET).token}"


def count(model: Any) -> int:
    """Return how many rows a table holds."""
    with db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def create_form(**fields: Any) -> dict[str, Any]:
    """Return a filled creation form, with `fields` changed."""
    return {
        "title": "Rencontre des chargés de mission",
        "starts_on": "2027-03-18",
        "place": "Maison des associations, Lyon",
        "rooms": "2",
        "source": "template:cooperer-territoires",
    } | fields


def test_the_admin_link_is_made_once_kept_hashed_and_replaced_on_demand(app: Flask) -> None:
    first = admin_token(SECRET)
    assert first.created
    again = admin_token(SECRET)
    assert again == type(first)(first.token, created=False)
    with db.transaction() as session:
        stored = session.execute(select(func.count()).select_from(Event)).scalar()
        assert stored == 0
        hashes = session.execute(select(db_admin_table().c.token_hash)).scalars().all()
    assert first.token not in hashes and len(hashes) == 1  # only its hash is stored
    replaced = admin_token(SECRET, regenerate=True)
    assert replaced.created and replaced.token != first.token


def db_admin_table() -> Any:
    """Return the admin links' table."""
    from collab.store.models import AdminLink

    return AdminLink.__table__


def test_only_the_valid_admin_link_opens_the_admin_pages(app: Flask, client: FlaskClient, event: EventLinks) -> None:
    path = admin(app)
    assert client.get(path).status_code == 200
    for wrong in ("/a/nope", f"/a/{event.organiser_token}", f"/a/{event.screen_token}", "/a/" + "x" * 300):
        assert client.get(wrong).status_code == 404
        assert client.get(wrong + f"/events/{event.id}").status_code == 404
        assert client.post(wrong + "/events", data=create_form(), headers=ORIGIN).status_code == 404
        assert client.post(wrong + f"/events/{event.id}/delete", data={"join_code": event.join_code}).status_code == 404
    # The organiser's page does not open with the admin token either.
    assert client.get("/o/" + path.removeprefix("/a/")).status_code == 404
    # A replaced admin link is refused everywhere at once.
    assert client.post(path + "/regenerate", headers=ORIGIN).status_code == 303
    assert client.get(path).status_code == 404
    assert client.post(path + "/events", data=create_form(), headers=ORIGIN).status_code == 404
    assert count(Event) == 1
    assert client.get(admin(app)).status_code == 200


def test_admin_forms_refuse_a_foreign_origin_and_write_nothing(
    app: Flask, client: FlaskClient, event: EventLinks
) -> None:
    path = admin(app)
    foreign = {"Origin": "http://evil.example"}
    assert client.post(path + "/events", data=create_form(), headers=foreign).status_code == 403
    assert (
        client.post(
            path + f"/events/{event.id}/delete", data={"join_code": event.join_code}, headers=foreign
        ).status_code
        == 403
    )
    assert client.post(path + "/regenerate", headers=foreign).status_code == 403
    assert count(Event) == 1
    assert client.get(path).status_code == 200


def test_the_admin_page_lists_every_event_with_its_state_and_figures(app: Flask, client: FlaskClient) -> None:
    path = admin(app)
    running = create_event(SECRET, title="Séminaire en cours", rooms=2, open_boards=True)
    closed = create_event(SECRET, title="Séminaire de l'an dernier", rooms=1, open_boards=True)
    upcoming = create_event(SECRET, title="Séminaire de mars", rooms=3, starts_on=date(2099, 3, 18), open_boards=True)
    with db.transaction() as session:
        session.get(Event, running.id).current_phase_id = 1  # type: ignore[union-attr]
        session.get(Event, closed.id).closed_at = session.get(Event, closed.id).created_at  # type: ignore[union-attr]
    participant = joiner(running)(0, "Camille")
    post_card(participant_principal(participant), "list-1", "four_questions", "comment", "Une carte")
    page = client.get(path).get_data(as_text=True)
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert [row.split('<th scope="row">')[1].split("<")[0] for row in rows] == [
        "Séminaire en cours",
        "Séminaire de mars",
        "Séminaire de l&#39;an dernier",
    ]
    assert "En cours" in rows[0] and running.join_code in rows[0] and f"/o/{running.organiser_token}" in rows[0]
    assert re.findall(r'class="num"[^>]*>(\d+)<', rows[0]) == ["2", "1", "1"]
    assert "À venir" in rows[1] and "2099-03-18" in rows[1]
    assert "Clos" in rows[2]
    assert upcoming.join_code in rows[1]


def test_event_states_follow_the_date_the_phase_and_the_close() -> None:
    today = date(2027, 3, 18)
    assert event_state(Event(starts_on=date(2027, 3, 19)), today) == "upcoming"
    assert event_state(Event(starts_on=today), today) == "upcoming"  # not started yet
    assert event_state(Event(starts_on=today, current_phase_id=3), today) == "running"
    assert event_state(Event(starts_on=None, current_phase_id=3), today) == "running"
    assert event_state(Event(starts_on=date(2027, 3, 1)), today) == "running"  # past, never closed
    assert event_state(Event(starts_on=None, closed_at=today), today) == "closed"


def test_an_event_is_created_from_the_web_and_its_links_shown(app: Flask, client: FlaskClient) -> None:
    path = admin(app)
    response = client.post(path + "/events", data=create_form(), headers=ORIGIN)
    assert response.status_code == 303
    with db.transaction() as session:
        event = session.scalars(select(Event)).one()
        assert (event.title, event.starts_on, event.place) == (
            "Rencontre des chargés de mission",
            date(2027, 3, 18),
            "Maison des associations, Lyon",
        )
        assert session.scalar(select(func.count()).select_from(Room).where(Room.event_id == event.id)) == 2
    assert response.headers["Location"].endswith(f"{path}/events/{event.id}?created=1")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert event.join_code in page and "/o/" in page and "/s/" in page
    assert page.count('href="http://collab.test/f/') == 2
    sheets = client.get(f"{path}/events/{event.id}/print").get_data(as_text=True)
    assert sheets.count('class="printsheet"') == 3  # the join sheet, then one per room
    assert sheets.count("data:image/svg+xml;base64,") == 3


def test_bad_creation_forms_are_refused_by_field_and_create_nothing(app: Flask, client: FlaskClient) -> None:
    path = admin(app)
    cases = {
        "title": create_form(title="  "),
        "starts_on": create_form(starts_on="18/03/2027"),
        "place": create_form(place="x" * 201),
        "source": create_form(source="template:nope"),
    }
    for field, form in cases.items():
        response = client.post(path + "/events", data=form, headers=ORIGIN)
        assert response.status_code == 400, field
        assert f'id="{field}-error"' in response.get_data(as_text=True), field
    for rooms in ("0", "100", "-1", "deux"):
        response = client.post(path + "/events", data=create_form(rooms=rooms), headers=ORIGIN)
        assert response.status_code == 400
        assert "de 1 à 40 salles" in response.get_data(as_text=True)
    # The form is given back as it was typed.
    response = client.post(path + "/events", data=create_form(title=""), headers=ORIGIN)
    assert 'value="Maison des associations, Lyon"' in response.get_data(as_text=True)
    assert count(Event) == 0


def test_an_uploaded_template_creates_an_event_and_a_bad_one_creates_nothing(app: Flask, client: FlaskClient) -> None:
    path = admin(app)
    good = """title = "Atelier court"
rooms = 1
scales = [{ key = "commune", label = "Commune" }]
[[boards]]
key = "idees"
title = "Idées"
columns = [{ key = "idee", label = "Une idée", hint = "Ce qui vous vient." }]
[[phases]]
start = "09:00"
end = "10:00"
kind = "atelier"
activity = "idees"
title = "Les idées"
"""

    def upload(text: bytes, name: str = "modele.toml") -> Any:
        form = create_form(source="upload", rooms="") | {"template_file": (io.BytesIO(text), name)}
        return client.post(path + "/events", data=form, headers=ORIGIN, content_type="multipart/form-data")

    assert upload(good.encode()).status_code == 303
    with db.transaction() as session:
        event = session.scalars(select(Event)).one()
        assert event.boards[0]["columns"][0]["label"] == "Une idée"
        assert session.scalar(select(func.count()).select_from(Room)) == 1
    bad = upload(b'title = "x"\nrooms = 0\n[[boards]]\nkey = "a b"\ntitle = "B"\nkind = "mur"\n')
    assert bad.status_code == 400
    page = bad.get_data(as_text=True)
    assert "Ce modèle ne convient pas" in page and 'class="admin__problems"' in page
    assert upload(b"\xff\xfe not text").status_code == 400
    assert upload(b"title = ").status_code == 400
    missing = client.post(path + "/events", data=create_form(source="upload"), headers=ORIGIN)
    assert missing.status_code == 400 and "Choisissez le fichier du modèle" in missing.get_data(as_text=True)
    huge = upload(b"# " + b"x" * (5 * 1024 * 1024))
    assert huge.status_code == 413 and "trop lourd" in huge.get_data(as_text=True)
    assert count(Event) == 1


def test_deleting_an_event_takes_its_typed_code_and_every_row_of_it(app: Flask, client: FlaskClient) -> None:
    path = admin(app)
    kept = create_event(SECRET, title="Gardé", rooms=1, open_boards=True)
    gone = create_event(SECRET, title="Effacé", rooms=2, open_boards=True)
    for links in (kept, gone):
        participant = joiner(links)(0, "Camille")
        post_card(participant_principal(participant), f"delete-{links.id}", "four_questions", "comment", "Une carte")
    before = {model: count(model) for model in (Event, Room, Participant, Card, Change)}
    wrong = client.post(f"{path}/events/{gone.id}/delete", data={"join_code": kept.join_code}, headers=ORIGIN)
    assert wrong.status_code == 400 and "Tapez le code du séminaire" in wrong.get_data(as_text=True)
    assert {model: count(model) for model in before} == before
    assert client.post(f"{path}/events/999999/delete", data={"join_code": "X"}, headers=ORIGIN).status_code == 404
    typed = " " + gone.join_code.lower() + " "  # as a person types it
    done = client.post(f"{path}/events/{gone.id}/delete", data={"join_code": typed}, headers=ORIGIN)
    assert done.status_code == 303
    assert gone.join_code in client.get(done.headers["Location"]).get_data(as_text=True)
    assert count(Event) == 1 and count(Room) == 1 and count(Participant) == 1 and count(Card) == 1
    assert client.get(f"/o/{gone.organiser_token}").status_code == 404
    assert client.get(f"/o/{kept.organiser_token}").status_code == 200


def test_an_event_is_restored_from_its_archive_by_upload(app: Flask, client: FlaskClient) -> None:
    path = admin(app)
    links = create_event(SECRET, title="À restaurer", rooms=2, open_boards=True)
    participant = joiner(links)(1, "Bao")
    post_card(participant_principal(participant), "restore-1", "four_questions", "pourquoi", "Gardée")
    archive = json.dumps(archive_event(links.id)).encode()
    client.post(f"{path}/events/{links.id}/delete", data={"join_code": links.join_code}, headers=ORIGIN)
    assert count(Event) == 0

    def upload(body: bytes) -> Any:
        form = {"archive": (io.BytesIO(body), "event.json")}
        return client.post(path + "/restore", data=form, headers=ORIGIN, content_type="multipart/form-data")

    assert upload(b"{not json").status_code == 400
    refused = upload(json.dumps({"format": "something else"}).encode())
    assert refused.status_code == 400 and "Rien n'a été restauré" in refused.get_data(as_text=True)
    assert count(Event) == 0
    restored = upload(archive)
    assert restored.status_code == 303
    assert count(Event) == 1 and count(Card) == 1
    assert client.get(f"/o/{links.organiser_token}").status_code == 200
    assert upload(archive).status_code == 400  # its code is taken now: nothing imported twice
    assert count(Event) == 1


def test_the_admin_link_command_prints_the_same_link_until_regenerated(runner: FlaskCliRunner) -> None:
    first = json.loads(runner.invoke(args=["admin-link", "--json"]).output)["admin_url"]
    assert first.startswith("http://collab.test/a/")
    assert json.loads(runner.invoke(args=["admin-link", "--json"]).output)["admin_url"] == first
    printed = runner.invoke(args=["admin-link"]).output
    assert printed.strip() == f"Administration : {first}"
    replaced = json.loads(runner.invoke(args=["admin-link", "--regenerate", "--json"]).output)["admin_url"]
    assert replaced != first


def test_every_admin_route_refuses_every_other_token_and_changes_nothing(app: Flask, client: FlaskClient) -> None:
    from collab.tokens import participant_token

    path = admin(app)
    revoked = path.removeprefix("/a/")
    admin_token(SECRET, regenerate=True)
    links = create_event(SECRET, title="Autre séminaire", rooms=2, open_boards=True)
    participant = joiner(links)(0, "Camille")
    tokens = {
        "random": "x" * 32,
        "participant": participant_token(participant["id"]),
        "screen": links.screen_token,
        "facilitator": links.rooms[0].facilitator_token,
        "organiser": links.organiser_token,
        "revoked admin link": revoked,
    }
    archive = json.dumps(archive_event(links.id)).encode()
    routes = [
        ("GET", "", None),
        ("GET", f"/events/{links.id}", None),
        ("GET", f"/events/{links.id}/print", None),
        ("POST", "/events", create_form()),
        ("POST", f"/events/{links.id}/delete", {"join_code": links.join_code}),
        ("POST", "/restore", {"archive": (io.BytesIO(archive), "event.json")}),
        ("POST", "/regenerate", {}),
    ]
    before = {model: count(model) for model in (Event, Room, Participant, db_admin_table())}
    for role, token in tokens.items():
        for method, route, form in routes:
            if form and "archive" in form:
                form = {"archive": (io.BytesIO(archive), "event.json")}
            response = client.open(f"/a/{token}{route}", method=method, data=form, headers=ORIGIN)
            assert response.status_code == 404, (role, method, route)
    assert {model: count(model) for model in before} == before


def test_a_copy_of_an_earlier_event_takes_its_structure_never_its_people(app: Flask, client: FlaskClient) -> None:
    path = admin(app)
    last_year = create_event(SECRET, title="Séminaire 2026", rooms=3, open_boards=True)
    participant = joiner(last_year)(0, "Camille")
    post_card(participant_principal(participant), "copy-card-1", "four_questions", "comment", "Une carte de 2026")
    form = create_form(title="Séminaire 2027", rooms="", source=f"copy:{last_year.id}", place="")
    assert client.post(path + "/events", data=form, headers=ORIGIN).status_code == 303
    with db.transaction() as session:
        old, new = session.scalars(select(Event).order_by(Event.id)).all()
        assert (new.title, new.boards, new.scales) == ("Séminaire 2027", old.boards, old.scales)
        assert session.scalar(select(func.count()).select_from(Room).where(Room.event_id == new.id)) == 3
        assert session.scalar(select(func.count()).select_from(Participant).where(Participant.event_id == new.id)) == 0
    assert count(Card) == 1
    unknown = client.post(path + "/events", data=create_form(source="copy:999999"), headers=ORIGIN)
    assert unknown.status_code == 400 and count(Event) == 2


def test_the_join_page_says_when_and_where_in_the_readers_language(app: Flask, client: FlaskClient) -> None:
    client.post(admin(app) + "/events", data=create_form(), headers=ORIGIN)
    with db.transaction() as session:
        code = session.scalars(select(Event.join_code)).one()
    french = client.get(f"/j/{code}").get_data(as_text=True)
    assert "jeudi 18 mars 2027 · Maison des associations, Lyon" in french
    english = client.get(f"/j/{code}?lang=en").get_data(as_text=True)
    assert "Thursday, March 18, 2027 · Maison des associations, Lyon" in english


def test_a_generic_template_asks_for_the_scale_in_its_own_words(app: Flask, client: FlaskClient) -> None:
    client.post(admin(app) + "/events", data=create_form(source="template:forum-ouvert"), headers=ORIGIN)
    with db.transaction() as session:
        code = session.scalars(select(Event.join_code)).one()
    page = client.get(f"/j/{code}").get_data(as_text=True)
    assert '<label for="scale">Vous venez d&#39;une…</label>' in page and "Entreprise" in page
    assert "Échelle territoriale" not in page
