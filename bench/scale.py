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
  passes 1 s; card deliveries/s at the last step under 1 s, and the ratio to the baseline's.

Prints a table and writes bench/results/scale-<time>.json. `--profile` samples each server with
py-spy while the load runs and prints where its time went (bench/results/profile-*.txt).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.live import ROOT, UNLIMITED, LiveServer, free_port

SECRET = "bench-scale-secret-key-not-for-production"
RESULTS = ROOT / "bench" / "results"
GENERATOR = ROOT / "bench" / "scale_load.mjs"
CARD_RATES = [20, 30, 40, 50, 60, 80, 100, 120, 160, 200, 240, 320, 400, 480, 640]


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
    from collab.db import db
    from collab.domain.events import create_event
    from collab.domain.participants import join_event
    from collab.tokens import participant_token

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": SECRET, "CREATE_DEMO": False})
    with app.app_context():
        links = create_event(SECRET, rooms=rooms)
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
    """A server under test: started pinned to core 0, stopped by the PID it got."""

    def __init__(self, name: str, workdir: Path, day: dict[str, Any]) -> None:
        self.name, self.workdir, self.day = name, workdir, day
        self.process: subprocess.Popen[bytes] | None = None
        self.live: LiveServer | None = None
        self.url = ""
        # Where py-spy writes the server's collapsed stacks while the load runs (None: not profiled).
        self.profile: Path | None = None
        # The niceness of the server and of the generator (0: as started).
        self.nice = 0

    def start(self) -> None:
        """Start the server and pin every thread of it to core 0."""
        if self.name == "collab":
            self.live = LiveServer(
                self.workdir,
                {
                    "COLLAB_CREATE_DEMO": "0",
                    "COLLAB_SECRET_KEY": SECRET,
                    "COLLAB_DATABASE_URL": f"sqlite:///{self.workdir / 'collab.sqlite3'}",
                    "COLLAB_MAX_CONNECTIONS": "10000",
                }
                | UNLIMITED,
            )
            self.live.start()
            self.process, self.url = self.live.process, self.live.url
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
            _wait_for_port(port, self.process)
        assert self.process is not None
        subprocess.run(["taskset", "-a", "-p", "-c", "0", str(self.process.pid)], check=True, capture_output=True)
        if self.nice:
            os.setpriority(os.PRIO_PROCESS, self.process.pid, self.nice)

    def stop(self) -> None:
        """Stop the server this object started."""
        if self.live is not None:
            self.live.stop()
        elif self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def rss_kib(self) -> int:
        """Return the server's resident memory."""
        assert self.process is not None
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def cpu_s(self) -> float:
        """Return the CPU seconds the server used so far (user + system)."""
        assert self.process is not None
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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


