"""In real Chromium, in French and in English: a facilitator curates the grille de lecture on a phone
from the day's cards (takes proposals, edits one, merges two, reorders) and publishes it; the
organiser's page shows it live, and the published grid is what the console built."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.browser import Pages, audit, shoot, socket, speaker
from tests.support.live import LiveServer, participant_token

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
LAPTOP = {"viewport": {"width": 1440, "height": 900}}
# Room 1's cards, then room 2's: a synthesis keeps one, a dot goes to another.
CARDS = [
    (0, "pourquoi", "Ne pas rester seul face aux enjeux"),
    (0, "pourquoi", "Partager les moyens d'ingénierie"),
    (0, "pourquoi", "Peser davantage auprès de la région"),
    (0, "comment", "Qui porte le projet ?"),
    (1, "pourquoi", "Ne pas rester seuls face aux enjeux"),
]
EDITED = "Que partageons-nous : moyens, ingénierie, données ?"


def a_day_of_cards(server: LiveServer, links: dict[str, Any]) -> dict[str, int]:
    """Post the day's cards from a phone in each room; room 1 keeps one in its synthesis. Return the ids by text."""
    phones = [
        socket(server.url, participant_token(server.url, links["join_code"], f"Phone {i + 1}", room["id"]))
        for i, room in enumerate(links["rooms"][:2])
    ]
    ids = {}
    for n, (room, column, text) in enumerate(CARDS):
        payload = {"client_id": f"grid-{n:03d}", "board": "four_questions", "column": column, "text": text}
        ack = phones[room].call("post_card", payload, timeout=10)
        assert ack["ok"], ack
        ids[text] = ack["card"]["id"]
    console = socket(server.url, links["rooms"][0]["facilitator_url"].rsplit("/", 1)[1])
    kept = [ids["Ne pas rester seul face aux enjeux"]]
    synthesis = {"room_id": links["rooms"][0]["id"], "board": "four_questions", "items": kept, "texts": {}}
    assert console.call("save_synthesis", synthesis, timeout=10)["ok"]
    for sio in (*phones, console):
        sio.disconnect()
    return ids


