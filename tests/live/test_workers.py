"""Two real workers (`python app.py`) sharing one PostgreSQL database and one Redis message queue."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio
import sqlalchemy

from collab.domain.closing import KNOWN_FOR
from collab.realtime.batching import GAP_WAIT
from collab.realtime.workers import QueuedSockets
from tests.support.apps import missing, postgres_schema
from tests.support.live import ROOT, UNLIMITED, LiveServer, Phone, free_port, participant_token, post

REDIS_URL = os.environ.get("COLLAB_TEST_REDIS", "redis://127.0.0.1:6379/0")
CARD = {"board": "four_questions", "column": "pourquoi"}


class Cluster:
    """Two workers on one database and one queue channel, started once for this module's tests."""

    def __init__(self, workdir: Path, database_url: str) -> None:
        # A channel of their own: workers of another test run (or a deployment) on this Redis stay apart.
        self.channel = f"collab-test-{secrets.token_hex(6)}"
        env = {
            "COLLAB_CREATE_DEMO": "0",
            "COLLAB_MESSAGE_QUEUE": REDIS_URL,
            "COLLAB_MESSAGE_CHANNEL": self.channel,
            "COLLAB_SECRET_KEY": secrets.token_urlsafe(32),
        } | UNLIMITED
        # The address nginx (deploy/nginx.conf) serves the workers on, over TLS; the workers trust
        # its X-Forwarded-Proto, so that this https origin is their own (no allowed origin to set).
        self.nginx_port = free_port()
        self.public = f"https://127.0.0.1:{self.nginx_port}"
        env["COLLAB_PROXY_COUNT"] = "1"
        self.workdir, self.env, self.database_url = workdir, env, database_url
        self.workers = [LiveServer(workdir, env, database_url, name=f"worker{n}") for n in (1, 2)]
        # The migrations run once, here, through the real CLI; the workers find the schema up to date.
        assert "Database schema at revision" in self.workers[0].flask("migrate")
        # One event for the module; each test works in two rooms of its own.
        tests = sum(1 for name in globals() if name.startswith("test_"))
        self.links = self.workers[0].create_event(rooms=2 * tests)
        self.engine = sqlalchemy.create_engine(database_url)
        self.used = 0

    def start(self) -> None:
        """Start both workers."""
        for worker in self.workers:
            worker.start()

    def stop(self) -> None:
        """Stop both workers and check they logged no error."""
        for worker in self.workers:
            worker.stop()
        self.engine.dispose()
        for worker in self.workers:
            assert "Traceback" not in worker.log(), worker.log()


class Seminar:
    """One test's two rooms of the cluster's event, and the clients it connected."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.workers = cluster.workers
        self.channel = cluster.channel
        self.engine = cluster.engine
        self.links = cluster.links
        first = cluster.used
        cluster.used += 2
        self.used_rooms = [first, first + 1]
        self.rooms = [room["id"] for room in self.links["rooms"][first : first + 2]]
        self.facilitator_urls = [room["facilitator_url"] for room in self.links["rooms"][first : first + 2]]
        self.clients: list[Phone] = []

    def url(self, n: int) -> str:
        """Return worker n's address (1 or 2)."""
        return self.workers[n - 1].url

    def phone(self, n: int, pseudonym: str, room: int = 0, token: str | None = None) -> Phone:
        """Join room `room` through worker n's join form (or reuse `token`) and connect to worker n."""
        token = token or participant_token(self.url(n), self.links["join_code"], pseudonym, self.rooms[room])
        return self.connected(Phone(self.url(n), token))

    def screen(self, n: int) -> Phone:
        """Connect the plenary screen to worker n."""
        return self.connected(Phone(self.url(n), self.links["screen_url"].rsplit("/", 1)[1]))

    def connected(self, client: Phone) -> Phone:
        """Connect a client and close it after the test."""
        self.clients.append(client)
        return client.connect()

    def rows(self, sql: str, **params: Any) -> list[Any]:
        """Read the shared database directly."""
        with self.engine.connect() as connection:
            return list(connection.execute(sqlalchemy.text(sql), params))

    def close(self) -> None:
        """Close the clients."""
        for client in self.clients:
            if client.sio.connected:
                client.sio.disconnect()


