"""The self-diagnosis grid (grille de lecture): the four questions, each with the day's points to check."""

from __future__ import annotations

from typing import Any

GRID_BOARD = "four_questions"


def grid_board(record: dict[str, Any]) -> dict[str, Any] | None:
    """Return the board of the four questions: `four_questions`, or the first grid board."""
    boards = record["boards"]
    return next((b for b in boards if b["key"] == GRID_BOARD), None) or next(
        (b for b in boards if b["kind"] == "grid"), None
    )


def self_diagnosis(record: dict[str, Any]) -> dict[str, Any]:
    """Return the grid: per question, what the rooms concluded and the visible cards as points to check.

    Points come first when a synthesis kept them, then pinned, then by dots; the same words
    written in two rooms make one point.
    """
    board = grid_board(record)
    if board is None:
        return {"event": record["event"], "title": "", "questions": []}
    # Only the grid board's syntheses speak to its questions.
    own = [s for s in record["syntheses"] if s.get("board", "four_questions") == board["key"]]
    kept = {card["id"] for s in own for card in s.get("cards", [])}
    questions = []
    for column in board["columns"]:
        cards = [
            c for c in record["cards"] if c["visible"] and c["board"] == board["key"] and c["column"] == column["key"]
        ]
        cards.sort(key=lambda c: (c["id"] not in kept, not c["pinned"], -c["votes"]))
        points: list[dict[str, Any]] = []
        seen: set[str] = set()
        for card in cards:
            key = " ".join(card["text"].lower().split())
            if key in seen:
                continue
            seen.add(key)
            points.append({"id": card["id"], "text": card["text"], "room_name": card["room_name"]})
        conclusions = [
            {"room_name": s["room_name"], "text": s["texts"][column["key"]]}
            for s in own
            if s.get("texts", {}).get(column["key"])
        ]
        questions.append(
            {
                "key": column["key"],
                "label": column["label"],
                "hint": column.get("hint", ""),
                "conclusions": conclusions,
                "points": points,
            }
        )
    return {"event": record["event"], "title": board["title"], "questions": questions}
