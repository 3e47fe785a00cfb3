"""Fuzzing every client event: generated junk is refused with an error, writes nothing, and the server stays well.

The bulk (1,000 inputs in `make test`, 10,000 in `make faults`) goes through Flask-SocketIO's
test client, which runs the same frame guard, edge, schemas and handlers in-process. The real
server (`python app.py`, eventlet) gets the raw frames the test client cannot send (malformed
Socket.IO and Engine.IO packets, binary, non-UTF-8, deep nesting, oversized) and a sample of the
generated payloads, while its memory and log are watched.
"""

from __future__ import annotations

import inspect
import json
import string
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import engineio
import psutil
import pytest
import requests
import websocket
from flask.testing import FlaskClient
from flask_socketio import SocketIOTestClient
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from collab.domain.events import EventLinks
from collab.sockets.edge import REGISTERED, SCHEMAS
from tests.support.live import LiveServer, RawSocket, participant_token, row_counts
from tests.support.matrix import MATRIX, fingerprint

# `make test` fuzzes a thousand inputs; `make faults` the ten thousand (about a minute on its own).
MAX_MESSAGE_BYTES = 65_536  # collab's default cap, which LiveServer keeps
BULK = [1_000, pytest.param(10_000, marks=pytest.mark.faults)]
# The role each event is sent with: one allowed to send it, so that the payload is what is judged.
PREFERRED = ("organiser", "participant", "facilitator", "screen")


def sender(name: str) -> str:
    """Return the role that sends `name` in the fuzz: the first of PREFERRED allowed to."""
    roles = REGISTERED[name][0]
    return next(role for role in PREFERRED if role in roles)


# Characters of every kind, lone surrogates and NUL included.
CHARACTERS = st.one_of(st.characters(), st.characters(categories=["Cs"]), st.sampled_from("\x00\u202e<>\"'&"))
# After an ack id, a digit would lengthen it and a dash would make it an attachment count.
NOT_FIRST = (*string.digits, "-")
# A websocket text frame is UTF-8: lone surrogates go escaped in JSON (and raw bytes in FRAMES).
FRAME_CHARACTERS = st.one_of(st.characters(codec="utf-8"), st.sampled_from('\x00\u202e<>"[]{},:'))
HUGE = st.builds(lambda piece, n: piece * n, st.text(CHARACTERS, min_size=1, max_size=4), st.integers(1_000, 20_000))
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=2**53, max_value=2**80),
    st.floats(),
    st.text(CHARACTERS, max_size=50),
    HUGE,
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(CHARACTERS, max_size=12), inner, max_size=4),
    max_leaves=12,
)
# Nested a few hundred deep: deep enough to hurt a recursive validator, within json's own limit.
NESTED = st.builds(
    lambda depth, leaf: json.loads("[" * depth + json.dumps(leaf) + "]" * depth), st.integers(50, 400), SCALARS
)
ANYTHING = st.one_of(JSON, NESTED)
NOT_AN_OBJECT = ANYTHING.filter(lambda value: not isinstance(value, dict))


def is_valid(name: str, payload: Any) -> bool:
    """Tell whether the event's own schema accepts `payload`."""
    try:
        SCHEMAS[name].model_validate(payload)
    except ValidationError:
        return False
    return True


