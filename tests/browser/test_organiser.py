"""In real Chromium: the organiser's console sees every room, revokes a link, and the link's console loses access."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.browser import UNNAMED_CONTROLS, Pages, PageWatch
from tests.support.live import LiveServer


def test_the_organiser_revokes_a_facilitator_link_and_sees_every_room(
    pages: Pages, server: LiveServer, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    links = server.create_event(rooms=2)
    server.start()
    organiser = pages.open(links["organiser_url"], viewport={"width": 1440, "height": 900})
    facilitator = pages.open(links["rooms"][0]["facilitator_url"], viewport={"width": 1280, "height": 800})
    expect(organiser.get_by_role("status").first).to_contain_text("Connecté")
    expect(facilitator.get_by_role("status").first).to_contain_text("Connecté")

    # A phone joins Salle 2: the overview counts it.
    phone = pages.open(links["join_url"], viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone.get_by_label("Pseudonyme").fill("Camille")
    phone.get_by_label("Échelle territoriale").select_option(label="Intercommunalité")
    phone.get_by_role("radio", name="Salle 2").check()
    phone.get_by_role("button", name="Rejoindre la salle").click()
    phone.wait_for_url(f"**/e/{links['join_code']}")
    overview = organiser.get_by_role("region", name="Les salles en un coup d'œil")
    room_2 = overview.get_by_role("row").filter(has=organiser.get_by_role("rowheader", name="Salle 2"))
    expect(room_2.get_by_role("cell").nth(0)).to_have_text("1")
    expect(room_2.get_by_role("cell").nth(4)).to_have_text("Ouverte")

    # A card posted in Salle 2 shows in the figures, after the debounced refresh.
    phone.get_by_label("Votre carte").fill("Partager l'ingénierie")
    phone.get_by_label("Colonne").select_option(label="Pourquoi ?")
    phone.get_by_role("button", name="Envoyer").click()
    expect(room_2.get_by_role("cell").nth(1)).to_have_text("1")

    # The organiser revokes Salle 1's facilitator link, after a confirmation.
    panel = organiser.get_by_role("region", name="Liens secrets")
    row = panel.get_by_role("row").filter(has=organiser.get_by_role("rowheader", name="Animation · Salle 1"))
    assert organiser.evaluate(UNNAMED_CONTROLS) == []
    row.get_by_role("button", name="Révoquer").click()
    expect(facilitator.get_by_role("status").first).to_contain_text("Connecté")  # not yet: it asks first
    row.get_by_role("button", name="Confirmer la révocation").click()
    expect(panel.get_by_role("status")).to_contain_text("Lien révoqué : Animation · Salle 1")
    # The room keeps its row, without a link: a new one can be made for it alone.
    expect(row.get_by_role("link")).to_have_count(0)
    expect(row.get_by_role("button", name="Créer un lien d'animation pour cette salle")).to_be_visible()

    # The facilitator's open console loses access at once, and its page is gone.
    expect(facilitator.get_by_role("status").first).to_contain_text("Accès refusé", timeout=10000)
    expect(facilitator.get_by_role("alert")).to_contain_text("n'est plus valable")
    assert facilitator.goto(links["rooms"][0]["facilitator_url"]).status == 404

    # The moderation log shows the revocation.
    log = organiser.get_by_role("region", name="Journal de modération", exact=True)
    expect(log.get_by_role("row").filter(has_text="Lien révoqué")).to_have_count(1)

    # A facilitator link for every room, then Salle 2's link regenerated: both work.
    organiser.get_by_role("button", name="Créer un lien d'animation pour toutes les salles").click()
    expect(panel.get_by_role("rowheader", name="Animation · toutes les salles")).to_have_count(1)
    row_2 = panel.get_by_role("row").filter(has=organiser.get_by_role("rowheader", name="Animation · Salle 2"))
    old_url = row_2.get_by_role("link").get_attribute("href")
    row_2.get_by_role("button", name="Régénérer").click()
    row_2.get_by_role("button", name="Confirmer le remplacement").click()
    expect(row_2.get_by_role("link")).not_to_have_attribute("href", old_url or "")
    new_url = row_2.get_by_role("link").get_attribute("href")
    assert new_url and new_url != old_url
    fresh = pages.open(new_url, context=facilitator.context)
    expect(fresh.get_by_role("status").first).to_contain_text("Connecté")
    assert organiser.get_by_role("link", name="Salle 2", exact=True).get_attribute("href") == new_url

    # The organiser regenerates their own link: the page moves to the new one and stays connected.
    own = panel.get_by_role("row").filter(has=organiser.get_by_role("rowheader", name="Organisation (votre lien)"))
    expect(own.get_by_role("button", name="Révoquer")).to_have_count(0)
    own.get_by_role("button", name="Régénérer").click()
    own.get_by_role("button", name="Confirmer le remplacement").click()
    organiser.wait_for_url(lambda url: url != links["organiser_url"] and "/o/" in url)
    expect(organiser.get_by_role("status").first).to_contain_text("Connecté")
    expect(organiser.get_by_role("rowheader", name="Organisation (votre lien)")).to_have_count(1)
    assert organiser.goto(links["organiser_url"]).status == 404

    # The revoked page was cut off mid-transport, and the organiser's page left its old link's
    # socket: Engine.IO may answer a last long-polling request 400 (a session that ended);
    # that, and the 404s, are what revoking means.
    cut_off = ("404", "status of 400")
    expected = {"organiser": cut_off, "facilitator": cut_off, "phone": (), "fresh": ()}
    for name, watch in zip(expected, pages.watches, strict=True):
        assert [p for p in watch.problems if not any(e in p for e in expected[name])] == [], name


def test_the_organiser_opens_a_room_and_the_screen_and_join_page_offer_it(pages: Pages, server: LiveServer) -> None:
    from playwright.sync_api import expect

    links = server.create_event(rooms=2)
    server.start()
    organiser = pages.open(links["organiser_url"], viewport={"width": 1440, "height": 900})
    screen = pages.open(links["screen_url"], viewport={"width": 1920, "height": 1080})
    expect(organiser.get_by_role("status").first).to_contain_text("Connecté")
    expect(screen.get_by_role("region", name="Salle 2", exact=True)).to_be_visible()
    expect(organiser.get_by_role("region", name="Liens secrets").get_by_role("row")).to_have_count(5)
    # Long secret links wrap inside their panel: no sideways scrolling on a laptop.
    assert organiser.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    organiser.get_by_label("Nom de la nouvelle salle").fill("Salle du conseil")
    organiser.get_by_role("button", name="Ajouter une salle").click()
    expect(organiser.get_by_role("link", name="Salle du conseil")).to_be_visible()
    expect(screen.get_by_role("region", name="Salle du conseil", exact=True)).to_be_visible()
    new_console = organiser.get_by_role("link", name="Salle du conseil").get_attribute("href")
    assert new_console and "/f/" in new_console

    phone = pages.context(viewport={"width": 390, "height": 844}).new_page()  # unwatched
    phone.goto(links["join_url"])
    phone.get_by_label("Pseudonyme").fill("Dominique")
    phone.get_by_label("Échelle territoriale").select_option(label="Région")
    phone.get_by_role("radio", name="Salle du conseil").check()
    phone.get_by_role("button", name="Rejoindre la salle").click()
    phone.wait_for_url(f"**/e/{links['join_code']}")
    phone.get_by_label("Votre carte").fill("Dans la nouvelle salle")
    phone.get_by_label("Colonne").select_option(label="Comment ?")
    phone.get_by_role("button", name="Envoyer").click()
    council = screen.get_by_role("region", name="Salle du conseil", exact=True)
    expect(council.get_by_text("Dans la nouvelle salle")).to_be_visible()
    for watch in pages.watches:
        assert watch.problems == []


def test_a_click_while_the_console_is_still_connecting_waits_for_the_connection(
    chromium: Any, server: LiveServer
) -> None:
    """A slow venue network: the organiser clicks before the socket is up; the click is not lost."""
    from playwright.sync_api import expect

    links = server.create_event(rooms=1)
    server.start()
    context = chromium.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    watch = PageWatch(page, server.url)
    network = context.new_cdp_session(page)
    network.send("Network.enable")
    # Each request waits 400 ms: the programme is drawn well before the socket's handshake ends.
    network.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 400, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    page.goto(links["organiser_url"])
    # The programme's row, not the journal's "Phase : …" line the change adds.
    programme = page.get_by_role("region", name="Programme")
    row = programme.get_by_role("row").filter(has_text="Nos compétences en partage")
    row.get_by_role("button", name="Aller à cette phase").click()
    assert page.get_by_role("status").first.text_content() != "Connecté"  # the click came first
    expect(row).to_have_attribute("aria-current", "time")
    expect(page.get_by_text("pas de connexion au serveur")).to_have_count(0)
    assert watch.problems == []
    context.close()
