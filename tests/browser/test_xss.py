"""In real Chromium against a real server: user text carrying the usual XSS payloads stays text everywhere.

Pseudonyms, cards, situation titles and protagonists, syntheses, hypotheses and their reasons,
competence keywords: on the phone, the facilitator's console, the organiser's page, the plenary
screen in each of its modes, and in the exports. A payload that ran would set `window.__xss` or
open a dialog; one that became markup would leave an element behind.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import requests

from tests.support.browser import PageWatch, socket
from tests.support.live import LiveServer, participant_token

PAYLOADS = [
    "<img src=x onerror=window.__xss=1>",
    "<svg onload=window.__xss=2>",
    "javascript:window.__xss=3",
    '"><script>window.__xss=4</script>',
    "\u202eexe.sfc\u202c droite",
]
# Elements or attributes a payload would leave behind if it became markup.
INJECTED = (
    "img[src='x'], svg[onload], [onerror], [onload], a[href^='javascript:'], "
    "script:not([src]):not([type='application/json'])"
)


def seed(live: LiveServer, links: dict[str, Any]) -> dict[str, Any]:
    """Write every kind of user text with the payloads; return the phone's token and a few ids."""
    room = links["rooms"][0]
    tokens = [participant_token(live.url, links["join_code"], payload, room["id"]) for payload in PAYLOADS]
    phones = [socket(live.url, token) for token in tokens]
    organiser = socket(live.url, links["organiser_url"].rsplit("/", 1)[1])
    facilitator = socket(live.url, room["facilitator_url"].rsplit("/", 1)[1])

    situation = {"situation_id": None, "title": PAYLOADS[0] + " " + PAYLOADS[3], "protagonists": PAYLOADS}
    saved = organiser.call("save_situation", situation, timeout=10)
    assert saved["ok"], saved
    situation_id = saved["situation"]["id"]
    assert facilitator.call("set_room_situation", {"room_id": room["id"], "situation_id": situation_id})["ok"]
    for phone, payload in zip(phones, PAYLOADS, strict=True):
        assert phone.call("take_role", {"role": payload}, timeout=10)["ok"]

    card_ids = []
    for n, (phone, payload) in enumerate(zip(phones, PAYLOADS, strict=True)):
        card = {"client_id": f"xss-card-{n:04d}", "board": "four_questions", "column": "pourquoi", "text": payload}
        ack = phone.call("post_card", card, timeout=10)
        assert ack["ok"], ack
        card_ids.append(ack["card"]["id"])
        skill = {"type": "methodes", "scope": "individuel", "keywords": [payload[:80]]}
        offer = {"client_id": f"xss-offer-{n:04d}", "board": "competences", "column": "offre", "text": payload}
        ack = phone.call("post_card", offer | {"skill": skill}, timeout=10)
        assert ack["ok"], ack
    formula = {"client_id": "xss-formula-1", "board": "four_questions", "column": "comment", "text": "=1+1"}
    assert phones[0].call("post_card", formula, timeout=10)["ok"]

    texts = {"pourquoi": " ".join(PAYLOADS), "comment": PAYLOADS[3]}
    synthesis = {"room_id": room["id"], "board": "four_questions", "items": card_ids, "texts": texts}
    assert facilitator.call("save_synthesis", synthesis, timeout=10)["ok"]
    published = {"room_id": room["id"], "board": "four_questions"}
    assert facilitator.call("publish_synthesis", published, timeout=10)["ok"]

    hypothesis = organiser.call("save_hypothesis", {"text": " ".join(PAYLOADS), "evidence": card_ids[:2]})
    assert hypothesis["ok"], hypothesis
    hypothesis_id = hypothesis["hypothesis"]["id"]
    assert organiser.call("open_hypothesis", {"hypothesis_id": hypothesis_id}, timeout=10)["ok"]
    for phone, payload in zip(phones, PAYLOADS, strict=True):
        vote = {"hypothesis_id": hypothesis_id, "verdict": "a_nuancer", "reason": payload}
        assert phone.call("vote_hypothesis", vote, timeout=10)["ok"]
    for client in (*phones, facilitator):
        client.disconnect()
    return {"organiser": organiser, "room_id": room["id"], "hypothesis_id": hypothesis_id}


class Guard:
    """Watches a page for a payload that ran: dialogs, console errors (CSP reports included), CSP headers."""

    def __init__(self, page: Any, origin: str) -> None:
        self.page = page
        self.dialogs: list[str] = []
        self.watch = PageWatch(page, origin)
        self.policies: list[tuple[str, str]] = []

        def dialog(dialog: Any) -> None:
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        def response(response: Any) -> None:
            if response.request.resource_type == "document" and response.url.startswith("http"):
                self.policies.append((response.url, response.headers.get("content-security-policy", "")))

        page.on("dialog", dialog)
        page.on("response", response)

    def check(self, where: str, shown: list[str]) -> None:
        """Assert nothing ran or was injected, and each of `shown` is on the page as literal text."""
        page = self.page
        assert page.evaluate("typeof window.__xss") == "undefined", where
        assert page.locator(INJECTED).count() == 0, where
        text = page.evaluate("document.body.innerText")
        for payload in shown:
            assert payload in text, f"{where}: {payload!r} is not shown as text"
        assert self.dialogs == [], where
        assert self.watch.problems == [], (where, self.watch.problems)
        for url, policy in self.policies:
            assert policy and "unsafe-inline" not in policy and "script-src 'self'" in policy, (url, policy)


