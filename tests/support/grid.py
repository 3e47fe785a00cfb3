"""A published grille de lecture for the tests, set on the event as the staff's publish stores it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy
from sqlalchemy import update

from collab.store.database import db
from collab.store.models import Event

# The shape of `Event.grid` (the curation's publish writes it): per question, points with stable ids.
GRID: dict[str, Any] = {
    "title": "Grille de lecture des coopérations",
    "questions": [
        {
            "key": "pourquoi",
            "label": "Pourquoi ?",
            "hint": "Ce qui pousse à coopérer.",
            "points": [
                {"id": 11, "text": "Un besoin partagé est-il nommé ?", "cards": []},
                {"id": 12, "text": "Qui gagne quoi à coopérer ?", "cards": []},
            ],
        },
        {
            "key": "pour_quoi",
            "label": "Pour quoi ?",
            "hint": "",
            "points": [{"id": 21, "text": "Le but commun tient-il en une phrase ?", "cards": []}],
        },
        {
            "key": "comment",
            "label": "Comment ?",
            "hint": "",
            "points": [{"id": 31, "text": "Mutualiser l'ingénierie rare", "cards": []}],
        },
        {
            "key": "conditions",
            "label": "Dans quelles conditions ?",
            "hint": "",
            "points": [{"id": 41, "text": "Une instance de suivi existe-t-elle ?", "cards": []}],
        },
    ],
}


def publish_grid(event_id: int, grid: dict[str, Any] | None = None) -> None:
    """Publish `grid` (default: GRID) on an event of the app's database."""
    with db.transaction() as session:
        session.execute(
            update(Event).where(Event.id == event_id).values(grid=grid or GRID, grid_published_at=datetime.now(UTC))
        )


def publish_grid_at(database_url: str, join_code: str, grid: dict[str, Any] | None = None) -> None:
    """Publish `grid` (default: GRID) on the event with this code in a live server's database."""
    engine = sqlalchemy.create_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                update(Event)
                .where(Event.join_code == join_code)
                .values(grid=grid or GRID, grid_published_at=datetime.now(UTC))
            )
    finally:
        engine.dispose()