def connected_in(presence: dict[str, Any], room_id: int) -> int:
    """Return a room's count of connected participants in a `presence_changed` payload."""
    return next(int(room["count"]) for room in presence["rooms"] if room["room_id"] == room_id)


def counted(screen: Phone, room_id: int, expected: int, timeout: float = 5) -> None:
    """Wait until the screen's latest `presence_changed` counts `expected` participants in the room."""
    deadline = time.monotonic() + timeout
    for n in range(1, 100):
        arrived = screen.wait_for("presence_changed", n, timeout=max(0.1, deadline - time.monotonic()))
        if connected_in(arrived[-1], room_id) == expected:
            return
    pytest.fail(f"the screen never counted {expected} in room {room_id}")


def redis_available() -> bool:
    """Tell whether the Redis server of the tests answers."""
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


@pytest.fixture(scope="module")
def workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """Two workers on a fresh PostgreSQL schema (dropped afterwards) and a fresh Redis channel."""
    if not redis_available():
        missing(f"Redis at {REDIS_URL}")
    for database_url in postgres_schema():
        cluster = Cluster(tmp_path_factory.mktemp("workers"), database_url)
        try:
            cluster.start()
            yield cluster
        finally:
            cluster.stop()


@pytest.fixture
def seminar(workers: Cluster) -> Iterator[Seminar]:
    """A new event on the two workers."""
    seminar = Seminar(workers)
    yield seminar
    seminar.close()


def test_a_card_posted_on_one_worker_reaches_the_screen_held_by_the_other(seminar: Seminar) -> None:
    phone = seminar.phone(1, "Camille")
    screen = seminar.screen(2)
    neighbour = seminar.phone(2, "Dominique")

    ack = post(phone, "card-0001", "Coopérer, c'est d'abord se connaître")
    assert ack["ok"] and ack["seq"] == 1, ack

    for client in (screen, neighbour):
        [card] = client.wait_for("card_posted", 1)
        assert card["seq"] == 1 and card["card"]["text"] == "Coopérer, c'est d'abord se connaître"
    # Worker 2's screen counts the phone held by worker 1, then the one that joined worker 2.
    assert [connected_in(p, seminar.rooms[0]) for p in screen.wait_for("presence_changed", 2)] == [1, 2]


def test_the_workers_take_websocket_only_and_their_pages_say_so(seminar: Seminar) -> None:
    # A long-polling session would be spread over both workers by a load balancer.
    handshake = requests.get(f"{seminar.url(1)}/socket.io/?EIO=4&transport=polling", timeout=10)
    assert handshake.status_code == 400
    page = requests.get(seminar.links["screen_url"].replace(seminar.url(1), seminar.url(2)), timeout=10)
    assert page.ok and '<meta name="collab-transports" content="websocket">' in page.text


def test_a_phone_reconnecting_to_the_other_worker_gets_exactly_what_it_missed(seminar: Seminar) -> None:
    token = participant_token(seminar.url(1), seminar.links["join_code"], "Camille", seminar.rooms[0])
    phone = seminar.phone(1, "Camille", token=token)
    for n in (1, 2):
        assert post(phone, f"mine-000{n}", f"carte {n}")["ok"]
    first = phone.call("sync", {"room_id": seminar.rooms[0], "since": None})
    assert first["seq"] == 2 and len(first["snapshot"]["cards"]) == 2
    phone.sio.disconnect()

    other = seminar.phone(2, "Dominique")
    missed = [post(other, f"theirs-00{n}", f"pendant l'absence {n}") for n in (1, 2, 3)]
    assert [ack["seq"] for ack in missed] == [3, 4, 5]

    back = seminar.phone(2, "Camille", token=token)
    replay = back.call("sync", {"room_id": seminar.rooms[0], "since": first["seq"]})
    assert replay["ok"] and replay["seq"] == 5 and "snapshot" not in replay
    assert [c["payload"]["seq"] for c in replay["changes"]] == [3, 4, 5]
    assert [c["payload"]["card"]["text"] for c in replay["changes"]] == [a["card"]["text"] for a in missed]
    # The same phone, the same client id: the retried post lands once, whichever worker gets it.
    assert post(back, "mine-0002", "carte 2")["seq"] == 2


