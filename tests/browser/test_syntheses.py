"""In real Chromium: a facilitator writes atelier 1's and atelier 2's syntheses from the console,
and the plenary screen presents them under their atelier's title, fitted to 1920×1080 and 1280×720."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tests.support.browser import Pages, socket
from tests.support.live import LiveServer, participant_token

LONG = (
    "Les intercommunalités coopèrent quand chacune y trouve son compte : un diagnostic partagé, "
    "des élus qui se parlent, une ingénierie mutualisée et un calendrier commun qui tient compte "
    "des contraintes de chacun, des financements croisés et des habitants associés dès le début. "
) * 6

# What must hold on the projector: every text inside the viewport, and any text taller than its
# lines shown with an ellipsis (a line clamp), never cut mid-line.
GEOMETRY = """() => {
  const problems = [];
  const view = { w: innerWidth, h: innerHeight };
  for (const node of document.querySelectorAll('[data-mode-view="syntheses"] :is(h2, h3, h4, p, li)')) {
    if (node.closest('[hidden]') || !node.getClientRects().length) continue;
    const box = node.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (box.right > view.w + 1 || box.bottom > view.h + 1 || box.left < -1 || box.top < -1)
      problems.push(`outside: ${node.className} ${node.textContent.slice(0, 30)}`);
    const style = getComputedStyle(node);
    const clamped = style.webkitLineClamp !== 'none' && style.webkitLineClamp !== '';
    if (node.scrollHeight > node.clientHeight + 2 && !clamped)
      problems.push(`cut: ${node.className} ${node.textContent.slice(0, 30)}`);
    const parent = node.parentElement.getBoundingClientRect();
    if (box.bottom > parent.bottom + 1 && getComputedStyle(node.parentElement).overflow === 'hidden')
      problems.push(`hidden part: ${node.className} ${node.textContent.slice(0, 30)}`);
  }
  return problems;
}"""


def the_ateliers_of_the_programme(organiser: Any) -> dict[str, int]:
    """Return the programme's ateliers, each phase's id by its activity, as the organiser reads them."""
    event = organiser.call("get_event", {}, timeout=10)
    programme = event["event"]["programme"] if "event" in event else event["programme"]
    return {phase["activity"]: phase["id"] for phase in programme if phase.get("activity")}


def a_phone_in_each_room_posts_five_long_cards(
    server: LiveServer, links: dict[str, Any]
) -> tuple[list[Any], dict[int, list[int]]]:
    """Join a phone to each room and post five cards of growing length; return the phones and the cards' ids."""
    phones = [
        socket(server.url, participant_token(server.url, links["join_code"], f"Participant {i + 1}", room["id"]))
        for i, room in enumerate(links["rooms"])
    ]
    cards: dict[int, list[int]] = {}
    for i, phone in enumerate(phones):
        cards[i] = []
        for n, column in enumerate(("pourquoi", "comment", "conditions", "pour_quoi", "comment")):
            text = f"Salle {i + 1}, idée {n + 1} : " + LONG[: 80 + 60 * n]
            payload = {"client_id": f"syn-{i}-{n:03d}", "board": "four_questions", "column": column, "text": text}
            ack = phone.call("post_card", payload, timeout=10)
            assert ack["ok"], ack
            cards[i].append(ack["card"]["id"])
    return phones, cards


def editor_of(console: Any) -> Any:
    """Return the console's synthesis panel."""
    return console.get_by_role("region", name="Synthèse de la salle")


def the_console_writes_atelier_1s_synthesis(console: Any, organiser: Any, atelier: dict[str, int]) -> None:
    """Atelier 1: the panel follows the room's phase, with the case study's columns."""
    from playwright.sync_api import expect

    editor = editor_of(console)
    assert organiser.call("set_phase", {"phase_id": atelier["case_study"]}, timeout=10)["ok"]
    expect(editor.get_by_label("Synthèse de l'atelier")).to_have_value("case_study")
    expect(editor.get_by_label("Pourquoi ?")).to_be_hidden()
    editor.get_by_label("Marges de manœuvre").fill("Le développeur territorial tient la plume du diagnostic.")
    editor.get_by_role("button", name="Publier la synthèse").click()
    expect(editor.get_by_role("status")).to_contain_text("Synthèse publiée")


def the_console_writes_atelier_2s_synthesis_with_a_card(console: Any, organiser: Any, atelier: dict[str, int]) -> None:
    """Atelier 2: the four questions' synthesis, with a card of that board; atelier 1's is kept."""
    from playwright.sync_api import expect

    editor = editor_of(console)
    assert organiser.call("set_phase", {"phase_id": atelier["four_questions"]}, timeout=10)["ok"]
    expect(editor.get_by_label("Synthèse de l'atelier")).to_have_value("four_questions")
    expect(editor.get_by_label("Marges de manœuvre")).to_be_hidden()
    console.get_by_role("article").filter(has_text="Salle 1, idée 1").get_by_role(
        "button", name="Ajouter à la synthèse"
    ).click()
    expect(editor.get_by_role("listitem")).to_have_count(1)
    editor.get_by_label("Pourquoi ?").fill("Parce que seuls, les territoires n'y arrivent pas.")
    editor.get_by_role("button", name="Publier la synthèse").click()
    expect(editor.get_by_role("status")).to_contain_text("Synthèse publiée")
    # Switching back to atelier 1's synthesis shows what was written there.
    editor.get_by_label("Synthèse de l'atelier").select_option("case_study")
    expect(editor.get_by_label("Marges de manœuvre")).to_have_value(
        "Le développeur territorial tient la plume du diagnostic."
    )


