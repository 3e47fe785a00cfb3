"""Run collab: the only module that knows the async server (eventlet)."""

from __future__ import annotations

import warnings

# eventlet is in maintenance mode and says so at import; collab knows, and keeps it to one module.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()

import argparse  # noqa: E402
import os  # noqa: E402
import socket  # noqa: E402

import eventlet.tpool  # noqa: E402
import eventlet.wsgi  # noqa: E402

from collab import create_app, offload  # noqa: E402
from collab.db import wait_cooperatively  # noqa: E402
from collab.startup import announce_links  # noqa: E402

# Without this, each PostgreSQL query stalls every client of the worker until it returns.
wait_cooperatively()
app = create_app({"ASYNC_MODE": "eventlet"})
# Exports write their text in eventlet's OS threads, not on the loop every phone waits on.
offload.install(eventlet.tpool.execute)


def main() -> None:
    """Parse --host and --port, make sure an event exists, print its links and serve."""
    parser = argparse.ArgumentParser(description="Run the collab server.")
    parser.add_argument("--host", default=os.environ.get("COLLAB_HOST", "0.0.0.0"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("COLLAB_PORT", "5000")))
    args = parser.parse_args()
    app.config["PORT"] = args.port
    app.config["LISTEN_HOST"] = args.host
    app.config["WORKER_NAME"] = app.config["WORKER_NAME"] or f"{socket.gethostname()}:{args.port}"
    announce_links(app, args.host)
    serve(args.host, args.port)


def serve(host: str, port: int) -> None:
    """Serve the app, Socket.IO included, with eventlet's WSGI server."""
    listener = eventlet.listen((host, port), socket.AF_INET6 if ":" in host else socket.AF_INET)
    # An acknowledgement often follows a broadcast on the same connection: without this,
    # Nagle's algorithm holds it back until the peer's delayed ACK (about 40 ms on Linux).
    # Accepted connections inherit the option from the listening socket.
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    max_connections = int(os.environ.get("COLLAB_MAX_CONNECTIONS", "5000"))
    eventlet.wsgi.server(listener, app, log_output=False, max_size=max_connections)


if __name__ == "__main__":
    main()
