"""Collab's settings: one default beside each value, overridden by COLLAB_* environment variables."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PACKAGE = Path(__file__).resolve().parent
# A checkout keeps templates/ and static/ beside the package; a wheel carries them inside it.
ROOT = PACKAGE.parent
INSTALLED = (PACKAGE / "templates").is_dir()
TEMPLATE_FOLDER = (PACKAGE if INSTALLED else ROOT) / "templates"
STATIC_FOLDER = (PACKAGE if INSTALLED else ROOT) / "static"


def default_instance() -> Path:
    """Return where the database and secret key live: instance/ in a checkout, else the user's data folder."""
    # Never inside an installed package: an upgrade replaces it, and it may not be writable.
    if not INSTALLED:
        return ROOT / "instance"
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "collab"


def _env(name: str, default: str) -> str:
    """Return the COLLAB_<name> environment variable, or the default."""
    return os.environ.get(f"COLLAB_{name}", default)


def configured_secret() -> str | None:
    """Return the secret key set for the deployment: COLLAB_SECRET_KEY, or the file COLLAB_SECRET_KEY_FILE names."""
    if os.environ.get("COLLAB_SECRET_KEY"):
        return os.environ["COLLAB_SECRET_KEY"]
    path = os.environ.get("COLLAB_SECRET_KEY_FILE")
    if not path:
        return None
    try:
        secret = Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ValueError(f"COLLAB_SECRET_KEY_FILE: cannot read {path}: {exc.strerror}") from None
    if len(secret) < 32:
        raise ValueError(f"COLLAB_SECRET_KEY_FILE: {path} holds {len(secret)} characters; a secret key has 32 or more")
    return secret


def _secret_key(instance: Path) -> str:
    """Return the persistent secret key, creating it on first run.

    It signs participant tokens, so it must survive a restart: a phone that reloads after the
    laptop rebooted is still the same participant.
    """
    configured = configured_secret()
    if configured:
        return configured
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        # Workers started together on one instance folder must end with the same key: each
        # writes its own, and only the first one linked in place counts.
        draft = instance / f"secret_key.{os.getpid()}"
        draft.write_text(secrets.token_urlsafe(48))
        draft.chmod(0o600)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


@dataclass(frozen=True)
class Rate:
    """At most `burst` at once, then one every `seconds / burst` seconds."""

    burst: int
    seconds: float

    @classmethod
    def parse(cls, text: str) -> Rate | None:
        """Read "20/60" (20 at once, 20 a minute after that); "0" or "" means no limit."""
        text = text.strip()
        if text in {"", "0"}:
            return None
        try:
            burst, seconds = text.split("/")
            rate = cls(int(burst), float(seconds))
        except ValueError:
            raise ValueError(f"a rate is written count/seconds, like 20/60, not {text!r}") from None
        if rate.burst < 1 or rate.seconds <= 0:
            raise ValueError(f"a rate needs a count of at least 1 and a positive duration, not {text!r}")
        return rate


