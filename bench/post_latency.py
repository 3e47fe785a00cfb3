"""Card round trip on a real server: acknowledgement and delivery latency, FULL vs NORMAL durability.

Run: `.venv/bin/python -m bench.post_latency [--cards N]`. Starts `python app.py` twice on
loopback (SQLite with synchronous=FULL, collab's default, then the baseline NORMAL), posts N
cards one after another from one phone while a second phone of the same room receives them,
and prints medians and 99th percentiles of both latencies, and the FULL/NORMAL ratio.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

import socketio

from tests.support.live import UNLIMITED, LiveServer, each_event, participant_token


def run(synchronous: str, cards: int) -> dict[str, float]:
    """Measure one server configuration; return latency figures in milliseconds."""
    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(
            Path(tmp), {"COLLAB_CREATE_DEMO": "0", "COLLAB_SQLITE_SYNCHRONOUS": synchronous} | UNLIMITED
        )
        links = server.create_event(rooms=1)
        server.start()
        try:
            room = links["rooms"][0]["id"]
            sent: dict[str, float] = {}
            delivered: list[float] = []
            done = threading.Event()
            reader = socketio.Client()

            @reader.on("changes")
            def on_changes(batch: dict) -> None:
                for name, payload in each_event("changes", batch):
                    if name == "card_posted":
                        delivered.append(time.perf_counter() - sent[payload["card"]["client_id"]])
                if len(delivered) == cards:
                    done.set()

            writer = socketio.Client()
            for client, name in ((reader, "Lecteur"), (writer, "Auteur")):
                token = participant_token(server.url, links["join_code"], name, room)
                client.connect(server.url, auth={"token": token}, transports=["websocket"])
            acks = []
            for n in range(cards):
                client_id = f"bench-{n:06d}"
                sent[client_id] = time.perf_counter()
                ack = writer.call(
                    "post_card",
                    {"client_id": client_id, "board": "four_questions", "column": "comment", "text": f"carte {n}"},
                    timeout=10,
                )
                assert ack["ok"], ack
                acks.append(time.perf_counter() - sent[client_id])
            done.wait(30)
            reader.disconnect()
            writer.disconnect()
        finally:
            server.stop()
    ms = [a * 1000 for a in acks]
    deliveries = sorted(d * 1000 for d in delivered)
    return {
        "ack_median": statistics.median(ms),
        "ack_p99": sorted(ms)[int(len(ms) * 0.99) - 1],
        "delivery_median": statistics.median(deliveries),
        "delivery_p99": deliveries[int(len(deliveries) * 0.99) - 1],
        "delivered": len(deliveries),
    }


def main() -> None:
    """Run both configurations and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cards", type=int, default=300)
    args = parser.parse_args()
    results = {mode: run(mode, args.cards) for mode in ("FULL", "NORMAL")}
    print(f"{args.cards} cards posted one after another, one reader in the room, loopback")
    header = ("synchronous", "ack median", "ack p99", "deliv. median", "deliv. p99", "delivered")
    print(f"{header[0]:<12}" + "".join(f"{h:>{w}}" for h, w in zip(header[1:], (12, 10, 15, 12, 11), strict=True)))
    for mode, r in results.items():
        print(
            f"{mode:<12}{r['ack_median']:>10.2f}ms{r['ack_p99']:>8.2f}ms"
            f"{r['delivery_median']:>13.2f}ms{r['delivery_p99']:>10.2f}ms{r['delivered']:>11.0f}"
        )
    ratio = results["FULL"]["ack_median"] / results["NORMAL"]["ack_median"]
    print(f"FULL / NORMAL acknowledgement median: {ratio:.2f}×")


if __name__ == "__main__":
    main()
