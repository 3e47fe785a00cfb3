"""The word cloud: the words the rooms' shown cards use most, on one board or the whole day.

French stop words come from the `stop-words` package (348 words, kept up to date there, with the
elided forms); the board's own question words ("comment", "pourquoi") are among them.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from typing import Any

from sqlalchemy import select
from stop_words import get_stop_words

from collab.domain.access import Principal
from collab.domain.errors import Forbidden, Invalid, NotFound
from collab.domain.matching import fold
from collab.domain.rooms import SHOWN_TO_ALL
from collab.store.database import db
from collab.store.models import Card, Event, Room

TOP = 60
MIN_LENGTH = 3  # shorter words are articles and elisions the list may miss ("l'", "qu'")
# Letters, with inner hyphens kept ("tiers-lieux", "savoir-faire"); apostrophes split ("l'élu").
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
READERS = ("screen", "facilitator", "organiser")


@cache
def stop_words() -> frozenset[str]:
    """Return the French stop words, lower-case, and also without their accents ("a" and "à")."""
    words = {word.lower() for word in get_stop_words("french")}
    return frozenset(words | {fold(word) for word in words})


def word_cloud(principal: Principal, board_key: str | None) -> dict[str, Any]:
    """Return the TOP words of the shown cards of a board (None: every board), most used first.

    Words are counted case aside and shown as they were written most often.
    """
    if principal.role not in READERS:
        raise Forbidden("only screens and the staff read the word cloud")
    with db.transaction() as session:
        event = session.get(Event, principal.event_id)
        if event is None:
            raise NotFound("no such event")
        keys = [board["key"] for board in event.boards]
        if board_key is not None and board_key not in keys:
            raise Invalid(f"board is one of {', '.join(keys)}", field="board")
        query = (
            select(Card.text)
            .join(Room, Card.room_id == Room.id)
            .where(Room.event_id == event.id)
            .where(SHOWN_TO_ALL)
            .order_by(Card.id)
        )
        if board_key is not None:
            query = query.where(Card.board == board_key)
        texts = list(session.scalars(query))
    return {"board": board_key, "words": top_words(texts)}


def top_words(texts: list[str], limit: int = TOP) -> list[dict[str, Any]]:
    """Return the `limit` words found on most of `texts` (cards), stop words aside, as {word, count}."""
    stop = stop_words()
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for text in texts:
        # A word counts once per card: one long or repetitive card does not take the cloud over.
        seen: set[str] = set()
        for word in WORD.findall(text):
            key = word.casefold()
            if len(key) < MIN_LENGTH or key in stop or fold(key) in stop or key in seen:
                continue
            seen.add(key)
            counts[key] += 1
            spellings.setdefault(key, Counter())[word] += 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], fold(item[0]), item[0]))[:limit]
    # The most written spelling; on a tie, the first written (Counter keeps insertion order).
    return [{"word": spellings[key].most_common(1)[0][0], "count": n} for key, n in ranked]