def test_phones_posting_at_once_on_both_workers_number_the_room_without_gaps(seminar: Seminar) -> None:
    phones = [seminar.phone(1 + n % 2, f"P{n}") for n in range(6)]
    # Each phone has a second socket on the other worker, which sends some of its posts again at once.
    twins = [seminar.phone(2 - n % 2, f"P{n}", token=phone.token) for n, phone in enumerate(phones)]
    screens = [seminar.screen(1), seminar.screen(2)]
    posts_each = 8
    start = threading.Barrier(len(phones) * 2)

    def write(n: int, twin: bool) -> list[dict[str, Any]]:
        client = twins[n] if twin else phones[n]
        start.wait(timeout=30)
        acks = []
        for k in range(posts_each):
            if twin and k % 2:
                continue
            acks.append(post(client, f"post-{n}-{k:03}", f"idée {k} de P{n}"))
        return acks

    with ThreadPoolExecutor(max_workers=len(phones) * 2) as pool:
        runs = [pool.submit(write, n, twin) for n in range(len(phones)) for twin in (False, True)]
        acks = [ack for run in runs for ack in run.result(timeout=120)]

    assert all(ack["ok"] for ack in acks), [ack for ack in acks if not ack["ok"]]
    by_card: dict[int, set[int]] = {}
    for ack in acks:
        by_card.setdefault(ack["card"]["id"], set()).add(ack["seq"])
    posted = len(phones) * posts_each
    # A post sent twice at once got one card and one number: the same acknowledgement.
    assert len(by_card) == posted and all(len(seqs) == 1 for seqs in by_card.values())
    numbers = sorted(seq for seqs in by_card.values() for seq in seqs)
    assert numbers == list(range(1, posted + 1))

    room = seminar.rooms[0]
    assert [seq for (seq,) in seminar.rows("SELECT seq FROM changes WHERE room_id = :r ORDER BY seq", r=room)] == (
        numbers
    )
    assert seminar.rows("SELECT seq FROM rooms WHERE id = :r", r=room) == [(posted,)]
    stored = seminar.rows("SELECT id, participant_id, client_id FROM cards WHERE room_id = :r", r=room)
    assert sorted(card_id for card_id, _, _ in stored) == sorted(by_card)
    assert len({(participant, client_id) for _, participant, client_id in stored}) == posted
    # Every card reached the screens on both workers, each once, in the room's order.
    for screen in screens:
        arrived = screen.wait_for("card_posted", posted, timeout=30)
        assert [p["seq"] for p in arrived if p["room_id"] == room] == numbers


