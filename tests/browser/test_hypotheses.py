"""In real Chromium: the organiser puts a hypothesis to the vote, two phones vote, the plenary concludes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tests.support.browser import PHONE, UNNAMED_CONTROLS, Pages
from tests.support.live import LiveServer

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
    expect(item.get_by_text("2 votes")).to_be_visible()
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
