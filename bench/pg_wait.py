"""Does a PostgreSQL query stall an eventlet worker? psycopg's default wait, collab's, and pg8000.

Run: `.venv/bin/python -m bench.pg_wait [--url postgresql://postgres@127.0.0.1:5432/test]`.
Each case runs in its own process under eventlet's monkey patching, as `app.py` runs collab:

- psycopg, wait_c: psycopg 3 as it comes (it waits in C; the baseline);
- psycopg, wait_select: psycopg 3 after `collab.store.database.wait_cooperatively()`, what `app.py` does;
- pg8000: the pure-Python driver, over eventlet's patched socket (skipped if it is not installed).

Per case, on one SQLAlchemy engine like collab's: a green thread ticks every 10 ms while another
runs `SELECT pg_sleep(0.5)` five times (the longest tick gap: how long every other client of the
worker waited); ten green threads each run `SELECT pg_sleep(0.2)` at once (wall time); then one
green thread alone runs 1,000 `SELECT 1` and 200 fetches of 100 rows (the driver's own cost).
Prints medians, and each case's ratio to the baseline.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from typing import Any

CASES = ("psycopg, wait_c", "psycopg, wait_select", "pg8000")
ROWS = "SELECT g AS id, md5(g::text) AS text, now() AS created_at FROM generate_series(1, 100) AS g"


def measure(case: str, url: str) -> dict[str, Any]:
    """Measure one case in this process (already monkey patched); return its figures in ms."""
    import eventlet
    from sqlalchemy import create_engine, text

    from collab.store.database import wait_cooperatively

    scheme = "postgresql+pg8000" if case == "pg8000" else "postgresql+psycopg"
    if case == "psycopg, wait_select":
        wait_cooperatively()
    engine = create_engine(url.replace("postgresql", scheme, 1), pool_size=10, max_overflow=10)

    def run(sql: str) -> None:
        with engine.connect() as connection:
            connection.execute(text(sql)).all()

    # Open the pool's connections first: the figures are about queries, not connecting.
    threads = [eventlet.spawn(run, "SELECT 1") for _ in range(10)]
    for thread in threads:
        thread.wait()

    gaps: list[float] = []
    ticking = True

    def tick() -> None:
        last = time.perf_counter()
        while ticking:
            eventlet.sleep(0.01)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    stalls, ticks = [], []
    for _ in range(5):
        ticker = eventlet.spawn(tick)
        eventlet.sleep(0.05)
        gaps.clear()
        run("SELECT pg_sleep(0.5)")
        ticks.append(len(gaps))
        # The ticker's first tick after the query tells how long it was held back.
        ticking = False
        ticker.wait()
        stalls.append(max(gaps))
        ticking = True

    start = time.perf_counter()
    threads = [eventlet.spawn(run, "SELECT pg_sleep(0.2)") for _ in range(10)]
    for thread in threads:
        thread.wait()
    concurrent = time.perf_counter() - start

    with engine.connect() as connection:
        one = []
        for _ in range(1000):
            begun = time.perf_counter()
            connection.execute(text("SELECT 1")).scalar()
            one.append(time.perf_counter() - begun)
        hundred = []
        for _ in range(200):
            begun = time.perf_counter()
            connection.execute(text(ROWS)).all()
            hundred.append(time.perf_counter() - begun)
    engine.dispose()
    return {
        "stall_ms": statistics.median(stalls) * 1000,
        "ticks": statistics.median(ticks),
        "concurrent_ms": concurrent * 1000,
        "select_1_ms": statistics.median(one) * 1000,
        "rows_100_ms": statistics.median(hundred) * 1000,
    }


def child(case: str, url: str) -> None:
    """Run one case as app.py runs collab: eventlet's monkey patching first; print its figures."""
    import warnings

    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    import eventlet

    eventlet.monkey_patch()
    print(json.dumps(measure(case, url)))


def has_pg8000() -> bool:
    """Tell whether pg8000 is installed (it is not one of collab's dependencies)."""
    try:
        import pg8000  # noqa: F401
    except ImportError:
        return False
    return True


def main() -> None:
    """Measure each case in its own process and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        child(args.case, args.url)
        return
    results: dict[str, dict[str, Any]] = {}
    for case in CASES:
        if case == "pg8000" and not has_pg8000():
            print("pg8000 is not installed: skipped (pip install pg8000 to compare)")
            continue
        done = subprocess.run(
            [sys.executable, "-m", "bench.pg_wait", "--url", args.url, "--case", case],
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )
        results[case] = json.loads(done.stdout.strip().splitlines()[-1])
    base = results[CASES[0]]
    print(f"{'case':<22} {'stall':>9} {'ticks/0.5 s':>12} {'10 × 0.2 s':>11} {'SELECT 1':>10} {'100 rows':>10}")
    for case, r in results.items():
        print(
            f"{case:<22} {r['stall_ms']:>7.0f}ms {r['ticks']:>12.0f} {r['concurrent_ms']:>9.0f}ms "
            f"{r['select_1_ms']:>8.3f}ms {r['rows_100_ms']:>8.3f}ms"
        )
    print("ratio to psycopg, wait_c:")
    for case, r in results.items():
        ratios = [r[key] / base[key] for key in ("stall_ms", "concurrent_ms", "select_1_ms", "rows_100_ms")]
        print(
            f"  {case:<20} stall {ratios[0]:.2f}×, 10 queries at once {ratios[1]:.2f}×, "
            f"SELECT 1 {ratios[2]:.2f}×, 100 rows {ratios[3]:.2f}×"
        )


if __name__ == "__main__":
    main()