@st.composite
def malformed(draw: st.DrawFn, valid_payload: Callable[[str], dict[str, Any]]) -> tuple[str, tuple[Any, ...], str]:
    """Draw (event, arguments, expected error code): an input each event must refuse."""
    kind = draw(st.sampled_from(["not_an_object", "wrong_fields", "extra_key", "extra_args", "no_args", "unknown"]))
    if kind == "unknown":
        names = st.sampled_from(["connect", "disconnect", "*", "message", "json"]) | st.text(CHARACTERS, max_size=40)
        name = draw(names.filter(lambda n: n not in REGISTERED))
        return name, tuple(draw(st.lists(ANYTHING, max_size=3))), "unknown_event"
    name = draw(st.sampled_from(sorted(REGISTERED)))
    if kind == "not_an_object":
        return name, (draw(NOT_AN_OBJECT),), "invalid"
    if kind == "no_args":
        return name, (), "invalid"
    if kind == "extra_args":
        return name, (valid_payload(name), *draw(st.lists(ANYTHING, min_size=1, max_size=3))), "invalid"
    if kind == "extra_key" or not SCHEMAS[name].model_fields:
        fields = set(SCHEMAS[name].model_fields)
        key = draw(st.text(CHARACTERS, min_size=1, max_size=30).filter(lambda k: k not in fields))
        return name, (valid_payload(name) | {key: draw(ANYTHING)},), "invalid"
    # The event's own keys, each with a value of any type: kept only when the schema refuses it.
    values = {field: ANYTHING for field in SCHEMAS[name].model_fields}
    payload = draw(st.fixed_dictionaries({}, optional=values).filter(lambda p: not is_valid(name, p)))
    return name, (payload,), "invalid"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("count", BULK)
def test_generated_inputs_are_refused_and_write_nothing(
    scene: dict[str, Any],
    connect: Callable[[str | None], SocketIOTestClient],
    count: int,
) -> None:
    sockets = {role: connect(scene["tokens"][role]) for role in PREFERRED}
    before = fingerprint()
    sent: dict[str, int] = {}

    def valid_payload(name: str) -> dict[str, Any]:
        return MATRIX[name][0](scene)

    def refused(attempt: tuple[str, tuple[Any, ...], str]) -> None:
        name, args, code = attempt
        sio = sockets[sender(name) if name in REGISTERED else "participant"]
        ack = sio.emit(name, *args, callback=True)
        assert isinstance(ack, dict) and ack["ok"] is False and ack["error"]["code"] == code, (name, args, ack)
        counted = name if name in REGISTERED else "(unknown)"
        sent[counted] = sent.get(counted, 0) + 1
        for socket in sockets.values():
            socket.get_received()  # nothing is broadcast for a refusal; keep the queues empty anyway

    # Every event at least twice, whatever hypothesis draws: an unknown key, an extra argument.
    for name in sorted(REGISTERED):
        refused((name, (valid_payload(name) | {"zz_unknown": 1},), "invalid"))
        refused((name, (valid_payload(name), None), "invalid"))
    fuzz = settings(
        max_examples=count,
        deadline=None,
        database=None,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )(given(malformed(valid_payload))(refused))
    fuzz()
    total = sum(sent.values())
    print(
        f"\nfuzz (test client): {total} inputs over {len(sent) - 1} events + unknown ones; fewest: "
        f"{min(sent.items(), key=lambda item: item[1])}"
    )
    assert total >= count
    assert set(sent) == set(REGISTERED) | {"(unknown)"}
    assert fingerprint() == before
    for role, socket in sockets.items():
        assert socket.is_connected(), role
    card = {"client_id": "after-the-fuzz", "board": "four_questions", "column": "pourquoi", "text": "Toujours là"}
    assert sockets["participant"].emit("post_card", card, callback=True)["ok"]


def test_a_nul_character_is_refused_on_both_databases(
    connect: Callable[[str | None], SocketIOTestClient],
    join: Callable[..., dict[str, Any]],
    client: FlaskClient,
    event: EventLinks,
) -> None:
    """PostgreSQL cannot store NUL: the fuzz found a card and a pseudonym with one failing as `internal`."""
    phone = connect(join()["token"])
    card = {"client_id": "nul-card-1", "board": "four_questions", "column": "pourquoi", "text": "avant\x00après"}
    assert phone.emit("post_card", card, callback=True)["error"]["code"] == "invalid"
    skill = {"type": "methodes", "scope": "individuel", "keywords": ["a\x00b"]}
    offer = card | {"client_id": "nul-card-2", "board": "competences", "column": "offre", "text": "x", "skill": skill}
    assert phone.emit("post_card", offer, callback=True)["error"]["code"] == "invalid"
    before = fingerprint()
    form = {"pseudonym": "Nul\x00", "scale": "commune", "room": str(event.rooms[0].id)}
    response = client.post(f"/j/{event.join_code}", data=form, headers={"Origin": "http://localhost"})
    assert response.status_code == 400
    assert fingerprint() == before


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[LiveServer, dict[str, str]]]:
    """A real server with one event of two rooms; yields it and the tokens of a participant and the organiser."""
    server = LiveServer(tmp_path, {"COLLAB_CREATE_DEMO": "0"})
    links = server.create_event(rooms=2)
    server.start()
    tokens = {
        "participant": participant_token(server.url, links["join_code"], "Fuzz", links["rooms"][0]["id"]),
        "organiser": links["organiser_url"].rsplit("/", 1)[1],
        "facilitator": links["rooms"][0]["facilitator_url"].rsplit("/", 1)[1],
        "screen": links["screen_url"].rsplit("/", 1)[1],
    }
    yield server, tokens
    server.stop()


