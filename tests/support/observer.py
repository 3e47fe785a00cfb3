"""The screen's socket in a process of its own, printing the id of every card posted as it arrives.

`python -m tests.support.observer URL TOKEN` connects with a screen's token and writes a line per card posted
(`card ID`), then `gone` when the connection ends. The rehearsal's 150 phones share one Python process
and its lock, where the screen's socket, which receives every room's cards, fell behind on a loaded
machine until its pings went unanswered; in its own process it keeps up.
"""

from __future__ import annotations

import sys
import threading
from typing import Any

import socketio

from tests.support.live import each_event


def main(url: str, token: str) -> None:
    """Print each card posted that the screen's socket receives, until the connection ends."""
    sio = socketio.Client(reconnection=False)
    gone = threading.Event()
    write = threading.Lock()

    @sio.on("changes")
    def changes(payload: Any) -> None:
        posted = [card for name, card in each_event("changes", payload) if name == "card_posted"]
        lines = [f"card {card['card']['id']}\n" for card in posted]
        with write:
            sys.stdout.write("".join(lines))
            sys.stdout.flush()

    @sio.event
    def disconnect(*reason: Any) -> None:
        gone.set()

    sio.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=10)
    with write:
        print("connected", flush=True)
    gone.wait()
    with write:
        print("gone", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
