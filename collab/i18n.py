"""The interface's languages: which one a request speaks, its catalogue for the browser, times in it."""

from __future__ import annotations

import hashlib
import json
from datetime import date, time
from functools import cache
from pathlib import Path

from babel.dates import format_date, format_time
from babel.support import Translations
from flask import Flask, Response, abort, current_app, has_request_context, request, url_for
from flask_babel import Babel, get_locale, refresh

# French first: the seminar, its template and its people are French; English is the other one.
LOCALES = ("fr", "en")
DEFAULT_LOCALE = "fr"
# One cookie per browser, set by a `?lang=` link: the join page, a console or the screen.
COOKIE = "collab_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
TRANSLATIONS = Path(__file__).resolve().parent / "translations"

babel = Babel()


def init_app(app: Flask) -> None:
    """Install Flask-Babel, the `?lang=` cookie, the catalogue route and the template helpers."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    babel.init_app(app, locale_selector=select_locale, default_translation_directories=str(TRANSLATIONS))
    app.add_url_rule("/i18n/<locale>.json", view_func=catalogue_json)
    # Flask-Babel keeps the locale on the app context, which a test (or a CLI command) may share
    # between requests: each request chooses again.
    app.before_request(refresh)
    app.after_request(remember_choice)
    app.jinja_env.globals.update(locale=current_locale, catalogue_url=catalogue_url, clock=clock, day=day)


def select_locale() -> str:
    """Return the language of this request: `?lang=`, else the browser's cookie, else French.

    The browser's Accept-Language is deliberately not consulted: the consoles and the projected
    screen serve a French seminar whatever the laptop's system language, and a participant
    chooses on the join page.
    """
    if not has_request_context():
        return DEFAULT_LOCALE  # a CLI export, a background job: the seminar's language
    asked = request.args.get("lang", "")
    if asked in LOCALES:
        return asked
    kept = request.cookies.get(COOKIE, "")
    return kept if kept in LOCALES else DEFAULT_LOCALE


def current_locale() -> str:
    """Return the language code the current request speaks ("fr" or "en")."""
    return str(get_locale() or DEFAULT_LOCALE)


def remember_choice(response: Response) -> Response:
    """Keep a `?lang=` choice in a cookie, so the next page, a reload and the next visit keep it."""
    asked = request.args.get("lang", "")
    if asked in LOCALES and request.cookies.get(COOKIE) != asked:
        response.set_cookie(
            COOKIE,
            asked,
            max_age=COOKIE_MAX_AGE,
            samesite="Lax",
            httponly=True,  # the server reads it; no script needs to
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        )
    return response


@cache
def browser_catalogue(locale: str, stamp: float) -> tuple[bytes, str]:
    """Return the compiled catalogue of `locale` as the JSON i18n.js reads, and its digest.

    `stamp` (the .mo file's modification time) makes a recompiled catalogue a new cache entry.
    """
    translations = Translations.load(str(TRANSLATIONS), [locale])
    messages: dict[str, str] = {}
    plurals: dict[str, list[str]] = {}
    for key, value in sorted(getattr(translations, "_catalog", {}).items(), key=lambda item: str(item[0])):
        if isinstance(key, tuple):
            plurals.setdefault(key[0], []).insert(key[1], value)
        elif key and value and value != key:
            # A translation that is its msgid (all of French) is what t() shows anyway: not sent.
            messages[key] = value
    # The same for plurals: forms that are the msgid's own (all of French) are what tn() shows anyway.
    sources = _plural_sources(locale)
    plurals = {key: forms for key, forms in plurals.items() if forms != sources.get(key)}
    body = {"locale": locale, "messages": messages, "plurals": plurals}
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return data, hashlib.sha256(data).hexdigest()[:16]


def _plural_sources(locale: str) -> dict[str, list[str]]:
    """Return each plural msgid of a language's catalogue with its source forms (singular, plural)."""
    from babel.messages.pofile import read_po

    po = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return {}
    with open(po, "rb") as handle:
        return {str(m.id[0]): [str(m.id[0]), str(m.id[1])] for m in read_po(handle) if isinstance(m.id, tuple)}


def _catalogue(locale: str) -> tuple[bytes, str]:
    """Return the browser catalogue of a language, rebuilt when its .mo changed."""
    mo = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.mo"
    return browser_catalogue(locale, mo.stat().st_mtime if mo.exists() else 0.0)


def catalogue_url() -> str:
    """Return the address of the current language's catalogue, versioned by its content."""
    locale = current_locale()
    return url_for("catalogue_json", locale=locale, v=_catalogue(locale)[1])


def catalogue_json(locale: str) -> Response:
    """Serve a language's catalogue to the browser; a versioned address is cached for a year."""
    if locale not in LOCALES:
        abort(404)
    data, digest = _catalogue(locale)
    response = Response(data, mimetype="application/json")
    response.headers["Cache-Control"] = (
        "public, max-age=31536000, immutable" if request.args.get("v") == digest else "no-cache"
    )
    response.set_etag(digest)
    response.make_conditional(request)
    return response


def day(value: str | date | None, locale: str | None = None) -> str:
    """Return a date ("2027-03-18" or a date) as people write it: jeudi 18 mars 2027, Thursday, March 18, 2027."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return str(value)
    return str(format_date(value, "full", locale=locale or current_locale()))


def clock(value: str | time | None, locale: str | None = None) -> str:
    """Return a time of day ("16:30" or a time) as people write it: 16h30 / 16h in French, 4:30 PM in English."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        written = value
        try:
            hours, minutes = (int(part) for part in written.split(":")[:2])
            value = time(hours, minutes)
        except ValueError:
            return written
    locale = locale or current_locale()
    if locale == "fr":
        return f"{value.hour}h" + (f"{value.minute:02d}" if value.minute else "")
    return str(format_time(value, "short", locale=locale))
