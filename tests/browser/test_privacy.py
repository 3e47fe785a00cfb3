"""In real Chromium: a phone reads the privacy notice, joins, posts a card and erases itself; the
other phones of its room see the card go, or stay as « contribution retirée », as the organiser chose.
And a real server process anonymises an event past its retention as it starts."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from tests.support.browser import Pages, join_form, shoot
from tests.support.live import LiveServer, participant_token


def set_event(server: LiveServer, **values: Any) -> None:
    """Set columns of the server's only event in its SQLite file (the organiser's form is built elsewhere)."""
    connection = sqlite3.connect(server.workdir / "collab.sqlite3")
    with connection:  # one transaction, committed
        for column, value in values.items():
            connection.execute(f"UPDATE events SET {column} = ?", (value,))  # the column names are this test's
    connection.close()


@pytest.mark.parametrize("policy", ["remove", "withdrawn"])
def test_a_phone_reads_the_notice_joins_posts_and_erases_itself(pages: Pages, server: LiveServer, policy: str) -> None:
    from playwright.sync_api import expect

    links = server.create_event(rooms=2)
    code = links["join_code"]
    set_event(server, erase_policy=policy, contact="dpo@ville-exemple.fr", retention_days=30)
    server.start()
    phone = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}

    # Before joining: what is kept, for how long, and whom to ask.
    alix = pages.open(links["join_url"], **phone)
    alix.get_by_role("link", name="Vos données : ce qui est conservé, combien de temps, qui le voit").click()
    expect(alix.get_by_role("heading", level=1)).to_have_text("Vos données dans ce séminaire")
    expect(alix.locator("main")).to_contain_text("30 jours après la clôture")
    expect(alix.locator(".privacy__contact")).to_have_text("dpo@ville-exemple.fr")
    shoot(alix, f"privacy-notice-{policy}")
    alix.get_by_role("link", name="Revenir à l'inscription").click()
    join_form(alix, code, "Alixandrine", "Salle 1")
    alix.get_by_label("Votre carte").fill("Mutualiser l'ingénierie entre communes")
    alix.get_by_role("button", name="Envoyer").click()

    bao = pages.open(links["join_url"], **phone)
    join_form(bao, code, "Bao", "Salle 1")
    card = bao.locator(".card", has_text="Mutualiser l'ingénierie entre communes")
    expect(card.locator(".card__author")).to_have_text("Alixandrine")

    # Erasing asks first; cancelling erases nothing.
    alix.get_by_role("button", name="Effacer mes contributions").click()
    alix.get_by_role("button", name="Annuler").click()
    expect(alix.get_by_role("button", name="Oui, tout effacer")).to_be_hidden()
    alix.get_by_role("button", name="Effacer mes contributions").click()
    shoot(alix, f"privacy-erase-{policy}")
    alix.get_by_role("button", name="Oui, tout effacer").click()
    alix.wait_for_url(f"**/j/{code}?efface=1")
    expect(alix.get_by_role("status")).to_contain_text("Vos contributions ont été effacées")
    expect(alix.get_by_role("link", name="Continuer comme Alixandrine (Salle 1)")).to_have_count(0)
    shoot(alix, f"privacy-erased-{policy}")

    # The room sees it at once.
    if policy == "remove":
        expect(card).to_have_count(0)
    else:
        expect(card.locator(".card__author")).to_have_text("contribution retirée")
    expect(bao.locator("main")).not_to_contain_text("Alixandrine")
    card.or_(bao.locator(".board")).first.scroll_into_view_if_needed()
    shoot(bao, f"privacy-room-{policy}")

    # The phone's registration no longer works: its board sends it back to the join form.
    alix.goto(server.url + f"/e/{code}")
    alix.wait_for_url(f"**/j/{code}")
    for watch in pages.watches:
        assert watch.problems == []


def test_the_running_server_anonymises_an_event_past_its_retention_as_it_starts(server: LiveServer) -> None:
    import requests

    links = server.create_event(rooms=2)
    code = links["join_code"]
    server.start()
    participant_token(server.url, code, "Alixandrine", links["rooms"][0]["id"])
    server.stop()
    set_event(server, closed_at="2020-01-01 17:00:00.000000", retention_days=30)
    server.start()
    assert f"Séminaire {code} anonymisé" in server.log()  # before it serves: at each start, then hourly
    notice = requests.get(server.url + f"/j/{code}/confidentialite", timeout=10).text
    assert "Ce séminaire a été anonymisé" in notice
    connection = sqlite3.connect(server.workdir / "collab.sqlite3")
    assert connection.execute("SELECT pseudonym, erased_at IS NOT NULL FROM participants").fetchall() == [("", 1)]
    connection.close()
