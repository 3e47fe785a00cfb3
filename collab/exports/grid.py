"""The self-diagnosis grid (grille de lecture) as the participant's page shows it: the published grid's questions."""

from __future__ import annotations

from typing import Any

from collab.domain.grid import grid_board


def self_diagnosis(record: dict[str, Any]) -> dict[str, Any]:
    """Return the grid: per question, what the rooms concluded and the published points to check.

    The points are those the staff curated and published (collab.domain.grid); none while no grid is published.
    """
    board = grid_board(record["boards"])
    if board is None:
        return {"event": record["event"], "title": "", "questions": []}
    published = {q["key"]: q for q in (record.get("grid") or {}).get("questions", [])}
    # Only the grid board's syntheses speak to its questions.
    own = [s for s in record["syntheses"] if s.get("board", "four_questions") == board["key"]]
    questions = []
    for column in board["columns"]:
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
                "points": list(published.get(column["key"], {}).get("points", [])),
            }
        )
    return {"event": record["event"], "title": board["title"], "questions": questions}
