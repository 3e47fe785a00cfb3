"""Domain tests, without sockets: events from the template, joining, posting, moderating, catching up."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy import event as engine_events
from sqlalchemy.exc import IntegrityError

from collab import offload
from collab.domain import activities, cards, moderation, presence, rooms
from collab.domain.errors import Forbidden, Invalid, NotFound, RoomClosed
from collab.domain.events import CODE_ALPHABET, EventLinks, create_event, describe_event, event_links
from collab.domain.participants import join_event
from collab.store.database import db
from collab.store.models import Card, Change, Participant, Presence
from tests.support.apps import POSTGRES_URL, SECRET, link_principal, link_token, participant_principal

Join = Callable[..., dict[str, Any]]


def count(model: Any) -> int:
    """Return the number of rows of a table."""
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_event_from_template_has_the_seed_programme(event: EventLinks) -> None:
    described = describe_event(event.id)
    kinds = [phase["kind"] for phase in described["programme"]]
    assert kinds[0] == "accueil" and kinds[-1] == "fin"
    assert {"accueil", "pleniere", "atelier", "pause", "repas", "fin"} == set(kinds)
    ateliers = [p for p in described["programme"] if p["kind"] == "atelier"]
    assert [(a["start"], a["activity"]) for a in ateliers] == [
        ("10:30", "case_study"),
        ("11:45", "four_questions"),
        ("14:40", "competences"),
    ]
    grid = next(b for b in described["boards"] if b["key"] == "four_questions")
    assert [c["label"] for c in grid["columns"]] == [
        "Pourquoi ?",
        "Pour quoi ?",
        "Comment ?",
        "Dans quelles conditions ?",
    ]
    assert [r["name"] for r in described["rooms"]] == ["Salle 1", "Salle 2", "Salle 3", "Salle 4"]
    assert all(r["situation"] for r in described["rooms"])
    assert len({r["situation"]["id"] for r in described["rooms"]}) == 4
    assert len(event.join_code) == 6 and set(event.join_code) <= set(CODE_ALPHABET)
    assert not set("0O1IL") & set(CODE_ALPHABET)


def test_create_event_with_rooms_and_title(app: Any) -> None:
    created = create_event(SECRET, rooms=7, title="Séminaire d'automne")
    described = describe_event(created.id)
    assert described["title"] == "Séminaire d'automne"
    assert len(described["rooms"]) == 7
    # Situations are shared out in turn when there are more rooms than situations.
    assert described["rooms"][4]["situation"] == described["rooms"][0]["situation"]


@pytest.mark.parametrize("rooms", [0, 41])
def test_create_event_refuses_a_bad_room_count(app: Any, rooms: int) -> None:
    with pytest.raises(Invalid):
        create_event(SECRET, rooms=rooms)


def test_create_event_refuses_an_unknown_template(app: Any) -> None:
    with pytest.raises(NotFound):
        create_event(SECRET, template="nope")


def test_links_are_derived_again_and_stored_hashed(event: EventLinks) -> None:
    again = event_links(SECRET, event.id)
    assert again == event
    assert link_principal(event.screen_token).role == "screen"
    facilitator = link_principal(event.rooms[1].facilitator_token)
    assert (facilitator.role, facilitator.room_id) == ("facilitator", event.rooms[1].id)
    from collab.store.models import AccessLink

    with db.transaction() as session:
        stored = " ".join(f"{link.nonce} {link.token_hash}" for link in session.scalars(select(AccessLink)))
    token = link_token(event.organiser_token)
    assert token not in stored
    # Change the last character (to one it is not: a token may well end in "x").
    forged = token[:-1] + ("y" if token.endswith("x") else "x")
    with pytest.raises(Exception, match="not valid"):
        link_principal(forged)


def test_join_validates_pseudonym_scale_and_room(event: EventLinks) -> None:
    room = event.rooms[0].id
    with pytest.raises(Invalid):
        join_event(event.join_code, "   ", "commune", room)
    with pytest.raises(Invalid):
        join_event(event.join_code, "x" * 41, "commune", room)
    with pytest.raises(Invalid):
        join_event(event.join_code, "Camille", "planete", room)
    with pytest.raises(Invalid):
        join_event(event.join_code, "Camille", "commune", 9999)
    with pytest.raises(NotFound):
        join_event("ZZZZZZ", "Camille", "commune", room)
    assert count(Participant) == 0
    joined = join_event(event.join_code.lower(), "  Camille   D. ", "region", room)
    assert (joined["pseudonym"], joined["scale"], joined["room_name"]) == ("Camille D.", "region", "Salle 1")


def test_post_card_numbers_changes_and_lands_once(join: Join) -> None:
    who = participant_principal(join())
    first = cards.post_card(who, "client-0001", "four_questions", "pourquoi", "  Mutualiser l'ingénierie  ")
    assert first.reply["seq"] == 1
    assert first.reply["card"]["text"] == "Mutualiser l'ingénierie"
    [change] = first.changes
    assert change["event"] == "card_posted" and change["public"] is None
    assert change["payload"] == {"room_id": who.room_id, "seq": 1, "card": first.reply["card"]}
    retry = cards.post_card(who, "client-0001", "four_questions", "pourquoi", "Mutualiser l'ingénierie")
    assert retry.reply == first.reply and retry.changes == []
    second = cards.post_card(who, "client-0002", "four_questions", "comment", "Un comité de pilotage")
    assert second.reply["seq"] == 2
    assert count(Card) == 2 and count(Change) == 2


@pytest.mark.parametrize(
    ("board", "column", "text"),
    [
        ("four_questions", "nope", "texte"),
        ("nope", "pourquoi", "texte"),
        ("four_questions", "pourquoi", "   "),
        ("four_questions", "pourquoi", "x" * 501),
    ],
)
def test_post_card_refuses_bad_cards_and_writes_nothing(join: Join, board: str, column: str, text: str) -> None:
    who = participant_principal(join())
    with pytest.raises(Invalid):
        cards.post_card(who, "client-0001", board, column, text)
    assert count(Card) == 0 and count(Change) == 0
    assert describe_room_seq(who.room_id) == 0


def describe_room_seq(room_id: int | None) -> int:
    """Return a room's current sequence number."""
    from collab.store.models import Room

    with db.transaction() as session:
        room = session.get(Room, room_id)
        assert room is not None
        return room.seq


