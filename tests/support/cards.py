"""Posting a card and counting rows, as the domain and socket tests do it."""

from __future__ import annotations

from typing import Any

from flask_socketio import SocketIOTestClient
from sqlalchemy import Select, func, select

from collab.domain import cards
from collab.sockets.edge import done
from collab.store.database import db
from tests.support.apps import participant_principal


def post(
    author: SocketIOTestClient | dict[str, Any],
    text: str = "Parce que",
    column: str = "pourquoi",
    board: str = "four_questions",
    *,
    client_id: str | None = None,
    skill: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Post a card as `author`, a phone's test client or a joined participant (through the domain),
    and return the acknowledgement; the client id is made from the card unless given."""
    client_id = client_id or f"client-{abs(hash((board, column, text))) % 10**10:010d}"
    if isinstance(author, SocketIOTestClient):
        payload: dict[str, Any] = {"client_id": client_id, "board": board, "column": column, "text": text}
        if skill is not None:
            payload["skill"] = skill
        return dict(author.emit("post_card", payload, callback=True))
    # Answered as the socket edge would: the domain's reply, acknowledged.
    return done(cards.post_card(participant_principal(author), client_id, board, column, text, skill).reply)


def posted(
    author: SocketIOTestClient | dict[str, Any],
    text: str = "Parce que",
    column: str = "pourquoi",
    board: str = "four_questions",
    *,
    client_id: str | None = None,
    skill: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Post a card as `post` does, check it was taken, and return it."""
    ack = post(author, text, column, board, client_id=client_id, skill=skill)
    assert ack["ok"], ack
    return dict(ack["card"])


def counted(*rows: type[Any] | Select[Any]) -> tuple[int, ...]:
    """Return how many rows each model (or `select(func.count())` statement) finds in the database."""
    with db.transaction() as session:
        return tuple(
            session.scalar(what if isinstance(what, Select) else select(func.count()).select_from(what)) or 0
            for what in rows
        )
