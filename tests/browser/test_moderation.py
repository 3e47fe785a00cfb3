"""In real Chromium: the facilitator locks, reveals, edits, pins and merges; phones and the screen follow."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tests.support.browser import UNNAMED_CONTROLS, PageWatch, join_form
from tests.support.live import LiveServer

# The fixtures of the first browser test: one Chromium per module, a real server per test.

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_the_facilitator_runs_the_room_and_phones_and_screen_follow(chromium: Any, server: LiveServer) -> None:
    from playwright.sync_api import expect

    links = server.create_event(rooms=2)
    server.start()
    contexts: list[Any] = []
    watches: list[PageWatch] = []

    def open_page(url: str, **options: Any) -> Any:
        context = chromium.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        watches.append(PageWatch(page, server.url))
        page.goto(url)
        return page

    def join(pseudonym: str) -> Any:
        page = open_page(links["join_url"], **PHONE)
        join_form(page, links["join_code"], pseudonym, "Salle 1")
        return page

    def post(page: Any, text: str, column: str = "Pourquoi ?") -> None:
        page.get_by_label("Votre carte").fill(text)
        page.get_by_label("Colonne").select_option(label=column)
        page.get_by_role("button", name="Envoyer").click()

    alix = join("Alix")
    bao = join("Bao")
    screen = open_page(links["screen_url"], viewport={"width": 1920, "height": 1080})
    console = open_page(links["rooms"][0]["facilitator_url"], viewport={"width": 1440, "height": 1000})
    room_1 = screen.get_by_role("region", name="Salle 1", exact=True)
    lock = console.get_by_role("button", name="Verrouiller la salle")
    expect(lock).to_be_enabled()

    # Locked: the phone cannot write, and says why; unlocked: it can again, live.
    lock.click()
    expect(alix.get_by_label("Votre carte")).to_be_disabled()
    expect(alix.get_by_text("La salle est verrouillée")).to_be_visible()
    expect(alix.get_by_role("button", name="Envoyer")).to_be_disabled()
    expect(room_1.get_by_text("Salle verrouillée")).to_be_visible()
    if os.environ.get("COLLAB_MODERATION_SHOTS"):
        Path(os.environ["COLLAB_MODERATION_SHOTS"]).mkdir(parents=True, exist_ok=True)
        alix.screenshot(path=f"{os.environ['COLLAB_MODERATION_SHOTS']}/phone-locked.png")
        screen.screenshot(path=f"{os.environ['COLLAB_MODERATION_SHOTS']}/screen-locked.png")
    console.get_by_role("button", name="Déverrouiller").click()
    expect(alix.get_by_label("Votre carte")).to_be_enabled()
    expect(alix.get_by_text("La salle est verrouillée")).to_be_hidden()
    expect(room_1.get_by_text("Salle verrouillée")).to_be_hidden()

    # Reveal mode: a card stays a placeholder for the others until the facilitator reveals it.
    console.get_by_label("Masquer les nouvelles cartes jusqu'à révélation").check()
    expect(console.get_by_label("Masquer les nouvelles cartes jusqu'à révélation")).to_be_checked()
    idea = "Mutualiser l'ingénierie entre communes"
    post(alix, idea)
    own = alix.get_by_role("article").filter(has_text=idea)
    expect(own.get_by_text("visible par vous et l'animation")).to_be_visible()
    expect(bao.get_by_text("Carte en attente de révélation")).to_be_visible()
    expect(bao.get_by_text(idea)).to_have_count(0)
    expect(room_1.get_by_text("1 carte en attente de révélation")).to_be_visible()
    expect(room_1.get_by_text(idea)).to_have_count(0)
    expect(console.get_by_role("region", name="File d'attente").get_by_text(idea)).to_be_visible()
    shots = os.environ.get("COLLAB_MODERATION_SHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        alix.screenshot(path=f"{shots}/phone-own-held.png")
        bao.screenshot(path=f"{shots}/phone-placeholder.png")
        screen.screenshot(path=f"{shots}/screen-held.png")
    console.get_by_role("button", name="Révéler les cartes (1)").click()
    expect(bao.get_by_text(idea)).to_be_visible()
    expect(bao.get_by_text("Carte en attente de révélation")).to_have_count(0)
    expect(own.get_by_text("visible par vous et l'animation")).to_have_count(0)
    expect(room_1.get_by_text(idea)).to_be_visible()
    expect(room_1.get_by_text("en attente de révélation")).to_be_hidden()
    console.get_by_label("Masquer les nouvelles cartes jusqu'à révélation").uncheck()
    expect(console.get_by_role("button", name="Révéler les cartes (0)")).to_be_disabled()

    # The facilitator edits a card: the phones show the new text, marked as changed.
    edited = "Mutualiser l'ingénierie entre intercommunalités"
    card = console.get_by_role("article").filter(has_text=idea)
    card.get_by_role("button", name="Modifier").click()
    console.get_by_label("Nouveau texte").fill(edited)
    if shots:
        card.screenshot(path=f"{shots}/console-edit.png")
    console.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(bao.get_by_text(edited)).to_be_visible()
    expect(bao.get_by_role("article").filter(has_text=edited).get_by_text("modifiée")).to_be_visible()
    expect(alix.get_by_text(edited)).to_be_visible()

    # A keyboard shortcut on the focused card: P pins it, first of its column everywhere.
    duplicate = "Mutualiser les ingénieurs des communes"
    post(bao, duplicate)
    expect(room_1.get_by_text(duplicate)).to_be_visible()
    first_on_screen = room_1.get_by_role("region", name="Pourquoi ?").get_by_role("article").first
    expect(first_on_screen).to_contain_text(duplicate)  # newest first
    console.get_by_role("article").filter(has_text=edited).focus()
    console.keyboard.press("p")
    expect(alix.get_by_role("article").filter(has_text=edited).get_by_text("épinglée")).to_be_visible()
    expect(first_on_screen).to_contain_text(edited)
    if shots:
        console.locator("[data-room-id]").first.screenshot(path=f"{shots}/console-focus.png")

    if shots:
        post(alix, "Un projet commun lisible par les habitants", "Comment ?")
        console.get_by_label("Valider les cartes avant publication").check()
        post(bao, "Des élus qui se parlent entre territoires", "Dans quelles conditions ?")
        expect(console.get_by_role("region", name="File d'attente").get_by_role("listitem")).to_have_count(1)
        console.get_by_role("article").filter(has_text=duplicate).get_by_label("Sélectionner").check()
        console.wait_for_timeout(600)
        console.screenshot(path=f"{shots}/console.png", full_page=True)
        bao.screenshot(path=f"{shots}/phone.png")
        screen.screenshot(path=f"{shots}/screen.png")
        console.get_by_role("article").filter(has_text=duplicate).get_by_label("Sélectionner").uncheck()

    # Every control of the console, with cards and their tools, has a visible name.
    assert console.evaluate(UNNAMED_CONTROLS) == []
    assert alix.evaluate(UNNAMED_CONTROLS) == []

    # Merging two duplicates leaves one card on the screen; undoing it brings both back.
    for text in (edited, duplicate):
        console.get_by_role("article").filter(has_text=text).get_by_label("Sélectionner").check()
    console.get_by_role("button", name="Fusionner la sélection").click()
    why = room_1.get_by_role("region", name="Pourquoi ?")
    expect(why.get_by_role("article")).to_have_count(1)
    expect(why.get_by_text(edited)).to_be_visible()
    expect(why.get_by_text(duplicate)).to_have_count(0)
    # Bao's words merged into Alix's card: on Bao's phone the card is theirs too, and says what they wrote.
    theirs = bao.locator(".card--mine", has_text=edited)
    expect(theirs.locator(".card__with")).to_have_text("avec Alix")
    expect(theirs.locator(".card__yours")).to_have_text(f"Vous aviez écrit : « {duplicate} »")
    merged = console.get_by_role("article").filter(has_text=edited)
    expect(merged.get_by_text(duplicate)).to_be_visible()  # the duplicate, listed with its author
    if shots:
        console.screenshot(path=f"{shots}/console-merged.png", full_page=True)
    merged.get_by_role("button", name="Défaire la fusion").click()
    expect(why.get_by_role("article")).to_have_count(2)
    expect(why.get_by_text(duplicate)).to_be_visible()
    expect(bao.get_by_text(duplicate)).to_be_visible()

    # A paused activity closes the phone's form with its own words.
    console.get_by_role("radio", name="En pause").check()
    expect(bao.get_by_text("Activité en pause")).to_be_visible()
    expect(bao.get_by_label("Votre carte")).to_be_disabled()
    console.get_by_role("radio", name="Ouverte").check()
    expect(bao.get_by_label("Votre carte")).to_be_enabled()

    # A card written offline that meets a locked room is not retried forever: it comes back to its author.
    alix.context.set_offline(True)
    expect(alix.get_by_role("status").first).not_to_contain_text("Connecté", timeout=15000)
    post(alix, "Écrite hors ligne", "Comment ?")
    lock.click()
    expect(console.get_by_role("button", name="Déverrouiller")).to_be_visible()
    alix.context.set_offline(False)
    expect(alix.get_by_text("votre carte n'a pas été publiée")).to_be_visible(timeout=20000)
    expect(alix.get_by_label("Votre carte")).to_have_value("Écrite hors ligne")
    expect(alix.get_by_label("Votre carte")).to_be_disabled()
    expect(room_1.get_by_text("Écrite hors ligne")).to_have_count(0)
    console.get_by_role("button", name="Déverrouiller").click()
    expect(alix.get_by_label("Votre carte")).to_be_enabled()

    # Deleting asks first, then the card leaves every board.
    console.once("dialog", lambda dialog: dialog.accept())
    console.get_by_role("article").filter(has_text=duplicate).get_by_role("button", name="Supprimer").click()
    expect(why.get_by_role("article")).to_have_count(1)
    expect(bao.get_by_text(duplicate)).to_have_count(0)

    for watch in watches:
        assert [p for p in watch.problems if "ERR_INTERNET_DISCONNECTED" not in p] == []
    for context in contexts:
        context.close()
