"""The interface in French and English: complete catalogues, pages in both, the choice kept, times."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from collab.catalogues import extract, po_path, read_catalogue
from collab.config import ROOT
from collab.domain.events import EventLinks
from collab.i18n import COOKIE, LOCALES, clock
from tests.support.browser import PageWatch
from tests.support.live import LiveServer

ORIGIN = {"Origin": "http://localhost"}
# A `t("…")` or `tn("…", "…", n)` call in a browser module, as static/js/lib/shared/i18n.js defines them.
JS_CALL = re.compile(r"""\btn?\(\s*"((?:[^"\\]|\\.)*)"|\btn?\(\s*'((?:[^'\\]|\\.)*)'""")
COMMENT = re.compile(r"^\s*(//|\*|/\*)")
PLACEHOLDER = re.compile(r"\{\w+\}|%\(\w+\)s")


def test_every_string_of_the_interface_is_translated_in_french_and_english() -> None:
    template = extract()
    ids = {message.id if isinstance(message.id, str) else message.id[0] for message in template if message.id}
    assert len(ids) > 150, "the extraction found too few strings: is babel.cfg right?"
    for locale in LOCALES:
        catalogue = read_catalogue(locale)
        assert not catalogue.fuzzy, f"{locale}: a fuzzy header makes `pybabel compile` skip the catalogue"
        problems = []
        for message in template:
            if not message.id:
                continue
            found = catalogue.get(message.id)
            strings: Any = [] if found is None else found.string
            strings = list(strings) if isinstance(strings, tuple | list) else [strings]
            if found is None or not all(strings):
                problems.append(f"missing: {message.id!r} ({message.locations[0][0]})")
            elif found.fuzzy:
                problems.append(f"fuzzy: {message.id!r}")
            else:
                wanted = set(PLACEHOLDER.findall(message.id if isinstance(message.id, str) else message.id[-1]))
                if any(set(PLACEHOLDER.findall(string)) - wanted - {"{n}"} for string in strings):
                    problems.append(f"placeholders differ: {message.id!r} → {strings!r}")
        assert not problems, (
            f"{locale} catalogue ({po_path(locale)}); run `make messages` and translate:\n" + "\n".join(problems)
        )


def test_every_t_call_in_the_browser_modules_is_extracted() -> None:
    # Babel's extractor skips a call inside a template literal (`${t("…")}`): such a string would
    # reach no catalogue, so every call written in the sources must be among the extracted ones.
    extracted = {message.id if isinstance(message.id, str) else message.id[0] for message in extract() if message.id}
    missed = []
    for path in sorted((ROOT / "static" / "js").rglob("*.js")):
        code = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines() if not COMMENT.match(line))
        for match in JS_CALL.finditer(code):
            msgid = match.group(1) if match.group(1) is not None else match.group(2)
            if msgid not in extracted:
                missed.append(f"{path.relative_to(ROOT)}: {msgid!r}")
    assert not missed, "t() calls the extraction does not see (inside a template literal?):\n" + "\n".join(missed)


def test_every_error_code_of_the_protocol_is_worded_for_people() -> None:
    # docs/protocol.md lists the codes an acknowledgement may carry; the pages word each one.
    protocol = (ROOT / "docs" / "protocol.md").read_text(encoding="utf-8")
    listed = protocol.split("Error codes:", 1)[1].split("A request refused", 1)[0]
    codes = set(re.findall(r"`([a-z_]+)`", listed)) - {"details", "reason", "locked", "paused", "closed"} | {"closed"}
    errors = (ROOT / "static/js/lib/shared/errors.js").read_text(encoding="utf-8")
    worded = set(re.findall(r'case "([a-z_]+)":', errors))
    assert len(codes) >= 8 and not codes - worded, f"codes without a sentence in errors.js: {codes - worded}"


def test_the_join_page_speaks_french_by_default_and_english_once_chosen(client: FlaskClient, event: EventLinks) -> None:
    french = client.get(f"/j/{event.join_code}").get_data(as_text=True)
    assert '<html lang="fr">' in french
    for text in ("Pseudonyme", "Échelle territoriale", "Rejoindre la salle", 'hreflang="en"'):
        assert text in french

    chosen = client.get(f"/j/{event.join_code}", query_string={"lang": "en"})
    assert f"{COOKIE}=en" in chosen.headers["Set-Cookie"]
    for page in (chosen.get_data(as_text=True), client.get(f"/j/{event.join_code}").get_data(as_text=True)):
        assert '<html lang="en">' in page
        for text in ("Pseudonym", "Territorial scale", "Join the room", "Choose your scale…"):
            assert text in page
        for text in ("Pseudonyme", "Échelle territoriale", "Rejoindre la salle", "Choisissez votre échelle"):
            assert text not in page
        # The organiser's content is not translated: the rooms and scales are the template's.
        assert "Salle 1" in page and "Intercommunalité" in page