DEEP = "[" * 30_000 + "]" * 30_000  # 60 kB: under the size cap, far over json's nesting limit
# Frame → what the server does: answers ack 1 with this error code, or closes, or ignores it (the
# connection keeps working).
FRAMES: list[tuple[str | bytes, str]] = [
    ("421[", "invalid"),
    ("421[]", "invalid"),
    ("421[1]", "invalid"),
    ("421{}", "invalid"),
    ('421"post_card"', "invalid"),
    ("421null", "invalid"),
    (f'421["sync",{DEEP}]', "invalid"),
    ('421["sync"', "invalid"),
    ('421["sync"]', "invalid"),
    ('421["sync",{},{}]', "invalid"),
    ('421["sync",{"room_id":1e999}]', "invalid"),
    ('421["sync",{"room_id":NaN}]', "invalid"),
    (
        '421["post_card",{"client_id":"surrogate1","board":"four_questions","column":"pourquoi","text":"\\ud800"}]',
        "invalid",
    ),
    ('421["connect",{}]', "unknown_event"),
    ('421["disconnect"]', "unknown_event"),
    ('421["*","post_card",{}]', "unknown_event"),
    ('421["drop_tables",{}]', "unknown_event"),
    ("42", "ignored"),
    ("42[", "ignored"),
    (f'42["sync",{DEEP}]', "ignored"),
    ("43", "ignored"),
    ("431[]", "ignored"),
    ("44{}", "ignored"),
    ("40", "ignored"),
    ("47", "ignored"),
    ('42/elsewhere,1["sync",{}]', "ignored"),
    ("4", "ignored"),
    ("9", "ignored"),
    ("6", "ignored"),
    ("4x", "ignored"),
    ('45-["post_card",{"_placeholder":true,"num":0}]', "closed"),
    ("46", "closed"),
    ('451-["post_card",{"_placeholder":true,"num":0}]', "closed"),
    (b"\xff\xfe\x00binary", "closed"),
    (b"42\xff\xfe not UTF-8", "closed"),  # sent as a text frame
    ("1", "closed"),
]


def send_frame(raw: RawSocket, frame: str | bytes) -> None:
    """Send one frame: bytes starting with 42 as an invalid text frame, other bytes as binary."""
    if isinstance(frame, bytes):
        opcode = websocket.ABNF.OPCODE_TEXT if frame.startswith(b"42") else websocket.ABNF.OPCODE_BINARY
        raw.ws.send(frame, opcode=opcode)
    else:
        raw.ws.send(frame)


