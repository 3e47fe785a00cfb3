"""The layers are the folders: each module imports only what its layer may, and no collab modules import in a cycle.

Imports are read from the source (every `import`, in functions too), so a module need not load.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

COLLAB = Path(__file__).resolve().parent.parent / "collab"

# Each layer by the packages (or modules) it holds.
LAYERS = {
    "store": ("collab.store",),
    "domain": ("collab.domain",),
    "exports": ("collab.exports",),
    "realtime": ("collab.realtime",),
    "sockets": ("collab.sockets",),
    "web": ("collab.web",),
    # The application: the factory, the command line and the server that put the layers together.
    "app": ("collab", "collab.cli", "collab.server", "collab.startup"),
}
FRAMEWORKS = ("flask", "flask_socketio", "socketio", "engineio", "werkzeug", "eventlet")
# What each layer must never import: the layers above it, and for the lower ones the web frameworks.
# (flask_babel is allowed in the domain: its messages are worded in the reader's language.)
FORBIDDEN = {
    "store": ("domain", "exports", "realtime", "sockets", "web", "app", *FRAMEWORKS),
    "domain": ("exports", "realtime", "sockets", "web", "app", *FRAMEWORKS),
    # Only the domain and storage touch the database: the layers above read and write through the domain.
    "exports": ("store", "realtime", "sockets", "web", "app"),
    "realtime": ("store", "exports", "sockets", "web", "app"),
    "sockets": ("store", "exports", "web", "app"),
    "web": ("store", "app"),
    "base": ("exports", "realtime", "sockets", "web", "app"),
}
# The imports allowed across the layers all the same, each with why.
ALLOWED = {
    # The readiness probe asks the storage itself whether the database answers and its schema is
    # the one this code needs: a question about the store, not about any seminar's data.
    ("collab.web.health", "collab.store.database"),
}


@cache
def modules() -> dict[str, Path]:
    """Return every collab module by its dotted name."""
    found = {}
    for path in COLLAB.rglob("*.py"):
        parts = list(path.relative_to(COLLAB.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def layer(name: str) -> str:
    """Return the layer a module (or a third-party package) belongs to."""
    if not name.startswith("collab"):
        return name.partition(".")[0]
    for each, prefixes in LAYERS.items():
        if name in prefixes and each == "app":
            return each
        if each != "app" and any(name == p or name.startswith(p + ".") for p in prefixes):
            return each
    return "base"


def collab_module(name: str) -> str:
    """Return the collab module an imported name lives in (`collab.domain.cards.post_card` → `collab.domain.cards`)."""
    while name not in modules() and "." in name:
        name = name.rpartition(".")[0]
    return name


def imports(path: Path) -> Iterator[str]:
    """Yield what a module imports: collab modules by their module, other packages by their full name."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            yield collab_module(name) if name.startswith("collab") else name


def test_no_module_imports_across_the_layers_the_wrong_way() -> None:
    wrong = []
    for name, path in modules().items():
        banned = FORBIDDEN.get(layer(name), ())
        wrong += [
            f"{name} imports {imported}"
            for imported in imports(path)
            if layer(imported) in banned and (name, imported) not in ALLOWED
        ]
    assert wrong == []


def test_only_the_domain_and_the_store_touch_the_database() -> None:
    above = ("web", "sockets", "realtime", "exports")
    touching = {
        (name, imported)
        for name, path in modules().items()
        if layer(name) in above
        for imported in imports(path)
        if layer(imported) == "store"
    }
    assert touching == ALLOWED


def test_web_and_sockets_reach_each_other_only_through_the_sockets_package() -> None:
    wrong = []
    for name, path in modules().items():
        for imported in imports(path):
            if layer(name) == "web" and layer(imported) == "sockets" and imported != "collab.sockets":
                wrong.append(f"{name} imports {imported}")
    assert wrong == []


def test_no_collab_modules_import_each_other_in_a_cycle() -> None:
    # The factory (collab/__init__.py) imports every layer to put them together: it is the one root.
    graph = {
        name: {imported for imported in imports(path) if imported in modules() and imported not in (name, "collab")}
        for name, path in modules().items()
    }
    assert cycles(graph) == []


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the groups of modules that import each other, directly or not (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = [stack.pop()]
            while group[-1] != node:
                group.append(stack.pop())
            if len(group) > 1:
                found.append(sorted(group))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_the_layer_test_sees_a_wrong_import() -> None:
    assert layer("collab.store.database") == layer("collab.store.models") == "store"
    assert layer("collab.realtime.relay") == "realtime"
    assert layer("collab.domain.cards") == "domain" and layer("collab.config") == "base"
    assert "collab.views" not in modules() and "web" in FORBIDDEN["domain"]
    assert all(layer(name) == "web" and layer(imported) == "store" for name, imported in ALLOWED)
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
