"""In real Chromium: one truth about the day, on the screen, a phone and the organiser's page alike."""

from __future__ import annotations

from tests.support.browser import Pages, join_form, socket
from tests.support.live import LiveServer, boot_data


def test_the_screen_the_phone_and_the_organiser_agree_on_the_day(pages: Pages, server: LiveServer) -> None:
    from playwright.sync_api import expect

    links = server.create_event(rooms=2, open_boards=False)  # as an organiser makes it: no board open
    server.start()
    staff = pages.context(viewport={"width": 1920, "height": 1080})
    phones = pages.context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)

    # Before the first phase: the screen welcomes, whatever the clock says, and says when it starts.
    screen = pages.open(links["screen_url"], context=staff)
    welcome = screen.locator('[data-mode-view="welcome"]')
    expect(welcome).to_be_visible()
    expect(welcome.locator("[data-welcome-greeting]")).to_have_text("Bienvenue")
    expect(welcome.locator("[data-welcome-start]")).to_have_text("Le séminaire commence à 9h30")
    expect(welcome.get_by_role("img", name="QR code pour rejoindre")).to_be_visible()
    expect(screen.locator("[data-now-title]")).to_have_text("La journée va commencer")
    expect(welcome.locator(".welcome__tag", has_text="En ce moment")).to_have_count(0)

    organiser = pages.open(links["organiser_url"], context=staff)
    expect(organiser.get_by_role("status").first).to_contain_text("Connecté")
    expect(organiser.locator("[data-run-now]")).to_have_text("Pas encore commencé")
    expect(organiser.locator("[data-programme] tr[aria-current]")).to_have_count(0)

    # A phone: the day has not started, the board is shown but takes no card, and says so.
    phone = pages.open(links["join_url"], context=phones)
    phone.get_by_label("Pseudonyme").fill("Camille")
    phone.get_by_label("Échelle territoriale").select_option(label="Commune")
    phone.get_by_role("radio", name="Salle 1").check()
    phone.get_by_role("button", name="Rejoindre la salle").click()
    phone.wait_for_url(f"**/e/{links['join_code']}")
    expect(phone.get_by_role("status").first).to_contain_text("Connecté")
    expect(phone.get_by_role("heading", name="Le séminaire n'a pas encore commencé")).to_be_visible()
    expect(phone.locator("[data-board-open]")).to_have_text("Les cartes ne sont pas ouvertes pour l'instant")
    phone.get_by_label("Votre carte").fill("Partager l'ingénierie")  # typing opens the composer
    phone.get_by_label("Colonne").select_option(label="Pourquoi ?")
    phone.get_by_role("button", name="Envoyer").click()
    expect(phone.locator("[data-compose-message]")).to_contain_text("Ce tableau ne prend pas de cartes pour l'instant")
    expect(phone.get_by_label("Votre carte")).to_have_value("Partager l'ingénierie")  # given back, not lost
    screen.screenshot(path=str(server.log_path.parent / "before-the-day-screen.png"))
    phone.screenshot(path=str(server.log_path.parent / "before-the-day-phone.png"))

    # The organiser moves the day to atelier 2: the phone's board opens and takes the card.
    atelier_2 = organiser.locator("[data-programme] tr").filter(has_text="Quatre grandes questions")
    atelier_2.get_by_role("button", name="Aller à cette phase").click()
    expect(organiser.locator("[data-run-now]")).to_contain_text("Quatre grandes questions")
    # The phase's own board needs no line to say it takes cards: its title is above it.
    expect(phone.locator("[data-board-open]")).to_be_hidden()
    expect(phone.get_by_role("heading", name="Le séminaire n'a pas encore commencé")).to_be_hidden()
    phone.get_by_role("button", name="Envoyer").click()
    expect(phone.locator("[data-compose-message]")).to_have_text("Carte publiée.")
    expect(screen.locator('[data-mode-view="welcome"]')).to_be_hidden()
    expect(screen.locator("[data-now-title]")).to_have_text("Quatre grandes questions")

    # Opening the second hypothesis's vote switches the screen to it: 2 of the event's 4.
    panel = organiser.locator("[data-hypotheses-panel]")
    panel.locator("[data-hypothesis-id]").nth(1).get_by_role("button", name="Ouvrir le vote").click()
    expect(screen.locator('[data-mode-view="hypothesis"]')).to_be_visible()
    expect(screen.locator("[data-hypothesis-position]")).to_have_text("2 / 4 · vote ouvert")
    # Turned off, the next vote leaves the screen where it was (the second one, now closed).
    panel.get_by_label("L'écran de plénière montre le vote dès qu'il s'ouvre").uncheck()
    log = organiser.get_by_role("region", name="Journal de modération", exact=True)
    expect(log.get_by_role("cell", name="L'écran suit les votes : non")).to_have_count(1)  # stored
    panel.locator("[data-hypothesis-id]").nth(0).get_by_role("button", name="Ouvrir le vote").click()
    expect(screen.locator("[data-hypothesis-position]")).to_have_text("2 / 4 · vote clos")

    # The journal speaks people's language.
    expect(log.get_by_role("cell", name="Phase : Quatre grandes questions")).to_have_count(1)
    opened = log.locator('[data-action="open_hypothesis"]')
    expect(opened).to_have_count(2)  # both votes, whichever line the journal drew last
    expect(opened.first).to_contain_text("Vote ouvert : ")
    log.screenshot(path=str(server.log_path.parent / "journal.png"))

    # Salle 2's facilitator link revoked, then made again for that room alone.
    links_panel = organiser.get_by_role("region", name="Liens secrets")
    row = links_panel.get_by_role("row").filter(has=organiser.get_by_role("rowheader", name="Animation · Salle 2"))
    row.get_by_role("button", name="Révoquer").click()
    row.get_by_role("button", name="Confirmer la révocation").click()
    row.get_by_role("button", name="Créer un lien d'animation pour cette salle").click()
    expect(links_panel.get_by_role("status")).to_contain_text("Nouveau lien créé : Animation · Salle 2")
    expect(row.get_by_role("link")).to_have_count(1)
    new_url = row.get_by_role("link").get_attribute("href")
    facilitator = pages.open(new_url, context=staff)
    expect(facilitator.get_by_role("status").first).to_contain_text("Connecté")

    staff.close()
    phones.close()
    for watch in pages.watches:
        assert not watch.problems, watch.problems


