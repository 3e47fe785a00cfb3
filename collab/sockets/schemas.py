"""One payload schema per client event: exact types, capped lengths, unknown keys refused."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Key = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_]+$")]
Id = Annotated[int, Field(ge=1, le=2**53)]


class Payload(BaseModel):
    """Base of every client payload: strict types, no extra keys."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Sync(Payload):
    """`sync`: the room to catch up on and the last sequence number the client holds."""

    room_id: Id
    since: Annotated[int, Field(ge=0, le=2**53)] | None = None


class PostCard(Payload):
    """`post_card`: a card for one column of a board, with the client's own id for retries."""

    client_id: Annotated[str, Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
    board: Key
    column: Key
    # Twice the domain's limit, so an over-long card gets the domain's clear message.
    text: Annotated[str, Field(max_length=1000)]


class CardRef(Payload):
    """`hide_card`, `restore_card`: the card to act on."""

    card_id: Id


class Empty(Payload):
    """`list_links`, `get_moderation_log`, `get_overview`: nothing to say but the request."""


class LinkRef(Payload):
    """`revoke_link`, `regenerate_link`: the secret link to act on."""

    link_id: Id


class CreateLink(Payload):
    """`create_link`: a new facilitator link (for one room, or every room with `room_id` null) or screen link."""

    role: Literal["facilitator", "screen"]
    room_id: Id | None = None