def texts_of(question: Any) -> list[str]:
    """Return the texts of a question's points, in order."""
    return [text.strip() for text in question.locator(".gridpoint__text").all_inner_texts()]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_facilitator_curates_the_grid_on_a_phone_and_publishes_it(
    pages: Pages, server: LiveServer, lang: str
) -> None:
    from playwright.sync_api import expect

    say = speaker(lang)
    ask = "" if lang == "fr" else "?lang=en"
    links = server.create_event(rooms=2)
    server.start()
    ids = a_day_of_cards(server, links)
    organiser_page = pages.open(links["organiser_url"] + ask, **LAPTOP)
    expect(organiser_page.get_by_role("region", name=say("Grille de lecture"))).to_contain_text(
        say("Grille pas encore publiée.")
    )
    # A participant's phone, joined before anything is published: no grid to apply yet.
    phone = pages.open(links["join_url"] + ask, **PHONE)
    phone.get_by_label(say("Pseudonyme")).fill("Camille")
    phone.get_by_label(say("Échelle territoriale")).select_option(label=say("Commune"))
    phone.get_by_role("group", name=say("Salle")).get_by_role("radio").first.check()
    phone.get_by_role("button", name=say("Rejoindre la salle")).click()
    phone.wait_for_url(f"**/e/{links['join_code']}**")
    apply_grid = phone.get_by_role("link", name=say("Appliquer la grille de lecture à ma situation"))
    expect(apply_grid).to_be_hidden()
    console = pages.open(links["rooms"][0]["facilitator_url"] + ask, **PHONE)
    panel = console.get_by_role("region", name=say("Grille de lecture"))
    why = panel.locator('[data-grid-question="pourquoi"]')
    how = panel.locator('[data-grid-question="comment"]')
    # Room 1's proposals only, the synthesised card first; room 2's card is not this console's.
    proposals = why.locator("[data-grid-proposal]")
    expect(proposals).to_have_count(3)
    expect(proposals.first).to_contain_text("Ne pas rester seul face aux enjeux")
    expect(proposals.first).to_contain_text(say("dans une synthèse"))
    expect(why).not_to_contain_text("Ne pas rester seuls face aux enjeux")

    # Take three proposals and write one point by hand.
    add = say("Ajouter")
    for text in ("Ne pas rester seul face aux enjeux", "Partager les moyens d'ingénierie"):
        why.get_by_role("button", name=f"{add} : {text}").click()
        expect(why.locator(".gridpoint__text", has_text=text)).to_be_visible()
    how.get_by_role("button", name=f"{add} : Qui porte le projet ?").click()
    how.get_by_label(say("Écrire un point")).fill("Qui finance, et pour combien de temps ?")
    how.get_by_role("button", name=add, exact=True).click()
    expect(how.locator(".gridpoint")).to_have_count(2)
    expect(why.locator("[data-grid-proposal]")).to_have_count(1)  # the cards taken are no longer proposed

    # Edit one inline.
    why.get_by_role("button", name=f"{say('Modifier')} : Partager les moyens d'ingénierie").click()
    editing = why.get_by_label(say("Texte du point"))
    editing.fill(EDITED)
    why.get_by_role("button", name=say("Enregistrer")).click()
    expect(why.locator(".gridpoint__text", has_text="Que partageons-nous")).to_be_visible()

    # Merge the two points of « Comment ? », joined.
    how.get_by_role("checkbox", name="Qui porte le projet ?").check()
    how.get_by_role("checkbox", name="Qui finance, et pour combien de temps ?").check()
    panel.get_by_role("button", name=say("Fusionner les deux points choisis")).click()
    merge = panel.locator("[data-grid-merge-form]")
    merge.get_by_role("button", name=say("Joindre les deux")).click()
    found = audit(console, "grid panel, merging, 390×844")
    expect(merge.get_by_label(say("Texte du point fusionné"))).to_have_value(
        "Qui porte le projet ? Qui finance, et pour combien de temps ?"
    )
    merge.get_by_role("button", name=say("Fusionner"), exact=True).click()
    expect(how.locator(".gridpoint")).to_have_count(1)
    expect(how.locator(".gridpoint__origin")).to_contain_text(say("{n} carte").replace("{n}", "1"))

    # Reorder: the edited point goes first.
    why.get_by_role("button", name=f"{say('Monter')} : {EDITED}").click()
    expect(why.locator(".gridpoint__text").first).to_have_text(EDITED)
    assert texts_of(why) == [EDITED, "Ne pas rester seul face aux enjeux"]

    assert console.evaluate("document.scrollingElement.scrollWidth <= innerWidth"), "the console is wider than a phone"
    panel.scroll_into_view_if_needed()
    shoot(console, "grid-panel")
    panel.get_by_role("button", name=say("Publier la grille")).click()
    published_on = say("Grille publiée le {moment}.").split("{")[0]
    expect(panel.locator("[data-grid-status]")).to_contain_text(published_on)

    # The phone offers the grid at once, and opens the points the facilitator published.
    expect(apply_grid).to_be_visible()
    apply_grid.click()
    expect(phone.get_by_text(EDITED)).to_be_visible()

    # The organiser's page follows live, and the published grid is the console's.
    organiser_panel = organiser_page.get_by_role("region", name=say("Grille de lecture"))
    expect(organiser_panel.locator("[data-grid-status]")).to_contain_text(published_on)
    organiser_why = organiser_panel.locator('[data-grid-question="pourquoi"]')
    expect(organiser_why.locator(".gridpoint__text")).to_have_text([EDITED, "Ne pas rester seul face aux enjeux"])
    # The organiser proposes from every room: room 2's card is there.
    expect(organiser_why.locator("[data-grid-proposal]")).to_contain_text(["Ne pas rester seuls face aux enjeux"])
    organiser_panel.scroll_into_view_if_needed()
    shoot(organiser_page, "grid-panel")
    found += audit(organiser_page, "grid panel, published, 1440×900")
    assert found == []
    reader = socket(server.url, links["organiser_url"].rsplit("/", 1)[1])
    published = reader.call("get_grid", {}, timeout=10)["published"]
    reader.disconnect()
    by_key = {q["key"]: q["points"] for q in published["questions"]}
    assert [q["key"] for q in published["questions"]] == ["pourquoi", "pour_quoi", "comment", "conditions"]
    assert [p["text"] for p in by_key["pourquoi"]] == [
        EDITED,
        "Ne pas rester seul face aux enjeux",
    ]
    assert by_key["pourquoi"][1]["cards"] == [ids["Ne pas rester seul face aux enjeux"]]
    assert by_key["comment"] == [
        {
            "id": by_key["comment"][0]["id"],
            "text": "Qui porte le projet ? Qui finance, et pour combien de temps ?",
            "cards": [ids["Qui porte le projet ?"]],
        }
    ]
