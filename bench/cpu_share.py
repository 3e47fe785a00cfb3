"""Who used the machine's cores while bench/scale.py ran: each process's CPU, read from /proc, by role."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: str) -> tuple[str, float, int] | None:
    """Return a process's name, CPU seconds (user + system, all threads) and start time (ticks after boot)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = text[text.index("(") + 1 : text.rindex(")")]
    fields = text.rsplit(")", 1)[1].split()
    return name, (int(fields[11]) + int(fields[12])) / TICK, int(fields[19])


def _machine_busy() -> float:
    """Return the CPU seconds every core spent busy since boot (all but idle and iowait)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / TICK


class CpuAccount:
    """Sample every process once a second; sum the CPU each used since start() under its role.

    Roles: the PIDs given (workers, generator); PostgreSQL backends whose application_name is
    `pg_application` (this run's connections), the other PostgreSQL processes (the server's own and
    other clients'), redis-server, and everything else on the machine (other engineers' runs, this
    driver). A process that ends between two samples loses at most its last second.
    """

    def __init__(self, roles: dict[int, str], pg_url: str | None = None, pg_application: str | None = None) -> None:
        self.roles = {str(pid): role for pid, role in roles.items()}
        self.pg_url, self.pg_application = pg_url, pg_application
        self.base: dict[str, float] = {}
        self.used: dict[str, float] = {}
        self.role_of: dict[str, str] = {}
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self.engine: Any = None

    def start(self) -> None:
        """Take the first sample and keep sampling in a thread."""
        if self.pg_url:
            import sqlalchemy

            self.engine = sqlalchemy.create_engine(self.pg_url, pool_size=1, max_overflow=0)
        self.boot_ticks = time.clock_gettime(time.CLOCK_BOOTTIME) * TICK
        self._sample(first=True)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stopping.wait(1.0):
            self._sample()

    def _ours_in_postgres(self) -> set[str]:
        """Return the PIDs of the PostgreSQL backends serving this run's workers."""
        if self.engine is None:
            return set()
        import sqlalchemy

        query = sqlalchemy.text("SELECT pid FROM pg_stat_activity WHERE application_name = :name")
        try:
            with self.engine.connect() as connection:
                return {str(pid) for pid in connection.execute(query, {"name": self.pg_application}).scalars()}
        except sqlalchemy.exc.SQLAlchemyError:
            return set()

    def _sample(self, first: bool = False) -> None:
        ours = self._ours_in_postgres()
        with self.lock:
            for pid in os.listdir("/proc"):
                if not pid.isdigit():
                    continue
                stat = _stat(pid)
                if stat is None:
                    continue
                name, cpu, started = stat
                if pid not in self.base:
                    # A process started after the account counts from zero; one already running from now.
                    self.base[pid] = 0.0 if not first and started >= self.boot_ticks else cpu
                if pid in ours:
                    self.role_of[pid] = "postgres: this run's connections"
                elif pid not in self.role_of:
                    self.role_of[pid] = self.roles.get(pid) or (
                        "postgres: server and other clients"
                        if name == "postgres"
                        else "redis-server"
                        if name.startswith("redis-server")
                        else "other"
                    )
                self.used[pid] = cpu - self.base[pid]
            if first:
                self.machine0 = _machine_busy()
                self.wall0 = time.monotonic()

    def snapshot(self) -> dict[str, float]:
        """Return the CPU seconds used by each role since start(), the machine's busy time, the wall time."""
        self._sample()
        with self.lock:
            shares: dict[str, float] = {}
            for pid, used in self.used.items():
                role = self.role_of[pid]
                shares[role] = shares.get(role, 0.0) + used
            machine = _machine_busy() - self.machine0
            # "other" is what the machine did beyond the processes seen: short-lived ones included.
            shares["other"] = machine - sum(v for k, v in shares.items() if k != "other")
            shares["machine busy"] = machine
            shares["wall"] = time.monotonic() - self.wall0
        return shares

    def stop(self) -> dict[str, float]:
        """Stop sampling and return the last snapshot."""
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout=5)
        result = self.snapshot()
        if self.engine is not None:
            self.engine.dispose()
        return result


def between(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """Return each role's share of one core (1.0 = a whole core) between two snapshots."""
    wall = max(1e-9, after["wall"] - before["wall"])
    return {role: (after[role] - before.get(role, 0.0)) / wall for role in after if role != "wall"}


def shares_line(shares: dict[str, float]) -> str:
    """Return the shares as one line, biggest first (percent of one core; the machine has 200 %)."""
    ordered = sorted(((v, k) for k, v in shares.items() if k != "machine busy"), reverse=True)
    return ", ".join(f"{k} {v:.0%}" for v, k in ordered) + f"; machine {shares.get('machine busy', 0):.0%} of 200%"
