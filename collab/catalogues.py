"""The message catalogues' upkeep: extract every string of the interface, merge it into fr and en.

`make messages` runs it. French is the source language (msgids are the French text), so the
French catalogue's new entries are filled with their msgid; the English ones arrive empty and
tests/test_i18n.py fails until someone translates them.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from collab.config import ROOT
from collab.i18n import LOCALES, TRANSLATIONS

# `t(msgid, params)` and `tn(singular, plural, n, params)` in static/js/lib/shared/i18n.js; Flask-Babel's
# `_`, `gettext`, `ngettext` and `lazy_gettext` in Python and Jinja.
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "lazy_gettext": None,
    "t": None,
    "tn": (1, 2),
}


def extract() -> Catalog:
    """Return every string babel.cfg's sources mark for translation, as a template catalogue."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    template = Catalog(project="collab", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, comment_tags=("Translators:",), strip_comment_tags=True
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def po_path(locale: str) -> Path:
    """Return the .po file of a language."""
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def read_catalogue(locale: str) -> Catalog:
    """Return a language's catalogue as it is in the repository (empty if it is not there yet)."""
    path = po_path(locale)
    if not path.exists():
        return Catalog(locale=locale, project="collab", charset="utf-8")
    with open(path, "rb") as handle:
        return read_po(handle, locale=locale)


def update() -> dict[str, int]:
    """Merge the extracted strings into every catalogue; return how many are untranslated per language."""
    template = extract()
    missing: dict[str, int] = {}
    for locale in LOCALES:
        catalogue = read_catalogue(locale)
        # A copy: update() adopts the template's new messages, which French then fills in.
        catalogue.update(copy.deepcopy(template), no_fuzzy_matching=True)
        # A catalogue whose header is fuzzy is skipped whole by `pybabel compile`.
        catalogue.fuzzy = False
        catalogue.project, catalogue.version = "collab", "0.1.0"
        catalogue.language_team = catalogue.last_translator = "collab"
        for message in catalogue:
            if not message.id:
                continue
            if locale == "fr" and not _translated(message.string):
                message.string = message.id
                message.flags.discard("fuzzy")
        missing[locale] = len([m for m in catalogue if m.id and not _translated(m.string)])
        path = po_path(locale)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Locations without line numbers: moving code does not rewrite the catalogues.
        with open(path, "wb") as handle:
            write_po(handle, catalogue, width=120, ignore_obsolete=True, include_lineno=False)
    return missing


def _translated(string: str | tuple[str, ...] | list[str] | None) -> bool:
    """Tell whether a message's translation (or every plural form of it) is there."""
    if isinstance(string, tuple | list):
        return bool(string) and all(string)
    return bool(string)


if __name__ == "__main__":
    for locale, count in update().items():
        print(f"{locale}: {count} untranslated", file=sys.stderr)