def test_changes_whose_relay_is_late_are_read_from_the_database_and_every_client_gets_them_in_order(
    seminar: Seminar,
) -> None:
    """A third worker's relays of room changes come 8 × GAP_WAIT late (the test hook RELAY_DELAY_MS):
    the other workers read the missing changes from the database and send them before the later ones."""
    cluster = seminar.cluster
    late = {"COLLAB_RELAY_DELAY_MS": str(int(8 * GAP_WAIT * 1000))}
    slow = LiveServer(cluster.workdir, cluster.env | late, cluster.database_url, "slow")
    slow.start()
    try:
        token = participant_token(slow.url, seminar.links["join_code"], "Lente", seminar.rooms[0])
        writer = seminar.connected(Phone(slow.url, token))
        prompt = seminar.phone(2, "Rapide")
        screens = [seminar.screen(1), seminar.screen(2)]
        # Posts alternate between the late worker and a prompt one: each prompt change overtakes a late one.
        acks = [post(writer if k % 2 == 0 else prompt, f"late-{k:04d}", f"carte {k}") for k in range(8)]
        assert [ack["seq"] for ack in acks] == list(range(1, 9)), acks
        for client in (*screens, prompt):
            arrived = client.wait_for("card_posted", 8, timeout=10)
            assert [p["seq"] for p in arrived] == list(range(1, 9))
            assert [p["card"]["text"] for p in arrived] == [f"carte {k}" for k in range(8)]

        # Cards held for reveal: the prompt phone gets its own whole, in the same order as the others.
        facilitator = seminar.connected(Phone(seminar.url(1), seminar.facilitator_urls[0].rsplit("/", 1)[1]))
        assert facilitator.call("set_card_modes", {"room_id": seminar.rooms[0], "reveal_mode": True})["ok"]
        held = [post(writer if k % 2 == 0 else prompt, f"held-{k:04d}", f"cachée {k}") for k in range(8)]
        assert [ack["seq"] for ack in held] == list(range(10, 18)), held
        for client in (*screens, prompt):
            arrived = client.wait_for("card_posted", 16, timeout=10)
            assert [p["seq"] for p in arrived] == [*range(1, 9), *range(10, 18)]
            mine = [p["card"]["text"] for p in arrived[8:]]
            expected = [f"cachée {k}" if client is prompt and k % 2 else None for k in range(8)]
            assert mine == expected
    finally:
        slow.stop()
    assert "Traceback" not in slow.log(), slow.log()


def test_a_worker_sends_a_change_that_overtook_an_earlier_one_after_it_and_one_never_coming_after_a_while(
    seminar: Seminar,
) -> None:
    """Changes come to a worker from the others in the order they were published, not always in
    the order of their numbers: the worker puts them back in order (waiting GAP_WAIT at most)."""
    phone = seminar.phone(1, "Ada")
    screen = seminar.screen(2)
    first = post(phone, "overtaken-0001", "carte 1")
    assert first["ok"] and first["seq"] == 1, first
    assert [p["seq"] for p in screen.wait_for("card_posted", 1)] == [1]
    room = seminar.rooms[0]

    def change(seq: int) -> dict[str, Any]:
        card = dict(first["card"], id=first["card"]["id"] + seq, seq=seq, text=f"carte {seq}")
        return {"event": "card_posted", "payload": {"room_id": room, "seq": seq, "card": card}, "public": None}

    # A third worker's relays, published as collab publishes them, on the cluster's channel.
    other = QueuedSockets(REDIS_URL, channel=seminar.channel)
    other.relay({"changes": [change(3)]})
    time.sleep(GAP_WAIT / 5)
    other.relay({"changes": [change(2)]})
    assert [p["seq"] for p in screen.wait_for("card_posted", 3)] == [1, 2, 3]
    # Number 4 never comes: 5 waits for it GAP_WAIT, then goes all the same (the screen will sync).
    sent = time.monotonic()
    other.relay({"changes": [change(5)]})
    assert [p["seq"] for p in screen.wait_for("card_posted", 4)] == [1, 2, 3, 5]
    assert time.monotonic() - sent >= GAP_WAIT * 0.9
    other.relay({"changes": [change(6)]})
    assert [p["seq"] for p in screen.wait_for("card_posted", 5)][-1] == 6


