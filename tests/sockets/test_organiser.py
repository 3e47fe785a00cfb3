"""The organiser's console: secret links (list, create, revoke, regenerate), moderation log, overview."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient, FlaskCliRunner
from flask_socketio import SocketIOTestClient
from sqlalchemy import func, select

from collab.domain import audit, links, moderation, overview, presence
from collab.domain.errors import Forbidden, Invalid, NotFound, Unauthorised
from collab.domain.events import EventLinks, create_event, event_links
from collab.store.database import db
from collab.store.models import AccessLink, Card, ModerationAction
from tests.support.apps import SECRET, link_principal, link_token, participant_principal
from tests.support.cards import counted, posted
from tests.support.live import boot_data

Join = Callable[..., dict[str, Any]]
Connect = Callable[[str | None], SocketIOTestClient]


# What the tests count before and after: links, revoked links and logged actions.
WRITTEN = (
    AccessLink,
    select(func.count()).select_from(AccessLink).where(AccessLink.revoked_at.is_not(None)),
    ModerationAction,
)


def link_id(token: str | None) -> int:
    """Return the id of the link with this token."""
    principal = link_principal(token)
    assert principal.link_id is not None
    return principal.link_id


# ---------- Domain ----------


def test_the_organiser_lists_every_valid_link(event: EventLinks) -> None:
    organiser = link_principal(event.organiser_token)
    listed = links.list_links(SECRET, organiser)
    assert [(link.role, link.room_name) for link in listed] == [
        ("organiser", None),
        ("screen", None),
        *[("facilitator", room.name) for room in event.rooms],
    ]
    assert [link.token for link in listed] == [
        event.organiser_token,
        event.screen_token,
        *[room.facilitator_token for room in event.rooms],
    ]
    assert [link.current for link in listed] == [True] + [False] * (len(listed) - 1)


def test_revoking_a_link_refuses_it_and_is_logged(event: EventLinks) -> None:
    organiser = link_principal(event.organiser_token)
    target = link_id(event.rooms[0].facilitator_token)
    assert links.revoke_link(organiser, target) == {
        "link_id": target,
        "role": "facilitator",
        "room_id": event.rooms[0].id,
    }
    with pytest.raises(Unauthorised):
        link_principal(event.rooms[0].facilitator_token)
    with pytest.raises(NotFound):
        links.revoke_link(organiser, target)  # already revoked
    assert event_links(SECRET, event.id).rooms[0].facilitator_token is None
    logged = audit.moderation_log(organiser)
    assert [(e["action"], e["actor"], e["room_id"]) for e in logged] == [
        ("link_revoked", "organiser", event.rooms[0].id)
    ]
    assert logged[0]["details"] == {"link_id": target, "role": "facilitator"}


def test_the_organiser_cannot_revoke_their_own_link_but_can_regenerate_it(event: EventLinks) -> None:
    organiser = link_principal(event.organiser_token)
    with pytest.raises(Forbidden):
        links.revoke_link(organiser, link_id(event.organiser_token))
    assert counted(*WRITTEN) == (6, 0, 0)
    old_id, fresh = links.regenerate_link(SECRET, organiser, link_id(event.organiser_token))
    assert fresh.role == "organiser" and fresh.current and fresh.token != event.organiser_token
    with pytest.raises(Unauthorised):
        link_principal(event.organiser_token)
    again = link_principal(fresh.token)
    assert again.role == "organiser" and again.link_id == fresh.id != old_id
    assert event_links(SECRET, event.id).organiser_token == fresh.token


def test_regenerating_a_facilitator_link_keeps_its_room(event: EventLinks) -> None:
    organiser = link_principal(event.organiser_token)
    old = event.rooms[1].facilitator_token
    old_id, fresh = links.regenerate_link(SECRET, organiser, link_id(old))
    assert counted(*WRITTEN) == (7, 1, 1) and fresh.id != old_id
    assert (fresh.role, fresh.room_id, fresh.room_name, fresh.current) == (
        "facilitator",
        event.rooms[1].id,
        "Salle 2",
        False,
    )
    with pytest.raises(Unauthorised):
        link_principal(old)
    assert link_principal(fresh.token).may_moderate(event.rooms[1].id)
    assert event_links(SECRET, event.id).rooms[1].facilitator_token == fresh.token
    assert [e["action"] for e in audit.moderation_log(organiser)] == ["link_regenerated"]


def test_a_facilitator_link_for_every_room(event: EventLinks) -> None:
    organiser = link_principal(event.organiser_token)
    created = links.create_link(SECRET, organiser, "facilitator", None)
    assert (created.role, created.room_id, created.room_name) == ("facilitator", None, None)
    everywhere = link_principal(created.token)
    assert all(everywhere.may_moderate(room.id) for room in event.rooms)
    assert event_links(SECRET, event.id).all_rooms_tokens == [created.token]
    listed = links.list_links(SECRET, organiser)
    assert next(link.id for link in listed if link.role == "facilitator") == created.id  # all rooms first
    assert [e["action"] for e in audit.moderation_log(organiser)] == ["link_created"]


def test_creating_links_is_checked(event: EventLinks) -> None:
    organiser = link_principal(event.organiser_token)
    with pytest.raises(Invalid):
        links.create_link(SECRET, organiser, "organiser", None)
    with pytest.raises(Invalid):
        links.create_link(SECRET, organiser, "screen", event.rooms[0].id)
    with pytest.raises(NotFound):
        links.create_link(SECRET, organiser, "facilitator", 9999)
    assert counted(*WRITTEN) == (6, 0, 0)


def test_links_of_another_event_are_out_of_reach(event: EventLinks) -> None:
    other = create_event(SECRET, rooms=1, open_boards=True)
    organiser = link_principal(event.organiser_token)
    with pytest.raises(NotFound):
        links.revoke_link(organiser, link_id(other.screen_token))
    with pytest.raises(NotFound):
        links.regenerate_link(SECRET, organiser, link_id(other.rooms[0].facilitator_token))
    with pytest.raises(NotFound):
        links.create_link(SECRET, organiser, "facilitator", other.rooms[0].id)
    assert {link.token for link in links.list_links(SECRET, organiser)}.isdisjoint(
        {other.organiser_token, other.screen_token}
    )


@pytest.mark.parametrize("who", ["facilitator", "screen", "participant"])
def test_only_the_organiser_manages_links_reads_the_log_and_the_overview(
    event: EventLinks, join: Join, who: str
) -> None:
    principal = {
        "facilitator": lambda: link_principal(event.rooms[0].facilitator_token),
        "screen": lambda: link_principal(event.screen_token),
        "participant": lambda: participant_principal(join()),
    }[who]()
    target = link_id(event.rooms[1].facilitator_token)
    for attempt in (
        lambda: links.list_links(SECRET, principal),
        lambda: links.create_link(SECRET, principal, "facilitator", None),
        lambda: links.revoke_link(principal, target),
        lambda: links.regenerate_link(SECRET, principal, target),
        lambda: audit.moderation_log(principal),
        lambda: overview.room_overview(principal),
    ):
        with pytest.raises(Forbidden):
            attempt()
    assert counted(*WRITTEN) == (6, 0, 0)


def test_the_overview_counts_people_and_cards_per_room(event: EventLinks, join: Join) -> None:
    organiser = link_principal(event.organiser_token)
    shown = posted(join(room=0, pseudonym="P001"), client_id="client-0001")
    hidden = posted(join(room=0, pseudonym="P002"), client_id="client-0002")
    posted(join(room=1, pseudonym="P003"), client_id="client-0003")
    moderation.hide_card(organiser, hidden["id"])
    with db.transaction() as session:
        held = session.get(Card, shown["id"])
        assert held is not None
        held.held = "moderation"
    presence.participant_connected("sid-a", participant_principal(join(room=2, pseudonym="Z")))
    rows = overview.room_overview(organiser)
    assert [r["name"] for r in rows] == [room.name for room in event.rooms]
    first, second, third = rows[0], rows[1], rows[2]
    assert (first["visible"], first["hidden"], first["pending"], first["locked"]) == (0, 1, 1, False)
    assert (second["visible"], second["hidden"], second["pending"]) == (1, 0, 0)
    assert [r["connected"] for r in rows] == [0, 0, 1, 0]
    assert third["visible"] == 0


def test_hiding_and_restoring_are_logged(event: EventLinks, join: Join) -> None:
    card = posted(join(room=0, pseudonym="P001"), client_id="client-0001")
    facilitator = link_principal(event.rooms[0].facilitator_token)
    moderation.hide_card(facilitator, card["id"])
    moderation.restore_card(facilitator, card["id"])
    moderation.restore_card(facilitator, card["id"])  # changes nothing, logs nothing
    logged = audit.moderation_log(link_principal(event.organiser_token))
    assert [(e["action"], e["actor"], e["card_id"]) for e in logged] == [
        ("card_restored", "facilitator:Salle 1", card["id"]),
        ("card_hidden", "facilitator:Salle 1", card["id"]),
    ]


# ---------- Sockets ----------


def test_revoking_a_facilitator_link_closes_its_sockets_and_its_page(
    connect: Connect, client: FlaskClient, event: EventLinks
) -> None:
    token = event.rooms[0].facilitator_token
    facilitator = connect(token)
    second_tab = connect(token)
    other_room = connect(event.rooms[1].facilitator_token)
    organiser = connect(event.organiser_token)
    assert client.get(f"/f/{token}").status_code == 200

    target = link_id(token)
    ack = organiser.emit("revoke_link", {"link_id": target}, callback=True)
    assert ack == {"ok": True, "link_id": target, "role": "facilitator", "room_id": event.rooms[0].id, "closed": 2}
    assert not facilitator.is_connected() and not second_tab.is_connected()
    assert other_room.is_connected() and organiser.is_connected()
    assert not connect(token).is_connected()  # reconnection refused
    assert client.get(f"/f/{token}").status_code == 404


def test_a_regenerated_link_works_and_the_old_one_is_closed(
    connect: Connect, client: FlaskClient, event: EventLinks
) -> None:
    old = event.rooms[0].facilitator_token
    facilitator = connect(old)
    organiser = connect(event.organiser_token)
    ack = organiser.emit("regenerate_link", {"link_id": link_id(old)}, callback=True)
    assert ack["ok"] and ack["closed"] == 1 and not facilitator.is_connected()
    fresh = ack["link"]
    assert fresh["url"].startswith("http://collab.test/f/") and "token" not in fresh
    assert (fresh["role"], fresh["room_id"], fresh["room_name"]) == ("facilitator", event.rooms[0].id, "Salle 1")
    new_token = fresh["url"].rsplit("/", 1)[1]
    assert client.get(f"/f/{new_token}").status_code == 200
    assert client.get(f"/f/{old}").status_code == 404
    assert connect(new_token).is_connected()
    listed = organiser.emit("list_links", {}, callback=True)["links"]
    assert fresh["id"] in [link["id"] for link in listed]
    assert ack["revoked_link_id"] not in [link["id"] for link in listed]


def test_the_organiser_regenerates_their_own_link_and_keeps_their_socket_for_the_answer(
    connect: Connect, client: FlaskClient, event: EventLinks
) -> None:
    organiser = connect(event.organiser_token)
    other_tab = connect(event.organiser_token)
    own = link_id(event.organiser_token)
    refused = organiser.emit("revoke_link", {"link_id": own}, callback=True)
    assert refused["error"]["code"] == "forbidden" and counted(*WRITTEN) == (6, 0, 0)

    ack = organiser.emit("regenerate_link", {"link_id": own}, callback=True)
    assert ack["ok"] and ack["link"]["current"] and ack["link"]["role"] == "organiser"
    assert not other_tab.is_connected() and organiser.is_connected()
    # The old token no longer acts, even on the socket kept open for the answer.
    assert organiser.emit("list_links", {}, callback=True)["error"]["code"] == "unauthorised"
    assert client.get(f"/o/{event.organiser_token}").status_code == 404
    assert client.get(ack["link"]["url"].removeprefix("http://collab.test")).status_code == 200


def test_the_organiser_creates_a_facilitator_link_for_every_room(connect: Connect, event: EventLinks) -> None:
    organiser = connect(event.organiser_token)
    ack = organiser.emit("create_link", {"role": "facilitator", "room_id": None}, callback=True)
    assert ack["ok"] and (ack["link"]["room_id"], ack["link"]["role"]) == (None, "facilitator")
    everywhere = connect(ack["link"]["url"].rsplit("/", 1)[1])
    assert everywhere.is_connected()
    for room in event.rooms:
        assert everywhere.emit("sync", {"room_id": room.id}, callback=True)["ok"]


def test_the_console_reads_the_log_and_every_room(connect: Connect, event: EventLinks, join: Join) -> None:
    phone = connect(join(room=1)["token"])
    organiser = connect(event.organiser_token)
    facilitator = connect(event.rooms[1].facilitator_token)
    posted = phone.emit(
        "post_card",
        {"client_id": "client-0001", "board": "four_questions", "column": "pourquoi", "text": "Oui"},
        callback=True,
    )
    facilitator.emit("hide_card", {"card_id": posted["card"]["id"]}, callback=True)
    log = organiser.emit("get_moderation_log", {}, callback=True)
    assert log["ok"] and [(e["action"], e["actor"]) for e in log["entries"]] == [("card_hidden", "facilitator:Salle 2")]
    rooms = organiser.emit("get_overview", {}, callback=True)["rooms"]
    assert rooms[1] == {
        "room_id": event.rooms[1].id,
        "name": "Salle 2",
        "connected": 1,
        "visible": 0,
        "hidden": 1,
        "pending": 0,
        "locked": False,
    }
    assert [r["connected"] for r in rooms] == [0, 1, 0, 0]


NEW_EVENTS: dict[str, dict[str, Any]] = {
    "list_links": {},
    "create_link": {"role": "facilitator", "room_id": None},
    "revoke_link": {"link_id": 1},
    "regenerate_link": {"link_id": 1},
    "get_moderation_log": {},
    "get_overview": {},
}


@pytest.mark.parametrize("who", ["facilitator", "all_rooms", "screen", "participant"])
def test_only_the_organiser_may_send_the_console_events(
    connect: Connect, event: EventLinks, join: Join, who: str
) -> None:
    if who == "all_rooms":
        token = links.create_link(SECRET, link_principal(event.organiser_token), "facilitator", None).token
    else:
        token = {
            "facilitator": event.rooms[0].facilitator_token,
            "screen": event.screen_token,
            "participant": join()["token"],
        }[who]
    before = counted(*WRITTEN)
    sio = connect(token)
    for name, payload in NEW_EVENTS.items():
        payload = payload | ({"link_id": link_id(token)} if "link_id" in payload and who != "participant" else {})
        ack = sio.emit(name, payload, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == "forbidden", name
    assert counted(*WRITTEN) == before and sio.is_connected()


BAD = [
    ("list_links", {"extra": 1}),
    ("get_overview", {"room_id": 1}),
    ("get_moderation_log", None),
    ("get_moderation_log", "all"),
    ("revoke_link", {}),
    ("revoke_link", {"link_id": "1"}),
    ("revoke_link", {"link_id": 0}),
    ("revoke_link", {"link_id": True}),
    ("revoke_link", {"link_id": 1, "why": "x"}),
    ("regenerate_link", {"link_id": 1.5}),
    ("regenerate_link", [1]),
    ("create_link", {"role": "organiser", "room_id": None}),
    ("create_link", {"role": "facilitator", "room_id": "1"}),
    ("create_link", {"room_id": None}),
    ("create_link", {"role": "screen", "room_id": None, "extra": True}),
]


@pytest.mark.parametrize(("name", "payload"), BAD)
def test_malformed_console_events_are_refused(connect: Connect, event: EventLinks, name: str, payload: Any) -> None:
    organiser = connect(event.organiser_token)
    ack = organiser.emit(name, payload, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "invalid", ack
    assert counted(*WRITTEN) == (6, 0, 0) and organiser.is_connected()


def test_unknown_links_are_not_found(connect: Connect, event: EventLinks) -> None:
    organiser = connect(event.organiser_token)
    for name in ("revoke_link", "regenerate_link"):
        assert organiser.emit(name, {"link_id": 999}, callback=True)["error"]["code"] == "not_found"
    ack = organiser.emit("create_link", {"role": "facilitator", "room_id": 999}, callback=True)
    assert ack["error"]["code"] == "not_found"
    assert counted(*WRITTEN) == (6, 0, 0)


def test_the_organiser_page_and_the_links_command_survive_revoked_links(
    client: FlaskClient, runner: FlaskCliRunner, event: EventLinks
) -> None:
    organiser = link_principal(event.organiser_token)
    links.revoke_link(organiser, link_id(event.screen_token))
    links.revoke_link(organiser, link_id(event.rooms[0].facilitator_token))
    everywhere = links.create_link(SECRET, organiser, "facilitator", None)
    page = client.get(f"/o/{event.organiser_token}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert link_token(event.screen_token) not in html and link_token(event.rooms[0].facilitator_token) not in html
    assert link_token(event.rooms[1].facilitator_token) in html
    assert boot_data(html)["token"] == event.organiser_token
    printed = runner.invoke(args=["links", event.join_code]).output
    assert "lien révoqué" in printed and everywhere.token in printed
