"""In real Chromium: the report printed to A4 PDF, the grid on a phone, and a closed event's banner."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from collab import create_app
from collab.addresses import event_addresses as links_of
from collab.domain.events import create_event, event_links
from collab.domain.participants import join_event
from collab.store.database import db
from collab.tokens import participant_token
from tests.support.browser import PHONE, UNNAMED_CONTROLS, Pages, PageWatch
from tests.support.exports_day import HIDDEN, seed_day
from tests.support.live import LiveServer


def seed(live: LiveServer) -> dict[str, Any]:
    """Fill the live server's database with a seminar day, before it starts; return the event's links."""
    app = create_app(
        {
            "INSTANCE_PATH": live.workdir / "instance",
            "DATABASE_URL": live.env["COLLAB_DATABASE_URL"],
            "PUBLIC_URL": live.url,
        }
    )
    with app.app_context():
        secret = app.config["SECRET_KEY"]
        event = create_event(secret, rooms=2, open_boards=True)

        def join(room: int = 0, pseudonym: str = "Camille", scale: str = "commune") -> dict[str, Any]:
            participant = join_event(event.join_code, pseudonym, scale, event.rooms[room].id)
            return participant | {"token": participant_token(participant["id"])}

        seed_day(event, join)
        links = links_of(event_links(secret, event.id))
    db.dispose()
    return dict(links)


def test_the_report_prints_to_a4_and_the_grid_reads_on_a_phone(
    chromium: Any,
    server: LiveServer,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    links = seed(server)
    server.start()
    out = tmp_path / "exports"
    out.mkdir()

    # The report, served as the organiser downloads it, but shown instead of saved.
    context = chromium.new_context(viewport={"width": 1240, "height": 1754})
    page = context.new_page()
    watch = PageWatch(page, server.url)
    report_url = f"{links['organiser_url']}/export/report.html"

    def shown(route: Any) -> None:
        response = route.fetch()
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-disposition"}
        route.fulfill(response=response, headers=headers)

    page.route(report_url, shown)
    page.goto(report_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Coopérer dans et entre les territoires")
    expect(page.get_by_role("heading", name="Pourquoi ?").first).to_be_visible()
    expect(page.get_by_text("Mutualiser l'ingénierie rare").first).to_be_visible()
    assert page.get_by_text(HIDDEN).count() == 0
    # The style inside the page applies: the CSP allows it by its hash.
    assert "Georgia" in page.evaluate("getComputedStyle(document.body).fontFamily")
    page.emulate_media(media="print")
    page.screenshot(path=str(out / "report-print.png"), full_page=True)
    pdf = out / "report.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    pages = pdf.read_bytes().count(b"/Type /Page") - pdf.read_bytes().count(b"/Type /Pages")
    # A cover, then each atelier (3), the syntheses and the hypotheses start a page.
    assert pages >= 6, pages
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(out / "report-page")], check=True)
    assert watch.problems == []
    context.close()

    # The grid before the staff publish it, on a phone: it says so (tests/browser/test_diagnosis.py applies one).
    phone_context = chromium.new_context(**PHONE)
    phone = phone_context.new_page()
    watch = PageWatch(phone, server.url)
    phone.goto(f"{links['join_url']}/grille")
    expect(phone.get_by_role("heading", name="La grille n'est pas encore publiée")).to_be_visible()
    assert phone.evaluate(UNNAMED_CONTROLS) == []
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert watch.problems == []
    phone_context.close()


def test_closing_shows_the_banner_on_the_phones_and_stops_writing(
    pages: Pages,
    server: LiveServer,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    links = server.create_event(rooms=2)
    server.start()
    phone = pages.open(links["join_url"], **PHONE)
    phone.get_by_label("Pseudonyme").fill("Camille")
    phone.get_by_label("Échelle territoriale").select_option(label="Commune")
    phone.get_by_role("group", name="Salle").get_by_role("radio", name="Salle 1").check()
    phone.get_by_role("button", name="Rejoindre la salle").click()
    phone.wait_for_url(f"**/e/{links['join_code']}")
    expect(phone.get_by_role("status").first).to_contain_text("Connecté")
    banner = phone.locator("[data-closed-banner]")
    expect(banner).to_be_hidden()

    organiser = pages.open(links["organiser_url"], viewport={"width": 1440, "height": 900})
    exports = organiser.get_by_role("region", name="Exports")
    expect(exports.get_by_role("link", name="Compte rendu à imprimer (HTML)")).to_be_visible()
    expect(organiser.get_by_role("status").first).to_contain_text("Connecté")
    organiser.on("dialog", lambda dialog: dialog.accept())
    exports.get_by_role("button", name="Clore le séminaire").click()
    expect(exports.get_by_role("button", name="Rouvrir le séminaire")).to_be_visible()
    expect(organiser.locator("[data-closed-banner]")).to_be_visible()
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Séminaire clos")
    expect(phone.get_by_role("button", name="Envoyer")).to_be_disabled()

    # A newcomer reads that the seminar is closed and is offered the grid instead.
    late = pages.context(**PHONE).new_page()  # unwatched
    late.goto(links["join_url"])
    expect(late.get_by_text("il n'est plus possible de le rejoindre")).to_be_visible()
    expect(late.get_by_role("button", name="Rejoindre la salle")).to_have_count(0)
    late.get_by_role("link", name="Ouvrir la grille d'auto-diagnostic").click()
    expect(late.get_by_role("heading", name="La grille n'est pas encore publiée")).to_be_visible()

    exports.get_by_role("button", name="Rouvrir le séminaire").click()
    expect(banner).to_be_hidden()
    expect(phone.get_by_role("button", name="Envoyer")).to_be_enabled()
    for watch in pages.watches:
        assert watch.problems == []
