"""Socket tests of the plenary screen's modes: who may set and read them, who hears of a change,
the combined board's grouping of near-duplicates and the word cloud's stop words."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from flask_socketio import SocketIOTestClient

from collab.domain.combined import GROUP_SIMILARITY, group_near_duplicates
from collab.domain.events import EventLinks
from collab.domain.wordcloud import top_words
from collab.store.database import db
from collab.store.models import Event, Hypothesis
from tests.support.apps import received
from tests.support.cards import posted

Join = Callable[..., dict[str, Any]]
Connect = Callable[[str | None], SocketIOTestClient]

# Hand-made rewordings of one idea, as two rooms would write it, and unrelated cards of the same
# board (some sharing a word with another: "coopération", "partagée"). GROUP_SIMILARITY was chosen on them.
DUPLICATES = [
    ("Le manque de confiance entre les élus", "Manque de confiance entre élus"),
    ("Partager un diagnostic commun du territoire", "Un diagnostic partagé du territoire"),
    ("Des moyens financiers pérennes", "Moyens financiers durables et pérennes"),
    ("Gouvernance partagée entre communes", "Une gouvernance partagée entre les communes"),
    ("Mutualiser les services", "Mutualisation des services"),
    ("Associer les habitants dès le début", "Associer les habitants dès le départ"),
    ("Le temps long de la coopération", "La coopération demande du temps long"),
    ("Un animateur neutre", "Une animation neutre"),
]
UNRELATED = [
    "Réduire les coûts de fonctionnement",
    "Répondre aux appels à projets européens",
    "Créer des emplois locaux",
    "Des réunions régulières du comité de pilotage",
    "La volonté politique des élus",
    "Former les agents à la coopération",
    "Un calendrier réaliste",
    "Des outils numériques partagés",
    "Échanger les bonnes pratiques",
    "Une charte de coopération signée",
    "Clarifier les compétences de chacun",
    "Sortir de la logique de guichet",
]


def stored_screen(event: EventLinks) -> Any:
    """Return the screen mode stored for the event."""
    with db.transaction() as session:
        row = session.get(Event, event.id)
        assert row is not None
        return row.screen


def add_hypothesis(event: EventLinks, state: str = "open") -> int:
    """Store a hypothesis of the event and return its id."""
    with db.transaction() as session:
        hypothesis = Hypothesis(event_id=event.id, position=9, text="La coopération demande du temps.", state=state)
        session.add(hypothesis)
        session.flush()
        return hypothesis.id


def test_the_screen_shows_the_rooms_until_the_organiser_chooses(connect: Connect, event: EventLinks) -> None:
    for token in (event.screen_token, event.organiser_token, event.rooms[0].facilitator_token):
        assert connect(token).emit("get_screen", {}, callback=True) == {"ok": True, "screen": {"mode": "rooms"}}
    assert stored_screen(event) is None


def test_a_chosen_mode_reaches_screens_and_consoles_not_phones(connect: Connect, event: EventLinks, join: Join) -> None:
    organiser = connect(event.organiser_token)
    screen = connect(event.screen_token)
    second_screen = connect(event.screen_token)
    console = connect(event.rooms[1].facilitator_token)
    phone = connect(join(room=0)["token"])
    for sio in (organiser, screen, second_screen, console, phone):
        sio.get_received()

    room_id = event.rooms[2].id
    ack = organiser.emit("set_screen", {"mode": "room", "room_id": room_id}, callback=True)
    assert ack == {"ok": True, "screen": {"mode": "room", "room_id": room_id}}
    for sio in (organiser, screen, second_screen, console):
        assert received(sio, "screen_changed") == [{"screen": {"mode": "room", "room_id": room_id}}]
    assert received(phone, "screen_changed") == []
    assert stored_screen(event) == {"mode": "room", "room_id": room_id}
    assert screen.emit("get_screen", {}, callback=True)["screen"] == {"mode": "room", "room_id": room_id}


@pytest.mark.parametrize(
    ("payload", "stored"),
    [
        ({"mode": "welcome"}, {"mode": "welcome"}),
        ({"mode": "combined"}, {"mode": "combined", "board": "four_questions"}),
        ({"mode": "combined", "board": "case_study"}, {"mode": "combined", "board": "case_study"}),
        ({"mode": "syntheses"}, {"mode": "syntheses", "board": None, "slide": 0}),
        ({"mode": "syntheses", "slide": 2}, {"mode": "syntheses", "board": None, "slide": 2}),
        ({"mode": "syntheses", "board": "case_study"}, {"mode": "syntheses", "board": "case_study", "slide": 0}),
        ({"mode": "competences"}, {"mode": "competences"}),
        ({"mode": "wordcloud", "board": None}, {"mode": "wordcloud", "board": None}),
        ({"mode": "wordcloud", "board": "competences"}, {"mode": "wordcloud", "board": "competences"}),
    ],
)
def test_each_mode_is_stored_with_what_it_takes(
    connect: Connect, event: EventLinks, payload: dict[str, Any], stored: dict[str, Any]
) -> None:
    ack = connect(event.organiser_token).emit("set_screen", payload, callback=True)
    assert ack == {"ok": True, "screen": stored}
    assert stored_screen(event) == stored


def test_the_hypothesis_mode_names_a_hypothesis_of_the_event(connect: Connect, event: EventLinks) -> None:
    hypothesis_id = add_hypothesis(event)
    organiser = connect(event.organiser_token)
    ack = organiser.emit("set_screen", {"mode": "hypothesis", "hypothesis_id": hypothesis_id}, callback=True)
    assert ack["screen"] == {"mode": "hypothesis", "hypothesis_id": hypothesis_id}
    with db.transaction() as session:
        hypothesis = session.get(Hypothesis, hypothesis_id)
        session.delete(hypothesis)
    draft = add_hypothesis(event, state="draft")
    refused = organiser.emit("set_screen", {"mode": "hypothesis", "hypothesis_id": draft}, callback=True)
    assert refused["error"]["code"] == "invalid"
    assert stored_screen(event) == {"mode": "hypothesis", "hypothesis_id": hypothesis_id}
    # A hypothesis removed since: the screen goes back to the rooms rather than show nothing.
    assert organiser.emit("get_screen", {}, callback=True)["screen"] == {"mode": "rooms"}


@pytest.mark.parametrize("role", ["screen", "facilitator", "participant"])
def test_only_the_organiser_sets_the_screen(connect: Connect, event: EventLinks, join: Join, role: str) -> None:
    token = {
        "screen": event.screen_token,
        "facilitator": event.rooms[0].facilitator_token,
        "participant": join()["token"],
    }[role]
    ack = connect(token).emit("set_screen", {"mode": "welcome"}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "forbidden"
    assert stored_screen(event) is None


def test_the_organiser_drives_the_screen_of_a_closed_seminar(connect: Connect, event: EventLinks) -> None:
    organiser = connect(event.organiser_token)
    screen = connect(event.screen_token)
    assert organiser.emit("close_event", {}, callback=True)["closed"] is True
    screen.get_received()
    for payload in ({"mode": "wordcloud", "board": None}, {"mode": "room", "room_id": event.rooms[1].id}):
        ack = organiser.emit("set_screen", payload, callback=True)
        assert ack["ok"] is True, ack
        assert [e["screen"] for e in received(screen, "screen_changed")] == [payload]
    assert stored_screen(event) == {"mode": "room", "room_id": event.rooms[1].id}
    # Still the organiser's alone, and still checked.
    assert screen.emit("set_screen", {"mode": "welcome"}, callback=True)["error"]["code"] == "forbidden"
    assert organiser.emit("set_screen", {"mode": "nowhere"}, callback=True)["error"]["code"] == "invalid"


def test_a_phone_may_not_read_the_screen_or_its_boards(connect: Connect, join: Join) -> None:
    phone = connect(join()["token"])
    for name, payload in (("get_screen", {}), ("get_combined_board", {}), ("get_word_cloud", {"board": None})):
        assert phone.emit(name, payload, callback=True)["error"]["code"] == "forbidden"


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"mode": "slideshow"}, "invalid"),
        ({}, "invalid"),
        ({"mode": "room"}, "not_found"),
        ({"mode": "room", "room_id": 999999}, "not_found"),
        ({"mode": "room", "room_id": "1"}, "invalid"),
        ({"mode": "hypothesis"}, "not_found"),
        ({"mode": "hypothesis", "hypothesis_id": 999999}, "not_found"),
        ({"mode": "combined", "board": "nowhere"}, "invalid"),
        ({"mode": "wordcloud", "board": "Four Questions"}, "invalid"),
        ({"mode": "syntheses", "slide": -1}, "invalid"),
        ({"mode": "syntheses", "board": "nowhere"}, "invalid"),
        ({"mode": "welcome", "room_id": 1}, "invalid"),
        ({"mode": "rooms", "board": "four_questions"}, "invalid"),
        ({"mode": "welcome", "colour": "red"}, "invalid"),
    ],
)
def test_bad_modes_and_ids_are_refused_and_nothing_is_written(
    connect: Connect, event: EventLinks, payload: dict[str, Any], code: str
) -> None:
    organiser = connect(event.organiser_token)
    screen = connect(event.screen_token)
    screen.get_received()
    ack = organiser.emit("set_screen", payload, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == code, ack
    assert stored_screen(event) is None
    assert received(screen, "screen_changed") == []


def test_a_room_of_another_event_is_refused(connect: Connect, event: EventLinks, app: Any) -> None:
    from collab.domain.events import create_event
    from tests.support.apps import SECRET

    other = create_event(SECRET, open_boards=True)
    ack = connect(event.organiser_token).emit(
        "set_screen", {"mode": "room", "room_id": other.rooms[0].id}, callback=True
    )
    assert ack["error"]["code"] == "not_found"
    assert stored_screen(event) is None


def test_the_threshold_groups_each_duplicate_pair_and_no_unrelated_pair() -> None:
    texts = [text for pair in DUPLICATES for text in pair] + UNRELATED
    # Every card from its own room, all in one column: only the text decides.
    groups = group_near_duplicates(texts, list(range(len(texts))), ["pourquoi"] * len(texts))
    pairs = [[2 * i, 2 * i + 1] for i in range(len(DUPLICATES))]
    alone = [[i] for i in range(2 * len(DUPLICATES), len(texts))]
    assert groups == pairs + alone, f"GROUP_SIMILARITY={GROUP_SIMILARITY}"


def test_cards_of_one_room_or_of_two_columns_are_not_grouped() -> None:
    a, b = DUPLICATES[0]
    assert group_near_duplicates([a, b], [1, 1], ["pourquoi", "pourquoi"]) == [[0], [1]]
    assert group_near_duplicates([a, b], [1, 2], ["pourquoi", "comment"]) == [[0], [1]]
    assert group_near_duplicates([a, b], [1, 2], ["pourquoi", "pourquoi"]) == [[0, 1]]
    assert group_near_duplicates([], [], []) == []
    assert group_near_duplicates(["?", "!"], [1, 2], ["pourquoi", "pourquoi"]) == [[0], [1]]


def test_the_combined_board_groups_near_duplicates_from_different_rooms(
    connect: Connect, event: EventLinks, join: Join
) -> None:
    phones = [connect(join(room=room, pseudonym=f"P{room}")["token"]) for room in range(3)]
    posted(phones[0], "Le manque de confiance entre les élus")
    posted(phones[1], "Manque de confiance entre élus")
    posted(phones[2], "Créer des emplois locaux")
    posted(phones[2], "Mutualiser les services", column="comment")
    posted(phones[0], "Mutualisation des services", column="comment")
    hidden = posted(phones[1], "Mutualisation de services", column="comment")["id"]
    assert connect(event.rooms[1].facilitator_token).emit("hide_card", {"card_id": hidden}, callback=True)["ok"]

    board = connect(event.screen_token).emit("get_combined_board", {"board": None}, callback=True)
    assert board["ok"] and board["board"] == "four_questions"
    by_key = {column["key"]: column for column in board["columns"]}
    assert list(by_key) == ["pourquoi", "pour_quoi", "comment", "conditions"]
    texts = [[card["text"] for card in group["cards"]] for group in by_key["pourquoi"]["groups"]]
    assert texts == [
        ["Le manque de confiance entre les élus", "Manque de confiance entre élus"],
        ["Créer des emplois locaux"],
    ]
    first = by_key["pourquoi"]["groups"][0]
    assert first["rooms"] == 2
    assert [card["room_name"] for card in first["cards"]] == [event.rooms[0].name, event.rooms[1].name]
    comment = by_key["comment"]["groups"]
    assert [[card["text"] for card in group["cards"]] for group in comment] == [
        ["Mutualisation des services", "Mutualiser les services"]
    ], "the hidden card is not shown"
    assert by_key["pour_quoi"]["groups"] == []
    other = connect(event.organiser_token).emit("get_combined_board", {"board": "case_study"}, callback=True)
    assert [column["key"] for column in other["columns"]] == ["finalites", "jeux_acteurs", "marges", "specificites"]
    assert all(column["groups"] == [] for column in other["columns"])
    refused = connect(event.screen_token).emit("get_combined_board", {"board": "nowhere"}, callback=True)
    assert refused["error"]["code"] == "invalid"


def test_the_word_cloud_drops_stop_words_and_counts_a_word_once_per_card(
    connect: Connect, event: EventLinks, join: Join
) -> None:
    phone = connect(join(room=0)["token"])
    other = connect(join(room=1, pseudonym="Bao")["token"])
    posted(phone, "La Confiance entre les élus et les habitants")
    posted(other, "Il faut de la confiance, de la confiance")
    posted(other, "confiance et temps long", column="comment")
    posted(
        phone,
        "J'apporte de l'animation",
        board="competences",
        column="offre",
        skill={"type": "methodes", "scope": "individuel"},
    )
    screen = connect(event.screen_token)

    cloud = screen.emit("get_word_cloud", {"board": "four_questions"}, callback=True)
    assert cloud["ok"] and cloud["board"] == "four_questions"
    words = {entry["word"]: entry["count"] for entry in cloud["words"]}
    # Three cards say "confiance" (one of them twice): it counts three.
    assert cloud["words"][0] == {"word": "confiance", "count": 3}
    assert words == {"confiance": 3, "élus": 1, "habitants": 1, "temps": 1, "long": 1}
    day = screen.emit("get_word_cloud", {"board": None}, callback=True)
    assert {entry["word"] for entry in day["words"]} >= {"apporte", "animation"}
    assert screen.emit("get_word_cloud", {"board": "nowhere"}, callback=True)["error"]["code"] == "invalid"


def test_one_long_repetitive_card_does_not_take_the_word_cloud_over() -> None:
    spam = ("mutualiser " * 45).strip()  # 494 characters
    cards = [spam, "confiance entre élus", "Confiance, confiance !", "Des élus qui se parlent", "confiance"]
    words = {w["word"]: w["count"] for w in top_words(cards)}
    assert words == {"confiance": 3, "élus": 2, "mutualiser": 1, "parlent": 1}


def test_top_words_keep_the_most_written_spelling_and_sixty_words() -> None:
    words = top_words(["Tiers-lieux", "tiers-lieux", "TIERS-LIEUX", "tiers-lieux", "élus Élus", "élus", "de la et le"])
    assert words == [{"word": "tiers-lieux", "count": 4}, {"word": "élus", "count": 2}]
    many = top_words([" ".join(f"mot{'x' * n}" for n in range(100))])
    assert len(many) == 60
    assert [w["word"] for w in top_words([" ".join(f"m{a}{b}" for a, b in itertools.product("abc", "xyz"))])][:2] == [
        "max",
        "may",
    ]
