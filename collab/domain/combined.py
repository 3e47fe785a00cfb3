"""The combined board: one board's columns with every room's cards, near-duplicates from different rooms grouped.

Two cards are near-duplicates when the cosine of their TF-IDF character n-grams (the vectoriser of
collab.domain.matching, IDF from the board's shown cards) reaches GROUP_SIMILARITY and they come
from different rooms; groups are the connected pairs (single linkage), within a column.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import select

from collab.domain.access import Principal
from collab.domain.errors import Forbidden, Invalid, NotFound
from collab.domain.matching import folded_words, ngram_weights
from collab.domain.rooms import SHOWN_TO_ALL
from collab.store.database import db
from collab.store.models import Card, Event, Participant, Room

# Measured on hand-made pairs (tests/sockets/test_screen_modes.py): rewordings of one idea score 0.64–0.96
# ("Un animateur neutre" / "Une animation neutre" 0.64, "Mutualiser les services" / "Mutualisation des
# services" 0.72), while unrelated cards sharing a word score at most 0.42 ("Former les agents à la
# coopération" / "Le temps long de la coopération"); 0.55 sits between the two.
GROUP_SIMILARITY = 0.55
READERS = ("screen", "facilitator", "organiser")


def combined_board(principal: Principal, board_key: str | None) -> dict[str, Any]:
    """Return a board's columns, each with groups of cards from every room (shown cards only).

    Groups of more rooms come first, then by the first card posted; a group's cards in room order.
    """
    if principal.role not in READERS:
        raise Forbidden("only screens and the staff read the combined board")
    with db.transaction() as session:
        event = session.get(Event, principal.event_id)
        if event is None:
            raise NotFound("no such event")
        boards = {board["key"]: board for board in event.boards}
        key = board_key or ("four_questions" if "four_questions" in boards else next(iter(boards), None))
        if key not in boards:
            raise Invalid(f"board is one of {', '.join(boards)}", field="board")
        board = boards[key]
        rows = session.execute(
            select(Card, Room, Participant)
            .join(Room, Card.room_id == Room.id)
            .join(Participant, Card.participant_id == Participant.id)
            .where(Room.event_id == event.id, Card.board == key)
            .where(SHOWN_TO_ALL)
            .order_by(Card.id)
        ).tuples()
        cards: list[dict[str, Any]] = [
            {
                "id": card.id,
                "column": card.column,
                "text": card.text,
                "room_id": room.id,
                "room_name": room.name,
                "room_position": room.position,
                "scale": author.scale,
            }
            for card, room, author in rows
        ]
    groups = group_near_duplicates(
        [c["text"] for c in cards], [c["room_id"] for c in cards], [c["column"] for c in cards]
    )
    columns = []
    for column in board["columns"]:
        column_groups = [
            sorted((cards[i] for i in group), key=lambda c: (c["room_position"], c["id"]))
            for group in groups
            if cards[group[0]]["column"] == column["key"]
        ]
        column_groups.sort(key=lambda group: (-len({c["room_id"] for c in group}), min(c["id"] for c in group)))
        columns.append(
            {
                "key": column["key"],
                "label": column["label"],
                "groups": [
                    {"rooms": len({c["room_id"] for c in group}), "cards": [_shown(c) for c in group]}
                    for group in column_groups
                ],
            }
        )
    return {"board": key, "title": board.get("title", key), "columns": columns}


def group_near_duplicates(
    texts: Sequence[str], rooms: Sequence[int], columns: Sequence[str], threshold: float = GROUP_SIMILARITY
) -> list[list[int]]:
    """Return the indices of `texts` in groups: near-duplicates of different rooms in the same column linked.

    Each group is in index order, the groups by their first index; a text with no near-duplicate is alone.
    """
    parent = list(range(len(texts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    folded = [folded_words(text) for text in texts]
    if len(texts) > 1 and any(folded):
        weights = ngram_weights(folded)
        cosine = (weights @ weights.T).toarray()
        room = np.asarray(rooms)
        column = np.asarray(columns)
        linked = (cosine >= threshold) & (room[:, None] != room[None, :]) & (column[:, None] == column[None, :])
        for i, j in zip(*np.nonzero(np.triu(linked, k=1)), strict=True):
            parent[root(int(j))] = root(int(i))
    groups: dict[int, list[int]] = {}
    for i in range(len(texts)):
        groups.setdefault(root(i), []).append(i)
    return sorted(groups.values(), key=lambda group: group[0])


def _shown(card: dict[str, Any]) -> dict[str, Any]:
    """Return a card as the combined board shows it."""
    return {key: card[key] for key in ("id", "text", "room_id", "room_name", "scale")}