def test_only_participants_post(event: EventLinks) -> None:
    for token in (event.screen_token, event.organiser_token, event.rooms[0].facilitator_token):
        with pytest.raises(Forbidden):
            cards.post_card(link_principal(token), "client-0001", "four_questions", "pourquoi", "x")
    assert count(Card) == 0


def test_hide_and_restore_are_the_room_staffs(event: EventLinks, join: Join) -> None:
    author = participant_principal(join(room=0))
    card = cards.post_card(author, "client-0001", "four_questions", "pourquoi", "texte").reply["card"]
    for token in (event.screen_token, event.rooms[1].facilitator_token):
        with pytest.raises(Forbidden):
            moderation.hide_card(link_principal(token), card["id"])
    with pytest.raises(Forbidden):
        moderation.hide_card(author, card["id"])
    with pytest.raises(NotFound):
        moderation.hide_card(link_principal(event.rooms[0].facilitator_token), 999)
    facilitator = link_principal(event.rooms[0].facilitator_token)
    hidden = moderation.hide_card(facilitator, card["id"])
    assert hidden.reply == {"seq": 2, "card_id": card["id"]}
    assert moderation.hide_card(facilitator, card["id"]).changes == []  # twice changes nothing
    restored = moderation.restore_card(link_principal(event.organiser_token), card["id"])
    [change] = restored.changes
    assert change["payload"]["card"]["text"] == "texte" and change["payload"]["seq"] == 3


def test_another_events_staff_cannot_touch_a_card(event: EventLinks, join: Join) -> None:
    author = participant_principal(join())
    card = cards.post_card(author, "client-0001", "four_questions", "pourquoi", "texte").reply["card"]
    other = create_event(SECRET, open_boards=True)
    with pytest.raises(NotFound):
        moderation.hide_card(link_principal(other.organiser_token), card["id"])
    with pytest.raises(NotFound):
        rooms.sync_room(link_principal(other.screen_token), author.room_id or 0, None, 500)


