"""collab under gevent, for bench/scale.py only: what app.py does at start, with gevent in eventlet's place.

`python -m bench.gevent_server --host 127.0.0.1 --port PORT` (tests.support.live.LiveServer runs it for
`bench.scale --servers gevent`). The product stays on eventlet (app.py); this module exists so that
a move to gevent is measured before it is made (docs/deploy.md, "eventlet, and what a move to
gevent would take"). Each step of app.py has its counterpart here, in the same order:

- gevent's monkey patching, before anything else is imported;
- psycopg waits through select(), which gevent patches too (collab.store.database.wait_cooperatively; psycopg
  would pick its own poll() wait under gevent anyway, both cooperative);
- the app with ASYNC_MODE "gevent": python-engineio then takes its websockets from simple-websocket
  (gevent-websocket is not installed);
- collab.offload runs in gevent's pool of OS threads, as many as eventlet's (20);
- the matcher's vectorisers loaded, the loaded objects frozen, the same GC thresholds;
- gevent's pywsgi server on a listener like eventlet.listen's (backlog 50), TCP_NODELAY,
  permessage-deflate declined, as many connections and open files as app.py allows.
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import gc  # noqa: E402
import importlib  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import socket  # noqa: E402
from typing import Any  # noqa: E402

import gevent  # noqa: E402
import gevent.pywsgi  # noqa: E402

from collab import create_app, offload  # noqa: E402
from collab.startup import announce_links, keep_retention  # noqa: E402
from collab.store.database import wait_cooperatively  # noqa: E402

# app.py's, kept equal by tests/live/test_gevent_server.py.
GC_THRESHOLDS = (7000, 10, 20)
# eventlet's thread pool has 20 OS threads (EVENTLET_THREADPOOL_SIZE); gevent's has 10 by default.
OFFLOAD_THREADS = 20
# eventlet.listen's default backlog, which app.py keeps.
BACKLOG = 50

wait_cooperatively()
app = create_app({"ASYNC_MODE": "gevent"})
_pool = gevent.get_hub().threadpool
_pool.maxsize = OFFLOAD_THREADS
offload.install(lambda fn, *args: _pool.apply(fn, args))
importlib.import_module("sklearn.feature_extraction.text")
gc.collect()
gc.freeze()
gc.set_threshold(*GC_THRESHOLDS)


def main() -> None:
    """Parse --host and --port, make sure an event exists, print its links, keep retention and serve."""
    parser = argparse.ArgumentParser(description="Run collab under gevent (bench only).")
    parser.add_argument("--host", default=os.environ.get("COLLAB_HOST", "0.0.0.0"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("COLLAB_PORT", "5000")))
    args = parser.parse_args()
    app.config["PORT"] = args.port
    app.config["LISTEN_HOST"] = args.host
    app.config["WORKER_NAME"] = app.config["WORKER_NAME"] or f"{socket.gethostname()}:{args.port}"
    announce_links(app, args.host)
    keep_retention(app)
    serve(args.host, args.port)


def serve(host: str, port: int) -> None:
    """Serve the app, Socket.IO included, with gevent's WSGI server."""
    listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.listen(BACKLOG)
    # Accepted connections inherit it: an acknowledgement after a broadcast is not held for a delayed ACK.
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    max_connections = int(os.environ.get("COLLAB_MAX_CONNECTIONS", "5000"))
    allow_open_files(max_connections + 100)
    server = gevent.pywsgi.WSGIServer(listener, without_websocket_compression(app), spawn=max_connections, log=None)
    server.serve_forever()


def without_websocket_compression(wsgi_app: Any) -> Any:
    """Wrap the app so that websocket handshakes never negotiate permessage-deflate (as app.py does).

    simple-websocket accepts the extension whenever the client offers it; it reads the offer from
    the WSGI environment, so removing the header declines it.
    """

    def declining(environ: dict[str, Any], start_response: Any) -> Any:
        environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
        return wsgi_app(environ, start_response)

    return declining


def allow_open_files(wanted: int) -> None:
    """Raise the soft limit of open files towards `wanted`, as far as the hard limit allows (as app.py does)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    ceiling = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < ceiling:
        resource.setrlimit(resource.RLIMIT_NOFILE, (ceiling, hard))


if __name__ == "__main__":
    main()