def test_a_board_opened_during_a_plenary_comes_to_the_phone_and_leaves_with_it(
    pages: Pages, server: LiveServer
) -> None:
    from playwright.sync_api import expect

    links = server.create_event(rooms=2, open_boards=False)
    server.start()
    organiser = socket(server.url, links["organiser_url"].rsplit("/", 1)[1])
    phones = pages.context(viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True)
    staff = pages.context(viewport={"width": 1280, "height": 720})

    screen = pages.open(links["screen_url"], context=staff)
    console = pages.open(links["rooms"][0]["facilitator_url"], context=staff)
    expect(console.get_by_role("status").first).to_contain_text("Connecté")
    phone = pages.open(links["join_url"], context=phones)
    join_form(phone, links["join_code"], "Camille", "Salle 1", scale="Commune")
    phone.evaluate("window.sameDocument = true")  # gone if the page reloads
    programme = boot_data(phone.content())["event"]["programme"]
    plenary = next(p for p in programme if p["title"] == "Présentation des synthèses de la matinée")
    assert organiser.call("set_phase", {"phase_id": plenary["id"]}, timeout=10)["ok"]
    waiting = phone.get_by_role("region", name=plenary["title"])
    expect(waiting).to_be_visible()
    expect(phone.get_by_label("Votre carte")).to_be_hidden()

    # The organiser opens the case study early: the phone shows it under the plenary, the role first.
    assert organiser.call("set_open_boards", {"boards": ["case_study"]}, timeout=10)["ok"]
    expect(phone.locator("[data-board-open]")).to_have_text("Tableau ouvert : Décrypter la situation")
    expect(waiting).to_be_visible()  # still the plenary, in two lines
    expect(waiting.locator("[data-waiting-next]")).to_be_hidden()
    expect(phone.locator("[data-board-pick]")).to_be_hidden()  # one board: nothing to pick
    phone.get_by_role("region", name="Votre rôle").get_by_role("button", name="Élu·e communautaire").click()
    idea = "Les élus du PETR portent le projet alimentaire"
    phone.get_by_label("Votre carte").fill(idea)
    phone.get_by_label("Colonne").select_option(label="Finalités")
    phone.get_by_role("button", name="Envoyer").click()
    expect(phone.locator("[data-compose-message]")).to_have_text("Carte publiée.")
    # The console and the screen show the board the phones write on, and the card.
    expect(console.get_by_role("region", name="Finalités").get_by_text(idea)).to_be_visible()
    room_1 = screen.get_by_role("region", name="Salle 1", exact=True)
    expect(room_1.get_by_role("region", name="Finalités").get_by_text(idea)).to_be_visible()
    phone.screenshot(path=str(server.log_path.parent / "plenary-one-board.png"))

    # Two boards open: the phone keeps the one it shows and lets the person pick the other.
    assert organiser.call("set_open_boards", {"boards": ["case_study", "four_questions"]}, timeout=10)["ok"]
    pick = phone.get_by_label("Tableaux ouverts")
    expect(pick.locator("option")).to_have_text(["Décrypter la situation", "Les quatre questions"])
    expect(pick).to_have_value("case_study")
    expect(phone.locator("[data-board-open]")).to_be_hidden()  # the choice says which
    pick.select_option(label="Les quatre questions")
    expect(phone.get_by_role("region", name="Pourquoi ?")).to_be_visible()
    expect(phone.get_by_role("region", name="Finalités")).to_be_hidden()
    phone.screenshot(path=str(server.log_path.parent / "plenary-two-boards.png"))
    other = "Une gouvernance partagée entre les trois intercommunalités"
    phone.get_by_label("Votre carte").fill(other)
    phone.get_by_label("Colonne").select_option(label="Pourquoi ?")
    phone.get_by_role("button", name="Envoyer").click()
    expect(phone.locator("[data-compose-message]")).to_have_text("Carte publiée.")
    expect(console.get_by_role("region", name="Pourquoi ?").get_by_text(other)).to_be_visible()
    expect(room_1.get_by_role("region", name="Pourquoi ?").get_by_text(other)).to_be_visible()

    # Closed again: the phone is back to the plenary's waiting screen, whole.
    assert organiser.call("set_open_boards", {"boards": []}, timeout=10)["ok"]
    expect(phone.get_by_role("region", name="Pourquoi ?")).to_be_hidden()
    expect(pick).to_be_hidden()
    expect(phone.get_by_label("Votre carte")).to_be_hidden()
    expect(waiting.locator("[data-waiting-next]")).to_have_text("À 14h40 : Nos compétences en partage")
    assert phone.evaluate("window.sameDocument") is True
    organiser.disconnect()
    staff.close()
    phones.close()
    for watch in pages.watches:
        assert not watch.problems, watch.problems
