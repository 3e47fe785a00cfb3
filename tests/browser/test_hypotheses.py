"""In real Chromium: the organiser puts a hypothesis to the vote, two phones vote, the plenary concludes."""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import PHONE, UNNAMED_CONTROLS, Pages, shoot, socket
from tests.support.live import LiveServer, participant_token
from tests.support.plenary import looks_right

CARD = "Une légumerie partagée entre trois communautés de communes"
HYPOTHESIS = "La mutualisation passe d'abord par la confiance entre élus"
CONCLUSION = "À nuancer : la confiance se construit projet par projet."


def bao_writes_a_card_of_the_morning(bao: Any) -> None:
    """A card of the morning, to cite as evidence (no phase set yet: the phones show the board)."""
    from playwright.sync_api import expect

    bao.get_by_label("Votre carte").fill(CARD)
    bao.get_by_label("Colonne").select_option(label="Comment ?")
    bao.get_by_role("button", name="Envoyer").click()
    expect(bao.get_by_role("article").filter(has_text=CARD)).to_be_visible()


def panel_of(organiser: Any) -> Any:
    """Return the organiser's hypotheses panel."""
    return organiser.get_by_role("region", name="Hypothèses")


def the_organiser_moves_the_day_to_the_plenary(organiser: Any, alix: Any) -> None:
    """The template's drafts are listed; the organiser moves the day to the plenary, the phones follow."""
    from playwright.sync_api import expect

    panel = panel_of(organiser)
    expect(panel.get_by_role("listitem").filter(has_text="Brouillon")).to_have_count(4)  # the template's drafts
    organiser.get_by_role("row").filter(has_text="Mise en commun et mise en perspective").get_by_role(
        "button", name="Aller à cette phase"
    ).click()
    expect(alix.get_by_role("heading", name="Mise en commun et mise en perspective")).to_be_visible()


def the_organiser_writes_a_hypothesis_citing_baos_card(organiser: Any, alix: Any) -> Any:
    """A new hypothesis citing Bao's card, picked from a searchable list; return its item in the panel."""
    from playwright.sync_api import expect

    panel = panel_of(organiser)
    panel.get_by_role("button", name="Ajouter une hypothèse").click()
    panel.get_by_label("Hypothèse", exact=True).fill(HYPOTHESIS)
    panel.get_by_label("Chercher une carte").fill("légumerie")
    panel.get_by_role("checkbox", name=CARD).check()
    expect(panel.get_by_text("1 carte citée sur 20 au plus")).to_be_visible()
    assert organiser.evaluate(UNNAMED_CONTROLS) == [], "organiser, form open"
    panel.get_by_role("button", name="Enregistrer l'hypothèse").click()
    item = panel.get_by_role("listitem").filter(has_text=HYPOTHESIS)
    expect(item).to_have_count(1)
    expect(item.get_by_role("list", name="Cartes citées")).to_contain_text(CARD)
    expect(alix.get_by_text(HYPOTHESIS)).to_have_count(0)  # a draft: phones do not see it
    return item


def the_vote_opens_on_both_phones(item: Any, alix: Any, bao: Any) -> None:
    """Put to the vote: both phones show it on the plenary's waiting screen, with three buttons."""
    from playwright.sync_api import expect

    item.get_by_role("button", name="Ouvrir le vote").click()
    expect(item.get_by_text("Vote ouvert")).to_be_visible()
    for phone in (alix, bao):
        expect(phone.get_by_role("heading", name=HYPOTHESIS)).to_be_visible()
        expect(phone.get_by_role("button", name="Validée")).to_have_attribute("aria-pressed", "false")
    expect(bao.get_by_text("La carte citée")).to_be_visible()
    assert alix.evaluate(UNNAMED_CONTROLS) == [], "phone, vote open"


