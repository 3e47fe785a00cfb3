"""Running a room: lock, activity, reveal mode, pre-moderation, edit, delete, pin, merge — and who sees what."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from flask_socketio import SocketIOTestClient
from sqlalchemy import select

from collab.domain import audit, cards
from collab.domain.errors import RoomClosed
from collab.domain.events import EventLinks
from collab.store.database import db
from collab.store.models import Card, Change, ModerationAction
from tests.support.apps import link_principal, participant_principal, received
from tests.support.cards import post
from tests.support.live import unbatched

Join = Callable[..., dict[str, Any]]
Connect = Callable[[str | None], SocketIOTestClient]


def snapshot(sio: SocketIOTestClient, room_id: int) -> list[dict[str, Any]]:
    """Return the cards of a room as this client's snapshot shows them."""
    return list(sio.emit("sync", {"room_id": room_id}, callback=True)["snapshot"]["cards"])


@pytest.fixture
def room(event: EventLinks, join: Join, connect: Connect) -> dict[str, Any]:
    """A room with two phones, its facilitator, the screen, and a phone of another room; inboxes emptied."""
    clients = {
        "alix": connect(join(room=0, pseudonym="Alix")["token"]),
        "bao": connect(join(room=0, pseudonym="Bao")["token"]),
        "elsewhere": connect(join(room=1, pseudonym="Chloé")["token"]),
        "facilitator": connect(event.rooms[0].facilitator_token),
        "screen": connect(event.screen_token),
    }
    for sio in clients.values():
        sio.get_received()
    return clients | {"id": event.rooms[0].id}