def test_sync_replays_exactly_what_was_missed_or_sends_a_snapshot(event: EventLinks, join: Join) -> None:
    author = participant_principal(join())
    posted = [
        cards.post_card(author, f"client-{n:04}", "four_questions", "comment", f"carte {n}").reply for n in range(5)
    ]
    facilitator = link_principal(event.rooms[0].facilitator_token)
    moderation.hide_card(facilitator, posted[1]["card"]["id"])
    room_id = author.room_id or 0

    replay = rooms.sync_room(author, room_id, 3, max_replay=500)
    assert [c["payload"]["seq"] for c in replay["changes"]] == [4, 5, 6]
    assert [c["event"] for c in replay["changes"]] == ["card_posted", "card_posted", "card_hidden"]
    up_to_date = rooms.sync_room(author, room_id, 6, max_replay=500)
    assert (up_to_date["seq"], up_to_date["changes"], up_to_date["state"]["locked"]) == (6, [], False)

    neighbour = participant_principal(join(pseudonym="Voisin"))
    for since in (None, 99, 0):
        snapshot = rooms.sync_room(neighbour, room_id, since, max_replay=5)
        assert "snapshot" in snapshot and snapshot["seq"] == 6
        assert [c["text"] for c in snapshot["snapshot"]["cards"]] == ["carte 0", "carte 2", "carte 3", "carte 4"]
        # Its author keeps the hidden card, marked: their phone says why the others no longer see it.
        own = rooms.sync_room(author, room_id, since, max_replay=5)["snapshot"]["cards"]
        assert [(c["text"], c["hidden"]) for c in own][:2] == [("carte 0", False), ("carte 1", True)]
    staff_view = rooms.sync_room(facilitator, room_id, None, max_replay=500)["snapshot"]["cards"]
    assert [c["hidden"] for c in staff_view] == [False, True, False, False, False]


def test_a_participant_syncs_only_their_room(event: EventLinks, join: Join) -> None:
    who = participant_principal(join(room=0))
    with pytest.raises(Forbidden):
        rooms.sync_room(who, event.rooms[1].id, None, 500)
    with pytest.raises(Forbidden):
        rooms.sync_room(link_principal(event.rooms[0].facilitator_token), event.rooms[1].id, None, 500)
    assert "snapshot" in rooms.sync_room(link_principal(event.screen_token), event.rooms[1].id, None, 500)


def test_concurrent_posts_get_contiguous_numbers(join: Join, app: Any) -> None:
    authors = [participant_principal(join(pseudonym=f"P{n}")) for n in range(4)]
    errors: list[BaseException] = []

    def post_many(n: int) -> None:
        try:
            for i in range(15):
                cards.post_card(authors[n], f"client-{n}-{i:04}", "four_questions", "pourquoi", f"{n}/{i}")
                # The same id again, as a phone retrying after a lost acknowledgement.
                cards.post_card(authors[n], f"client-{n}-{i:04}", "four_questions", "pourquoi", f"{n}/{i}")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=post_many, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with db.transaction() as session:
        seqs = list(session.scalars(select(Change.seq).order_by(Change.seq)))
        card_seqs = sorted(session.scalars(select(Card.seq)))
    assert seqs == list(range(1, 61))
    assert card_seqs == seqs


CUSTOM = """
name = "forum-local"
title = "Forum local"
rooms = 2
scales = [{ key = "commune", label = "Commune" }]

[[boards]]
key = "four_questions"
title = "Deux questions"
columns = [{ key = "pourquoi", label = "Pourquoi ?" }, { key = "comment", label = "Comment ?" }]

[[phases]]
start = "09:00"
end = "12:00"
kind = "atelier"
title = "Atelier unique"
"""


def test_another_seminar_brings_its_own_template(app: Any, tmp_path: Any) -> None:
    path = tmp_path / "forum.toml"
    path.write_text(CUSTOM, encoding="utf-8")
    described = describe_event(create_event(SECRET, template=str(path)).id)
    assert described["title"] == "Forum local" and len(described["rooms"]) == 2
    assert [c["key"] for c in described["boards"][0]["columns"]] == ["pourquoi", "comment"]
    assert described["rooms"][0]["situation"] is None