def both_phones_vote_and_bao_changes_their_mind(item: Any, alix: Any, bao: Any) -> None:
    """Alix and Bao vote, the console counts live; Bao changes their mind while the vote is open."""
    from playwright.sync_api import expect

    alix.get_by_role("button", name="Validée").click()
    expect(alix.get_by_role("status").filter(has_text="Vote enregistré : Validée")).to_be_visible()
    expect(alix.get_by_role("button", name="Validée")).to_have_attribute("aria-pressed", "true")
    bao.get_by_label("Pourquoi ? (facultatif)").fill("Pas sans un projet commun")
    bao.get_by_role("button", name="Infirmée").click()
    expect(item.locator('[data-verdict="infirmee"]')).to_contain_text("1 · 50 %")
    expect(item.locator('[data-verdict="validee"]')).to_contain_text("1 · 50 %")
    expect(item.get_by_text("Pas sans un projet commun")).to_be_visible()
    # Bao changes their mind while the vote is open: still two votes.
    bao.get_by_role("button", name="À nuancer").click()
    expect(bao.get_by_role("button", name="À nuancer")).to_have_attribute("aria-pressed", "true")
    expect(bao.get_by_role("button", name="Infirmée")).to_have_attribute("aria-pressed", "false")
    expect(item.locator('[data-verdict="a_nuancer"]')).to_contain_text("1 · 50 %")
    expect(item.locator('[data-verdict="infirmee"]')).to_contain_text("0 · 0 %")
    expect(item.locator(".hyp-results__total")).to_have_text("2 votes")
    expect(item.locator(".hyp-scale__total")).to_have_text("2 votes")  # both joined as Intercommunalité
    assert alix.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scroll
    if os.environ.get("COLLAB_HYPOTHESES_SHOTS"):
        target = Path(os.environ["COLLAB_HYPOTHESES_SHOTS"])
        bao.screenshot(path=str(target / "hypotheses-phone-vote.png"), full_page=True)


def closed_the_phones_show_the_bars_and_their_own_vote(item: Any, alix: Any, bao: Any) -> None:
    """Closed: the buttons go, the phones show the bars and their own vote."""
    from playwright.sync_api import expect

    item.get_by_role("button", name="Clore le vote").click()
    expect(item.get_by_text("Vote clos")).to_be_visible()
    for phone, mine in ((alix, "Validée"), (bao, "À nuancer")):
        expect(phone.get_by_role("button", name="Validée")).to_have_count(0)
        results = phone.get_by_role("article").filter(has_text=HYPOTHESIS)
        expect(results.locator('[data-verdict="validee"]')).to_contain_text("1 · 50 %")
        expect(results.get_by_text(f"Votre vote : {mine}")).to_be_visible()


def the_plenarys_conclusion_reaches_the_phones(organiser: Any, item: Any, alix: Any, bao: Any) -> None:
    """The plenary's conclusion, recorded by the organiser, reaches the phones."""
    from playwright.sync_api import expect

    item.get_by_label("Conclusion de la plénière").fill(CONCLUSION)
    item.get_by_role("button", name="Enregistrer la conclusion").click()
    expect(panel_of(organiser).get_by_text("Conclusion enregistrée.")).to_be_visible()
    for phone in (alix, bao):
        expect(phone.get_by_role("article").filter(has_text=HYPOTHESIS).get_by_text(CONCLUSION)).to_be_visible()


def test_a_hypothesis_is_put_to_the_vote_and_concluded(pages: Pages, server: LiveServer) -> None:
    links = server.create_event(rooms=2)
    server.start()
    alix = pages.join(links, "Alix", "Salle 1", **PHONE)
    bao = pages.join(links, "Bao", "Salle 2", **PHONE)
    bao_writes_a_card_of_the_morning(bao)
    organiser = pages.open(links["organiser_url"], viewport={"width": 1440, "height": 900})
    the_organiser_moves_the_day_to_the_plenary(organiser, alix)
    item = the_organiser_writes_a_hypothesis_citing_baos_card(organiser, alix)
    the_vote_opens_on_both_phones(item, alix, bao)
    both_phones_vote_and_bao_changes_their_mind(item, alix, bao)
    closed_the_phones_show_the_bars_and_their_own_vote(item, alix, bao)
    the_plenarys_conclusion_reaches_the_phones(organiser, item, alix, bao)
    assert alix.evaluate(UNNAMED_CONTROLS) == [], "phone, results"
    assert organiser.evaluate(UNNAMED_CONTROLS) == [], "organiser"

    if os.environ.get("COLLAB_HYPOTHESES_SHOTS"):
        target = Path(os.environ["COLLAB_HYPOTHESES_SHOTS"])
        alix.screenshot(path=str(target / "hypotheses-phone-results.png"), full_page=True)
        panel_of(organiser).screenshot(path=str(target / "hypotheses-console.png"))
    for watch in pages.watches:
        assert watch.problems == []


