"""Event templates: a seminar's programme, rooms, boards and situations, as data files."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from collab.domain.errors import NotFound

TEMPLATES = Path(__file__).resolve().parent.parent / "event_templates"
DEFAULT_TEMPLATE = "cooperer-territoires"


def template_names() -> list[str]:
    """Return the names of the templates collab ships."""
    return sorted(path.stem for path in TEMPLATES.glob("*.toml"))


def load_template(name: str) -> dict[str, Any]:
    """Return the template called `name`, checked for the fields an event needs."""
    if name not in template_names():
        raise NotFound(f"no template named {name!r}; known: {', '.join(template_names())}")
    data = tomllib.loads((TEMPLATES / f"{name}.toml").read_text(encoding="utf-8"))
    for field in ("title", "scales", "boards", "phases"):
        if field not in data:
            raise ValueError(f"template {name!r} lacks {field!r}")
    return data
