"""Competence matching time: match_competences on synthetic events of 40 to 400 offers and as many needs.

Run: `.venv/bin/python -m bench.matching [--runs N]`. Builds each event from the hand-labelled set
(every card is half of one labelled card joined to half of another, by size / 3 participants),
calls match_competences once to warm up, then N times, and prints the median and slowest times,
the number of pairs proposed, and the ratio of each median to the 40 × 40 median of the same run.
"""

from __future__ import annotations

import argparse
import statistics
import time

from collab.domain.matching import match_competences
from tests.support.matching_quality import synthetic_event

SIZES = (40, 150, 300, 400)


def run(size: int, runs: int) -> dict[str, float]:
    """Time one event size; return its figures, times in milliseconds."""
    offers, needs = synthetic_event(size)
    proposed = len(match_competences(offers, needs))
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        match_competences(offers, needs)
        times.append((time.perf_counter() - start) * 1000)
    return {"median": statistics.median(times), "max": max(times), "proposed": proposed}


def main() -> None:
    """Time every size and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    results = {size: run(size, args.runs) for size in SIZES}
    baseline = results[SIZES[0]]["median"]
    print(f"match_competences, median of {args.runs} runs after one warm-up call")
    print(f"{'offers × needs':<16}{'median':>10}{'slowest':>11}{'proposed':>10}{'× 40×40':>10}")
    for size, r in results.items():
        print(
            f"{f'{size} × {size}':<16}{r['median']:>8.1f}ms{r['max']:>9.1f}ms"
            f"{r['proposed']:>10.0f}{r['median'] / baseline:>9.1f}×"
        )


if __name__ == "__main__":
    main()
