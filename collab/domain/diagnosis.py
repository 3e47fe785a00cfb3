"""The self-diagnosis: a participant applies the published grille de lecture to their own situation.

Their answers are theirs alone: only they read them back (on the phone, or with their personal
grid link); the organiser sees how many applied the grid, never what they answered.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypedDict

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from collab.domain.access import Principal
from collab.domain.errors import Forbidden, Invalid, NotFound
from collab.domain.rooms import iso
from collab.store.database import db
from collab.store.models import Event, GridAnswer

SITUATION_MAX = 200
NOTE_MAX = 500
# Points answered in one diagnosis, at most: more than any grid a day publishes.
ANSWERS_MAX = 400
# "oui", "en partie", "non", "à explorer".
ANSWERS = ("oui", "en_partie", "non", "a_explorer")
# The roles that read and save a participant's own answers: the participant, and their grid link.
ROLES = ("participant", "grid")


class Answer(TypedDict):
    """One point's answer and the note beside it."""

    answer: str
    note: str


class Diagnosis(TypedDict):
    """A participant's self-diagnosis: the situation named, answers by point id (a string), when saved."""

    situation: str
    answers: dict[str, Answer]
    updated_at: str | None


def published_grid(event_id: int) -> dict[str, Any] | None:
    """Return the event's published grid (title, questions and their points), or None before it is published."""
    with db.transaction() as session:
        event = session.get(Event, event_id)
        if event is None:
            raise NotFound("no such event")
        if event.grid is None or event.grid_published_at is None:
            return None
        return dict(event.grid) | {"published_at": iso(event.grid_published_at)}


def get_answers(principal: Principal) -> Diagnosis:
    """Return the participant's own answers (empty before they saved any)."""
    participant_id = _owner(principal)
    with db.transaction() as session:
        row = session.scalar(select(GridAnswer).where(GridAnswer.participant_id == participant_id))
        if row is None:
            return Diagnosis(situation="", answers={}, updated_at=None)
        return Diagnosis(situation=row.situation, answers=dict(row.answers), updated_at=iso(row.updated_at))


def save_answers(principal: Principal, situation: str, answers: dict[str, dict[str, str]]) -> Diagnosis:
    """Replace the participant's answers with these, checked against the published grid; one transaction.

    The whole diagnosis is sent each time, so a phone that was offline sends its last state once.
    A closed event still takes it: the grid is for after the day too.
    """
    participant_id = _owner(principal)
    situation = situation.strip()
    if len(situation) > SITUATION_MAX:
        raise Invalid(f"a situation is at most {SITUATION_MAX} characters", field="situation")
    if len(answers) > ANSWERS_MAX:
        raise Invalid(f"a diagnosis answers at most {ANSWERS_MAX} points", field="answers")
    with db.transaction() as session:
        grid = _grid_of(session, principal.event_id)
        known = {str(point["id"]) for question in grid["questions"] for point in question["points"]}
        kept: dict[str, Answer] = {}
        for point_id, given in answers.items():
            if point_id not in known:
                raise NotFound(f"no point {point_id} in the published grid", field="answers")
            if given.get("answer") not in ANSWERS:
                raise Invalid(f"an answer is one of: {', '.join(ANSWERS)}", field="answers")
            note = str(given.get("note", "")).strip()
            if len(note) > NOTE_MAX:
                raise Invalid(f"a note is at most {NOTE_MAX} characters", field="answers")
            kept[point_id] = Answer(answer=given["answer"], note=note)
        now = datetime.now(UTC)
        insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        statement = insert(GridAnswer).values(
            event_id=principal.event_id,
            participant_id=participant_id,
            situation=situation,
            answers=kept,
            updated_at=now,
        )
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["participant_id"], set_={"situation": situation, "answers": kept, "updated_at": now}
            )
        )
        return Diagnosis(situation=situation, answers=kept, updated_at=iso(now))


def applied_count(event_id: int) -> int:
    """Return how many participants applied the grid (saved at least one answer): all the organiser sees of it."""
    with db.transaction() as session:
        rows = session.scalars(select(GridAnswer.answers).where(GridAnswer.event_id == event_id))
        return sum(1 for answers in rows if answers)


def _owner(principal: Principal) -> int:
    """Return the participant whose answers the principal may read and save, or raise Forbidden."""
    if principal.role not in ROLES or principal.participant_id is None:
        raise Forbidden("only a participant reads and saves their own grid")
    return principal.participant_id


def _grid_of(session: Session, event_id: int) -> dict[str, Any]:
    """Return the event's published grid, or raise NotFound."""
    event = session.get(Event, event_id)
    if event is None or event.grid is None or event.grid_published_at is None:
        raise NotFound("the grid is not published yet")
    return event.grid
