"""The baseline of bench/scale.py: a bare python-socketio server under eventlet doing the minimum.

`python -m bench.baseline_server --port PORT --clients CLIENTS.json [--deflate]`. It speaks just
enough of collab's protocol for the same load generator: connect with `{token}` (CLIENTS.json maps
each token to its role and room), `post_card` (acknowledged, then broadcast as `card_posted` to the
room and its staff, with a per-room `seq`), `vote_hypothesis` (counted, broadcast to the screens),
`get_hypotheses`, `open_hypothesis`, `close_hypothesis` (the results to every socket). No database,
no validation, no authorisation: what any Socket.IO server pays to receive and fan out a message.
Without `--deflate` it declines websocket compression, as collab does (collab/server.py).
"""

from __future__ import annotations

import eventlet

eventlet.monkey_patch()

import argparse  # noqa: E402
import json  # noqa: E402
import socket  # noqa: E402
from collections import Counter  # noqa: E402
from typing import Any  # noqa: E402

import eventlet.wsgi  # noqa: E402
import socketio  # noqa: E402


def build(clients: dict[str, dict[str, Any]], rooms: list[int]) -> socketio.Server:
    """Return the bare server: rooms joined on connect, one emit per message."""
    sio = socketio.Server(async_mode="eventlet", cors_allowed_origins="*")
    seqs: Counter[int] = Counter()
    votes: dict[str, str] = {}
    who: dict[str, dict[str, Any]] = {}

    def results() -> dict[str, Any]:
        tally = Counter(votes.values())
        return {"hypothesis_id": 1, "results": {**tally, "total": len(votes)}}

    @sio.event
    def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> bool:
        client = clients.get(auth.get("token", "") if isinstance(auth, dict) else "")
        if client is None:
            return False
        who[sid] = client
        sio.enter_room(sid, "everyone")
        if client["role"] == "phone":
            sio.enter_room(sid, f"room:{client['room']}")
        elif client["role"] == "console":
            sio.enter_room(sid, f"staff:{client['room']}")
        else:
            sio.enter_room(sid, "screens")
            for room in rooms:
                sio.enter_room(sid, f"room:{room}" if client["role"] == "screen" else f"staff:{room}")
        return True

    @sio.event
    def disconnect(sid: str, reason: Any = None) -> None:
        who.pop(sid, None)

    @sio.event
    def post_card(sid: str, payload: dict[str, Any]) -> dict[str, Any]:
        room = who[sid]["room"]
        seqs[room] += 1
        card = {"client_id": payload["client_id"], "column": payload["column"], "text": payload["text"]}
        change = {"room_id": room, "seq": seqs[room], "card": card}
        sio.emit("card_posted", change, to=[f"room:{room}", f"staff:{room}"])
        return {"ok": True, "seq": seqs[room], "card": card}

    @sio.event
    def get_hypotheses(sid: str, payload: Any = None) -> dict[str, Any]:
        return {"ok": True, "hypotheses": [{"id": 1, **results()}]}

    @sio.event
    def open_hypothesis(sid: str, payload: Any = None) -> dict[str, Any]:
        return {"ok": True}

    @sio.event
    def vote_hypothesis(sid: str, payload: dict[str, Any]) -> dict[str, Any]:
        votes[who[sid]["token"]] = payload["verdict"]
        sio.emit("hypothesis_results", results(), to="screens")
        return {"ok": True}

    @sio.event
    def close_hypothesis(sid: str, payload: Any = None) -> dict[str, Any]:
        sio.emit("hypotheses_changed", {"hypotheses": [{"id": 1, **results()}]}, to="everyone")
        return {"ok": True}

    return sio


def without_compression(app: Any) -> Any:
    """Wrap a WSGI app so that websocket handshakes offer no extension (no permessage-deflate)."""

    def wrapped(environ: dict[str, Any], start_response: Any) -> Any:
        environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
        return app(environ, start_response)

    return wrapped


def main() -> None:
    """Parse the options and serve."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--clients", required=True, help="JSON: {token: {role, room}} and the room ids")
    parser.add_argument("--deflate", action="store_true", help="accept websocket compression (eventlet's default)")
    args = parser.parse_args()
    with open(args.clients) as file:
        data = json.load(file)
    clients = {token: {**client, "token": token} for token, client in data["clients"].items()}
    app: Any = socketio.WSGIApp(build(clients, data["rooms"]))
    if not args.deflate:
        app = without_compression(app)
    listener = eventlet.listen(("127.0.0.1", args.port))
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    eventlet.wsgi.server(listener, app, log_output=False, max_size=20000)


if __name__ == "__main__":
    main()