def test_malformed_frames_and_payloads_against_a_real_server(live: tuple[LiveServer, dict[str, str]]) -> None:
    server, tokens = live
    assert server.process is not None
    process = psutil.Process(server.process.pid)
    database = server.workdir / "collab.sqlite3"
    warm = RawSocket(server, tokens["organiser"])
    assert warm.works()
    warm.close()
    before_rows, before_rss = row_counts(database), process.memory_info().rss

    for frame, expected in FRAMES:
        raw = RawSocket(server, tokens["participant"])
        send_frame(raw, frame)
        if expected == "closed":
            assert raw.closed(), frame
        elif expected == "ignored":
            assert raw.works(), frame
        else:
            ack = raw.ack(1)
            assert ack["ok"] is False and ack["error"]["code"] == expected, (frame[:60], ack)
            assert raw.works(), frame
        raw.close()

    sockets = {role: RawSocket(server, token) for role, token in tokens.items()}
    seen = {"frames": 0, "payloads": 0, "oversized": 0}

    @settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.integers(1, 10**9), st.text(FRAME_CHARACTERS, max_size=200).filter(lambda t: t[:1] not in NOT_FIRST))
    @example(ack_id=4909661, body="\U0001d7ce")  # a non-ASCII digit after the ack id is no part of it
    def random_frames(ack_id: int, body: str) -> None:
        raw = sockets["participant"]
        raw.ws.send(f"42{ack_id}{body}")
        assert raw.ack(ack_id)["ok"] is False
        seen["frames"] += 1

    def valid_payload(name: str) -> dict[str, Any]:
        return {"room_id": 1} if "room_id" in SCHEMAS[name].model_fields else {}

    @settings(max_examples=500, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(malformed(valid_payload))
    def payloads(attempt: tuple[str, tuple[Any, ...], str]) -> None:
        name, args, code = attempt
        role = sender(name) if name in REGISTERED else "participant"
        frame = "427" + json.dumps([name, *args])
        sockets[role].ws.send(frame)
        if len(frame) > MAX_MESSAGE_BYTES:  # over the cap: the server closes the connection
            assert sockets[role].closed()
            sockets[role] = RawSocket(server, tokens[role])
            seen["oversized"] += 1
            return
        ack = sockets[role].ack(7)
        assert ack["ok"] is False and ack["error"]["code"] in (code, "invalid"), (name, ack)
        seen["payloads"] += 1

    random_frames()
    payloads()
    for raw in sockets.values():
        assert raw.works()
        raw.close()

    after_rss = process.memory_info().rss
    print(
        f"\nreal server: {len(FRAMES)} crafted frames, {seen['frames']} random frames, {seen['payloads']} payloads, "
        f"{seen['oversized']} oversized ones (connection closed); "
        f"server RSS {before_rss / 2**20:.1f} MiB before, {after_rss / 2**20:.1f} MiB after"
    )
    assert row_counts(database) == before_rows
    assert after_rss < before_rss + 64 * 2**20, "the server's memory grew by more than 64 MiB"
    assert requests.get(f"{server.url}/healthz", timeout=10).ok
    phone = RawSocket(server, tokens["participant"])
    card = {"client_id": "after-the-frames", "board": "four_questions", "column": "pourquoi", "text": "Toujours là"}
    phone.ws.send("421" + json.dumps(["post_card", card]))
    assert phone.ack(1)["ok"]
    phone.close()
    assert "Traceback" not in server.log()


def test_the_message_size_cap_is_well_below_the_library_default_and_enforced(
    live: tuple[LiveServer, dict[str, str]],
) -> None:
    from collab.config import Config

    library_default = inspect.signature(engineio.Server).parameters["max_http_buffer_size"].default
    cap = Config(SECRET_KEY="x").MAX_MESSAGE_BYTES
    print(f"\nmessage cap {cap} bytes; python-engineio's default {library_default}")
    assert cap * 10 <= library_default

    server, tokens = live
    card = {"client_id": "oversized-1", "board": "four_questions", "column": "pourquoi", "text": "x" * cap}
    oversized = RawSocket(server, tokens["participant"])
    oversized.ws.send("421" + json.dumps(["post_card", card]))
    assert oversized.closed()

    # The same over long-polling: the POST is refused.
    handshake = requests.get(f"{server.url}/socket.io/?EIO=4&transport=polling", timeout=10)
    sid = json.loads(handshake.text[1:])["sid"]
    body = "4" + "x" * (cap + 1)
    refused = requests.post(f"{server.url}/socket.io/?EIO=4&transport=polling&sid={sid}", data=body, timeout=10)
    assert refused.status_code >= 400

    assert requests.get(f"{server.url}/healthz", timeout=10).ok
    assert RawSocket(server, tokens["participant"]).works()
    assert "Traceback" not in server.log()