def test_the_phone_page_keeps_the_language_chosen_on_the_join_page(client: FlaskClient, event: EventLinks) -> None:
    client.get(f"/j/{event.join_code}", query_string={"lang": "en"})
    form = {"pseudonym": "Camille", "scale": "intercommunalite", "room": str(event.rooms[0].id)}
    joined = client.post(f"/j/{event.join_code}", data=form, headers=ORIGIN)
    assert joined.status_code == 303
    page = client.get(f"/e/{event.join_code}").get_data(as_text=True)
    assert '<html lang="en">' in page
    for text in ("Send", "Your card", "Time left", "Connecting…", "/i18n/en.json"):
        assert text in page
    for text in ("Envoyer", "Votre carte", "Temps restant"):
        assert text not in page
    # Back to French: the same switch, at the foot of the phone page.
    assert 'href="?lang=fr"' in page
    french = client.get(f"/e/{event.join_code}", query_string={"lang": "fr"}).get_data(as_text=True)
    assert "Envoyer" in french and '<html lang="fr">' in french


# Per staff page: French words that must be gone in English, and their English.
STAFF_PAGES = {
    "screen": (
        "/s/{screen}",
        ("En ce moment", "Toutes les salles", "Pour participer"),
        ("Now", "All rooms", "To take part"),
    ),
    "facilitator": (
        "/f/{facilitator}",
        ("Raccourcis", "Verrouiller la salle", "Publier la synthèse", "9h30 · "),
        ("Shortcuts", "Lock the room", "Publish the synthesis", "9:30\u202fAM · "),
    ),
    "organiser": (
        "/o/{organiser}",
        ("Phase suivante", "Liens secrets", "Clore le séminaire", "9h30 – 10h"),
        ("Next phase", "Secret links", "Close the seminar", "9:30\u202fAM – 10:00\u202fAM"),
    ),
}


@pytest.mark.parametrize("page", sorted(STAFF_PAGES))
def test_staff_pages_are_french_by_default_and_english_on_demand(
    client: FlaskClient, event: EventLinks, page: str
) -> None:
    path, french_words, english_words = STAFF_PAGES[page]
    url = path.format(
        screen=event.screen_token, organiser=event.organiser_token, facilitator=event.rooms[0].facilitator_token
    )
    french = client.get(url).get_data(as_text=True)
    assert all(word in french for word in french_words)
    english = client.get(url, query_string={"lang": "en"}).get_data(as_text=True)
    assert all(word in english for word in english_words)
    assert not [word for word in french_words if word in english]
    # The event's own content stays as the organiser wrote it.
    assert event.title in english and "Salle 1" in english


def test_the_reports_are_written_in_the_organisers_language(client: FlaskClient, event: EventLinks) -> None:
    base = f"/o/{event.organiser_token}/export"
    french = client.get(f"{base}/report.md").get_data(as_text=True)
    assert "Compte rendu du séminaire" in french and "## Atelier 1 :" in french
    client.get(f"/o/{event.organiser_token}", query_string={"lang": "en"})
    english = client.get(f"{base}/report.md").get_data(as_text=True)
    assert "Seminar report" in english and "## Workshop 1:" in english and "## Hypotheses" in english
    assert "Compte rendu" not in english
    page = client.get(f"{base}/report.html").get_data(as_text=True)
    assert '<html lang="en">' in page and "Contents" in page and "9:30\u202fAM" in page
    # The event's content stays the organiser's: its title, its programme's titles.
    assert event.title in page


def test_a_refused_join_is_explained_in_the_chosen_language(client: FlaskClient, event: EventLinks) -> None:
    client.get("/", query_string={"lang": "en"})
    form = {"pseudonym": "", "scale": "intercommunalite", "room": str(event.rooms[0].id)}
    refused = client.post(f"/j/{event.join_code}", data=form, headers=ORIGIN)
    assert refused.status_code == 400
    assert "A pseudonym has 1 to 40 characters." in refused.get_data(as_text=True)
    unknown = client.get("/join", query_string={"code": "ZZZZZZ"}).get_data(as_text=True)
    assert "No event has this code." in unknown and "Aucun événement" not in unknown


