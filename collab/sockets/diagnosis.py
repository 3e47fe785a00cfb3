"""The self-diagnosis: a participant reads and saves their own answers to the published grid."""

from __future__ import annotations

from typing import Any

from collab.domain import diagnosis
from collab.domain.access import Principal
from collab.sockets.edge import client_event, done
from collab.sockets.schemas import Empty, SaveGridAnswers

ROLES = ("participant", "grid")


@client_event("get_grid_answers", Empty, roles=ROLES, writes=False)
def on_get_grid_answers(principal: Principal, payload: Empty) -> dict[str, Any]:
    """Sent by a participant's grid page (phone or grid link); acknowledged with their answers, nothing broadcast."""
    return done(dict(diagnosis.get_answers(principal)))


# Taken after the close too: the grid is what the day leaves participants to apply afterwards.
@client_event("save_grid_answers", SaveGridAnswers, roles=ROLES, while_closed=True)
def on_save_grid_answers(principal: Principal, payload: SaveGridAnswers) -> dict[str, Any]:
    """Sent by a participant's grid page with their whole diagnosis; acknowledged with it as stored, never broadcast."""
    answers = {key: value.model_dump() for key, value in payload.answers.items()}
    return done(dict(diagnosis.save_answers(principal, payload.situation, answers)))
