"""Each limit has one source, the domain's constant: the payload schemas and the pages take it from there."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from annotated_types import MaxLen
from flask.testing import FlaskClient
from pydantic import BaseModel

from collab.domain import cards, competences, diagnosis, grid, hypotheses, syntheses
from collab.domain.events import EventLinks
from collab.domain.limits import limits
from collab.sockets import schemas
from tests.support.live import boot_data

STATIC_JS = Path(__file__).resolve().parent.parent / "static" / "js"


def cap(model: type[BaseModel], field: str) -> int:
    """Return the max_length a payload schema sets on one of its fields."""
    return next(m.max_length for m in model.model_fields[field].metadata if isinstance(m, MaxLen))


def item_cap(model: type[BaseModel], field: str) -> int:
    """Return the max_length a payload schema sets on each item of a list field."""
    (item,) = model.model_fields[field].annotation.__args__  # type: ignore[union-attr]
    (info,) = item.__metadata__
    return next(m.max_length for m in info.metadata if isinstance(m, MaxLen))


def test_the_schemas_caps_are_twice_the_domains_limits() -> None:
    assert cap(schemas.PostCard, "text") == cap(schemas.EditCard, "text") == 2 * cards.TEXT_MAX
    assert cap(schemas.Skill, "keywords") == 2 * cards.KEYWORDS_MAX
    assert item_cap(schemas.Skill, "keywords") == 2 * cards.KEYWORD_MAX
    assert cap(schemas.SaveHypothesis, "text") == 2 * hypotheses.TEXT_MAX
    assert cap(schemas.SaveHypothesis, "evidence") == 2 * hypotheses.EVIDENCE_MAX
    assert cap(schemas.VoteHypothesis, "reason") == 2 * hypotheses.REASON_MAX
    assert cap(schemas.SaveGridAnswers, "situation") == 2 * diagnosis.SITUATION_MAX
    assert cap(schemas.SaveGridAnswers, "answers") == 2 * diagnosis.ANSWERS_MAX
    assert cap(schemas.GridPointAnswer, "note") == 2 * diagnosis.NOTE_MAX
    assert cap(schemas.SaveGridPoint, "text") == cap(schemas.MergeGridPoints, "text") == 2 * grid.TEXT_MAX
    assert cap(schemas.SaveGridPoint, "cards") == 2 * grid.CARDS_MAX


def test_the_limits_are_the_domains_constants() -> None:
    assert limits() == {
        "card_text": cards.TEXT_MAX,
        "keywords": cards.KEYWORDS_MAX,
        "keyword_chars": cards.KEYWORD_MAX,
        "contact": competences.CONTACT_MAX,
        "synthesis_text": syntheses.TEXT_MAX,
        "hypothesis_text": hypotheses.TEXT_MAX,
        "hypothesis_evidence": hypotheses.EVIDENCE_MAX,
        "hypothesis_conclusion": hypotheses.CONCLUSION_MAX,
        "hypothesis_reason": hypotheses.REASON_MAX,
        "grid_situation": diagnosis.SITUATION_MAX,
        "grid_note": diagnosis.NOTE_MAX,
        "grid_point_text": grid.TEXT_MAX,
    }


def test_every_page_with_a_script_carries_the_limits_in_its_boot_data(client: FlaskClient, event: EventLinks) -> None:
    form = {"pseudonym": "Camille", "scale": "intercommunalite", "room": str(event.rooms[0].id)}
    client.post(f"/j/{event.join_code}", data=form, headers={"Origin": "http://localhost"})
    phone = client.get(f"/e/{event.join_code}").get_data(as_text=True)
    pages: list[Any] = [
        phone,
        client.get(f"/f/{event.rooms[0].facilitator_token}").get_data(as_text=True),
        client.get(f"/o/{event.organiser_token}").get_data(as_text=True),
        client.get(f"/s/{event.screen_token}").get_data(as_text=True),
    ]
    for page in pages:
        assert boot_data(page)["limits"] == limits()
    assert f"0 / {cards.TEXT_MAX}</span>" in phone
    assert f'maxlength="{syntheses.TEXT_MAX}" data-synthesis-text' in pages[1]
    assert f'id="hypothesis-text" name="text" rows="3" maxlength="{hypotheses.TEXT_MAX}"' in pages[2]


def test_the_browser_modules_write_no_limit_of_their_own() -> None:
    constant = r"\b(TEXT_MAX|KEYWORDS_MAX|KEYWORD_CHARS|CONTACT_MAX|EVIDENCE_MAX|REASON_MAX)\s*=\s*\d"
    written = re.compile(constant + r"|1 à 500|maxlength: \"?(500|2000)\b")
    for module in STATIC_JS.rglob("*.js"):
        for number, line in enumerate(module.read_text(encoding="utf-8").splitlines(), 1):
            assert not written.search(line), f"{module.name}:{number} writes a limit the boot data carries"
