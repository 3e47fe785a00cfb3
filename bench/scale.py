"""A thousand phones against a real server, next to a bare Socket.IO server in the same run.

Run: `.venv/bin/python -m bench.scale [--seconds 60] [--scenarios A,B,C,D]`. Each scenario drives
`python app.py` (pinned to core 0, SQLite file) and then bench/baseline_server.py (a bare
python-socketio server under eventlet: receive, broadcast to the room) with the same load generator,
bench/scale_load.mjs (Node, raw WebSockets, pinned to core 1; its CPU share is reported):

- A, atelier burst: 1,000 phones in 4 rooms, the screen and 4 facilitator consoles; 20 cards/s
  in all for --seconds. Card acknowledgement, card → screen, card → console, card → every phone of
  its room; deliveries lost (an acknowledged card that did not reach a client that should have it).
- B, plenary vote: 1,000 phones vote on a hypothesis within 10 s. Vote acknowledgement; when the
  screen's live tally equals the database after the last vote; then the organiser closes the
  vote and every phone gets the results (`hypotheses_changed`).
- C, capacity: 5,000 phones connected and idle (heartbeats on) for --idle-seconds; disconnects;
  server memory per connection (RSS delta / connections). Every client offers permessage-deflate.
- D, ceiling: A's card rate raised step by step (--step-seconds each) until card → phone p99
  passes 1 s (or --max-rate, for a short check); card deliveries/s at the last step under 1 s, and
  the ratio to the baseline's.

Several workers: `--workers 1,2 --database sqlite,postgresql` runs collab once per combination
(SQLite takes one worker only) in the same run. On PostgreSQL each run gets a fresh schema of the
test database (COLLAB_TEST_POSTGRES), dropped after; two or more workers share it and one Redis
channel of their own (COLLAB_TEST_REDIS), and the generator spreads the clients over them: the
screen on the first, the consoles and each room's phones in turn, so half of a card's readers are
on another worker than its author (those deliveries' latency and losses are also given apart).
Two async servers: `--servers eventlet,gevent` runs collab under each in the same run (eventlet:
`python app.py`; gevent: bench/gevent_server.py, the same start under gevent), every database and
worker count for each, and prints gevent's figures beside eventlet's with their ratios (A's
latencies, D's ceiling, CPU per delivery). The baseline stays on eventlet.
Placement: worker k on the k-th entry of --worker-cpus (round), the generator on --generator-cpus;
PostgreSQL and Redis run where the system put them. Every process's CPU share (workers, generator,
this run's PostgreSQL backends, the rest of PostgreSQL, Redis, everything else) is sampled from
/proc during each scenario and each step of D. So is the generator's own event loop (a 5 ms timer's
lateness, Node's monitorEventLoopDelay): a late timer would mean that the generator, not the server,
delayed what it measured.

Prints a table and writes bench/results/scale-<time>.json. `--profile` samples each server with
py-spy while the load runs and prints where its time went (bench/results/profile-*.txt).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.cpu_share import CpuAccount, between, shares_line
from bench.workers import POSTGRES_URL, REDIS_URL, postgres_schema
from tests.support.live import ROOT, UNLIMITED, LiveServer, free_port

SECRET = "bench-scale-secret-key-not-for-production"
RESULTS = ROOT / "bench" / "results"
GENERATOR = ROOT / "bench" / "scale_load.mjs"
# The frames where an idle thread of eventlet's pool, or of gevent's (26.9.0), waits for work.
IDLE_POOL_THREADS = ("tworker (eventlet/tpool.py:74)", "_WorkerGreenlet.run (gevent/threadpool.py:216)")
# What Python runs for collab under each async server (tests.support.live.LiveServer adds --host and --port).
SERVERS = {"eventlet": ("app.py",), "gevent": ("-m", "bench.gevent_server")}
# D's steps: 10 cards/s apart up to 120 (then 140), 40 apart up to 400, where one and two workers on PostgreSQL
# reach their ceilings, then wider apart up to 1,600, past one process's ceiling on SQLite.
CARD_RATES = [*range(20, 130, 10), 140, *range(160, 440, 40), 480, 640, 800, 960, 1280, 1600]


def build(database_url: str, people: int, rooms: int = 4) -> dict[str, Any]:
    """Create the event and its participants in a separate process; return the clients' tokens."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.scale", "--build", database_url, str(people), str(rooms)],
        cwd=ROOT,
        env=os.environ | {"COLLAB_SECRET_KEY": SECRET, "COLLAB_SQLITE_SYNCHRONOUS": "OFF"},
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _build(database_url: str, people: int, rooms: int) -> dict[str, Any]:
    """Build in this process: an event from the built-in template, `people` participants round the rooms."""
    from collab import create_app
    from collab.domain.events import create_event
    from collab.domain.participants import join_event
    from collab.store.database import db
    from collab.tokens import participant_token

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": SECRET, "CREATE_DEMO": False})
    with app.app_context():
        links = create_event(SECRET, rooms=rooms, open_boards=True)
        room_ids = [room.id for room in links.rooms]
        phones = []
        for n in range(people):
            room = room_ids[n % rooms]
            joined = join_event(links.join_code, f"P{n:05d}", "commune", room)
            phones.append({"token": participant_token(joined["id"]), "room": room})
        assert db.engine is not None
        db.engine.dispose()
    return {
        "rooms": room_ids,
        "phones": phones,
        "screen": links.screen_token,
        "organiser": links.organiser_token,
        "consoles": [{"token": room.facilitator_token, "room": room.id} for room in links.rooms],
    }


