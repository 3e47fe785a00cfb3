"""Domain errors: each carries the code, message and details a client receives when refused."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A request the domain refuses; nothing was written."""

    code = "error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class Invalid(DomainError):
    """The request is well-formed but makes no sense here (unknown column, scale…)."""

    code = "invalid"


class NotFound(DomainError):
    """The thing named does not exist, or not where the requester may see it."""

    code = "not_found"


class Forbidden(DomainError):
    """The requester's role does not allow this."""

    code = "forbidden"


class Unauthorised(DomainError):
    """No valid token: the requester is nobody."""

    code = "unauthorised"


class Conflict(DomainError):
    """The request collides with existing data (a client id already used for another card)."""

    code = "conflict"


class RoomClosed(DomainError):
    """The room takes no cards now: locked, or its activity paused or closed."""

    code = "room_closed"


class BoardClosed(DomainError):
    """The board is not the one of the room's phase, and the organiser did not open it early."""

    code = "board_closed"


class EventClosed(DomainError):
    """The event is closed: it is read, no longer written."""

    code = "closed"


class RateLimited(DomainError):
    """The participant sent more than their limit allows; `retry_after` seconds until the next one."""

    code = "rate_limited"