@pytest.mark.parametrize(
    "broken",
    [
        CUSTOM.replace('kind = "atelier"', 'kind = "banquet"'),
        CUSTOM.replace('start = "09:00"', 'start = "9h"'),
        CUSTOM.replace('key = "pourquoi"', 'key = "Pourquoi ?"'),
        CUSTOM.replace("rooms = 2", "rooms = 0"),
        CUSTOM.replace("[[boards]]", "[[nothing]]"),
        "title = ",
    ],
)
def test_a_malformed_template_is_refused_clearly(app: Any, tmp_path: Any, broken: str) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(Invalid, match=r"broken\.toml"):
        create_event(SECRET, template=str(path))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_on_sqlite_only_a_commit_that_wrote_waits_in_another_thread(join: Join) -> None:
    """A transaction that wrote commits through the offload runner (its fsync); one that only read commits in place."""
    who = participant_principal(join())
    offloaded: list[Callable[..., Any]] = []

    def runner(fn: Callable[..., Any], *args: Any) -> Any:
        offloaded.append(fn)
        return fn(*args)

    offload.install(runner)
    try:
        with db.transaction() as session:
            session.scalar(select(func.count()).select_from(Card))
        assert offloaded == []
        cards.post_card(who, "client-offload", "four_questions", "pourquoi", "Un")
        assert len(offloaded) == 1
    finally:
        offload.install(None)
    assert count(Card) == 1


def test_presence_batches_end_as_their_changes_say_and_can_be_written_twice(event: EventLinks, join: Join) -> None:
    alix, bao = (participant_principal(join(room=n, pseudonym=name)) for n, name in ((0, "Alix"), (2, "Bao")))
    held, passing, other_tab = (
        presence.open_socket("sid-held", alix, "w1"),
        presence.open_socket("sid-passing", bao, "w1"),
        presence.open_socket("sid-tab", alix, "w2"),
    )
    batch = ([held, passing, other_tab], ["sid-passing"])  # opened then closed within the batch
    counts = presence.record_sockets(*batch, counted=[event.id])
    assert counts[event.id] == {room.id: int(n == 0) for n, room in enumerate(event.rooms)}
    # A batch written again (its first commit's outcome unknown) changes nothing.
    assert presence.record_sockets(*batch, counted=[event.id]) == counts
    assert count(Presence) == 2
    presence.record_sockets([], ["sid-held", "sid-never-written"])
    assert presence.connected_counts(event.id)[event.rooms[0].id] == 1  # still one tab open
    presence.forget_sockets("w2")
    assert count(Presence) == 0