def staff(room: dict[str, Any], event: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Send a staff event from the room's facilitator and return the acknowledgement."""
    ack = room["facilitator"].emit(
        event,
        payload | ({"room_id": room["id"]} if "card_id" not in payload and "room_id" not in payload else {}),
        callback=True,
    )
    return dict(ack)


def test_a_locked_room_refuses_cards_and_everyone_learns_it(room: dict[str, Any]) -> None:
    ack = staff(room, "lock_room", {"locked": True})
    assert ack["ok"] and ack["state"]["locked"] is True
    for name in ("alix", "bao", "facilitator", "screen"):
        [changed] = received(room[name], "room_changed")
        assert changed["state"]["locked"] is True and changed["seq"] == ack["seq"]
    assert received(room["elsewhere"], "room_changed") == []
    refused = post(room["alix"], client_id="client-locked")
    assert refused["error"]["code"] == "room_closed" and refused["error"]["details"] == {"reason": "locked"}
    assert snapshot(room["facilitator"], room["id"]) == []
    assert room["bao"].emit("sync", {"room_id": room["id"], "since": 0}, callback=True)["state"]["locked"] is True
    assert staff(room, "lock_room", {"locked": True})["seq"] is None  # twice changes nothing
    staff(room, "lock_room", {"locked": False})
    assert post(room["alix"], client_id="client-unlocked")["ok"]


@pytest.mark.parametrize("state", ["paused", "closed"])
def test_a_paused_or_closed_activity_is_read_only(room: dict[str, Any], state: str) -> None:
    assert post(room["alix"], client_id="client-before")["ok"]
    assert staff(room, "set_activity", {"state": state})["state"]["activity_state"] == state
    assert post(room["bao"], client_id="client-during")["error"]["details"] == {"reason": state}
    assert [c["text"] for c in snapshot(room["bao"], room["id"])] == ["Parce que"]
    staff(room, "set_activity", {"state": "open"})
    assert post(room["bao"], client_id="client-after")["ok"]


def test_a_post_racing_a_lock_is_committed_before_it_or_refused(event: EventLinks, join: Join) -> None:
    authors = [participant_principal(join(pseudonym=f"P{n}")) for n in range(3)]
    facilitator = link_principal(event.rooms[0].facilitator_token)
    from collab.domain import activities

    stop = threading.Event()
    outcomes: list[tuple[str, int | None]] = []

    def keep_posting(n: int) -> None:
        i = 0
        deadline = time.monotonic() + 20
        while not stop.is_set() and i < 5000 and time.monotonic() < deadline:
            try:
                ack = cards.post_card(authors[n], f"race-{n}-{i:04}", "four_questions", "comment", "course").reply
                outcomes.append(("ok", ack["seq"]))
            except RoomClosed:
                outcomes.append(("refused", None))
            i += 1
            time.sleep(0.002)  # a phone, not a tight loop: the facilitator's lock gets its turn

    threads = [threading.Thread(target=keep_posting, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    while len(outcomes) < 15:
        threading.Event().wait(0.01)
    lock_seq = activities.lock_room(facilitator, event.rooms[0].id, True).reply["seq"]
    after_lock = len(outcomes)
    for _ in range(500):  # up to 5 s for a few more posts to meet the lock
        if len(outcomes) >= after_lock + 6:
            break
        threading.Event().wait(0.01)
    stop.set()
    for thread in threads:
        thread.join()
    acknowledged = [seq for status, seq in outcomes if status == "ok" and seq is not None]
    assert acknowledged and all(seq < lock_seq for seq in acknowledged)
    assert any(status == "refused" for status, _ in outcomes[after_lock:])
    with db.transaction() as session:
        assert sorted(session.scalars(select(Card.seq))) == sorted(acknowledged)
        assert list(session.scalars(select(Change.seq).order_by(Change.seq))) == list(range(1, lock_seq + 1))


def test_hidden_until_reveal_only_the_author_and_the_staff_read_a_card(room: dict[str, Any]) -> None:
    assert staff(room, "set_card_modes", {"reveal_mode": True})["state"]["reveal_mode"] is True
    for sio in (room["alix"], room["bao"], room["screen"], room["facilitator"]):
        sio.get_received()
    ack = post(room["alix"], "Une idée à ne pas influencer", client_id="client-held")
    assert ack["card"]["held"] == "reveal" and ack["card"]["text"] == "Une idée à ne pas influencer"
    own = received(room["alix"], "card_posted")
    # The author's full copy comes first; the public one, with the same number, is a duplicate to drop.
    assert own[0]["card"]["text"] == "Une idée à ne pas influencer"
    assert {copy["seq"] for copy in own} == {ack["seq"]}
    for name in ("bao", "screen"):
        [seen] = received(room[name], "card_posted")
        assert seen["card"]["text"] is None and seen["card"]["author"] is None and seen["card"]["held"] == "reveal"
    [staff_copy] = received(room["facilitator"], "card_posted")
    assert staff_copy["card"]["text"] == "Une idée à ne pas influencer"
    assert [c["text"] for c in snapshot(room["bao"], room["id"])] == [None]
    assert [c["text"] for c in snapshot(room["alix"], room["id"])] == ["Une idée à ne pas influencer"]
    replay = room["bao"].emit("sync", {"room_id": room["id"], "since": 1}, callback=True)["changes"]
    assert replay[0]["payload"]["card"]["text"] is None

    revealed = staff(room, "reveal_cards", {})
    assert revealed["revealed"] == 1
    for name in ("bao", "screen", "alix"):
        [shown] = received(room[name], "cards_revealed")
        assert [c["text"] for c in shown["cards"]] == ["Une idée à ne pas influencer"]
    assert [c["text"] for c in snapshot(room["bao"], room["id"])] == ["Une idée à ne pas influencer"]


def test_a_hidden_card_stays_with_its_author_only(room: dict[str, Any]) -> None:
    card_id = post(room["alix"], "Une carte qui sera masquée", client_id="client-to-hide")["card"]["id"]
    for sio in (room["alix"], room["bao"], room["screen"]):
        sio.get_received()
    assert staff(room, "hide_card", {"card_id": card_id})["ok"]
    # Everyone is told it is hidden (the author's phone keeps it, marked, and says so).
    for name in ("alix", "bao", "screen"):
        [hidden] = received(room[name], "card_hidden")
        assert hidden["card_id"] == card_id
    # Its author still finds it in their snapshot, marked hidden; the others and the screen do not.
    [mine] = snapshot(room["alix"], room["id"])
    assert mine["id"] == card_id and mine["hidden"] is True and mine["text"] == "Une carte qui sera masquée"
    assert snapshot(room["bao"], room["id"]) == []
    assert snapshot(room["screen"], room["id"]) == []
    # Pinned while hidden: its author receives it whole, the others its number only.
    for sio in (room["alix"], room["bao"], room["screen"]):
        sio.get_received()
    assert staff(room, "pin_card", {"card_id": card_id, "pinned": True})["ok"]
    [own] = received(room["alix"], "card_updated")
    assert own["card"]["pinned"] is True and own["card"]["hidden"] is True
    for name in ("bao", "screen"):
        [seen] = received(room[name], "card_updated")
        assert "card" not in seen and seen["card_id"] == card_id


def test_leaving_reveal_mode_reveals_what_it_held(room: dict[str, Any]) -> None:
    staff(room, "set_card_modes", {"reveal_mode": True})
    post(room["alix"], client_id="client-held")
    room["bao"].get_received()
    ack = staff(room, "set_card_modes", {"reveal_mode": False})
    assert ack["ok"] and ack["state"]["reveal_mode"] is False
    names = [m["name"] for m in unbatched(room["bao"].get_received())]
    assert names == ["room_changed", "cards_revealed"]


def test_pre_moderation_queues_cards_until_approved(room: dict[str, Any]) -> None:
    staff(room, "set_card_modes", {"premoderation": True})
    ack = post(room["alix"], "À valider", client_id="client-queued")
    assert ack["card"]["held"] == "moderation"
    assert [c["text"] for c in snapshot(room["screen"], room["id"])] == [None]
    room["screen"].get_received()
    assert staff(room, "approve_card", {"card_id": ack["card"]["id"]})["ok"]
    [updated] = received(room["screen"], "card_updated")
    assert updated["card"]["text"] == "À valider" and updated["card"]["held"] is None


def test_edit_keeps_the_original_and_a_hidden_cards_edit_stays_unread(room: dict[str, Any]) -> None:
    card = post(room["alix"], "Coopérer c'est tout", client_id="client-edit")["card"]
    assert staff(room, "edit_card", {"card_id": card["id"], "text": "Coopérer, c'est durer"})["ok"]
    [updated] = received(room["bao"], "card_updated")
    assert updated["card"]["text"] == "Coopérer, c'est durer" and updated["card"]["edited"] is True
    with db.transaction() as session:
        stored = session.get(Card, card["id"])
        assert stored is not None and stored.original_text == "Coopérer c'est tout"
    staff(room, "hide_card", {"card_id": card["id"]})
    room["bao"].get_received()
    staff(room, "edit_card", {"card_id": card["id"], "text": "Texte confidentiel"})
    [quiet] = received(room["bao"], "card_updated")
    assert quiet == {"room_id": room["id"], "seq": quiet["seq"], "card_id": card["id"]}
    full = received(room["facilitator"], "card_updated")[-1]
    assert full["card"]["text"] == "Texte confidentiel"


def test_delete_and_pin(room: dict[str, Any]) -> None:
    first = post(room["alix"], client_id="client-one")["card"]
    second = post(room["bao"], "Deuxième", client_id="client-two")["card"]
    assert staff(room, "pin_card", {"card_id": second["id"], "pinned": True})["ok"]
    assert received(room["screen"], "card_updated")[-1]["card"]["pinned"] is True
    assert staff(room, "delete_card", {"card_id": first["id"]})["ok"]
    assert received(room["bao"], "card_deleted")[-1]["card_id"] == first["id"]
    assert [c["id"] for c in snapshot(room["facilitator"], room["id"])] == [second["id"]]
    assert staff(room, "delete_card", {"card_id": first["id"]})["error"]["code"] == "not_found"


def test_merging_duplicates_keeps_authors_and_can_be_undone(room: dict[str, Any], event: EventLinks) -> None:
    keep = post(room["alix"], "Mutualiser l'ingénierie", client_id="client-keep")["card"]
    dup = post(room["bao"], "Mutualiser les ingénieurs", client_id="client-dup")["card"]
    other_room = post(room["elsewhere"], "Ailleurs", client_id="client-other")["card"]
    assert staff(room, "merge_cards", {"card_id": keep["id"], "card_ids": [other_room["id"]]})["error"]["code"] in (
        "forbidden",
        "invalid",
    )
    ack = staff(room, "merge_cards", {"card_id": keep["id"], "card_ids": [dup["id"]]})
    assert ack["ok"]
    [merged] = received(room["screen"], "cards_merged")
    assert merged["merged_ids"] == [dup["id"]]
    assert [m["author"]["pseudonym"] for m in merged["card"]["merged"]] == ["Bao"]
    assert [c["id"] for c in snapshot(room["bao"], room["id"])] == [keep["id"]]
    assert staff(room, "delete_card", {"card_id": keep["id"]})["error"]["code"] == "invalid"
    assert staff(room, "unmerge_card", {"card_id": keep["id"]})["ok"]
    [undone] = received(room["bao"], "merge_undone")
    assert [c["id"] for c in undone["cards"]] == [keep["id"], dup["id"]]
    assert [c["id"] for c in snapshot(room["bao"], room["id"])] == [keep["id"], dup["id"]]


@pytest.mark.parametrize("who", ["participant", "screen", "other_facilitator"])
def test_only_the_rooms_staff_run_it(
    room: dict[str, Any], event: EventLinks, join: Join, connect: Connect, who: str
) -> None:
    card = post(room["alix"], client_id="client-target")["card"]
    sio = {
        "participant": room["bao"],
        "screen": room["screen"],
        "other_facilitator": connect(event.rooms[1].facilitator_token),
    }[who]
    requests = [
        ("lock_room", {"room_id": room["id"], "locked": True}),
        ("set_activity", {"room_id": room["id"], "state": "closed"}),
        ("set_card_modes", {"room_id": room["id"], "reveal_mode": True}),
        ("reveal_cards", {"room_id": room["id"]}),
        ("edit_card", {"card_id": card["id"], "text": "x"}),
        ("delete_card", {"card_id": card["id"]}),
        ("pin_card", {"card_id": card["id"], "pinned": True}),
        ("approve_card", {"card_id": card["id"]}),
        ("merge_cards", {"card_id": card["id"], "card_ids": [card["id"] + 1]}),
        ("unmerge_card", {"card_id": card["id"]}),
    ]
    for name, payload in requests:
        assert sio.emit(name, payload, callback=True)["error"]["code"] == "forbidden", name
    with db.transaction() as session:
        assert list(session.scalars(select(Change.seq))) == [1]
        assert list(session.scalars(select(ModerationAction.id))) == []


def test_every_action_is_logged_for_the_organiser(room: dict[str, Any], event: EventLinks) -> None:
    card = post(room["alix"], "Avant", client_id="client-log")["card"]
    staff(room, "edit_card", {"card_id": card["id"], "text": "Après"})
    staff(room, "hide_card", {"card_id": card["id"]})
    staff(room, "lock_room", {"locked": True})
    log = audit.moderation_log(link_principal(event.organiser_token))
    assert [(e["actor"], e["action"]) for e in log] == [
        ("facilitator:Salle 1", "room_locked"),
        ("facilitator:Salle 1", "card_hidden"),
        ("facilitator:Salle 1", "card_edited"),
    ]
    assert log[2]["details"] == {"before": "Avant", "after": "Après"}
    with pytest.raises(Exception, match="organiser"):
        audit.moderation_log(link_principal(event.rooms[0].facilitator_token))


def test_merged_duplicates_stay_visible_and_are_acted_on_through_their_card(room: dict[str, Any]) -> None:
    keep = post(room["alix"], "Garder", client_id="client-keep")["card"]
    dup = post(room["bao"], "Doublon", client_id="client-dup")["card"]
    hidden = post(room["bao"], "Masqué", client_id="client-hid")["card"]
    staff(room, "hide_card", {"card_id": hidden["id"]})
    refused = staff(room, "merge_cards", {"card_id": keep["id"], "card_ids": [hidden["id"]]})
    assert refused["error"]["code"] == "invalid"
    staff(room, "merge_cards", {"card_id": keep["id"], "card_ids": [dup["id"]]})
    for name, payload in [
        ("hide_card", {"card_id": dup["id"]}),
        ("delete_card", {"card_id": dup["id"]}),
        ("edit_card", {"card_id": dup["id"], "text": "x"}),
        ("merge_cards", {"card_id": dup["id"], "card_ids": [keep["id"]]}),
    ]:
        assert staff(room, name, payload)["error"]["code"] == "invalid", name
    assert [m["text"] for m in snapshot(room["screen"], room["id"])[0]["merged"]] == ["Doublon"]


def test_pre_moderation_comes_before_reveal(room: dict[str, Any]) -> None:
    staff(room, "set_card_modes", {"reveal_mode": True, "premoderation": True})
    card = post(room["alix"], "À valider puis révéler", client_id="client-both")["card"]
    assert card["held"] == "moderation"
    assert staff(room, "reveal_cards", {})["revealed"] == 0
    assert [c["text"] for c in snapshot(room["screen"], room["id"])] == [None]
