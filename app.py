"""Run collab: the only module that knows the async server (eventlet)."""

from __future__ import annotations

import eventlet

eventlet.monkey_patch()

import argparse  # noqa: E402
import os  # noqa: E402

from collab import create_app  # noqa: E402
from collab.realtime import socketio  # noqa: E402
from collab.startup import announce_links  # noqa: E402

app = create_app({"ASYNC_MODE": "eventlet"})


def main() -> None:
    """Parse --host and --port, make sure an event exists, print its links and serve."""
    parser = argparse.ArgumentParser(description="Run the collab server.")
    parser.add_argument("--host", default=os.environ.get("COLLAB_HOST", "0.0.0.0"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("COLLAB_PORT", "5000")))
    args = parser.parse_args()
    app.config["PORT"] = args.port
    announce_links(app, args.host)
    socketio.run(
        app,
        host=args.host,
        port=args.port,
        log_output=False,
        max_size=int(os.environ.get("COLLAB_MAX_CONNECTIONS", "5000")),
    )


if __name__ == "__main__":
    main()