class Target:
    """A server under test (collab's workers, or the baseline): started pinned, stopped by the PIDs it got."""

    def __init__(
        self,
        name: str,
        workdir: Path,
        day: dict[str, Any],
        database_url: str | None = None,
        workers: int = 1,
        cpus: list[str] | None = None,
        server: str = "eventlet",
    ) -> None:
        self.name, self.workdir, self.day = name, workdir, day
        # collab's async server: a key of SERVERS (the baseline is always eventlet).
        self.server = server
        # collab's database (default: the SQLite file in workdir) and how many workers share it.
        self.database_url = database_url or f"sqlite:///{workdir / 'collab.sqlite3'}"
        self.workers = workers
        # The cores of worker k: cpus[k % len(cpus)] (taskset's list syntax, "0", "1" or "0-1").
        self.cpus = cpus or ["0"]
        # The application_name of this target's PostgreSQL connections, to find their backends.
        self.pg_application = f"bench-scale-{secrets.token_hex(4)}"
        self.process: subprocess.Popen[bytes] | None = None
        self.processes: list[subprocess.Popen[bytes]] = []
        self.lives: list[LiveServer] = []
        self.url = ""
        self.urls: list[str] = []
        # Where py-spy writes the server's collapsed stacks while the load runs (None: not profiled).
        self.profile: Path | None = None
        # The niceness of the server and of the generator (0: as started).
        self.nice = 0

    def start(self) -> None:
        """Start the server (each worker) and pin every thread of worker k to its cores."""
        if self.name.startswith("collab"):
            env = {"COLLAB_CREATE_DEMO": "0", "COLLAB_SECRET_KEY": SECRET, "COLLAB_MAX_CONNECTIONS": "10000"}
            if self.workers > 1:
                env |= {"COLLAB_MESSAGE_QUEUE": REDIS_URL, "COLLAB_MESSAGE_CHANNEL": self.pg_application}
            url = self.database_url
            if url.startswith("postgresql"):
                url += f"&application_name={self.pg_application}"
            for k in range(self.workers):
                live = LiveServer(self.workdir, env | UNLIMITED, url, f"worker{k + 1}", SERVERS[self.server])
                live.start()
                assert live.process is not None
                self.lives.append(live)
                self.processes.append(live.process)
                self.urls.append(live.url)
            self.process, self.url = self.processes[0], self.urls[0]
        else:
            port = free_port()
            clients = {p["token"]: {"role": "phone", "room": p["room"]} for p in self.day["phones"]}
            clients |= {c["token"]: {"role": "console", "room": c["room"]} for c in self.day["consoles"]}
            clients[self.day["screen"]] = {"role": "screen", "room": None}
            clients[self.day["organiser"]] = {"role": "organiser", "room": None}
            path = self.workdir / "baseline-clients.json"
            path.write_text(json.dumps({"clients": clients, "rooms": self.day["rooms"]}))
            log = (self.workdir / "baseline.log").open("ab")
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bench.baseline_server", "--port", str(port), "--clients", str(path)],
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            self.url = f"http://127.0.0.1:{port}"
            self.urls, self.processes = [self.url], [self.process]
            _wait_for_port(port, self.process)
        for k, process in enumerate(self.processes):
            cpus = self.cpus[k % len(self.cpus)]
            subprocess.run(["taskset", "-a", "-p", "-c", cpus, str(process.pid)], check=True, capture_output=True)
            if self.nice:
                os.setpriority(os.PRIO_PROCESS, process.pid, self.nice)

    def stop(self) -> None:
        """Stop the server (every worker) this object started."""
        for live in self.lives:
            live.stop()
        if not self.lives and self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process, self.processes, self.lives = None, [], []

    def rss_kib(self) -> int:
        """Return the server's resident memory (every worker's, added)."""
        total = 0
        for process in self.processes:
            for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        return total

    def cpu_s(self) -> float:
        """Return the CPU seconds the server used so far (user + system, every worker's)."""
        total = 0.0
        for process in self.processes:
            fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total

    def roles(self) -> dict[int, str]:
        """Return each server process's PID and the name its CPU is reported under."""
        if len(self.processes) == 1:
            return {self.processes[0].pid: "server"}
        return {p.pid: f"worker {k + 1}" for k, p in enumerate(self.processes)}