def test_a_query_waiting_on_postgresql_leaves_the_worker_serving_others(seminar: Seminar) -> None:
    waiting = seminar.phone(1, "Camille", room=0)
    other = seminar.phone(1, "Dominique", room=1)
    blocked: dict[str, Any] = {}
    with seminar.engine.connect() as holder:
        # Hold room 1's row: a post there waits for it inside PostgreSQL (its number is taken first).
        holder.execute(sqlalchemy.text("SELECT id FROM rooms WHERE id = :r FOR UPDATE"), {"r": seminar.rooms[0]})
        poster = threading.Thread(target=lambda: blocked.update(post(waiting, "held-0001", "j'attends")))
        poster.start()
        time.sleep(0.3)
        begun = time.monotonic()
        try:
            ack = other.call("post_card", {**CARD, "client_id": "free-0001", "text": "je passe"}, timeout=3)
        except socketio.exceptions.TimeoutError:
            pytest.fail("the worker answered nobody while one query waited in PostgreSQL")
        elapsed = time.monotonic() - begun
        assert ack["ok"] and not blocked, "the post in the locked room was not waiting"
        time.sleep(0.5)
        assert not blocked
        holder.rollback()
    poster.join(timeout=10)
    assert blocked["ok"] and blocked["seq"] == 1
    # Same worker, same moment: the other room's post did not wait for the locked one.
    assert elapsed < 0.5, f"the worker stalled {elapsed:.2f} s behind a waiting query"


def test_revoking_a_link_on_one_worker_closes_its_sockets_on_the_other(seminar: Seminar) -> None:
    token = seminar.facilitator_urls[0].rsplit("/", 1)[1]
    facilitator = socketio.Client(reconnection=False)
    closed = threading.Event()
    facilitator.on("disconnect", lambda *_reason: closed.set())
    facilitator.connect(seminar.url(2), auth={"token": token}, transports=["websocket"], wait_timeout=10)
    organiser = seminar.connected(Phone(seminar.url(1), seminar.links["organiser_url"].rsplit("/", 1)[1]))

    listed = organiser.call("list_links", {})["links"]
    target = next(link for link in listed if link["url"] == seminar.facilitator_urls[0])
    ack = organiser.call("revoke_link", {"link_id": target["id"]})
    assert ack["ok"] and ack["closed"] == 0  # worker 1 held none of its sockets
    assert closed.wait(5), "the revoked link's socket on the other worker is still open"


def test_closing_the_event_on_one_worker_stops_writes_on_the_other_within_a_second(seminar: Seminar) -> None:
    phone = seminar.phone(2, "Camille")
    organiser = seminar.connected(Phone(seminar.url(1), seminar.links["organiser_url"].rsplit("/", 1)[1]))
    assert post(phone, "card-0001", "Avant la clôture")["ok"]  # worker 2 has read the event open
    try:
        assert organiser.call("close_event", {})["ok"]
        closed_at = time.monotonic()
        for n in range(2, 40):
            ack = post(phone, f"card-{n:04d}", "Après la clôture")
            if not ack["ok"]:
                break
            time.sleep(0.1)
        refused_after = time.monotonic() - closed_at
        assert ack == {"ok": False, "error": ack["error"]} and ack["error"]["code"] == "closed", ack
        assert refused_after < KNOWN_FOR + 0.5, f"worker 2 took writes {refused_after:.2f} s after the close"
        # Worker 1, which closed it, refuses at once.
        neighbour = seminar.phone(1, "Dominique", token=phone.token)
        assert post(neighbour, "card-0100", "Ici")["error"]["code"] == "closed"
    finally:
        assert organiser.call("reopen_event", {})["ok"]
    # Reopened on worker 1: worker 2 takes writes again within the same bound.
    deadline = time.monotonic() + KNOWN_FOR + 0.5
    while not post(phone, "card-0200", "Rouvert")["ok"]:
        assert time.monotonic() < deadline, "worker 2 still refuses writes after the reopening"
        time.sleep(0.1)


def test_a_worker_that_restarts_forgets_its_own_sockets_only(seminar: Seminar) -> None:
    seminar.phone(2, "Camille")
    seminar.phone(1, "Dominique")
    room = seminar.rooms[0]
    # A worker writes the sockets it holds in batches: the count may reach 2 in a later message.
    counted(seminar.screen(1), room, 2)

    seminar.workers[0].stop()  # Dominique's socket goes with it
    seminar.workers[0].start()
    # Camille, held by worker 2, is still counted; Dominique's socket, recorded by worker 1, is not.
    assert connected_in(seminar.screen(1).wait_for("presence_changed", 1)[0], room) == 1
    assert seminar.rows("SELECT count(*) FROM presence WHERE room_id = :r", r=room) == [(1,)]