def test_payloads_stay_text_on_every_page_the_screen_modes_and_the_exports(
    chromium: Any,
    server: LiveServer,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    links = server.create_event(rooms=2)
    server.start()
    seeded = seed(server, links)
    organiser_socket = seeded["organiser"]
    phases = {p["title"]: p["id"] for p in organiser_socket.call("get_event", {}, timeout=10)["programme"]}

    def open_page(url: str, **context: Any) -> Guard:
        page = chromium.new_context(**context).new_page()
        guard = Guard(page, server.url)
        page.goto(url)
        return guard

    # The phone of the participant whose pseudonym is the first payload: the four questions, then
    # the case study (situation title, protagonists), then the competences board.
    phone = open_page(links["join_url"], viewport={"width": 390, "height": 844}, is_mobile=True)
    phone.page.get_by_label("Pseudonyme").fill("Témoin")
    phone.page.get_by_label("Échelle territoriale").select_option(label="Intercommunalité")
    phone.page.get_by_role("group", name="Salle").get_by_role("radio", name="Salle 1").check()
    phone.page.get_by_role("button", name="Rejoindre la salle").click()
    expect(phone.page.get_by_role("status").first).to_contain_text("Connecté")
    assert organiser_socket.call("set_phase", {"phase_id": phases["Quatre grandes questions"]})["ok"]
    expect(phone.page.get_by_text(PAYLOADS[0]).filter(visible=True).first).to_be_visible()
    phone.check("phone, four questions", PAYLOADS)
    assert organiser_socket.call("set_phase", {"phase_id": phases["Décrypter les situations de coopération"]})["ok"]
    expect(phone.page.get_by_text(PAYLOADS[3]).filter(visible=True).first).to_be_visible()
    phone.check("phone, case study", [PAYLOADS[0] + " " + PAYLOADS[3]])
    assert organiser_socket.call("set_phase", {"phase_id": phases["Nos compétences en partage"]})["ok"]
    phone.page.wait_for_timeout(500)
    phone.check("phone, competences", [])
    assert organiser_socket.call("set_phase", {"phase_id": phases["Quatre grandes questions"]})["ok"]

    console = open_page(links["rooms"][0]["facilitator_url"], viewport={"width": 1440, "height": 900})
    expect(console.page.get_by_role("status").first).to_contain_text("Connecté")
    expect(console.page.get_by_text(PAYLOADS[1]).filter(visible=True).first).to_be_visible()
    console.check("facilitator console", PAYLOADS)

    organiser = open_page(links["organiser_url"], viewport={"width": 1440, "height": 900})
    expect(organiser.page.get_by_role("status").first).to_contain_text("Connecté")
    expect(organiser.page.get_by_text(" ".join(PAYLOADS)).filter(visible=True).first).to_be_visible()
    organiser.check("organiser page", [" ".join(PAYLOADS)])

    screen = open_page(links["screen_url"], viewport={"width": 1920, "height": 1080})
    modes = [
        ({"mode": "rooms"}, [PAYLOADS[0], PAYLOADS[3], PAYLOADS[4]]),  # three cards a column, then "+ 2"
        ({"mode": "room", "room_id": seeded["room_id"]}, PAYLOADS),
        ({"mode": "combined", "board": "four_questions"}, PAYLOADS),
        ({"mode": "wordcloud", "board": None}, []),
        ({"mode": "syntheses", "slide": 0}, [PAYLOADS[3]]),
        ({"mode": "hypothesis", "hypothesis_id": seeded["hypothesis_id"]}, [" ".join(PAYLOADS)]),
        ({"mode": "competences"}, []),
        ({"mode": "welcome"}, []),
    ]
    for values, shown in modes:
        assert organiser_socket.call("set_screen", values, timeout=10)["ok"], values
        expect(screen.page.locator("body")).to_have_attribute("data-mode", values["mode"])
        for payload in shown:
            expect(screen.page.get_by_text(payload).filter(visible=True).first).to_be_visible()
        screen.page.wait_for_timeout(300)
        screen.check(f"screen, {values['mode']}", shown)
    organiser.check("organiser page after the screen's modes", [])

    # The exports: the HTML report opened in Chromium as the file people keep; Markdown and CSV as text.
    token = links["organiser_url"].rsplit("/", 1)[1]
    for name in ("report.html", "report-organiser.html"):
        response = requests.get(f"{server.url}/o/{token}/export/{name}", timeout=30)
        assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
        kept = tmp_path / name
        kept.write_bytes(response.content)
        report = open_page(kept.as_uri())
        report.watch.problems.clear()  # a file: page has no server to stay on
        report.check(f"export {name}", [PAYLOADS[0], PAYLOADS[3]])
    markdown = requests.get(f"{server.url}/o/{token}/export/report.md", timeout=30).text
    assert re.search(r"(?<!\\)[<>]", markdown) is None, "an unescaped < or > in the Markdown report"
    assert "\\<img src=x onerror=window.\\_\\_xss=1\\>" in markdown
    table = requests.get(f"{server.url}/o/{token}/export/cards.csv", timeout=30).text
    assert PAYLOADS[0] in table and "'=1+1" in table
    organiser_socket.disconnect()
