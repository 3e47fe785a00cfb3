"""The edge of the socket API: who is asking, is the payload well-formed, and one answer each time."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from typing import Any, TypeVar

from flask import request, session
from pydantic import BaseModel, ValidationError

from collab import metrics
from collab.domain.access import Principal
from collab.domain.closing import is_closed
from collab.domain.errors import DomainError, Forbidden, Unauthorised
from collab.domain.reads import reading
from collab.realtime.server import socketio
from collab.tokens import principal_for_token

log = logging.getLogger(__name__)
P = TypeVar("P", bound=BaseModel)
TOKEN_KEY = "collab_token"
PRINCIPAL_KEY = "collab_principal"
# Every client event registered: its name → (the roles allowed, whether it writes).
REGISTERED: dict[str, tuple[tuple[str, ...], bool]] = {}
# Every client event registered: its name → the schema of its one payload.
SCHEMAS: dict[str, type[BaseModel]] = {}


def done(reply: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Return the acknowledgement of a done intent: `"ok": true`, then what the domain answered."""
    return {"ok": True, **(reply or {})}


def refused(exc: DomainError) -> dict[str, Any]:
    """Return the acknowledgement of an intent the domain refused: its code, message and details."""
    return error(exc.code, exc.message, **exc.details)


def error(code: str, message: str, **details: Any) -> dict[str, Any]:
    """Return an error acknowledgement."""
    body: dict[str, Any] = {"code": code, "message": message}
    if details:
        body["details"] = details
    return {"ok": False, "error": body}


def remember_principal(token: str, principal: Principal) -> None:
    """Keep with the socket the token it connected with, and a participant's principal.

    A participant is never revoked nor moved to another room, so the principal found at connect
    holds for the socket's life: their events cost no database lookup. A link can be revoked, so
    a link's events check it again each time (revoking also closes its sockets, on every worker).
    """
    session[TOKEN_KEY] = token
    if principal.role == "participant":
        session[PRINCIPAL_KEY] = principal


def current_principal() -> Principal:
    """Return who holds this socket: a participant as found at connect, a link checked again in the database."""
    known = session.get(PRINCIPAL_KEY)
    if isinstance(known, Principal):
        return known
    return principal_for_token(session.get(TOKEN_KEY))


def client_event(
    name: str, schema: type[P], roles: tuple[str, ...], writes: bool = True, while_closed: bool = False
) -> Callable[..., Any]:
    """Register a client→server event: authorise, validate, call, and always acknowledge.

    The handler receives the principal and the validated payload and returns the acknowledgement.
    `writes`: the event changes something, so a closed event refuses it (`closed`), unless
    `while_closed` (reopening the event). Reading events pass `writes=False`. Every answer is
    counted, with its time, for /metrics (collab.metrics; nothing when metrics are off).
    """
    REGISTERED[name] = (roles, writes)
    SCHEMAS[name] = schema

    def register(handler: Callable[[Principal, P], dict[str, Any]]) -> Callable[..., Any]:
        @functools.wraps(handler)
        def on_event(*args: Any) -> dict[str, Any]:
            started = time.perf_counter()
            ack = answer(*args)
            metrics.acknowledged(name, ack, started)
            return ack

        def answer(*args: Any) -> dict[str, Any]:
            try:
                principal = current_principal()
                if principal.role not in roles:
                    raise Forbidden(f"{principal.role} may not {name.replace('_', ' ')}")
                if len(args) != 1 or not isinstance(args[0], dict):
                    return error("invalid", f"{name} takes exactly one payload object")
                try:
                    payload = schema.model_validate(args[0])
                except ValidationError as exc:
                    return error("invalid", f"malformed {name} payload", fields=_fields(exc))
                if writes and not while_closed and is_closed(principal.event_id):
                    return error("closed", "the seminar is closed: it can be read, no longer changed")
                with nullcontext() if writes else reading():
                    return handler(principal, payload)
            except DomainError as exc:
                return refused(exc)
            except Exception:
                log.exception("%s failed (sid %s)", name, request.sid)  # type: ignore[attr-defined]
                return error("internal", "the server could not do this; nothing was changed")

        socketio.on_event(name, on_event)
        return on_event

    return register


def _fields(exc: ValidationError) -> list[dict[str, str]]:
    """Return the validation errors in a compact, client-readable form (no echo of the input)."""
    return [{"field": ".".join(str(p) for p in e["loc"]) or "(payload)", "problem": e["type"]} for e in exc.errors()]


def unauthorised(exc: Unauthorised) -> dict[str, Any]:
    """Return the refusal a connection gets when its token is not valid."""
    return refused(exc)["error"]
