"""What one new offer costs the server in atelier 3: every phone asks `get_matches` again.

Run: `.venv/bin/python -m bench.competences_herd [--people 150] [--rounds 5]`. Builds an event on
a real SQLite file (collab's settings: WAL, synchronous FULL) with `people` participants in
4 rooms, each with one offer and one need drawn from the hand-labelled set. Each round, one
participant posts a new offer (`competences_changed` goes out), then every participant asks
`get_matches`, as their phones do after it. Prints the median time of the first call after the
post (it computes the pairs again), of the calls that follow, the time for the whole herd, and,
as the baseline of the same run, the median time of a room snapshot (`sync` with nothing held,
what each phone asks on every reconnection).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from collab.domain import cards, competences
from collab.domain.access import Principal, principal_for_participant
from collab.domain.events import create_event
from collab.domain.participants import join_event
from collab.domain.rooms import sync_room
from collab.store.database import db
from tests.support.matching_quality import load_set

ROOMS = 4


def build(people: int) -> tuple[list[Principal], int]:
    """Create the event and its participants' offers and needs; return their principals and room 1's id."""
    links = create_event("bench-secret", rooms=ROOMS, open_boards=True)
    labelled = load_set()
    principals = []
    for n in range(people):
        room = links.rooms[n % ROOMS].id
        joined = join_event(links.join_code, f"P{n:03d}", "commune", room)
        principal = principal_for_participant(joined["id"])
        principals.append(principal)
        for side, source in (("offre", labelled.offers), ("besoin", labelled.needs)):
            skill = source[n % len(source)]
            fields = {"type": skill.type, "scope": skill.scope, "keywords": list(skill.keywords)}
            cards.post_card(principal, f"bench-{side}-{n:04d}", "competences", side, skill.text, fields)
    return principals, links.rooms[0].id


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db.configure(f"sqlite:///{Path(folder) / 'bench.sqlite'}")
        db.migrate()
        principals, room_id = build(args.people)
        labelled = load_set()
        first: list[float] = []
        others: list[float] = []
        herds: list[float] = []
        snapshots: list[float] = []
        for round_ in range(args.rounds):
            author = principals[round_]
            offer = labelled.offers[(round_ * 7) % len(labelled.offers)]
            fields = {"type": offer.type, "scope": offer.scope, "keywords": list(offer.keywords)}
            cards.post_card(author, f"bench-new-{round_:03d}", "competences", "offre", offer.text, fields)
            herd_start = time.perf_counter()
            for n, principal in enumerate(principals):
                start = time.perf_counter()
                competences.get_matches(principal)
                (first if n == 0 else others).append((time.perf_counter() - start) * 1000)
            herds.append((time.perf_counter() - herd_start) * 1000)
            for principal in principals[: ROOMS * 5 : ROOMS]:
                start = time.perf_counter()
                sync_room(principal, room_id, None, 500)
                snapshots.append((time.perf_counter() - start) * 1000)
        assert db.engine is not None
        db.engine.dispose()
    cards_count = 2 * args.people + args.rounds
    snapshot = statistics.median(snapshots)
    print(f"{args.people} participants in {ROOMS} rooms, {cards_count} offers and needs, {args.rounds} rounds")
    print(f"{'':38}{'median':>10}{'× snapshot':>12}")
    for label, times in (
        ("get_matches, first call after a post", first),
        ("get_matches, each call after that", others),
        (f"the whole herd ({args.people} calls)", herds),
        ("baseline: sync snapshot of a room", snapshots),
    ):
        median = statistics.median(times)
        print(f"{label:38}{median:>8.1f}ms{median / snapshot:>11.1f}×")


if __name__ == "__main__":
    main()