def the_remote_shows_each_ateliers_syntheses_on_the_screen(page: Any, screen: Any) -> None:
    """The organiser's remote picks the atelier; the screen shows it under the programme's title."""
    from playwright.sync_api import expect

    expect(page.get_by_role("status").first).to_contain_text("Connecté")
    remote = page.get_by_role("region", name="Écran de la plénière")
    atelier_choice = remote.get_by_label("Atelier", exact=True)
    expect(atelier_choice.locator("option")).to_have_text(
        [
            "Décrypter les situations de coopération (1 publiée)",
            "Quatre grandes questions (1 publiée)",
            "Nos compétences en partage (0 publiée)",
        ]
    )
    remote.locator('[data-screen-mode="syntheses"]').click()
    first = screen.get_by_role("region", name="Décrypter les situations de coopération")
    expect(first.get_by_role("article")).to_contain_text("Le développeur territorial tient la plume")
    expect(first.get_by_role("heading", name="Marges de manœuvre")).to_be_visible()
    expect(first.get_by_role("heading", name="Pourquoi ?")).to_have_count(0)
    # The clicker's next slide steps into the next atelier.
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("ArrowRight")
    second = screen.get_by_role("region", name="Quatre grandes questions")
    expect(second.get_by_role("article")).to_contain_text("Parce que seuls, les territoires n'y arrivent pas.")
    expect(second.get_by_role("article")).to_contain_text("Salle 1, idée 1")
    expect(atelier_choice).to_have_value("four_questions")
    page.keyboard.press("ArrowLeft")
    expect(first.get_by_role("article")).to_be_visible()
    atelier_choice.select_option("four_questions")
    expect(second.get_by_role("article")).to_be_visible()
    expect(remote).to_contain_text("L'écran montre les synthèses : Quatre grandes questions.")


def four_long_syntheses_fit_the_projector(
    server: LiveServer,
    links: dict[str, Any],
    cards: dict[int, list[int]],
    organiser: Any,
    page: Any,
    screen: Any,
    shots: Path,
) -> None:
    """Four rooms with long texts and many cards: fitted to the projector, clamped with an ellipsis."""
    from playwright.sync_api import expect

    texts = {"pourquoi": LONG, "pour_quoi": LONG[:900], "comment": LONG, "conditions": LONG[:400]}
    for i, room in enumerate(links["rooms"]):
        console_socket = socket(server.url, room["facilitator_url"].rsplit("/", 1)[1])
        synthesis = {"room_id": room["id"], "board": "four_questions"}
        saved = console_socket.call("save_synthesis", synthesis | {"items": cards[i], "texts": texts}, timeout=10)
        assert saved["ok"], saved
        assert console_socket.call("publish_synthesis", synthesis, timeout=10)["ok"]
        console_socket.disconnect()
    expect(screen.locator(".screen__synthesesroom")).to_have_count(4)
    atelier_choice = page.get_by_role("region", name="Écran de la plénière").get_by_label("Atelier", exact=True)
    expect(atelier_choice.locator("option").nth(1)).to_have_text("Quatre grandes questions (4 publiées)")
    second = screen.get_by_role("region", name="Quatre grandes questions")
    for width, height in ((1920, 1080), (1280, 720)):
        screen.set_viewport_size({"width": width, "height": height})
        for slide in (0, 3):
            screen_value = {"mode": "syntheses", "board": "four_questions", "slide": slide}
            assert organiser.call("set_screen", screen_value, timeout=10)["ok"]
            expect(second.get_by_role("heading", level=3)).to_have_text(f"Salle {slide + 1}")
            expect(screen.locator(".screen__synthesesroom[aria-current]")).to_have_text(f"Salle {slide + 1}")
            screen.wait_for_function("() => document.querySelector('.synthesis__text.clamped') !== null")
            assert screen.evaluate(GEOMETRY) == [], (width, height, slide)
            screen.screenshot(path=str(shots / f"syntheses-{width}x{height}-room{slide + 1}.png"))


def test_syntheses_of_two_ateliers_written_in_the_console_shown_by_atelier(
    pages: Pages, server: LiveServer, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    links = server.create_event(rooms=4)
    server.start()
    organiser = socket(server.url, links["organiser_url"].rsplit("/", 1)[1])
    atelier = the_ateliers_of_the_programme(organiser)
    phones, cards = a_phone_in_each_room_posts_five_long_cards(server, links)

    console = pages.open(links["rooms"][0]["facilitator_url"], viewport={"width": 1440, "height": 900})
    screen = pages.open(links["screen_url"], viewport={"width": 1920, "height": 1080})
    expect(console.get_by_role("status").first).to_contain_text("Connecté")
    the_console_writes_atelier_1s_synthesis(console, organiser, atelier)
    the_console_writes_atelier_2s_synthesis_with_a_card(console, organiser, atelier)
    if os.environ.get("COLLAB_SYNTHESES_SHOTS"):
        editor_of(console).screenshot(path=str(Path(os.environ["COLLAB_SYNTHESES_SHOTS"]) / "syntheses-console.png"))

    page = pages.open(links["organiser_url"], context=console.context)
    the_remote_shows_each_ateliers_syntheses_on_the_screen(page, screen)
    shots = Path(os.environ.get("COLLAB_SYNTHESES_SHOTS", tmp_path))
    four_long_syntheses_fit_the_projector(server, links, cards, organiser, page, screen, shots)

    for sio in (organiser, *phones):
        sio.disconnect()
    for watch in pages.watches:
        assert watch.problems == []
