"""A seminar day to export: cards on every board, moderated ones, a dot vote, syntheses, hypotheses, competences,
and the grille de lecture published."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from collab.domain import activities, cards, case_study, competences, grid, moderation, syntheses, votes
from collab.domain.access import principal_for_participant
from collab.domain.events import EventLinks, describe_event
from collab.store.database import db
from collab.store.models import Hypothesis, HypothesisVote
from tests.support.apps import link_principal

HIDDEN = "Une carte hors sujet que l'animatrice a masquée"
HELD = "Une carte en attente de modération"
FORMULA = '=HYPERLINK("http://exemple.test";"clic")'


def seed_day(event: EventLinks, join: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """Fill an event as a day would, and return who and what was made."""
    people = [
        join(room=0, pseudonym="Camille", scale="commune"),
        join(room=0, pseudonym="Bao", scale="region"),
        join(room=1, pseudonym="Inès", scale="intercommunalite"),
    ]
    who = [principal_for_participant(p["id"]) for p in people]
    facilitator = link_principal(event.rooms[0].facilitator_token)
    situation = describe_event(event.id)["situations"][0]
    case_study.take_role(who[0], situation["protagonists"][0])
    n = iter(range(1000))

    def post(person: int, board: str, column: str, text: str, skill: dict[str, Any] | None = None) -> int:
        ack = cards.post_card(who[person], f"day-{next(n)}", board, column, text, skill).reply
        return int(ack["card"]["id"])

    made = {
        "finalite": post(0, "case_study", "finalites", "Sécuriser l'approvisionnement des cantines"),
        "pourquoi": post(0, "four_questions", "pourquoi", "Parce qu'aucune commune ne peut porter seule une légumerie"),
        "pourquoi_b": post(1, "four_questions", "pourquoi", "Mutualiser l'ingénierie rare"),
        "comment": post(2, "four_questions", "comment", "Une gouvernance partagée, avec un comité de pilotage"),
        "conditions": post(1, "four_questions", "conditions", "Un calendrier commun et des financements croisés"),
        "formula": post(2, "four_questions", "pour_quoi", FORMULA),
        "hidden": post(1, "four_questions", "comment", HIDDEN),
    }
    moderation.hide_card(facilitator, made["hidden"])
    moderation.pin_card(facilitator, made["conditions"], True)
    votes.open_vote(facilitator, event.rooms[0].id, 3)
    votes.place_dot(who[0], made["pourquoi_b"])
    votes.place_dot(who[1], made["pourquoi_b"])
    votes.close_vote(facilitator, event.rooms[0].id)
    skill = {"type": "methodes", "scope": "individuel", "keywords": ["concertation"]}
    made["offer"] = post(0, "competences", "offre", "J'anime des concertations avec les habitants", skill)
    made["need"] = post(2, "competences", "besoin", "Associer les habitants à un projet de mobilité", skill)
    leader = {"type": "savoirs", "scope": "collectif", "keywords": ["leader", "fonds européens"]}
    made["gap"] = post(1, "competences", "besoin", "Monter un dossier de fonds européens LEADER", leader)
    competences.accept_match(who[0], made["offer"], made["need"], "camille@exemple.fr")
    syntheses.save_synthesis(
        facilitator,
        event.rooms[0].id,
        "four_questions",
        [made["pourquoi_b"]],
        {"pourquoi": "Coopérer pour ne pas rester seul."},
    )
    syntheses.publish_synthesis(facilitator, event.rooms[0].id, "four_questions")
    syntheses.save_synthesis(
        facilitator,
        event.rooms[0].id,
        "case_study",
        [made["finalite"]],
        {"finalites": "Nourrir les cantines du territoire."},
    )
    syntheses.publish_synthesis(facilitator, event.rooms[0].id, "case_study")
    activities.set_card_modes(facilitator, event.rooms[0].id, premoderation=True)
    made["held"] = post(0, "four_questions", "comment", HELD)
    with db.transaction() as session:
        hypothesis = Hypothesis(
            event_id=event.id,
            position=0,
            text="La coopération suppose un intérêt partagé",
            state="closed",
            conclusion="Validée, à condition de nommer cet intérêt.",
            evidence=[made["pourquoi"]],
        )
        session.add(hypothesis)
        session.flush()
        session.add(HypothesisVote(hypothesis_id=hypothesis.id, participant_id=people[0]["id"], verdict="validee"))
        session.add(
            HypothesisVote(
                hypothesis_id=hypothesis.id, participant_id=people[1]["id"], verdict="a_nuancer", reason="Pas toujours"
            )
        )
    # The grille de lecture: the organiser keeps every point collab proposes, in its order, and publishes it.
    organiser = link_principal(event.organiser_token)
    for question in grid.get_grid(organiser)["questions"]:
        for proposal in question["proposals"]:
            grid.save_point(organiser, None, question["key"], proposal["text"], proposal["cards"])
    grid.publish_grid(organiser)
    return {"people": people, "cards": made, "situation": situation}