# 150 voters in five territorial scales, and how each scale splits between validée, infirmée and à nuancer.
SPLIT = {
    "commune": (30, 8, 12),
    "intercommunalite": (14, 20, 6),
    "departement": (6, 10, 4),
    "region": (10, 2, 8),
    "etat": (3, 12, 5),
}
VERDICT_KEYS = ("validee", "infirmee", "a_nuancer")
NEAR = "Mutualiser l'ingénierie entre collectivités voisines"
ALSO_NEAR = "Peu d'ingénierie dans les petites communes"
FAR = "Un goûter à la fin de la journée"
WORDS = {
    "fr": {
        "accept": "Accepter",
        "dismiss": "Écarter",
        "cited": "Cartes citées",
        "accepted": "Preuve acceptée",
        "edit": "Modifier",
        "suggested": "suggérée",
    },
    "en": {
        "accept": "Accept",
        "dismiss": "Dismiss",
        "cited": "Cards cited",
        "accepted": "Evidence accepted",
        "edit": "Edit",
        "suggested": "suggested",
    },
}


def votes_text(n: int) -> str:
    """Return "50 votes" (the same in French and English)."""
    return f"{n} vote" if n == 1 else f"{n} votes"


def cards_of_the_day(server: LiveServer, links: dict[str, Any]) -> Any:
    """Post three cards from a phone: two near the template's first hypothesis, one far from it."""
    phone = socket(server.url, participant_token(server.url, links["join_code"], "Dana", links["rooms"][1]["id"]))
    for n, text in enumerate((NEAR, ALSO_NEAR, FAR)):
        card = {"client_id": f"evidence-card-{n:04d}", "board": "four_questions", "column": "comment", "text": text}
        assert phone.call("post_card", card, timeout=10)["ok"]
    return phone


def a_hundred_and_fifty_vote(server: LiveServer, links: dict[str, Any], hypothesis_id: int) -> list[Any]:
    """Join 150 people through the join form in five scales; each votes as SPLIT says. Return their sockets."""
    people = [
        (scale, verdict)
        for scale, counts in SPLIT.items()
        for verdict, count in zip(VERDICT_KEYS, counts, strict=True)
        for _ in range(count)
    ]
    rooms = [room["id"] for room in links["rooms"]]

    def vote(n: int) -> Any:
        scale, verdict = people[n]
        token = participant_token(server.url, links["join_code"], f"Votant {n}", rooms[n % len(rooms)], scale)
        phone = socket(server.url, token)
        ack = phone.call("vote_hypothesis", {"hypothesis_id": hypothesis_id, "verdict": verdict}, timeout=20)
        assert ack["ok"], ack
        return phone

    with ThreadPoolExecutor(max_workers=6) as pool:
        return list(pool.map(vote, range(len(people))))


