"""What collab writes to its log: a level and a format from the config, one line per HTTP request.

No personal data: no address, no pseudonym, and the secret part of a link's path is cut off.
"""

from __future__ import annotations

import json
import logging
import re
import time
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, g, request

access = logging.getLogger("collab.access")
# /o/TOKEN, /f/TOKEN, /s/TOKEN, /a/TOKEN: the token is a secret; a join code is not.
SECRET_PATH = re.compile(r"^/([ofsa])/[^/]+")
# The fields a record may carry for a log collector (`extra=`), beside its message.
FIELDS = ("method", "path", "status", "ms", "bytes", "role", "event_id", "room_id", "sid", "reason")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and the record's fields."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as one line of JSON."""
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line |= {name: getattr(record, name) for name in FIELDS if hasattr(record, name)}
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure(app: Flask) -> None:
    """Set the log's level and format (COLLAB_LOG_LEVEL, COLLAB_LOG_FORMAT) and log each request."""
    handler = logging.StreamHandler()
    if app.config["LOG_FORMAT"] == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(app.config["LOG_LEVEL"])
    logging.getLogger("alembic").setLevel(logging.WARNING)
    app.before_request(_started)
    app.after_request(_log_request)


def public_path(path: str) -> str:
    """Return a request's path with a secret link's token replaced by an ellipsis."""
    return SECRET_PATH.sub(r"/\1/…", path)


def _started() -> None:
    """Note when the request began."""
    g.log_started = time.perf_counter()


def _log_request(response: Response) -> Response:
    """Log the request in one line: method, path (secrets cut), status, duration, size."""
    if access.isEnabledFor(logging.INFO):
        started = g.get("log_started")
        ms = round((time.perf_counter() - started) * 1000, 1) if started is not None else None
        fields = {
            "method": request.method,
            "path": public_path(request.path),
            "status": response.status_code,
            "ms": ms,
            "bytes": response.content_length,
        }
        access.info("%s %s %s %s ms", fields["method"], fields["path"], fields["status"], ms, extra=fields)
    return response
