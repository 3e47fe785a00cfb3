"""One payload schema per client event: exact types, capped lengths, unknown keys refused."""

from __future__ import annotations

from typing import Annotated

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


class RoomRef(Payload):
    """`close_vote`, `publish_synthesis`: the room to act on."""

    room_id: Id


class OpenVote(Payload):
    """`open_vote`: the room and how many dots each participant gets."""

    room_id: Id
    # Wider than the domain's 1–20, so an out-of-range number gets the domain's clear message.
    dots: Annotated[int, Field(ge=0, le=100)]


class SaveSynthesis(Payload):
    """`save_synthesis`: chosen card ids in order, and a text per question (column key)."""

    room_id: Id
    items: Annotated[list[Id], Field(max_length=200)]
    # Twice the domain's limit per text, so an over-long text gets the domain's clear message.
    texts: Annotated[dict[Key, Annotated[str, Field(max_length=4000)]], Field(max_length=20)]


class NoPayload(Payload):
    """`get_syntheses`: an empty object."""