@pytest.fixture
def nginx(workers: Cluster, tmp_path: Path) -> Iterator[str]:
    """Run nginx with deploy/nginx.conf in front of the two workers; yield its address."""
    if shutil.which("nginx") is None or shutil.which("openssl") is None:
        missing("nginx and openssl")
    key, cert = str(tmp_path / "key.pem"), str(tmp_path / "cert.pem")
    request = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
    subprocess.run(
        ["openssl", *request, "-keyout", key, "-out", cert],
        check=True,
        capture_output=True,
        timeout=60,
    )
    config = (ROOT / "deploy" / "nginx.conf").read_text()
    for old, new in (
        ("127.0.0.1:5001", f"127.0.0.1:{workers.workers[0].port}"),
        ("127.0.0.1:5002", f"127.0.0.1:{workers.workers[1].port}"),
        ("listen 80;", f"listen 127.0.0.1:{free_port()};"),
        ("listen 443 ssl;", f"listen 127.0.0.1:{workers.nginx_port} ssl;"),
        ("/etc/letsencrypt/live/collab.example.org/fullchain.pem", cert),
        ("/etc/letsencrypt/live/collab.example.org/privkey.pem", key),
    ):
        assert old in config, old
        config = config.replace(old, new)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\naccess_log off;\nclient_body_temp_path {tmp_path};\nproxy_temp_path {tmp_path};\n{config}}}\n"
    )
    command = ["nginx", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
    process = subprocess.Popen([*command, "-g", "daemon off;"], stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while True:
            assert process.poll() is None, process.stderr.read() if process.stderr else "nginx exited"
            try:
                requests.get(f"{workers.public}/healthz", timeout=1, verify=False)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "nginx did not answer in 10 s"
                time.sleep(0.1)
        yield workers.public
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_the_nginx_configuration_spreads_phones_over_both_workers(seminar: Seminar, nginx: str, tmp_path: Path) -> None:
    room = seminar.rooms[0]
    joined = requests.post(
        f"{nginx}/j/{seminar.links['join_code']}",
        data={"pseudonym": "Camille", "scale": "commune", "room": str(room)},
        headers={"Origin": nginx},
        timeout=10,
        verify=False,
    )
    assert joined.ok and '<meta name="collab-transports" content="websocket">' in joined.text
    token = re.search(r'"token": ?"([^"]+)"', joined.text)
    assert token
    assert requests.get(f"{nginx}/socket.io/?EIO=4&transport=polling", timeout=10, verify=False).status_code == 400

    tabs = []
    for n in range(6):
        tab = Phone(nginx, token.group(1))
        tab.sio = socketio.Client(reconnection=False, ssl_verify=False)
        tab.sio.on("changes", tab._recorder("changes"))
        try:
            tabs.append(seminar.connected(tab))
        except socketio.exceptions.ConnectionError as exc:
            # Say where it stopped: what nginx and each worker logged.
            logs = [f"nginx: {(tmp_path / 'error.log').read_text(errors='replace')[-2000:]}"]
            logs += [f"{w.log_path.name}: {w.log()[-2000:]}" for w in seminar.workers]
            pytest.fail(f"tab {n} did not connect through nginx ({exc}):\n" + "\n".join(logs))
    # Each worker writes the sockets it holds in batches (within COLLAB_TALLY_MS).
    deadline = time.monotonic() + 5
    while len(held := seminar.rows("SELECT worker FROM presence WHERE room_id = :r GROUP BY worker", r=room)) < 2:
        assert time.monotonic() < deadline, f"nginx sent every socket to one worker: {held}"
        time.sleep(0.1)

    ack = post(tabs[0], "nginx-0001", "par le mandataire")
    assert ack["ok"]
    for tab in tabs:
        assert [p["seq"] for p in tab.wait_for("card_posted", 1)] == [ack["seq"]]


def test_in_chromium_a_phone_on_one_worker_reaches_the_screen_on_the_other_over_websocket_only(
    seminar: Seminar,
    chromium: Any,
) -> None:
    from playwright.sync_api import expect

    phone_context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    screen_context = chromium.new_context(viewport={"width": 1920, "height": 1080})
    polling: list[str] = []

    def request(request: Any) -> None:
        if "transport=polling" in request.url:
            polling.append(request.url)

    for context in (phone_context, screen_context):
        context.on("request", request)
    room_name = seminar.links["rooms"][seminar.used_rooms[0]]["name"]
    phone = phone_context.new_page()
    phone.goto(f"{seminar.url(1)}/j/{seminar.links['join_code']}")
    phone.get_by_label("Pseudonyme").fill("Camille")
    phone.get_by_label("Échelle territoriale").select_option(label="Intercommunalité")
    phone.get_by_role("group", name="Salle").get_by_role("radio", name=room_name, exact=True).check()
    phone.get_by_role("button", name="Rejoindre la salle").click()
    expect(phone.get_by_role("status").first).to_contain_text("Connecté")
    screen = screen_context.new_page()
    screen.goto(seminar.links["screen_url"].replace(seminar.url(1), seminar.url(2)))

    phone.get_by_label("Votre carte").fill("Une carte d'un travailleur à l'autre")
    phone.get_by_label("Colonne").select_option(label="Pourquoi ?")
    phone.get_by_role("button", name="Envoyer").click()
    room = screen.get_by_role("region", name=room_name, exact=True)
    expect(room.get_by_text("Une carte d'un travailleur à l'autre")).to_be_visible()
    assert polling == []
    phone_context.close()
    screen_context.close()


def test_a_message_queue_that_is_not_redis_is_refused_at_start(tmp_path: Path) -> None:
    from collab import create_app

    with pytest.raises(ValueError, match="COLLAB_MESSAGE_QUEUE must be a Redis URL"):
        create_app(
            {
                "INSTANCE_PATH": tmp_path,
                "DATABASE_URL": f"sqlite:///{tmp_path / 'collab.sqlite3'}",
                "SECRET_KEY": "x",
                "MESSAGE_QUEUE": "amqp://guest@127.0.0.1//",
            }
        )


def test_workers_started_together_on_one_instance_folder_agree_on_the_secret_key(tmp_path: Path) -> None:
    # Each process loads collab/config.py alone (quick), says it is ready, and reads its settings when told to go.
    script = (
        "import importlib.util, pathlib, sys, time\n"
        f"spec = importlib.util.spec_from_file_location('config', {str(ROOT / 'collab' / 'config.py')!r})\n"
        "config = sys.modules['config'] = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(config)\nConfig = config.Config\n"
        "pathlib.Path(sys.argv[1]).touch()\n"
        "while not pathlib.Path(sys.argv[2]).exists(): time.sleep(0.0005)\n"
        "print(Config().SECRET_KEY)"
    )
    for attempt in range(5):
        folder = tmp_path / f"attempt-{attempt}"
        folder.mkdir()
        go = folder / "go"
        env = os.environ | {"COLLAB_INSTANCE_PATH": str(folder / "instance")}
        env.pop("COLLAB_SECRET_KEY", None)
        ready = [folder / f"ready-{n}" for n in range(8)]
        starts = [
            subprocess.Popen(
                [sys.executable, "-c", script, str(flag), str(go)], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
            )
            for flag in ready
        ]
        deadline = time.monotonic() + 60
        while not all(flag.exists() for flag in ready):
            assert time.monotonic() < deadline and all(p.poll() is None for p in starts), "a process did not start"
            time.sleep(0.01)
        go.touch()
        keys = {process.communicate(timeout=60)[0].strip() for process in starts}
        assert len(keys) == 1 and (folder / "instance" / "secret_key").read_text().strip() in keys
        assert sorted(p.name for p in (folder / "instance").iterdir()) == ["secret_key"]
