"""The authorisation matrix: every client event × every role; allowed ones work, denied ones change nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from flask_socketio import SocketIOTestClient
from sqlalchemy import select

from collab.domain.access import hash_token
from collab.domain.events import EventLinks
from collab.store.database import db
from collab.store.models import AccessLink
from tests.support.matrix import MATRIX, READ_ONLY, ROLES, fingerprint


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_authorisation_matrix(
    copied_scene: dict[str, Any], connect: Callable[[str | None], SocketIOTestClient], name: str, role: str
) -> None:
    scene = copied_scene  # the same as the `scene` fixture's, built once and copied: 514 tests, one build
    payload_of, allowed = MATRIX[name]
    before = fingerprint()
    sio = connect(scene["tokens"][role])
    if role in ("no_token", "revoked_link"):
        assert not sio.is_connected()
        assert fingerprint() == before
        return
    ack = sio.emit(name, payload_of(scene), callback=True)
    if role in allowed:
        assert ack["ok"] is True, ack
        assert (fingerprint() == before) == (name in READ_ONLY), "an allowed request did its work"
    else:
        assert ack["ok"] is False and ack["error"]["code"] in ("forbidden", "not_found"), ack
        assert fingerprint() == before


def test_a_link_revoked_while_connected_is_refused_on_its_next_event(
    scene: dict[str, Any], connect: Callable[[str | None], SocketIOTestClient], event: EventLinks
) -> None:
    facilitator = connect(scene["tokens"]["facilitator"])
    with db.transaction() as session:
        link = session.scalar(
            select(AccessLink).where(AccessLink.token_hash == hash_token(scene["tokens"]["facilitator"]))
        )
        assert link is not None
        link.revoked_at = datetime.now(UTC)
    before = fingerprint()
    ack = facilitator.emit("hide_card", {"card_id": scene["card"]}, callback=True)
    assert ack["error"]["code"] == "unauthorised"
    assert fingerprint() == before
