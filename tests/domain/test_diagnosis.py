"""Domain tests of the self-diagnosis: a participant's answers to the published grid, theirs alone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from collab.domain import closing, diagnosis, privacy
from collab.domain.access import principal_for_grid_link
from collab.domain.errors import DomainError, Forbidden, Invalid, NotFound, Unauthorised
from collab.domain.events import EventLinks
from collab.store.database import db
from collab.store.models import Event, GridAnswer
from tests.support.apps import link_principal, participant_principal
from tests.support.grid import publish_grid
from tests.support.matrix import fingerprint

Join = Callable[..., dict[str, Any]]


def rows() -> list[tuple[int, str, dict[str, Any]]]:
    """Return every stored diagnosis: participant, situation, answers."""
    with db.transaction() as session:
        return [(r.participant_id, r.situation, r.answers) for r in session.scalars(select(GridAnswer))]


def test_answers_are_saved_whole_and_read_back_by_their_owner_only(event: EventLinks, join: Join) -> None:
    publish_grid(event.id)
    alix, bao = participant_principal(join(pseudonym="Alix")), participant_principal(join(pseudonym="Bao"))
    assert diagnosis.get_answers(alix) == {"situation": "", "answers": {}, "updated_at": None}

    saved = diagnosis.save_answers(
        alix, "  Le contrat de réciprocité  ", {"11": {"answer": "oui", "note": " Avec la métropole "}}
    )
    assert saved["situation"] == "Le contrat de réciprocité"
    assert saved["answers"] == {"11": {"answer": "oui", "note": "Avec la métropole"}}
    again = diagnosis.save_answers(alix, "Le contrat", {"12": {"answer": "a_explorer", "note": ""}})
    assert diagnosis.get_answers(alix) == again
    assert again["answers"] == {"12": {"answer": "a_explorer", "note": ""}}  # the whole diagnosis, replaced
    assert diagnosis.get_answers(bao)["answers"] == {}
    assert len(rows()) == 1

    # Their grid link reads and saves the same answers, and nothing else.
    link = principal_for_grid_link(alix.participant_id or 0)
    assert link.role == "grid" and diagnosis.get_answers(link) == again
    diagnosis.save_answers(link, "Le contrat", {"41": {"answer": "non", "note": "Pas encore"}})
    assert diagnosis.get_answers(alix)["answers"] == {"41": {"answer": "non", "note": "Pas encore"}}
    for staff in (event.organiser_token, event.rooms[0].facilitator_token, event.screen_token):
        with pytest.raises(Forbidden):
            diagnosis.get_answers(link_principal(staff))
        with pytest.raises(Forbidden):
            diagnosis.save_answers(link_principal(staff), "x", {})


@pytest.mark.parametrize(
    ("situation", "answers", "refusal"),
    [
        ("", {"99": {"answer": "oui", "note": ""}}, NotFound),  # a point the grid does not have
        ("", {"11": {"answer": "peut_etre", "note": ""}}, Invalid),
        ("", {"11": {"answer": "oui", "note": "n" * (diagnosis.NOTE_MAX + 1)}}, Invalid),
        ("s" * (diagnosis.SITUATION_MAX + 1), {}, Invalid),
        ("", {str(n): {"answer": "oui", "note": ""} for n in range(diagnosis.ANSWERS_MAX + 1)}, Invalid),
    ],
)
def test_a_refused_diagnosis_writes_nothing(
    event: EventLinks, join: Join, situation: str, answers: dict[str, Any], refusal: type[DomainError]
) -> None:
    publish_grid(event.id)
    alix = participant_principal(join())
    diagnosis.save_answers(alix, "Avant", {"11": {"answer": "oui", "note": "gardée"}})
    before = fingerprint()
    with pytest.raises(refusal):
        diagnosis.save_answers(alix, situation, answers)
    assert fingerprint() == before


def test_nothing_is_saved_before_the_grid_is_published(event: EventLinks, join: Join) -> None:
    alix = participant_principal(join())
    assert diagnosis.published_grid(event.id) is None
    with pytest.raises(NotFound):
        diagnosis.save_answers(alix, "Ma situation", {})
    assert rows() == []


def test_a_closed_event_still_takes_answers(event: EventLinks, join: Join) -> None:
    publish_grid(event.id)
    alix = participant_principal(join())
    closing.close_event(link_principal(event.organiser_token))
    diagnosis.save_answers(alix, "Après la journée", {"31": {"answer": "en_partie", "note": "À reprendre"}})
    assert rows() == [(alix.participant_id, "Après la journée", {"31": {"answer": "en_partie", "note": "À reprendre"}})]


def test_the_organiser_sees_only_how_many_applied_the_grid(event: EventLinks, join: Join) -> None:
    publish_grid(event.id)
    alix, bao, chloe = (participant_principal(join(pseudonym=name)) for name in ("Alix", "Bao", "Chloé"))
    assert diagnosis.applied_count(event.id) == 0
    diagnosis.save_answers(alix, "Un cas", {"11": {"answer": "oui", "note": ""}})
    diagnosis.save_answers(bao, "Un cas sans réponse encore", {})  # named, not applied
    diagnosis.save_answers(chloe, "", {"21": {"answer": "non", "note": ""}, "31": {"answer": "oui", "note": ""}})
    assert diagnosis.applied_count(event.id) == 2


def test_erasing_a_participant_and_the_retention_remove_their_answers(event: EventLinks, join: Join) -> None:
    publish_grid(event.id)
    alix, bao = participant_principal(join(pseudonym="Alix")), participant_principal(join(pseudonym="Bao"))
    for someone in (alix, bao):
        diagnosis.save_answers(someone, "Mon cas", {"11": {"answer": "oui", "note": "à moi"}})
    privacy.erase_participant(alix)
    assert [row[0] for row in rows()] == [bao.participant_id]
    with pytest.raises(Unauthorised):
        principal_for_grid_link(alix.participant_id or 0)  # their grid link died with them

    with db.transaction() as session:
        stored = session.get(Event, event.id)
        assert stored is not None
        stored.retention_days = 0
    closing.close_event(link_principal(event.organiser_token))
    privacy.anonymise_due_events(datetime.now(UTC) + timedelta(minutes=1))
    assert rows() == []
    with db.transaction() as session:
        assert session.scalar(select(func.count(GridAnswer.id))) == 0
