"""The first look at every Socket.IO frame: what collab cannot read is answered or refused, never a traceback."""

from __future__ import annotations

import logging
import re
from typing import Any

import socketio
from socketio import packet

from collab import metrics
from collab.sockets.edge import error

log = logging.getLogger(__name__)
# The head of a text packet: type, attachments, namespace, ack id (see socketio.packet.Packet); ASCII
# digits only, as Socket.IO's own clients write them ("42"+"17"+"𝟎" is ack 17 and a body it cannot read).
HEAD = re.compile(r"(?P<type>\d)(?:\d{1,10}-)?(?:(?P<namespace>/[^,]*),)?(?P<id>\d{1,99})?", re.ASCII)


def guard_frames(server: socketio.Server) -> None:
    """Put a check in front of the Socket.IO server's Engine.IO message handler.

    collab's clients send text packets only: an event is a JSON array whose first item is the
    event's name. Anything else would raise inside python-socketio (a traceback in the log, and
    a binary packet waiting for attachments would swallow the connection's next messages). Such a
    frame is answered with an `invalid` acknowledgement when it carries an ack id; a binary frame
    or a binary packet closes the connection, since no collab client ever sends one. An event
    named `connect` or `disconnect` would run those handlers (a phone could lower the screen's
    presence count while staying connected), one named `*` the catch-all with shifted arguments:
    they are answered `unknown_event`. Flask-SocketIO's test client calls the same method, so
    socket tests go through this check too.
    """
    dispatch = server._handle_eio_message
    reserved = {*server.reserved_events, "*"}

    def on_message(eio_sid: str, data: Any) -> None:
        if not isinstance(data, str) or data[:1] in (str(packet.BINARY_EVENT), str(packet.BINARY_ACK)):
            log.warning("binary frame from %s refused; connection closed", eio_sid)
            server.eio.disconnect(eio_sid)
            return
        try:
            problem = _problem(server, data, reserved)
        except (ValueError, RecursionError):
            problem = "not a Socket.IO packet"
        if problem == "reserved":
            metrics.refused(metrics.UNKNOWN_EVENT, "unknown_event")
            _answer(server, eio_sid, data, error("unknown_event", "this event does not exist"))
            return
        if problem is None:
            try:
                dispatch(eio_sid, data)
                return
            except ValueError as exc:  # python-socketio refuses packet types a server never receives
                problem = str(exc)
        log.warning("frame from %s refused: %s", eio_sid, problem)
        metrics.refused(metrics.UNREADABLE_EVENT, "invalid")
        _answer(server, eio_sid, data, error("invalid", "this message is not a Socket.IO event collab can read"))

    setattr(server, "_handle_eio_message", on_message)  # noqa: B010  (the test client calls it by name)
    server.eio.on("message", on_message)


def _problem(server: socketio.Server, data: str, reserved: set[str]) -> str | None:
    """Return why a text packet cannot be dispatched ("reserved": a connection event's name), or None."""
    decoded = server.packet_class(encoded_packet=data)
    if decoded.packet_type != packet.EVENT:
        return None
    if not (isinstance(decoded.data, list) and decoded.data and isinstance(decoded.data[0], str)):
        return "an event is a list that starts with its name"
    if decoded.data[0] in reserved:
        return "reserved"
    return None


def _answer(server: socketio.Server, eio_sid: str, data: str, ack: dict[str, Any]) -> None:
    """Send an error acknowledgement to a refused event packet that asked for one."""
    head = HEAD.match(data)
    if head is None or head["type"] != str(packet.EVENT) or head["id"] is None:
        return
    server._send_packet(
        eio_sid, server.packet_class(packet.ACK, data=[ack], namespace=head["namespace"] or "/", id=int(head["id"]))
    )


def cap_polling_bodies(wsgi_app: Any, limit: int) -> Any:
    """Wrap the WSGI app so that a long-polling POST larger than `limit` is refused at once (413).

    python-engineio refuses it too, but by closing the session first, which waits for the client's
    next poll: the request would hang for the ping timeout.
    """

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("REQUEST_METHOD") == "POST" and environ.get("PATH_INFO", "").startswith("/socket.io"):
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = limit + 1
            if length > limit:
                start_response("413 Payload Too Large", [("Content-Type", "text/plain"), ("Connection", "close")])
                return [b"message too large"]
        return wsgi_app(environ, start_response)

    return app
