"""What the plenary asks of the server on a full day: the exports, the combined grid, the word cloud.

Run: `.venv/bin/python -m bench.plenary [--people 150] [--runs 5]`. Builds an event on a real
SQLite file (collab's settings) with `people` participants in 4 rooms; each writes one
case-study card (with a role), four cards on the four questions, an offer and a need, worded
from the hand-labelled competences set and a few grid sentences, places three dots in their
room's dot vote and gives a verdict on a hypothesis. Then times, as medians of `runs`: every
export format (the two workbooks also against the CSV), the combined grid of the four questions
(near-duplicates grouped), the word cloud of the day, and, as the baseline of the same run, a room
snapshot (`sync` with nothing held, what every phone asks on each reconnection).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from collab import create_app
from collab.domain import cards, case_study, hypotheses, votes
from collab.domain.access import Principal, principal_for_link, principal_for_participant
from collab.domain.combined import combined_board
from collab.domain.events import create_event, describe_event
from collab.domain.participants import join_event
from collab.domain.rooms import sync_room
from collab.domain.wordcloud import word_cloud
from collab.exports.files import export_file
from collab.store.database import db
from tests.support.matching_quality import load_set

ROOMS = 4
SECRET = "bench-secret"
GRID = {
    "pourquoi": [
        "Le manque de confiance entre élus freine tout",
        "Répondre ensemble aux appels à projets",
        "Seuls on ne peut rien",
    ],
    "pour_quoi": ["Un diagnostic partagé du territoire", "Créer des emplois locaux durables", "Des services pour tous"],
    "comment": [
        "Mutualiser les services techniques",
        "Un comité de pilotage ouvert aux habitants",
        "Des outils communs",
    ],
    "conditions": [
        "Une gouvernance partagée entre communes",
        "Du temps long et un animateur neutre",
        "Des moyens pérennes",
    ],
}


def build(people: int) -> tuple[int, Principal, Principal]:
    """Create the day; return the event id, the screen's principal and one participant's."""
    links = create_event(SECRET, rooms=ROOMS, open_boards=True)
    event = describe_event(links.id)
    labelled = load_set()
    first: Principal | None = None
    phones: list[tuple[Principal, int]] = []
    posted: dict[int, list[int]] = {room["id"]: [] for room in event["rooms"]}
    for n in range(people):
        room = event["rooms"][n % ROOMS]
        joined = join_event(links.join_code, f"P{n:03d}", "commune", room["id"])
        principal = principal_for_participant(joined["id"])
        first = first or principal
        protagonists = room["situation"]["protagonists"]
        case_study.take_role(principal, protagonists[n % len(protagonists)])
        text = f"{GRID['pourquoi'][n % 3]} : le point de vue de P{n:03d}"
        phones.append((principal, room["id"]))
        cards.post_card(principal, f"bench-case-{n:04d}", "case_study", "jeux_acteurs", text)
        for column, sentences in GRID.items():
            text = f"{sentences[n % 3]} ({n % 7})"
            ack = cards.post_card(principal, f"bench-{column}-{n:04d}", "four_questions", column, text).reply
            posted[room["id"]].append(int(ack["card"]["id"]))
        for side, source in (("offre", labelled.offers), ("besoin", labelled.needs)):
            skill = source[n % len(source)]
            fields = {"type": skill.type, "scope": skill.scope, "keywords": list(skill.keywords)}
            cards.post_card(principal, f"bench-{side}-{n:04d}", "competences", side, skill.text, fields)
    assert first is not None and links.screen_token is not None and links.organiser_token is not None
    organiser = principal_for_link(links.organiser_token)
    for room in event["rooms"]:
        votes.open_vote(organiser, room["id"], 3)
    for n, (principal, room_id) in enumerate(phones):
        ids = posted[room_id]
        for k in range(3):
            votes.place_dot(principal, ids[(n * 7 + k * 11) % len(ids)])
    hypothesis = hypotheses.save_hypothesis(organiser, None, "La coopération suppose un intérêt partagé", [])
    hypothesis_id = int(hypothesis[0]["hypothesis"]["id"])
    hypotheses.open_hypothesis(organiser, hypothesis_id)
    for n, (principal, _) in enumerate(phones):
        reason = "Pas toujours, selon l'échelle" if n % 3 == 0 else ""
        hypotheses.vote_hypothesis(principal, hypothesis_id, ("validee", "infirmee", "a_nuancer")[n % 3], reason)
    hypotheses.close_hypothesis(organiser, hypothesis_id)
    return links.id, principal_for_link(links.screen_token), first


def median_ms(action: Callable[[], Any], runs: int) -> float:
    """Return the median time of `action` over `runs` calls, after one call to warm up."""
    action()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=150)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.sqlite'}",
                "INSTANCE_PATH": Path(folder),
                "SECRET_KEY": SECRET,
            }
        )
        with app.app_context():
            event_id, screen, phone = build(args.people)
            room_id = describe_event(event_id)["rooms"][0]["id"]
            figures = {
                "baseline: sync snapshot of a room": median_ms(lambda: sync_room(phone, room_id, None, 500), args.runs),
                "report, Markdown": median_ms(lambda: export_file(event_id, "md"), args.runs),
                "report, HTML": median_ms(lambda: export_file(event_id, "html"), args.runs),
                "cards, CSV": median_ms(lambda: export_file(event_id, "csv"), args.runs),
                "cards, dots, votes: XLSX": median_ms(lambda: export_file(event_id, "xlsx"), args.runs),
                "cards, dots, votes: ODS": median_ms(lambda: export_file(event_id, "ods"), args.runs),
                "archive, JSON": median_ms(lambda: export_file(event_id, "json"), args.runs),
                "combined grid (four questions)": median_ms(
                    lambda: combined_board(screen, "four_questions"), args.runs
                ),
                "word cloud of the day": median_ms(lambda: word_cloud(screen, None), args.runs),
            }
            assert db.engine is not None
            db.engine.dispose()
    baseline = figures["baseline: sync snapshot of a room"]
    print(f"{args.people} participants in {ROOMS} rooms, {args.people * 7} cards; medians of {args.runs} runs")
    print(f"{'':34}{'median':>10}{'× snapshot':>12}")
    for label, median in figures.items():
        print(f"{label:34}{median:>8.1f}ms{median / baseline:>11.1f}×")
    workbooks = figures["cards, dots, votes: XLSX"] + figures["cards, dots, votes: ODS"]
    print(f"both workbooks: {workbooks:.1f} ms, {workbooks / figures['cards, CSV']:.1f}× the CSV of the same cards")


if __name__ == "__main__":
    main()
