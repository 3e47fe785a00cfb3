"""bench/gevent_server.py starts collab as `collab serve` (collab/server.py) does, with gevent in
eventlet's place: both read, not run."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.support.live import ROOT

SERVER = ROOT / "collab" / "server.py"
GEVENT_SERVER = ROOT / "bench" / "gevent_server.py"
# collab/server.py's calls that only eventlet needs: gevent's counterparts are other calls.
# What `collab serve` does at start: make the app, then serve it.
STARTUP = ("server_app", "serve")
EVENTLET_ONLY = {"warnings.filterwarnings"}  # eventlet's deprecation notice at import


def calls(path: Path, within: tuple[str, ...] = ()) -> set[str]:
    """Return the dotted names of every function a module calls, anywhere in it or in its `within` functions."""
    tree = ast.parse(path.read_text())
    roots = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in within] if within else [tree]
    return {ast.unparse(node.func) for root in roots for node in ast.walk(root) if isinstance(node, ast.Call)}


def constant(path: Path, name: str) -> object:
    """Return the literal a module assigns to `name` at its top level."""
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{path.name} assigns no {name}")


def test_every_call_collab_serve_makes_at_start_is_made_under_gevent_too() -> None:
    """GC freeze and thresholds, the matcher's preload, psycopg's wait, offload, TCP_NODELAY, no deflate…"""
    needed = {name for name in calls(SERVER, STARTUP) if not name.startswith("eventlet.")} - EVENTLET_ONLY
    assert needed - calls(GEVENT_SERVER) == set()


def test_the_gevent_server_keeps_collab_serve_garbage_collector_thresholds() -> None:
    """The comparison is of the async servers, not of two tunings of the collector."""
    assert constant(GEVENT_SERVER, "GC_THRESHOLDS") == constant(SERVER, "GC_THRESHOLDS")
