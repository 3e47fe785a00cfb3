"""What a user intent produced, for the transport to acknowledge and broadcast."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

# The reply's data: a TypedDict where the intent names it, else a plain dict.
R = TypeVar("R", bound=Mapping[str, Any])


@dataclass
class Outcome(Generic[R]):
    """The reply's data (the transport acknowledges with it), the numbered room changes to broadcast
    in order, the event's new state when the intent changed it (broadcast as `event_changed`), and
    whether a competence card changed (the pairs proposed may have: broadcast as `competences_changed`)."""

    reply: R
    changes: list[dict[str, Any]] = field(default_factory=list)
    event: dict[str, Any] | None = None
    competences: bool = False