def test_the_catalogue_is_served_as_json_and_cached_by_its_version(client: FlaskClient, event: EventLinks) -> None:
    # A page with scripts names its catalogue; a page without (the join form) does not load it.
    assert "/i18n/" not in client.get(f"/j/{event.join_code}").get_data(as_text=True)
    page = client.get(f"/s/{event.screen_token}", query_string={"lang": "en"}).get_data(as_text=True)
    url = re.search(r'href="(/i18n/en\.json\?v=\w+)"', page)
    assert url, "the page names its catalogue"
    served = client.get(url.group(1))
    assert served.status_code == 200 and "immutable" in served.headers["Cache-Control"]
    catalogue = served.get_json()
    assert catalogue["locale"] == "en"
    assert catalogue["messages"]["Envoyer"] == "Send"
    assert catalogue["plurals"]["+ {n} autre carte"] == ["+ {n} more card", "+ {n} more cards"]
    # Forms that are the msgid's own ("{n} vote", all of French) are what tn() shows anyway: not sent.
    assert "{n} vote" not in catalogue["plurals"]
    french = client.get("/i18n/fr.json").get_json()
    assert french["messages"] == {} and french["plurals"] == {}
    unversioned = client.get("/i18n/en.json")
    assert unversioned.headers["Cache-Control"] == "no-cache"
    assert client.get("/i18n/en.json", headers={"If-None-Match": served.headers["ETag"]}).status_code == 304
    assert client.get("/i18n/de.json").status_code == 404


def test_times_of_day_are_written_as_each_language_writes_them() -> None:
    assert clock("16:30", "fr") == "16h30"
    assert clock("09:00", "fr") == "9h"
    assert clock("16:30", "en").replace("\u202f", " ") == "4:30 PM"
    assert clock("", "en") == ""


def test_a_participant_who_picks_english_gets_english_on_the_phone_and_after_reload(
    chromium: Any, server: LiveServer
) -> None:
    from playwright.sync_api import expect

    links = server.create_event(rooms=2)
    server.start()
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    watch = PageWatch(page, server.url)
    page.goto(links["join_url"])
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Pseudonym").fill("Camille")
    page.get_by_label("Territorial scale").select_option(label="Intercommunalité")
    page.get_by_role("group", name="Room").get_by_role("radio", name="Salle 1").check()
    page.get_by_role("button", name="Join the room").click()
    page.wait_for_url(f"**/e/{links['join_code']}")
    _english_phone(page, expect)
    # A module's words: the post's outcome, then (after the reload) the card signed "You".
    page.get_by_label("Your card").fill("Mutualiser l'ingénierie")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("[data-compose-message]")).to_have_text("Card published.")
    page.reload()
    _english_phone(page, expect)
    expect(page.locator(".card__author--self")).to_have_text("You")
    # The browser's next visit to the join page keeps the choice too.
    page.goto(links["join_url"])
    expect(page.get_by_role("button", name="Join the room")).to_be_visible()

    page.goto(f"{server.url}/e/{links['join_code']}")
    expect(page.locator("[data-status]")).to_contain_text("Connected")

    # The plenary screen and the organiser's console, switched to English by their link.
    staff = chromium.new_context(viewport={"width": 1920, "height": 1080})
    screen = staff.new_page()
    screen_watch = PageWatch(screen, server.url)
    screen.goto(links["screen_url"] + "?lang=en")
    expect(screen.locator("[data-presence-label]")).to_have_text("participant connected")
    expect(screen.locator(".phase--now .phase__label")).to_have_text("Now")
    organiser = staff.new_page()
    organiser.goto(links["organiser_url"])  # the cookie set by the screen's ?lang=en
    expect(organiser.locator("[data-links-rows]").get_by_role("button", name="Regenerate").first).to_be_visible()
    expect(organiser.locator("[data-status]").first).to_contain_text("Connected")
    expect(organiser.locator(".programme__time").first).to_contain_text("AM")
    staff.close()
    context.close()
    assert not watch.problems, watch.problems
    assert not screen_watch.problems, screen_watch.problems


def _english_phone(page: Any, expect: Any) -> None:
    """Check the phone page speaks English, from the template and from the modules."""
    expect(page.locator("[data-status]")).to_contain_text("Connected")
    expect(page.get_by_role("button", name="Send")).to_be_visible()
    expect(page.get_by_label("Your card")).to_be_visible()
    expect(page.locator(".situation__summary")).to_have_attribute("data-open-label", "Read")
    body = page.locator("body").inner_text()
    for french in ("Envoyer", "Connecté", "Votre carte", "Trier par votes", "Écrire ici"):
        assert french not in body
