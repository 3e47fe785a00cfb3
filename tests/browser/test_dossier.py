"""In real Chromium: the après-séminaire dossier of a full day prints to A4 pages, none blank, in French and English."""

from __future__ import annotations

import struct
import zlib
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

from collab import create_app
from collab.addresses import event_addresses as links_of
from collab.domain import competences
from collab.domain.access import principal_for_participant
from collab.domain.events import create_event, event_links
from collab.domain.participants import join_event
from collab.store.database import db
from collab.store.models import Event
from collab.tokens import participant_token
from tests.support.browser import PageWatch
from tests.support.exports_day import seed_day
from tests.support.live import LiveServer

A4 = (595.0, 842.0)  # points
PARTS = {
    "fr": [
        "Synthèses des ateliers",
        "Hypothèses et verdicts",
        "Grille de lecture",
        "Annuaire des compétences",
        "Besoins sans réponse\u00a0: propositions pour la suite",
        "Participation",
    ],
    "en": [
        "The workshops' syntheses",
        "Hypotheses and verdicts",
        "Reading grid",
        "Directory of competences",
        "Unanswered needs: proposals for what comes next",
        "Participation",
    ],
}


def seed(live: LiveServer) -> dict[str, Any]:
    """Fill the live server's database with a full day, its grid published and a pair put in touch; return its links."""
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

        day = seed_day(event, join)
        ines = principal_for_participant(day["people"][2]["id"])
        competences.accept_match(ines, day["cards"]["offer"], day["cards"]["need"], "ines@exemple.fr")
        with db.transaction() as session:
            stored = session.get(Event, event.id)
            assert stored is not None
            stored.starts_on, stored.place = date(2015, 3, 19), "Lyon, Hôtel de Région"
            stored.grid = {
                "title": "Grille de lecture à l'usage des développeurs territoriaux",
                "questions": [
                    {
                        "key": key,
                        "label": label,
                        "hint": "",
                        "points": [
                            {"id": n, "text": f"{label} Question à se poser numéro {n}", "cards": []}
                            for n in range(1, 7)
                        ],
                    }
                    for key, label in (
                        ("pourquoi", "Pourquoi ?"),
                        ("pour_quoi", "Pour quoi ?"),
                        ("comment", "Comment ?"),
                        ("conditions", "Dans quelles conditions ?"),
                    )
                ],
            }
            stored.grid_published_at = datetime.now(UTC)
        links = links_of(event_links(secret, event.id))
    db.dispose()
    return dict(links)


def png(pixels: NDArray[np.uint8]) -> bytes:
    """Return an RGB image as PNG bytes (no imaging library here: the format's three chunks by hand)."""
    height, width, _ = pixels.shape
    rows = b"".join(b"\x00" + pixels[y].tobytes() for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 6)) + chunk(b"IEND", b"")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_dossier_prints_to_a4_pages_none_blank(
    chromium: Any, server: LiveServer, tmp_path: Path, lang: str
) -> None:
    import pypdfium2
    from playwright.sync_api import expect

    links = seed(server)
    server.start()
    out = tmp_path / "dossier"
    out.mkdir()
    context = chromium.new_context(viewport={"width": 1240, "height": 1754})
    page = context.new_page()
    watch = PageWatch(page, server.url)
    url = f"{links['organiser_url']}/export/dossier.html?lang={lang}"

    def shown(route: Any) -> None:
        # Served as the organiser downloads it, but shown instead of saved.
        response = route.fetch()
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-disposition"}
        route.fulfill(response=response, headers=headers)

    # The organiser finds both versions on the exports panel.
    page.goto(f"{links['organiser_url']}?lang={lang}")
    exports = page.get_by_role("region", name="Exports")
    names = {
        "fr": ("Dossier de l'après-séminaire, à imprimer", "Dossier de l'après-séminaire, modifiable (ODT)"),
        "en": ("After-seminar dossier, to print", "After-seminar dossier, editable (ODT)"),
    }[lang]
    for name in names:
        expect(exports.get_by_role("link", name=name)).to_be_visible()
    exports.scroll_into_view_if_needed()
    page.screenshot(path=str(out / f"organiser-{lang}.png"))
    page.route(url, shown)
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Coopérer dans et entre les territoires")
    contents = page.get_by_role("navigation")
    for number, title in enumerate(PARTS[lang], start=1):
        expect(contents.get_by_role("listitem").nth(number - 1)).to_have_text(title)
        expect(page.get_by_role("heading", level=2, name=f"{number} {title}")).to_be_visible()
    # The inline style applies (the CSP allows it by its hash).
    assert "Georgia" in page.evaluate("getComputedStyle(document.body).fontFamily")
    assert page.get_by_text("ines@exemple.fr").count() == 1 and page.get_by_text("camille@exemple.fr").count() == 1
    page.emulate_media(media="print")
    pdf_path = out / f"dossier-{lang}.pdf"
    page.pdf(path=str(pdf_path), format="A4", print_background=True)
    assert watch.problems == []
    context.close()

    pdf = pypdfium2.PdfDocument(str(pdf_path))
    # The title page, then each of the six parts from a new page.
    assert len(pdf) >= 7, len(pdf)
    for index in range(len(pdf)):
        sheet = pdf[index]
        width, height = sheet.get_size()
        assert abs(width - A4[0]) <= 1 and abs(height - A4[1]) <= 1, (index, width, height)
        pixels = sheet.render(scale=1.5).to_numpy()[:, :, 2::-1].copy()  # PDFium draws BGR(A)
        (out / f"dossier-{lang}-{index + 1}.png").write_bytes(png(pixels))
        # Ink above the footer's page number: the page has content of its own.
        body = pixels[: int(pixels.shape[0] * 0.9)]
        assert (body < 200).any(axis=2).sum() > 2000, f"page {index + 1} is blank"
    pdf.close()