def generate(target: Target, config: dict[str, Any], on_connected: Any = None) -> dict[str, Any]:
    """Run the generator on core 1 against the target; return its result with the server's CPU share."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump({"url": target.url, **config}, file)
    cpu0 = wall0 = 0.0
    profiler: subprocess.Popen[bytes] | None = None
    try:
        nice = ["nice", "-n", str(target.nice)] if target.nice else []
        gen = subprocess.Popen(
            [*nice, "taskset", "-c", "1", "node", str(GENERATOR), file.name],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert gen.stdout is not None and gen.stdin is not None
        result: dict[str, Any] = {}
        step_cpu: list[float] = []
        for line in gen.stdout:
            message = json.loads(line)
            if message["phase"] == "connected":
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
                phone = message["phone_ms"]
                print(
                    f"  {target.name}: {message['rate']} cards/s, phone p99 {_ms(phone['p99'])}, "
                    f"lost {message['lost_deliveries']}, "
                    f"{message.get('cards_per_phone_message', 1):.2f} cards per message",
                    flush=True,
                )
            elif message["phase"] == "result":
                result |= message
        if gen.wait(timeout=60) != 0:
            raise RuntimeError(f"the generator failed against {target.name}")
        result["server_cpu_share"] = (target.cpu_s() - cpu0) / max(1e-9, time.monotonic() - wall0)
        for step, cpu in zip(result.get("steps", []), step_cpu, strict=True):
            step["server_cpu_s"] = cpu
            step["server_us_per_delivery"] = cpu * 1e6 / max(1, step["expected_deliveries"])
        if profiler is not None:
            profiler.send_signal(signal.SIGINT)
            profiler.wait(timeout=60)
            assert target.profile is not None
            result["profile"] = profile_summary(target.profile)
        return result
    finally:
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
    """Return the functions that hold the most samples (inclusive), with their share of all samples."""
    inclusive: dict[str, int] = {}
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
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
    config = _cards_config(day, args.phones, CARD_RATES, args.step_seconds)
    config["stop_p99_ms"] = 1000
    config["drain_ms"] = 20000
    result = generate(target, config)
    under = [s for s in result["steps"] if s["phone_ms"]["p99"] is not None and s["phone_ms"]["p99"] <= 1000]
    result["ceiling"] = under[-1] if under else None
    return result


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
    """Return the results as the README shows them."""
    lines = []
    for name, pair in results.items():
        for target, r in pair.items():
            gen = r.get("generator_cpu") or (r.get("steps") or [{}])[-1].get("generator_cpu") or {}
            share = f"server CPU {r['server_cpu_share']:.0%}, generator CPU {gen.get('share', 0):.0%}"
            share += f", load {r['load_average'][0]:.1f}→{r['load_average'][1]:.1f}"
            if name == "A":
                s = r["steps"][0]
                lines.append(
                    f"A {target:8} {s['rate']} cards/s × {s['seconds']:.0f} s: acked {s['acked']}/{s['sent']}, "
                    f"ack p50 {_ms(s['ack_ms']['p50'])} p99 {_ms(s['ack_ms']['p99'])}; "
                    f"screen p99 {_ms(s['screen_ms']['p99'])}; console p99 {_ms(s['console_ms']['p99'])}; "
                    f"phone p50 {_ms(s['phone_ms']['p50'])} p99 {_ms(s['phone_ms']['p99'])}; "
                    f"lost {s['lost_deliveries']}/{s['expected_deliveries']}; "
                    f"server CPU {s['server_us_per_delivery']:.0f} µs per delivery; "
                    f"{s.get('cards_per_phone_message', 1):.2f} cards per message; {share}"
                )
            elif name == "B":
                lines.append(
                    f"B {target:8} {r['acked']}/{r['votes']} votes in {r['seconds']} s: "
                    f"ack p50 {_ms(r['vote_ack_ms']['p50'])} p99 {_ms(r['vote_ack_ms']['p99'])}; "
                    f"screen = database {_ms(r['screen_final_after_last_ack_ms'])} after the last ack; "
                    f"{r['phones_with_final_tally']} phones have it p99 {_ms(r['phone_tally_after_close_ms']['p99'])} "
                    f"after close; {share}"
                )
            elif name == "C":
                lines.append(
                    f"C {target:8} {r['connected']} connected in {r['connect_s']:.0f} s, idle {r['idle_s']} s: "
                    f"{r['disconnected']} disconnected; RSS {r['rss_before_kib'] / 1024:.0f} → "
                    f"{r['rss_connected_kib'] / 1024:.0f} MiB, {r['kib_per_connection']:.1f} KiB per connection"
                )
            elif name == "D":
                top = r["ceiling"]
                last = r["steps"][-1]
                lines.append(
                    f"D {target:8} ceiling "
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
                lines.append(f"D {target:8} server CPU per delivery, median of the steps: {cost:.0f} µs")
        if name == "D" and all(pair[t].get("ceiling") for t in pair) and len(pair) == 2:
            ratio = pair["collab"]["ceiling"]["deliveries_per_s"] / pair["baseline"]["ceiling"]["deliveries_per_s"]
            pair["collab"]["ratio_to_baseline"] = ratio
            lines.append(f"D ratio collab / baseline deliveries/s at the ceiling: {ratio:.2f}")
        if name == "D" and len(pair) == 2:
            cost_ratio = pair["baseline"]["us_per_delivery_median"] / pair["collab"]["us_per_delivery_median"]
            pair["collab"]["cost_ratio_to_baseline"] = cost_ratio
            lines.append(f"D ratio baseline / collab server CPU per delivery: {cost_ratio:.2f}")
    return "\n".join(lines)


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
    parser.add_argument("--output", type=Path, default=None)
    parser.add_argument("--profile", action="store_true", help="py-spy on the servers: bench/results/profile-*.txt")
    parser.add_argument(
        "--nice", type=int, default=0, help="niceness of servers and generator (root: -10 on a machine others load)"
    )
    parser.add_argument("--build", nargs=3, metavar=("DATABASE_URL", "PEOPLE", "ROOMS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        print(json.dumps(_build(args.build[0], int(args.build[1]), int(args.build[2]))))
        return
    scenarios = args.scenarios.split(",")
    targets = args.targets.split(",")
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
            for target_name in targets:
                workdir = Path(tempfile.mkdtemp(dir=tmp))
                (workdir / "collab.sqlite3").write_bytes(template.read_bytes())
                target = Target(target_name, workdir, day)
                if args.profile:
                    target.profile = RESULTS / f"profile-{name}-{target_name}.txt"
                target.nice = args.nice
                target.start()
                load = os.getloadavg()[0]
                try:
                    results[name][target_name] = SCENARIOS[name](target, day, args)
                finally:
                    target.stop()
                # How busy the machine was (1-minute load average, 2 cores), before and after.
                results[name][target_name]["load_average"] = [load, os.getloadavg()[0]]
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