def queued_together(writes: list[Callable[[], Any]]) -> dict[int, Any]:
    """Run the writes in threads while SQLite's writing connection is busy, then free it: one group.

    Return what each returned or raised, by its index.
    """
    results: dict[int, Any] = {}

    def run(n: int) -> None:
        try:
            results[n] = writes[n]()
        except Exception as exc:
            results[n] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(writes))]
    with db._committing:  # another group is being committed: these wait for the next
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 10
        while len(db._group) < len(writes):
            assert time.monotonic() < deadline, "the writes did not queue"
            time.sleep(0.01)
    for thread in threads:
        thread.join(10)
    return results


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_on_sqlite_posts_that_wait_together_share_one_commit_and_a_refused_one_is_undone_alone(join: Join) -> None:
    """Posts queued behind the writing connection run in one transaction, each in its savepoint."""
    authors = [participant_principal(join(pseudonym=f"P{n}")) for n in range(6)]
    commits: list[object] = []

    def committed(connection: object) -> None:
        commits.append(connection)

    assert db.engine is not None
    engine_events.listen(db.engine, "commit", committed)

    def post(n: int) -> Callable[[], Any]:
        column = "nulle-part" if n == 3 else "pourquoi"  # refused: no such column
        return lambda: cards.post_card(authors[n], f"group-{n}", "four_questions", column, f"carte {n}")

    try:
        results = queued_together([post(n) for n in range(6)])
    finally:
        engine_events.remove(db.engine, "commit", committed)
    assert len(commits) == 1  # six posts, one commit
    assert isinstance(results.pop(3), Invalid)
    assert sorted(r.reply["seq"] for r in results.values()) == [1, 2, 3, 4, 5]  # the refused one took no number
    assert count(Card) == count(Change) == 5


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_on_sqlite_a_group_whose_commit_fails_stores_nothing_and_each_write_says_so(
    event: EventLinks, join: Join
) -> None:
    """A group commit refused by the database (a foreign key checked at commit) fails every write in it."""
    who = participant_principal(join())

    def breaks_the_commit(connection: Any) -> None:
        connection.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
        connection.exec_driver_sql(
            "INSERT INTO presence (sid, event_id, room_id, participant_id, worker, connected_at) "
            f"VALUES ('ghost', {event.id}, {event.rooms[0].id}, 999999, 'w', '2026-01-01 00:00:00')"
        )

    results = queued_together(
        [
            lambda: db.grouped(breaks_the_commit),
            lambda: cards.post_card(who, "group-lost", "four_questions", "pourquoi", "Un"),
        ]
    )
    assert all(isinstance(result, IntegrityError) for result in results.values()), results
    assert count(Card) == count(Change) == count(Presence) == 0
    # The next write has a transaction of its own and lands.
    assert cards.post_card(who, "group-lost", "four_questions", "pourquoi", "Un").reply["seq"] == 1


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_on_postgresql_a_post_is_two_statements_and_locks_its_room_within_the_second_only(join: Join) -> None:
    """One statement reads what the post needs, one takes the number and stores the card and its
    change: the room's row is never locked across a round trip between the worker and the database."""
    who = participant_principal(join())
    statements: list[str] = []

    def executed(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    assert db.engine is not None
    engine_events.listen(db.engine, "before_cursor_execute", executed)
    try:
        posted = cards.post_card(who, "client-0001", "four_questions", "pourquoi", "Mutualiser l'ingénierie")
    finally:
        engine_events.remove(db.engine, "before_cursor_execute", executed)
    assert len(statements) == 2, statements
    assert "FOR UPDATE" not in statements[0] and "UPDATE rooms" in statements[1]
    [change] = posted.changes
    with db.transaction() as session:
        stored = session.scalars(select(Change)).one()
    assert (stored.seq, stored.event, stored.payload) == (1, "card_posted", change["payload"])
    assert stored.payload == {"room_id": who.room_id, "seq": 1, "card": posted.reply["card"]}


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_on_postgresql_a_room_that_changes_between_a_posts_read_and_its_write_is_read_again(
    event: EventLinks, join: Join
) -> None:
    """Locked meanwhile: the post is refused and stores nothing. Reveal mode turned on meanwhile: the
    card is stored held, as the room now says."""
    who = participant_principal(join())
    staff = link_principal(event.rooms[0].facilitator_token)
    room_id = who.room_id
    assert room_id is not None and staff.room_id == room_id

    def lock() -> None:
        activities.lock_room(staff, room_id, True)

    def reveal_later() -> None:
        activities.set_card_modes(staff, room_id, reveal_mode=True)

    @contextmanager
    def between_read_and_write(change: Callable[[], None]) -> Iterator[None]:
        """Make `change` happen once, after the statement that reads what a post needs."""
        pending = [change]

        def executed(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
            if "nextval" in statement and pending:
                pending.pop()()

        assert db.engine is not None
        engine_events.listen(db.engine, "after_cursor_execute", executed)
        try:
            yield
        finally:
            engine_events.remove(db.engine, "after_cursor_execute", executed)

    with between_read_and_write(lock), pytest.raises(RoomClosed):
        cards.post_card(who, "client-0001", "four_questions", "pourquoi", "verrou")
    assert count(Card) == 0
    activities.lock_room(staff, room_id, False)
    with between_read_and_write(reveal_later):
        held = cards.post_card(who, "client-0002", "four_questions", "pourquoi", "révélée")
    assert held.reply["card"]["held"] == "reveal" and held.changes[0]["public"]["card"]["text"] is None
    with db.transaction() as session:
        assert session.scalars(select(Card.held)).all() == ["reveal"]


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_on_postgresql_a_connection_closed_while_it_rested_is_replaced_before_a_post_uses_it(
    join: Join, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL restarted, or the network dropped a connection, while the pool kept it unused:
    the next post gets a live connection, not an error."""
    who = participant_principal(join())
    cards.post_card(who, "client-0001", "four_questions", "pourquoi", "avant")
    assert db.engine is not None
    with db.engine.connect() as connection:
        resting = {connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()}
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            for pid in resting:
                connection.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")  # type: ignore[arg-type]
    finally:
        admin.dispose()
    # Every connection has rested long enough.
    monkeypatch.setattr(sys.modules["collab.store.database"], "PING_AFTER_IDLE", 0.0)
    after = cards.post_card(who, "client-0002", "four_questions", "pourquoi", "après")
    assert after.reply["seq"] == 2
