"""Per-participant rate limits on posts and votes: numbers as documented, per participant, surviving reconnects."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_socketio import SocketIOTestClient

from collab.config import Config, Rate
from collab.domain.events import EventLinks
from collab.sockets.limits import Limiter
from collab.store.models import Card, DotVote
from tests.support.cards import counted

Join = Callable[..., dict[str, Any]]
Connect = Callable[[str | None], SocketIOTestClient]


def card(n: int, client_id: str | None = None) -> dict[str, Any]:
    """Return a four-question card's payload."""
    return {"client_id": client_id or f"card-{n:04d}", "board": "four_questions", "column": "comment"} | {
        "text": f"Idée numéro {n}"
    }


def test_the_defaults_are_the_documented_numbers(tmp_path: Path) -> None:
    config = Config(INSTANCE_PATH=tmp_path, SECRET_KEY="x")
    posts, votes = config.RATE_POSTS, config.RATE_VOTES
    assert posts == Rate(20, 60) and votes == Rate(30, 30)
    assert Config(INSTANCE_PATH=tmp_path, SECRET_KEY="x", RATE_POSTS="0").RATE_POSTS is None
    for wrong in ("20", "a/60", "0/60", "20/0", "20/-1", "*"):
        with pytest.raises(ValueError):
            Rate.parse(wrong)


def test_a_bucket_refills_at_its_rate_and_never_beyond_its_burst() -> None:
    limiter, rate = Limiter(), Rate(3, 6)  # 3 at once, then one every 2 s
    assert [limiter.take("posts", 1, rate, now=100.0) for _ in range(3)] == [0, 0, 0]
    assert limiter.take("posts", 1, rate, now=100.0) == pytest.approx(2.0)
    assert limiter.take("posts", 2, rate, now=100.0) == 0  # another participant has their own
    assert limiter.take("votes", 1, rate, now=100.0) == 0  # votes are counted apart from posts
    assert limiter.take("posts", 1, rate, now=102.0) == 0  # refused calls took nothing; 2 s gave one back
    assert limiter.take("posts", 1, rate, now=103.0) == pytest.approx(1.0)
    assert [limiter.take("posts", 1, rate, now=1000.0) for _ in range(4)][-1] > 0  # a long pause refills to 3


def test_a_participant_over_the_post_limit_is_refused_with_the_wait_and_nothing_is_written(
    app: Flask, connect: Connect, join: Join, event: EventLinks
) -> None:
    app.config["RATE_POSTS"] = Rate(5, 60)
    flooder, other = join(pseudonym="Flot"), join(pseudonym="Calme")
    phone = connect(flooder["token"])
    acks = [phone.emit("post_card", card(n), callback=True) for n in range(5)]
    assert all(ack["ok"] for ack in acks)
    refused = phone.emit("post_card", card(5), callback=True)
    assert refused["ok"] is False and refused["error"]["code"] == "rate_limited"
    assert 0 < refused["error"]["details"]["retry_after"] <= 12
    assert counted(Card) == (5,)

    # A retry of a card already stored is answered, not refused: the outbox of a phone that lost
    # the acknowledgement must get it back.
    assert phone.emit("post_card", card(0), callback=True) == acks[0]

    # Reconnecting, or a second tab, does not give the flooder a new allowance.
    phone.disconnect()
    again = connect(flooder["token"])
    assert again.emit("post_card", card(6), callback=True)["error"]["code"] == "rate_limited"
    assert connect(flooder["token"]).emit("post_card", card(7), callback=True)["error"]["code"] == "rate_limited"
    assert counted(Card) == (5,)

    # Everyone else posts as usual.
    assert connect(other["token"]).emit("post_card", card(8, "calm-card"), callback=True)["ok"]
    assert counted(Card) == (6,)


def test_the_allowance_comes_back_with_time(app: Flask, connect: Connect, join: Join) -> None:
    app.config["RATE_POSTS"] = Rate(2, 0.6)  # two at once, then one every 0.3 s
    phone = connect(join()["token"])
    assert [phone.emit("post_card", card(n), callback=True)["ok"] for n in range(3)] == [True, True, False]
    time.sleep(0.35)
    assert phone.emit("post_card", card(3), callback=True)["ok"]


def test_votes_are_limited_per_participant_and_a_refused_vote_writes_nothing(
    app: Flask, connect: Connect, join: Join, event: EventLinks
) -> None:
    app.config["RATE_VOTES"] = Rate(4, 60)
    console = connect(event.rooms[0].facilitator_token)
    author = connect(join(pseudonym="Autrice")["token"])
    posted = author.emit("post_card", card(1), callback=True)["card"]
    assert console.emit("open_vote", {"room_id": event.rooms[0].id, "dots": 3}, callback=True)["ok"]
    voter = connect(join(pseudonym="Votant")["token"])
    answers = [
        voter.emit(name, {"card_id": posted["id"]}, callback=True)
        for name in ("place_dot", "withdraw_dot", "place_dot", "place_dot")
    ]
    assert all(answer["ok"] for answer in answers), answers
    before = counted(DotVote)
    refused = voter.emit("place_dot", {"card_id": posted["id"]}, callback=True)
    assert refused["error"]["code"] == "rate_limited"
    assert counted(DotVote) == before
    # The author's allowance is their own.
    assert author.emit("place_dot", {"card_id": posted["id"]}, callback=True)["ok"]