def the_bars_by_scale_read(where: Any, counts: dict[str, tuple[int, int, int]]) -> None:
    """Each scale's bar shows its counts, in the event's order of scales, with its total."""
    from playwright.sync_api import expect

    rows = where.locator(".hyp-scale")
    expect(rows).to_have_count(len(counts))
    for index, (scale, split) in enumerate(counts.items()):
        row = rows.nth(index)
        expect(row).to_have_attribute("data-scale", scale)
        expect(row.locator(".hyp-scale__total")).to_have_text(votes_text(sum(split)))
        for verdict, count in zip(VERDICT_KEYS, split, strict=True):
            expect(row.locator(f'[data-part="{verdict}"]')).to_have_attribute("data-count", str(count))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_verdicts_by_scale_and_a_suggested_card_reach_the_screen(pages: Pages, server: LiveServer, lang: str) -> None:
    from playwright.sync_api import expect

    words = WORDS[lang]
    links = server.create_event(rooms=2)
    server.start()
    dana = cards_of_the_day(server, links)
    organiser_socket = socket(server.url, links["organiser_url"].rsplit("/", 1)[1])
    first = organiser_socket.call("get_hypotheses", {}, timeout=10)["hypotheses"][0]
    # Opening the vote takes the screen to it (the screen follows votes by default).
    assert organiser_socket.call("open_hypothesis", {"hypothesis_id": first["id"]}, timeout=10)["ok"]
    screen = pages.open(f"{links['screen_url']}?lang={lang}", viewport={"width": 1920, "height": 1080})
    organiser = pages.open(f"{links['organiser_url']}?lang={lang}", viewport={"width": 1440, "height": 900})
    expect(screen.locator("body")).to_have_attribute("data-mode", "hypothesis")
    phones = a_hundred_and_fifty_vote(server, links, first["id"])

    # The screen and the console count the 150 votes live, in all and by scale.
    expect(screen.locator(".hyp-results__total")).to_have_text(votes_text(150))
    the_bars_by_scale_read(screen, SPLIT)
    item = organiser.locator("[data-hypotheses-panel] .hyplist__item").filter(has_text=first["text"])
    expect(item.locator(".hyp-results__total")).to_have_text(votes_text(150))
    the_bars_by_scale_read(item, SPLIT)
    # A commune's vote changes from validée to infirmée: it moves from one bar to the other.
    changed = {"hypothesis_id": first["id"], "verdict": "infirmee"}
    assert phones[0].call("vote_hypothesis", changed, timeout=10)["ok"]
    moved = SPLIT | {"commune": (29, 9, 12)}
    the_bars_by_scale_read(screen, moved)
    the_bars_by_scale_read(item, moved)
    looks_right(screen, "hypothesis by scale")
    shoot(screen, "screen-hypothesis-scales")

    # Collab suggests the two near cards, not the far one; the organiser accepts one, dismisses the other.
    suggested = item.locator("[data-suggestions] li")
    expect(suggested.filter(has_text=NEAR)).to_have_count(1)
    expect(suggested.filter(has_text=ALSO_NEAR)).to_have_count(1)
    expect(suggested.filter(has_text=FAR)).to_have_count(0)
    expect(screen.locator(".hyp-cited")).to_have_count(0)
    if os.environ.get("COLLAB_HYPOTHESES_SHOTS"):
        item.screenshot(path=str(Path(os.environ["COLLAB_HYPOTHESES_SHOTS"]) / f"hypothesis-suggested-{lang}.png"))
    # The manual picker keeps every card, the suggested ones first, marked.
    item.get_by_role("button", name=words["edit"]).click()
    choices = organiser.locator("[data-evidence-choices] .evidence__choice")
    expect(choices).to_have_count(3)
    expect(choices.nth(0)).to_contain_text(NEAR)
    expect(choices.nth(0).locator(".evidence__suggested")).to_have_text(words["suggested"])
    expect(choices.nth(2)).to_contain_text(FAR)
    expect(choices.nth(2).locator(".evidence__suggested")).to_have_count(0)
    organiser.locator("[data-hypothesis-cancel]").click()
    suggested.filter(has_text=NEAR).get_by_role("button", name=words["accept"]).click()
    expect(organiser.locator("[data-hypotheses-message]")).to_contain_text(words["accepted"])
    item = organiser.locator("[data-hypotheses-panel] .hyplist__item").filter(has_text=first["text"])
    expect(item.get_by_role("list", name=words["cited"])).to_contain_text(NEAR)
    expect(item.locator("[data-suggestions] li").filter(has_text=NEAR)).to_have_count(0)
    expect(screen.locator(".hyp-cited__card")).to_have_text(re.compile(re.escape(NEAR)))
    item.locator("[data-suggestions] li").filter(has_text=ALSO_NEAR).get_by_role(
        "button", name=words["dismiss"]
    ).click()
    expect(item.locator("[data-suggestions] li").filter(has_text=ALSO_NEAR)).to_have_count(0)
    expect(screen.locator(".hyp-cited__card")).to_have_count(1)  # a dismissed card is not evidence
    assert organiser.evaluate(UNNAMED_CONTROLS) == [], "organiser, suggestions"
    looks_right(screen, "hypothesis with its evidence")
    shoot(screen, "screen-hypothesis-evidence")
    if os.environ.get("COLLAB_HYPOTHESES_SHOTS"):
        item.screenshot(path=str(Path(os.environ["COLLAB_HYPOTHESES_SHOTS"]) / f"hypothesis-console-{lang}.png"))
    for phone in (*phones, dana, organiser_socket):
        phone.disconnect()
    for watch in pages.watches:
        assert watch.problems == []