class Config:
    """Every setting of collab; the README lists them with their COLLAB_* variables."""

    def __init__(self, **overrides: Any) -> None:
        instance = Path(overrides.pop("INSTANCE_PATH", None) or _env("INSTANCE_PATH", str(default_instance())))
        self.INSTANCE_PATH = instance
        # The embedded default: one SQLite file next to the secret key.
        self.DATABASE_URL = _env("DATABASE_URL", f"sqlite:///{instance / 'collab.sqlite3'}")
        # FULL: an acknowledged card survives a power cut, not only a crash of the process.
        self.SQLITE_SYNCHRONOUS = _env("SQLITE_SYNCHRONOUS", "FULL")
        # The address phones must open (QR code, printed links); empty: the LAN address at start.
        self.PUBLIC_URL = _env("PUBLIC_URL", "")
        # The address the server listens on (`collab serve` sets it): a loopback one is shown as a warning.
        self.LISTEN_HOST = _env("HOST", "0.0.0.0")
        # The port printed links use (`collab serve` sets the one it listens on).
        self.PORT = int(_env("PORT", "5000"))
        # Origins allowed to open a Socket.IO connection besides the server's own; never "*".
        self.ALLOWED_ORIGINS = [o for o in _env("ALLOWED_ORIGINS", "").split(",") if o]
        # Socket.IO messages larger than this are refused; a card is a few hundred bytes.
        self.MAX_MESSAGE_BYTES = int(_env("MAX_MESSAGE_BYTES", "65536"))
        # Several workers: the Redis URL they share (redis://127.0.0.1:6379/0) to reach each
        # other's sockets; empty: one process. They must share the database and SECRET_KEY too.
        self.MESSAGE_QUEUE = _env("MESSAGE_QUEUE", "")
        # The queue's channel: one per deployment sharing a Redis (its database number does not
        # separate publish/subscribe), or each receives the other's broadcasts.
        self.MESSAGE_CHANNEL = _env("MESSAGE_CHANNEL", "collab")
        # Tests only: a worker holds its relays of room changes back this long (a slow queue).
        self.RELAY_DELAY_MS = int(_env("RELAY_DELAY_MS", "0"))
        # This worker's name in the presence table (`collab serve`: host:port); it forgets its own sockets at start.
        self.WORKER_NAME = _env("WORKER_NAME", "")
        # The Socket.IO server's async mode; `collab serve` sets eventlet, tests use threading.
        self.ASYNC_MODE = _env("ASYNC_MODE", "threading")
        # The template an empty database is given at start so `make run` shows a usable event.
        self.DEMO_TEMPLATE = _env("DEMO_TEMPLATE", "cooperer-territoires")
        # The venue's time zone (IANA name): the spreadsheets give their dates and times in it.
        self.TIMEZONE = _env("TIMEZONE", "Europe/Paris")
        self.DEMO_ROOMS = int(_env("DEMO_ROOMS", "4"))
        # Create the demo event on an empty database at start ("0" to disable).
        self.CREATE_DEMO = _env("CREATE_DEMO", "1") == "1"
        # A reconnecting client further behind than this gets a snapshot, not a replay.
        self.MAX_REPLAY = int(_env("MAX_REPLAY", "500"))
        # Per participant, surviving reconnects: a card at most every 3 s after a burst of 20 (a
        # phone that wrote offline sends its queue at once); votes (dots, hypotheses) one a second
        # after 30. "0" lifts a limit. Written count/seconds.
        self.RATE_POSTS = Rate.parse(_env("RATE_POSTS", "20/60"))
        self.RATE_VOTES = Rate.parse(_env("RATE_VOTES", "30/30"))
        # Room changes leave at most once per this many milliseconds, each room's as one message (0: each at once).
        self.BROADCAST_TICK_MS = int(_env("BROADCAST_TICK_MS", "50"))
        # Aggregates (vote results, presence counts) leave at most once per this many milliseconds.
        self.TALLY_MS = int(_env("TALLY_MS", "250"))
        # Proxies in front of collab (nginx: 1) whose X-Forwarded-For, -Proto and -Host it trusts:
        # the scheme and host of origins and links, and secure cookies, then follow the proxy's.
        self.PROXY_COUNT = int(_env("PROXY_COUNT", "0"))
        # DEBUG, INFO (one line per request, socket connect and disconnect), WARNING, ERROR.
        self.LOG_LEVEL = _env("LOG_LEVEL", "INFO").upper()
        # "text" for a person, "json" (one object per line) for a log collector.
        self.LOG_FORMAT = _env("LOG_FORMAT", "text")
        # Prometheus metrics at /metrics ("1"); off, nothing is counted and /metrics answers 404.
        self.METRICS = _env("METRICS", "0") == "1"
        self.SESSION_COOKIE_SECURE = _env("COOKIE_SECURE", "0") == "1"
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.TESTING = False
        for key, value in overrides.items():
            setattr(self, key, value)
        for key in ("RATE_POSTS", "RATE_VOTES"):  # an override may be written as in the environment
            if isinstance(getattr(self, key), str):
                setattr(self, key, Rate.parse(getattr(self, key)))
        if self.LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ValueError(f"COLLAB_LOG_LEVEL is DEBUG, INFO, WARNING or ERROR, not {self.LOG_LEVEL!r}")
        if self.LOG_FORMAT not in ("text", "json"):
            raise ValueError(f"COLLAB_LOG_FORMAT is text or json, not {self.LOG_FORMAT!r}")
        try:
            ZoneInfo(self.TIMEZONE)
        except (ValueError, ZoneInfoNotFoundError):
            raise ValueError(f"COLLAB_TIMEZONE is a time zone name like Europe/Paris, not {self.TIMEZONE!r}") from None
        if "*" in self.ALLOWED_ORIGINS:
            raise ValueError("COLLAB_ALLOWED_ORIGINS must list origins; '*' would let any site connect")
        if not getattr(self, "SECRET_KEY", None):
            if self.MESSAGE_QUEUE and not configured_secret():
                # Workers on other hosts would each make their own key, and refuse each other's phones.
                raise ValueError(
                    "several workers (COLLAB_MESSAGE_QUEUE) must share one secret key: "
                    "set COLLAB_SECRET_KEY or COLLAB_SECRET_KEY_FILE on every worker"
                )
            self.SECRET_KEY = _secret_key(instance)

    def as_dict(self) -> dict[str, Any]:
        """Return the settings as the mapping Flask's config expects."""
        return {k: v for k, v in vars(self).items() if k.isupper()}
