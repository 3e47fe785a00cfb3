"""The authorisation matrix: every client event, the payload it takes and the roles allowed, and its scene."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from collab.domain import (
    activities,
    cards,
    case_study,
    competences,
    diagnosis,
    editing,
    grid,
    hypotheses,
    moderation,
    programme,
    syntheses,
    votes,
)
from collab.domain.access import hash_token
from collab.domain.events import EventLinks, describe_event
from collab.domain.templates import DEFAULT_TEMPLATE, load_template
from collab.store.database import db
from collab.store.models import AccessLink, Base
from collab.tokens import grid_token
from tests.support.apps import link_principal, link_token, participant_principal

ROLES = [
    "no_token",
    "participant",
    "participant_of_another_room",
    "screen",
    "facilitator_of_another_room",
    "facilitator",
    "organiser",
    "revoked_link",
    # A participant's personal grid link (the author's): their self-diagnosis and nothing else.
    "grid_link",
]


STAFF = {"facilitator", "organiser"}


ORGANISER = {"organiser"}


EVERY_ROLE = set(ROLES) - {"no_token", "revoked_link", "grid_link"}


# Each participant reads and saves their own self-diagnosis: the payload names nobody, so another
# participant only ever reaches theirs (tests/sockets/test_diagnosis.py checks the author's stays as it was).
SELF_DIAGNOSIS = {"participant", "participant_of_another_room", "grid_link"}


Payload = Callable[[dict[str, Any]], dict[str, Any]]


SEED_SCALES = load_template(DEFAULT_TEMPLATE)["scales"]


# event → (payload built from the scene, roles allowed). The scene: room A (the one acted on) with
# a card by its participant, room B with its own participant; see `scene` below.
MATRIX: dict[str, tuple[Payload, set[str]]] = {
    "sync": (lambda s: {"room_id": s["room"], "since": None}, {"participant", "screen", *STAFF}),
    "post_card": (
        lambda s: {"client_id": "matrix-card", "board": "four_questions", "column": "comment", "text": "x"},
        {"participant", "participant_of_another_room"},  # each posts into their own room
    ),
    "hide_card": (lambda s: {"card_id": s["card"]}, STAFF),
    "restore_card": (lambda s: {"card_id": s["hidden_card"]}, STAFF),
    "edit_card": (lambda s: {"card_id": s["card"], "text": "modifiée"}, STAFF),
    "delete_card": (lambda s: {"card_id": s["card"]}, STAFF),
    "pin_card": (lambda s: {"card_id": s["card"], "pinned": True}, STAFF),
    "approve_card": (lambda s: {"card_id": s["queued_card"]}, STAFF),
    "merge_cards": (lambda s: {"card_id": s["card"], "card_ids": [s["second_card"]]}, STAFF),
    "unmerge_card": (lambda s: {"card_id": s["merged_card"]}, STAFF),
    "reveal_cards": (lambda s: {"room_id": s["room"]}, STAFF),
    "lock_room": (lambda s: {"room_id": s["room"], "locked": True}, STAFF),
    "set_activity": (lambda s: {"room_id": s["room"], "state": "paused"}, STAFF),
    "set_card_modes": (lambda s: {"room_id": s["room"], "reveal_mode": False}, STAFF),
    # The programme and countdowns.
    "get_event": (lambda s: {}, EVERY_ROLE),
    "set_phase": (lambda s: {"phase_id": s["phases"][3]}, ORGANISER),
    "step_phase": (lambda s: {"direction": "next"}, ORGANISER),
    "set_open_boards": (lambda s: {"boards": ["four_questions"]}, ORGANISER),
    "set_screen_follows_votes": (lambda s: {"follows": False}, ORGANISER),
    "set_room_phase": (lambda s: {"room_id": s["room"], "phase_id": s["phases"][4]}, STAFF),
    "save_phase": (
        lambda s: {"phase_id": None, "start": "17:00", "end": "17:30", "kind": "pleniere", "title": "Clôture"},
        ORGANISER,
    ),
    "delete_phase": (lambda s: {"phase_id": s["phases"][-1]}, ORGANISER),
    "move_phase": (lambda s: {"phase_id": s["phases"][1], "position": 2}, ORGANISER),
    "rename_room": (lambda s: {"room_id": s["room"], "name": "Salle des fêtes"}, ORGANISER),
    "add_room": (lambda s: {"name": "Salle annexe"}, ORGANISER),
    "start_timer": (lambda s: {"room_id": s["room"], "seconds": 600}, STAFF),
    "add_time": (lambda s: {"room_id": s["room"], "seconds": 60}, STAFF),
    "stop_timer": (lambda s: {"room_id": s["room"]}, STAFF),
    # Dot votes and syntheses.
    "open_vote": (lambda s: {"room_id": s["room"], "dots": 3}, STAFF),
    "close_vote": (lambda s: {"room_id": s["room"]}, STAFF),
    "place_dot": (lambda s: {"card_id": s["card"]}, {"participant"}),
    "withdraw_dot": (lambda s: {"card_id": s["card"]}, {"participant"}),
    "save_synthesis": (
        lambda s: {
            "room_id": s["room"],
            "board": "four_questions",
            "items": [s["card"]],
            "texts": {"pourquoi": "Parce que."},
        },
        STAFF,
    ),
    "publish_synthesis": (lambda s: {"room_id": s["room"], "board": "four_questions"}, STAFF),
    # Published syntheses are the event's (the screen shows them); each facilitator gets their own drafts.
    "get_syntheses": (lambda s: {}, {"screen", "facilitator_of_another_room", *STAFF}),
    # The organiser's console.
    "list_links": (lambda s: {}, ORGANISER),
    "get_moderation_log": (lambda s: {}, ORGANISER),
    "get_overview": (lambda s: {}, ORGANISER),
    "create_link": (lambda s: {"role": "facilitator", "room_id": None}, ORGANISER),
    "revoke_link": (lambda s: {"link_id": s["spare_link"]}, ORGANISER),
    "regenerate_link": (lambda s: {"link_id": s["spare_link"]}, ORGANISER),
    # Atelier 1: rooms A and B work the same situation, so both participants may play its roles.
    "take_role": (lambda s: {"role": s["role"]}, {"participant", "participant_of_another_room"}),
    "assign_role": (lambda s: {"participant_id": s["author"], "role": s["role"]}, STAFF),
    "set_room_situation": (lambda s: {"room_id": s["room"], "situation_id": s["other_situation"]}, STAFF),
    "save_situation": (lambda s: {"title": "Un cas de plus", "protagonists": ["Maire"]}, ORGANISER),
    "delete_situation": (lambda s: {"situation_id": s["other_situation"]}, ORGANISER),
    "get_situation_cards": (lambda s: {"situation_id": s["situation"]}, EVERY_ROLE),
    # Atelier 3: room A's participant wrote the offer, room B's the need; both said yes already.
    "get_matches": (lambda s: {}, {"participant", "participant_of_another_room"}),
    "accept_match": (
        lambda s: {"offer_id": s["offer"], "need_id": s["need"], "contact": "alix@exemple.fr"},
        {"participant", "participant_of_another_room"},
    ),
    "withdraw_match": (
        lambda s: {"offer_id": s["offer"], "need_id": s["need"]},
        {"participant", "participant_of_another_room"},
    ),
    "get_competence_map": (lambda s: {}, {"screen", "facilitator_of_another_room", *STAFF}),
    # The plenary screen: the organiser drives it; screens and every console read it.
    "set_screen": (lambda s: {"mode": "room", "room_id": s["room"]}, ORGANISER),
    "get_screen": (lambda s: {}, {"screen", "facilitator_of_another_room", *STAFF}),
    "get_combined_board": (lambda s: {"board": "four_questions"}, {"screen", "facilitator_of_another_room", *STAFF}),
    "get_word_cloud": (lambda s: {"board": None}, {"screen", "facilitator_of_another_room", *STAFF}),
    # The plenary's hypotheses: the first is open, the others are drafts.
    "get_hypotheses": (lambda s: {}, EVERY_ROLE),
    "get_evidence_cards": (lambda s: {}, ORGANISER),
    "save_hypothesis": (lambda s: {"text": "Une de plus", "evidence": [s["card"]]}, ORGANISER),
    "delete_hypothesis": (lambda s: {"hypothesis_id": s["hypotheses"][3]}, ORGANISER),
    "move_hypothesis": (lambda s: {"hypothesis_id": s["hypotheses"][3], "position": 0}, ORGANISER),
    "open_hypothesis": (lambda s: {"hypothesis_id": s["hypotheses"][1]}, ORGANISER),
    "close_hypothesis": (lambda s: {"hypothesis_id": s["hypotheses"][0]}, ORGANISER),
    "conclude_hypothesis": (lambda s: {"hypothesis_id": s["hypotheses"][0], "conclusion": "Validée."}, ORGANISER),
    "vote_hypothesis": (
        lambda s: {"hypothesis_id": s["hypotheses"][0], "verdict": "a_nuancer", "reason": "Selon l'échelle"},
        {"participant", "participant_of_another_room"},
    ),
    # The grille de lecture: room A's facilitator drew two points; the event's grid is published.
    "get_grid": (lambda s: {}, {"facilitator_of_another_room", *STAFF}),
    "save_grid_point": (lambda s: {"point_id": s["grid_points"][0], "text": "Qui décide ?"}, STAFF),
    "merge_grid_points": (
        lambda s: {"point_id": s["grid_points"][0], "other_id": s["grid_points"][1], "text": "Qui, et pourquoi ?"},
        STAFF,
    ),
    "move_grid_point": (lambda s: {"point_id": s["grid_points"][0], "position": 1}, STAFF),
    "delete_grid_point": (lambda s: {"point_id": s["grid_points"][1]}, STAFF),
    # The published grid is the event's: any facilitator publishes or withdraws it.
    "publish_grid": (lambda s: {}, {"facilitator_of_another_room", *STAFF}),
    "withdraw_grid": (lambda s: {}, {"facilitator_of_another_room", *STAFF}),
    # The event itself, edited by the organiser: details, scales, boards.
    "save_event_details": (lambda s: {"title": "Coopérer, deuxième édition", "place": "Aurillac"}, ORGANISER),
    "save_scales": (lambda s: {"scales": [*SEED_SCALES, {"key": None, "label": "Massif"}]}, ORGANISER),
    "save_board": (
        lambda s: {"key": "bilan", "title": "Bilan", "kind": "grid", "columns": [{"key": "mot", "label": "Un mot"}]},
        ORGANISER,
    ),
    "delete_board": (lambda s: {"key": s["spare_board"]}, ORGANISER),
    # After the seminar: the organiser closes the event (read-only) and may reopen it.
    "close_event": (lambda s: {}, ORGANISER),
    "reopen_event": (lambda s: {}, ORGANISER),
    # The published grille de lecture, applied by each participant to their own situation.
    "get_grid_answers": (lambda s: {}, SELF_DIAGNOSIS),
    "save_grid_answers": (
        lambda s: {"situation": "Mon contrat de réciprocité", "answers": {"11": {"answer": "oui", "note": "Déjà"}}},
        SELF_DIAGNOSIS,
    ),
    # Personal data: a participant erases themselves, never anyone else.
    "erase_me": (lambda s: {"confirm": True}, {"participant", "participant_of_another_room"}),
}


READ_ONLY = {
    "sync",
    "get_event",
    "get_syntheses",
    "list_links",
    "get_moderation_log",
    "get_overview",
    "get_situation_cards",
    "get_matches",
    "get_competence_map",
    "get_screen",
    "get_combined_board",
    "get_word_cloud",
    "get_hypotheses",
    "get_evidence_cards",
    "get_grid_answers",
    "get_grid",
}


def fingerprint() -> list[tuple[str, list[tuple[Any, ...]]]]:
    """Return every row of every table but presence: what a refused request must leave as it was."""
    with db.transaction() as session:
        return [
            (table.name, [tuple(row) for row in session.execute(select(table)).all()])
            for table in Base.metadata.sorted_tables
            if table.name != "presence"
        ]


def build_scene(event: EventLinks, join: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """Build the scene of the matrix in `event` (see `scene`); `join(room, pseudonym)` joins a participant."""
    author = join(room=0, pseudonym="Auteur")
    other = join(room=1, pseudonym="Voisin")
    principal = participant_principal(author)
    facilitator = link_principal(event.rooms[0].facilitator_token)
    room = event.rooms[0].id

    def post(n: int) -> int:
        ack = cards.post_card(principal, f"scene-{n:04}", "four_questions", "pourquoi", f"carte {n}").reply
        return int(ack["card"]["id"])

    ids = [post(n) for n in range(5)]
    situations = describe_event(event.id)["situations"]
    case_study.set_room_situation(link_principal(event.organiser_token), event.rooms[1].id, situations[0]["id"])
    skill = {"type": "methodes", "scope": "individuel", "keywords": ["concertation"]}
    offer = cards.post_card(principal, "scene-offer", "competences", "offre", "J'anime des concertations", skill)
    need = cards.post_card(
        participant_principal(other), "scene-need", "competences", "besoin", "Animer une concertation", skill
    )
    offer_id, need_id = offer.reply["card"]["id"], need.reply["card"]["id"]
    for someone in (principal, participant_principal(other)):
        competences.accept_match(someone, offer_id, need_id, "")
    moderation.hide_card(facilitator, ids[2])
    moderation.merge_cards(facilitator, ids[3], [ids[4]])
    activities.set_card_modes(facilitator, room, premoderation=True)
    queued = post(5)
    activities.set_card_modes(facilitator, room, premoderation=False, reveal_mode=True)
    post(6)  # held until reveal
    programme.start_timer(facilitator, room, 600)
    votes.open_vote(facilitator, room, 3)
    votes.place_dot(principal, ids[0])
    syntheses.save_synthesis(facilitator, room, "four_questions", [ids[0]], {})
    phases = [phase["id"] for phase in describe_event(event.id)["programme"]]
    organiser = link_principal(event.organiser_token)
    hypothesis_ids = [h["id"] for h in hypotheses.get_hypotheses(organiser)["hypotheses"]]
    hypotheses.open_hypothesis(organiser, hypothesis_ids[0])
    # A board no phase works on and nobody wrote to: the organiser may remove it.
    spare_board = {"key": "spare", "title": "En réserve", "kind": "grid", "columns": [{"key": "idee", "label": "Idée"}]}
    editing.save_board(organiser, spare_board)
    for text in ("Qui porte la coopération ?", "Qui en décide ?"):
        grid.save_point(facilitator, None, "pourquoi", text, [])
    drawn = grid.publish_grid(organiser)["curation"]["questions"][0]["points"]
    own = {str(drawn[1]["id"]): {"answer": "non", "note": "À moi seul"}}
    diagnosis.save_answers(principal, "Le cas de l'auteur", own)
    with db.transaction() as session:
        spare = session.scalar(
            select(AccessLink.id).where(
                AccessLink.token_hash == hash_token(link_token(event.rooms[3].facilitator_token))
            )
        )
    with db.transaction() as session:
        link = session.scalar(
            select(AccessLink).where(AccessLink.token_hash == hash_token(link_token(event.rooms[2].facilitator_token)))
        )
        assert link is not None
        link.revoked_at = datetime.now(UTC)
    return {
        "room": event.rooms[0].id,
        "author": author["id"],
        "situation": situations[0]["id"],
        "other_situation": situations[1]["id"],
        "role": situations[0]["protagonists"][0],
        "offer": offer_id,
        "need": need_id,
        "card": ids[0],
        "second_card": ids[1],
        "hidden_card": ids[2],
        "merged_card": ids[3],
        "queued_card": queued,
        "phases": phases,
        "hypotheses": hypothesis_ids,
        "spare_link": spare,
        "spare_board": "spare",
        "grid_points": [point["id"] for point in drawn],
        "tokens": {
            "no_token": None,
            "participant": author["token"],
            "participant_of_another_room": other["token"],
            "screen": event.screen_token,
            "facilitator_of_another_room": event.rooms[1].facilitator_token,
            "facilitator": event.rooms[0].facilitator_token,
            "organiser": event.organiser_token,
            "revoked_link": event.rooms[2].facilitator_token,
            "grid_link": grid_token(author["id"]),
        },
    }
