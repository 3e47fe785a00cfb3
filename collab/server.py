"""Serve collab with eventlet: the only module that knows the async server.

Importing it patches the standard library for eventlet, which must come before anything else is
loaded: the `collab` command and app.py import it first.
"""

from __future__ import annotations

import warnings

# eventlet is in maintenance mode and says so at import; collab knows, and keeps it to one module.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()

import gc  # noqa: E402
import importlib  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import socket  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from typing import Any  # noqa: E402

import click  # noqa: E402
import eventlet.tpool  # noqa: E402
import eventlet.wsgi  # noqa: E402
from flask import Flask  # noqa: E402

from collab import create_app, offload  # noqa: E402
from collab.cli import collab_commands  # noqa: E402
from collab.startup import announce_links, keep_retention  # noqa: E402
from collab.store.database import wait_cooperatively  # noqa: E402

# A thousand connections hold some 150,000 objects: CPython's thresholds (700, 10, 10) had a full
# collection walk them every 5 to 10 s, holding every phone's messages 165-200 ms (docs/performance.md).
GC_THRESHOLDS = (7000, 10, 20)  # young, middle, full


def main(args: Sequence[str] | None = None) -> None:
    """Run the `collab` command: `serve` and the commands of collab/cli.py."""
    commands = collab_commands()
    commands.add_command(serve_command)
    commands.main(args, prog_name="collab")


@click.command("serve")
@click.option("--host", envvar="COLLAB_HOST", default="0.0.0.0", show_default=True, help="Address to listen on.")
@click.option("--port", envvar="COLLAB_PORT", type=int, default=5000, show_default=True, help="Port to listen on.")
def serve_command(host: str, port: int) -> None:
    """Serve collab: make sure an event exists, print its links, keep retention, and serve until stopped."""
    app = server_app()
    app.config["PORT"] = port
    app.config["LISTEN_HOST"] = host
    app.config["WORKER_NAME"] = app.config["WORKER_NAME"] or f"{socket.gethostname()}:{port}"
    announce_links(app, host)
    keep_retention(app)
    serve(app, host, port)


def server_app() -> Flask:
    """Create the app for eventlet, with what it loads frozen out of the garbage collector's way."""
    # Without this, each PostgreSQL query stalls every client of the worker until it returns.
    wait_cooperatively()
    app = create_app({"ASYNC_MODE": "eventlet"})
    # Exports write their text in eventlet's OS threads, not on the loop every phone waits on.
    offload.install(eventlet.tpool.execute)
    # The matcher's vectorisers (collab/domain/matching.py imports them where it uses them): loaded
    # now, not on the first competence card, and frozen below with the rest.
    importlib.import_module("sklearn.feature_extraction.text")
    # What is loaded by now (some 200,000 objects) lives as long as the process: frozen, it is no
    # longer walked by every full collection, each of which held every phone's messages back.
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    return app


def serve(app: Flask, host: str, port: int) -> None:
    """Serve the app, Socket.IO included, with eventlet's WSGI server."""
    listener = eventlet.listen((host, port), socket.AF_INET6 if ":" in host else socket.AF_INET)
    # An acknowledgement often follows a broadcast on the same connection: without this,
    # Nagle's algorithm holds it back until the peer's delayed ACK (about 40 ms on Linux).
    # Accepted connections inherit the option from the listening socket.
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    max_connections = int(os.environ.get("COLLAB_MAX_CONNECTIONS", "5000"))
    allow_open_files(max_connections + 100)
    eventlet.wsgi.server(listener, without_websocket_compression(app), log_output=False, max_size=max_connections)


def without_websocket_compression(wsgi_app: Any) -> Any:
    """Wrap the app so that websocket handshakes never negotiate permessage-deflate.

    Every browser offers it and eventlet always accepts it: each connection then keeps a zlib
    compressor and decompressor (about 100 KiB), and every message is compressed once per
    recipient, so a card sent to 250 phones is deflated 250 times. Cards are a few hundred bytes
    on a local network: declining costs little bandwidth and saves most of the memory and CPU
    (bench/scale.py, docs/performance.md). Node's `ws` server declines by default for the same reasons.
    """

    def declining(environ: dict[str, Any], start_response: Any) -> Any:
        environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
        return wsgi_app(environ, start_response)

    return declining


def allow_open_files(wanted: int) -> None:
    """Raise the soft limit of open files towards `wanted` (a socket each), as far as the hard limit allows.

    Many systems start processes with a soft limit of 1,024: the 1,025th phone would be refused.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    ceiling = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < ceiling:
        resource.setrlimit(resource.RLIMIT_NOFILE, (ceiling, hard))