def _wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    """Wait until something listens on the port."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("baseline server exited")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("baseline server did not listen in 30 s")


GENERATOR_CPUS = "1"


def generate(target: Target, config: dict[str, Any], on_connected: Any = None) -> dict[str, Any]:
    """Run the generator on GENERATOR_CPUS against the target; return its result with the CPU shares."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump({"url": target.url, "urls": target.urls, **config}, file)
    cpu0 = wall0 = 0.0
    profiler: subprocess.Popen[bytes] | None = None
    account: CpuAccount | None = None
    try:
        nice = ["nice", "-n", str(target.nice)] if target.nice else []
        gen = subprocess.Popen(
            [*nice, "taskset", "-c", GENERATOR_CPUS, "node", str(GENERATOR), file.name],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert gen.stdout is not None and gen.stdin is not None
        result: dict[str, Any] = {}
        step_cpu: list[float] = []
        pg_url = POSTGRES_URL if target.database_url.startswith("postgresql") else None
        account = CpuAccount(target.roles() | {gen.pid: "generator"}, pg_url, target.pg_application)
        snapshots: list[dict[str, float]] = []
        for line in gen.stdout:
            message = json.loads(line)
            if message["phase"] == "connected":
                account.start()
                snapshots.append(account.snapshot())
                cpu0, wall0 = target.cpu_s(), time.monotonic()
                if target.profile is not None:
                    profiler = _profile(target)
                print(f"  {target.name}: {message['clients']} clients in {message['seconds']:.1f} s", flush=True)
                if on_connected is not None:
                    result |= on_connected()
                    gen.stdin.write("go\n")
                    gen.stdin.flush()
            elif message["phase"] == "step":
                # The server's CPU for this step (its posts, fan-out and drain): robust to a busy machine.
                step_cpu.append(target.cpu_s() - cpu0 - sum(step_cpu))
                snapshots.append(account.snapshot())
                phone = message["phone_ms"]
                print(
                    f"  {target.name}: {message['rate']} cards/s, phone p99 {_ms(phone['p99'])}, "
                    f"lost {message['lost_deliveries']}, "
                    f"{message.get('cards_per_phone_message', 1):.2f} cards per message",
                    flush=True,
                )
                print(f"    CPU: {shares_line(between(snapshots[-2], snapshots[-1]))}", flush=True)
            elif message["phase"] == "result":
                result |= message
        if gen.wait(timeout=60) != 0:
            raise RuntimeError(f"the generator failed against {target.name}")
        result["server_cpu_share"] = (target.cpu_s() - cpu0) / max(1e-9, time.monotonic() - wall0)
        if snapshots:
            result["cpu_shares"] = between(snapshots[0], account.stop())
        for k, (step, cpu) in enumerate(zip(result.get("steps", []), step_cpu, strict=True)):
            step["server_cpu_s"] = cpu
            step["server_us_per_delivery"] = cpu * 1e6 / max(1, step["expected_deliveries"])
            step["cpu_shares"] = between(snapshots[k], snapshots[k + 1])
        if profiler is not None:
            profiler.send_signal(signal.SIGINT)
            profiler.wait(timeout=60)
            assert target.profile is not None
            result["profile"] = profile_summary(target.profile)
        return result
    finally:
        if account is not None:
            account.stopping.set()
        os.unlink(file.name)


def _profile(target: Target) -> subprocess.Popen[bytes]:
    """Start py-spy on the server, sampling without pausing it, collapsed stacks into target.profile."""
    assert target.process is not None and target.profile is not None
    py_spy = Path(sys.executable).parent / "py-spy"
    options = ["--nonblocking", "--idle", "--rate", "200", "--format", "raw", "--output", str(target.profile)]
    return subprocess.Popen(
        [str(py_spy), "record", "--pid", str(target.process.pid), *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def profile_summary(path: Path, top: int = 30) -> list[tuple[str, float]]:
    """Return the functions that hold the most samples (inclusive), with their share of the samples.

    The event loop's thread counts, idle or busy, and so does an offloaded commit or computation;
    the thread pool's idle threads do not.
    """
    inclusive: dict[str, int] = {}
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if any(frame in stack for frame in IDLE_POOL_THREADS):
            continue  # the pool's OS threads waiting for work (py-spy --idle samples them too)
        samples = int(count)
        total += samples
        for frame in set(stack.split(";")):
            inclusive[frame] = inclusive.get(frame, 0) + samples
    ranked = sorted(inclusive.items(), key=lambda item: -item[1])[:top]
    return [(frame, n / max(1, total)) for frame, n in ranked]


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"


def scenario_a(target: Target, day: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """Run the atelier burst."""
    config = _cards_config(day, args.phones, [args.rate], args.seconds)
    return generate(target, config)


def scenario_b(target: Target, day: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """Run the plenary vote."""
    config = {
        "scenario": "vote",
        "seconds": args.vote_seconds,
        "phones": day["phones"][: args.phones],
        "screen": day["screen"],
        "organiser": day["organiser"],
    }
    return generate(target, config)


def scenario_c(target: Target, day: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """Run the idle capacity test: memory before, with every phone connected, and after idling."""
    time.sleep(2)
    before = target.rss_kib()

    def measure() -> dict[str, Any]:
        time.sleep(5)  # let the handshakes' garbage go
        return {"rss_before_kib": before, "rss_connected_kib": target.rss_kib()}

    config = {"scenario": "idle", "seconds": args.idle_seconds, "phones": day["phones"][: args.idle_phones]}
    result = generate(target, config, measure)
    result["rss_after_idle_kib"] = target.rss_kib()
    result["kib_per_connection"] = (result["rss_connected_kib"] - before) / args.idle_phones
    return result


def scenario_d(target: Target, day: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """Raise the card rate until card → phone p99 passes 1 s."""
    rates = [rate for rate in CARD_RATES if rate <= args.max_rate]
    config = _cards_config(day, args.phones, rates, args.step_seconds)
    config["stop_p99_ms"] = 1000
    config["drain_ms"] = 20000
    result = generate(target, config)
    under = [s for s in result["steps"] if s["phone_ms"]["p99"] is not None and s["phone_ms"]["p99"] <= 1000]
    result["ceiling"] = under[-1] if under else None
    return result


def expand_targets(
    names: list[str], databases: list[str], workers: list[str], servers: list[str] | None = None
) -> list[tuple[str, str, int, str]]:
    """Return (name, database, workers, server) for each run: collab once per server, database and worker
    count, then the rest (on eventlet)."""
    runs = []
    for name in names:
        if name != "collab":
            runs.append((name, "none", 1, "eventlet"))
            continue
        for server in servers or ["eventlet"]:
            if server not in SERVERS:
                raise SystemExit(f"unknown server {server}: {' or '.join(SERVERS)}")
            for database in databases:
                if database not in {"sqlite", "postgresql"}:
                    raise SystemExit(f"unknown database {database}: sqlite or postgresql")
                for count in map(int, workers):
                    if database == "sqlite" and count > 1:
                        print("several workers need PostgreSQL: skipping SQLite with", count, "workers", flush=True)
                        continue
                    label = "collab" if database == "sqlite" else "collab-pg"
                    label = label if count == 1 else f"{label}-{count}w"
                    runs.append((label if server == "eventlet" else f"{label}-{server}", database, count, server))
    return runs


def _cards_config(day: dict[str, Any], phones: int, rates: list[int], seconds: float) -> dict[str, Any]:
    return {
        "scenario": "cards",
        "rates": rates,
        "seconds": seconds,
        "phones": day["phones"][:phones],
        "screen": day["screen"],
        "consoles": day["consoles"],
    }


SCENARIOS = {"A": scenario_a, "B": scenario_b, "C": scenario_c, "D": scenario_d}


def table(results: dict[str, dict[str, Any]]) -> str:
    """Return the results as docs/performance.md shows them."""
    lines = []
    for name, pair in results.items():
        for target, r in pair.items():
            gen = r.get("generator_cpu") or (r.get("steps") or [{}])[-1].get("generator_cpu") or {}
            share = f"server CPU {r['server_cpu_share']:.0%}, generator CPU {gen.get('share', 0):.0%}"
            share += f", load {r['load_average'][0]:.1f}→{r['load_average'][1]:.1f}"
            if name == "A":
                s = r["steps"][0]
                lines.append(
                    f"A {target:12} {s['rate']} cards/s × {s['seconds']:.0f} s: acked {s['acked']}/{s['sent']}, "
                    f"ack p50 {_ms(s['ack_ms']['p50'])} p99 {_ms(s['ack_ms']['p99'])}; "
                    f"screen p99 {_ms(s['screen_ms']['p99'])}; console p99 {_ms(s['console_ms']['p99'])}; "
                    f"phone p50 {_ms(s['phone_ms']['p50'])} p99 {_ms(s['phone_ms']['p99'])}; "
                    f"lost {s['lost_deliveries']}/{s['expected_deliveries']}; "
                    f"server CPU {s['server_us_per_delivery']:.0f} µs per delivery; "
                    f"{s.get('cards_per_phone_message', 1):.2f} cards per message; {share}"
                )
                if "generator_loop_delay_ms" in s:
                    delay = s["generator_loop_delay_ms"]
                    lines.append(
                        f"A {target:12} the generator's own loop: its 5 ms timer fired after p50 {_ms(delay['p50'])}, "
                        f"p99 {_ms(delay['p99'])}, max {_ms(delay['max'])}"
                    )
                if s.get("workers", 1) > 1:
                    lines.append(f"A {target:12} {_across(s)}")
            elif name == "B":
                lines.append(
                    f"B {target:12} {r['acked']}/{r['votes']} votes in {r['seconds']} s: "
                    f"ack p50 {_ms(r['vote_ack_ms']['p50'])} p99 {_ms(r['vote_ack_ms']['p99'])}; "
                    f"screen = database {_ms(r['screen_final_after_last_ack_ms'])} after the last ack; "
                    f"{r['phones_with_final_tally']} phones have it p99 {_ms(r['phone_tally_after_close_ms']['p99'])} "
                    f"after close; {share}"
                )
            elif name == "C":
                lines.append(
                    f"C {target:12} {r['connected']} connected in {r['connect_s']:.0f} s, idle {r['idle_s']} s: "
                    f"{r['disconnected']} disconnected; RSS {r['rss_before_kib'] / 1024:.0f} → "
                    f"{r['rss_connected_kib'] / 1024:.0f} MiB, {r['kib_per_connection']:.1f} KiB per connection"
                )
            elif name == "D":
                top = r["ceiling"]
                last = r["steps"][-1]
                lines.append(
                    f"D {target:12} ceiling "
                    + (
                        f"{top['rate']} cards/s = {top['deliveries_per_s']:.0f} deliveries/s (phone p99 "
                        f"{_ms(top['phone_ms']['p99'])})"
                        if top
                        else "below the first step"
                    )
                    + f"; next {last['rate']} cards/s: phone p99 {_ms(last['phone_ms']['p99'])}; {share}"
                )
                cost = sorted(step["server_us_per_delivery"] for step in r["steps"])[len(r["steps"]) // 2]
                r["us_per_delivery_median"] = cost
                lines.append(f"D {target:12} server CPU per delivery, median of the steps: {cost:.0f} µs")
                if top and top.get("workers", 1) > 1:
                    lines.append(f"D {target:12} at the ceiling, {_across(top)}")
                if top:
                    lines.append(f"D {target:12} CPU at the ceiling: {shares_line(top['cpu_shares'])}")
            if "cpu_shares" in r:
                lines.append(f"{name} {target:12} CPU over the scenario: {shares_line(r['cpu_shares'])}")
        lines.extend(worker_ratios(name, pair))
        lines.extend(server_ratios(name, pair))
        for ours in ("collab", "collab-gevent"):
            if name != "D" or ours not in pair or "baseline" not in pair:
                continue
            collab, baseline = pair[ours], pair["baseline"]
            if collab.get("ceiling") and baseline.get("ceiling"):
                ratio = collab["ceiling"]["deliveries_per_s"] / baseline["ceiling"]["deliveries_per_s"]
                collab["ratio_to_baseline"] = ratio
                lines.append(f"D ratio {ours} / baseline deliveries/s at the ceiling: {ratio:.2f}")
            cost_ratio = baseline["us_per_delivery_median"] / collab["us_per_delivery_median"]
            collab["cost_ratio_to_baseline"] = cost_ratio
            lines.append(f"D ratio baseline / {ours} server CPU per delivery: {cost_ratio:.2f}")
    return "\n".join(lines)


def _across(step: dict[str, Any]) -> str:
    """Return the deliveries to readers on another worker than the card's author: latency and losses."""
    return (
        f"to phones on another worker than the author: {step['other_worker_deliveries']} deliveries, "
        f"lost {step['lost_other_worker_deliveries']}, p50 {_ms(step['phone_other_worker_ms']['p50'])} "
        f"p99 {_ms(step['phone_other_worker_ms']['p99'])}; on the author's worker p50 "
        f"{_ms(step['phone_same_worker_ms']['p50'])} p99 {_ms(step['phone_same_worker_ms']['p99'])}"
    )


def worker_ratios(name: str, pair: dict[str, dict[str, Any]]) -> list[str]:
    """Compare each several-worker target with the one-worker target on the same database and server."""
    lines = []
    for target, r in pair.items():
        workers, database, server = r.get("workers", 1), r.get("database"), r.get("server")
        one = next(
            (
                o
                for o in pair.values()
                if o.get("workers", 1) == 1 and o.get("database") == database and o.get("server") == server
            ),
            None,
        )
        if workers == 1 or one is None:
            continue
        if name == "D" and r.get("ceiling") and one.get("ceiling"):
            ratio = r["ceiling"]["deliveries_per_s"] / one["ceiling"]["deliveries_per_s"]
            r["ratio_to_one_worker"] = ratio
            lines.append(f"D ratio {target} / one worker on {database}, deliveries/s at the ceiling: {ratio:.2f}")
        if name == "A":
            s, o = r["steps"][0], one["steps"][0]
            r["latency_ratio_to_one_worker"] = {
                f"{key} {q}": s[f"{key}_ms"][q] / o[f"{key}_ms"][q]
                for key in ("ack", "screen", "phone")
                for q in ("p50", "p99")
                if s[f"{key}_ms"][q] and o[f"{key}_ms"][q]
            }
            lines.append(
                f"A {target} / one worker on {database}, latency ratios: "
                + ", ".join(f"{k} {v:.2f}" for k, v in r["latency_ratio_to_one_worker"].items())
            )
    return lines


def server_ratios(name: str, pair: dict[str, dict[str, Any]]) -> list[str]:
    """Set each target on another server than eventlet beside collab on eventlet (same database and workers).

    One row per figure: eventlet's, the other server's, and their ratio (other / eventlet: under 1 is
    faster, or cheaper, except for deliveries per second, where over 1 is more); the ratios are kept
    in the results as `ratios_to_eventlet`.
    """
    lines = []
    for target, r in pair.items():
        server = r.get("server", "eventlet")
        if server == "eventlet":
            continue
        twin = next(
            (
                t
                for t, o in pair.items()
                if o.get("server") == "eventlet"
                and t.startswith("collab")
                and (o.get("database"), o.get("workers", 1)) == (r.get("database"), r.get("workers", 1))
            ),
            None,
        )
        if twin is None:
            continue
        rows = _server_rows(name, pair[twin], r)
        r["ratios_to_eventlet"] = {label: ratio for label, _, _, ratio in rows if ratio is not None}
        where = f"{r.get('database')}, {r.get('workers', 1)} worker{'s' if r.get('workers', 1) > 1 else ''}"
        lines.append(f"{name} {server} beside eventlet ({where}): {twin:>14} {target:>16}  {server} / eventlet")
        width = len(f"{name} {server} beside eventlet ({where}):")
        for label, a, b, ratio in rows:
            shown = "—" if ratio is None else f"{ratio:.2f}"
            lines.append(f"{name}   {label:{width - len(name) - 3}} {a:>14} {b:>16}  {shown}")
    return lines


def _server_rows(name: str, a: dict[str, Any], b: dict[str, Any]) -> list[tuple[str, str, str, float | None]]:
    """Return (figure, eventlet's, the other's, ratio) for scenario `name`."""
    rows: list[tuple[str, str, str, float | None]] = []

    def add(label: str, x: float | None, y: float | None, shown: Any = None) -> None:
        show = shown or _ms
        ratio = y / x if x and y is not None else None
        rows.append((label, show(x) if x is not None else "—", show(y) if y is not None else "—", ratio))

    def count(value: float | None) -> str:
        return "—" if value is None else f"{value:,.0f}"

    def share(value: float | None) -> str:
        return "—" if value is None else f"{value:.0%}"

    def us(value: float | None) -> str:
        return "—" if value is None else f"{value:.0f} µs"

    if name == "A":
        s, t = a["steps"][0], b["steps"][0]
        for key, label in (("ack", "ack"), ("screen", "card → screen"), ("console", "card → console")):
            for q in ("p50", "p99"):
                add(f"{label} {q}", s[f"{key}_ms"][q], t[f"{key}_ms"][q])
        for q in ("p50", "p99"):
            add(f"card → phone {q}", s["phone_ms"][q], t["phone_ms"][q])
        lost = [f"{step['lost_deliveries']}/{step['expected_deliveries']}" for step in (s, t)]
        rows.append(("deliveries lost", lost[0], lost[1], None))
        add("server CPU per delivery", s["server_us_per_delivery"], t["server_us_per_delivery"], us)
        add("server CPU, share of a core", a["server_cpu_share"], b["server_cpu_share"], share)
    elif name == "B":
        for q in ("p50", "p99"):
            add(f"vote ack {q}", a["vote_ack_ms"][q], b["vote_ack_ms"][q])
        add(
            "screen = database after last ack", a["screen_final_after_last_ack_ms"], b["screen_final_after_last_ack_ms"]
        )
        add("phones' final tally p99", a["phone_tally_after_close_ms"]["p99"], b["phone_tally_after_close_ms"]["p99"])
    elif name == "C":
        add("connected in", a["connect_s"], b["connect_s"], lambda v: f"{v:.1f} s")
        add("disconnected while idle", a["disconnected"], b["disconnected"], count)
        add("KiB per connection", a["kib_per_connection"], b["kib_per_connection"], lambda v: f"{v:.1f}")
    elif name == "D":
        top_a, top_b = a.get("ceiling") or {}, b.get("ceiling") or {}
        add("ceiling, cards/s", top_a.get("rate"), top_b.get("rate"), count)
        add("ceiling, deliveries/s", top_a.get("deliveries_per_s"), top_b.get("deliveries_per_s"), count)
        add(
            "phone p99 at the ceiling",
            (top_a.get("phone_ms") or {}).get("p99"),
            (top_b.get("phone_ms") or {}).get("p99"),
        )
        add("server CPU per delivery, median", a["us_per_delivery_median"], b["us_per_delivery_median"], us)
        add(
            "server CPU at the ceiling",
            _server_share(top_a.get("cpu_shares")),
            _server_share(top_b.get("cpu_shares")),
            share,
        )
    return rows


def _server_share(shares: dict[str, float] | None) -> float | None:
    """Return collab's share of one core (every worker's, added) from a step's CPU shares."""
    if not shares:
        return None
    return sum(v for k, v in shares.items() if k == "server" or k.startswith("worker "))


def main() -> None:
    """Build the day, run each scenario against collab then the baseline, print and save."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenarios", default="A,B,C,D")
    parser.add_argument("--targets", default="collab,baseline")
    parser.add_argument("--phones", type=int, default=1000)
    parser.add_argument("--rate", type=int, default=20, help="A: cards per second in all")
    parser.add_argument("--seconds", type=float, default=60, help="A: how long cards are posted")
    parser.add_argument("--vote-seconds", type=float, default=10)
    parser.add_argument("--idle-phones", type=int, default=5000)
    parser.add_argument("--idle-seconds", type=float, default=60)
    parser.add_argument("--step-seconds", type=float, default=10, help="D: seconds per card rate")
    parser.add_argument("--max-rate", type=int, default=CARD_RATES[-1], help="D: no step above this card rate")
    parser.add_argument("--output", type=Path, default=None)
    parser.add_argument("--profile", action="store_true", help="py-spy on the servers: bench/results/profile-*.txt")
    parser.add_argument(
        "--nice", type=int, default=0, help="niceness of servers and generator (root: -10 on a machine others load)"
    )
    parser.add_argument("--workers", default="1", help="collab's worker counts, e.g. 1,2 (2+: PostgreSQL and Redis)")
    parser.add_argument("--database", default="sqlite", help="collab's databases: sqlite, postgresql or both")
    parser.add_argument("--servers", default="eventlet", help="collab's async servers: eventlet, gevent or both")
    parser.add_argument("--worker-cpus", default="0,1", help="worker k runs on the k-th entry, round (taskset lists)")
    parser.add_argument("--generator-cpus", default="1", help="the generator's cores (taskset list)")
    parser.add_argument("--build", nargs=3, metavar=("DATABASE_URL", "PEOPLE", "ROOMS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        print(json.dumps(_build(args.build[0], int(args.build[1]), int(args.build[2]))))
        return
    global GENERATOR_CPUS
    GENERATOR_CPUS = args.generator_cpus
    scenarios = args.scenarios.split(",")
    targets = expand_targets(
        args.targets.split(","), args.database.split(","), args.workers.split(","), args.servers.split(",")
    )
    people = max(args.phones, args.idle_phones if "C" in scenarios else 0)
    results: dict[str, dict[str, Any]] = {}
    RESULTS.mkdir(exist_ok=True)
    output = args.output or RESULTS / f"scale-{time.strftime('%Y%m%d-%H%M%S')}.json"
    machine = {"cpus": os.cpu_count(), "uname": " ".join(os.uname()), "command": " ".join(sys.argv)}

    def save() -> None:
        saved = {"machine": machine, "args": vars(args), "results": results}
        output.write_text(json.dumps(saved, indent=1, default=str))

    with tempfile.TemporaryDirectory() as tmp:
        started = time.monotonic()
        template = Path(tmp) / "day.sqlite3"
        day = build(f"sqlite:///{template}", people)
        print(f"built {people} participants in {time.monotonic() - started:.0f} s", flush=True)
        for name in scenarios:
            print(f"scenario {name}", flush=True)
            results[name] = {}
            for target_name, database, workers, server in targets:
                workdir = Path(tempfile.mkdtemp(dir=tmp))
                (workdir / "collab.sqlite3").write_bytes(template.read_bytes())
                with contextlib.ExitStack() as stack:
                    database_url, target_day = None, day
                    if database == "postgresql":
                        # A fresh schema per run, the same participants built into it; dropped after.
                        database_url = stack.enter_context(postgres_schema())
                        target_day = build(database_url, people)
                    cpus = args.worker_cpus.split(",")
                    target = Target(target_name, workdir, target_day, database_url, workers, cpus, server)
                    if args.profile:
                        target.profile = RESULTS / f"profile-{name}-{target_name}.txt"
                    target.nice = args.nice
                    target.start()
                    roles = list(target.roles().values())
                    load = os.getloadavg()[0]
                    try:
                        results[name][target_name] = SCENARIOS[name](target, target_day, args)
                    finally:
                        target.stop()
                # How busy the machine was (1-minute load average, 2 cores), before and after.
                results[name][target_name] |= {
                    "load_average": [load, os.getloadavg()[0]],
                    "database": database,
                    "workers": workers,
                    "server": server,
                    "placement": {role: cpus[k % len(cpus)] for k, role in enumerate(roles)}
                    | {"generator": GENERATOR_CPUS, "PostgreSQL, Redis": "as the system runs them (not pinned)"},
                }
                save()  # a run cut short keeps what it measured
    print(table(results))
    for name, pair in results.items():
        for target_name, result in pair.items():
            if "profile" in result:
                print(f"\n{name} {target_name}: share of py-spy samples (inclusive)")
                for frame, share in result["profile"]:
                    print(f"  {share:6.1%}  {frame}")
    save()
    print(f"written to {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")


if __name__ == "__main__":
    main()
