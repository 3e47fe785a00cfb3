"""Template files: every problem listed, the built-in templates, an event back to its template, its own wording."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from collab.config import ROOT
from collab.domain.cards import post_card
from collab.domain.errors import Invalid
from collab.domain.events import create_event, describe_event
from collab.domain.participants import join_event
from collab.domain.templates import (
    TEMPLATE_MAX_BYTES,
    event_template,
    load_template,
    parse_template,
    template_names,
    template_toml,
)
from collab.store.database import db
from collab.store.models import Event
from tests.support.apps import SECRET, participant_principal
from tests.support.live import boot_data

ORIGIN = {"Origin": "http://localhost"}
GENERIC = ("atelier-quatre-questions", "forum-ouvert")

# A template of another seminar, with every optional key.
CUSTOM = """\
title = "Forum local"
rooms = 2
room_names = ["Grande salle", "Petite salle"]
place = "Salle des fêtes, Saint-Flour"
welcome = "Bienvenue : écrivez vos idées depuis votre téléphone."
contact = "dpo@example.org"
retention_days = 30
erase_policy = "remove"
scales = [{ key = "commune", label = "Commune" }]

[texts]
hypotheses_intro = "Ce que le forum tranche en fin de matinée."

[[boards]]
key = "idees"
title = "Idées"
columns = [
  { key = "pourquoi", label = "Pourquoi ?" },
  { key = "comment", label = "Comment ?", hint = "Les moyens." },
]

[[phases]]
start = "09:00"
end = "12:00"
kind = "atelier"
activity = "idees"
title = "Atelier unique"

[[situations]]
title = "Le marché du samedi"
scales = ["commune"]
protagonists = ["Maire", "Commerçant"]

[[hypotheses]]
text = "Un marché vivant fait un bourg vivant."
"""


def events() -> int:
    """Return how many events the database holds."""
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(Event)) or 0


def refusal(text: str) -> Invalid:
    """Return the refusal of template `text` (the test fails if it is accepted)."""
    with pytest.raises(Invalid) as refused:
        parse_template(text, "essai.toml")
    assert refused.value.message.startswith(("Le modèle essai.toml a ", "The template essai.toml has "))
    return refused.value


def problems(text: str) -> dict[str, dict[str, Any]]:
    """Return the problems of template `text`, by field."""
    found = refusal(text).details["problems"]
    return {problem["field"]: problem for problem in found}


def line_of(text: str, needle: str) -> int:
    """Return the line number of the first line of `text` holding `needle`."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


# ---- Refusals: every problem, by field and line ----


def test_malformed_toml_is_refused_with_its_line() -> None:
    found = refusal('title = "Forum"\nrooms = \n').details["problems"]
    assert len(found) == 1 and found[0]["line"] == 2 and "TOML" in found[0]["message"]


def test_a_file_over_the_limit_is_refused_before_it_is_read(app: Any, tmp_path: Path) -> None:
    huge = CUSTOM + "# " + "x" * (5 * 1024 * 1024) + "\n"
    assert len(huge.encode()) > TEMPLATE_MAX_BYTES
    found = refusal(huge).details["problems"]
    assert len(found) == 1 and "Mo" in found[0]["message"]
    path = tmp_path / "huge.toml"
    path.write_text(huge, encoding="utf-8")
    with pytest.raises(Invalid, match=r"huge\.toml"):
        create_event(SECRET, template=str(path), open_boards=True)
    assert events() == 0


def test_a_column_key_with_spaces_is_refused_at_its_line() -> None:
    text = CUSTOM.replace('key = "comment"', 'key = "le comment"')
    found = problems(text)
    assert list(found) == ["boards[0].columns[1].key"]
    assert found["boards[0].columns[1].key"]["line"] == line_of(text, "le comment")


@pytest.mark.parametrize(
    ("change", "field", "needle"),
    [
        (('key = "idees"\n', 'key = "idees"\nkind = "banquet"\n'), "boards[0].kind", 'kind = "banquet"'),
        (('kind = "atelier"', 'kind = "banquet"'), "phases[0].kind", 'kind = "banquet"'),
        (('activity = "idees"', 'activity = "absent"'), "phases[0].activity", 'activity = "absent"'),
        (('start = "09:00"', 'start = "9h"'), "phases[0].start", 'start = "9h"'),
        (('end = "12:00"', 'end = "08:00"'), "phases[0].end", 'end = "08:00"'),
        (("rooms = 2", "rooms = 0"), "rooms", "rooms = 0"),
        (("rooms = 2", "rooms = 2\nsalles = 3"), "salles", "salles = 3"),
        (("rooms = 2", 'rooms = 2\nroom_name = "{n:>999999999}"'), "room_name", "room_name"),
        (('erase_policy = "remove"', 'erase_policy = "burn"'), "erase_policy", "erase_policy"),
        (("retention_days = 30", "retention_days = -1"), "retention_days", "retention_days"),
        (("[texts]\n", "[texts]\nslogan = 'Oui'\n"), "texts.slogan", "slogan"),
        (('scales = ["commune"]', 'scales = ["planete"]'), "situations[0].scales", '"planete"'),
        (('title = "Atelier unique"', 'title = "Atelier unique"\nsalle = 1'), "phases[0].salle", "salle = 1"),
        (
            ('{ key = "comment", label', '{ key = "pourquoi", label'),
            "boards[0].columns[1].key",
            'key = "pourquoi", label = "Comment',
        ),
    ],
)
def test_each_problem_names_its_field_and_line(change: tuple[str, str], field: str, needle: str) -> None:
    assert change[0] in CUSTOM
    text = CUSTOM.replace(*change)
    found = problems(text)
    assert list(found) == [field], found
    assert found[field]["line"] == line_of(text, needle)


def test_a_competences_board_has_offers_and_needs() -> None:
    text = CUSTOM.replace('key = "idees"\n', 'key = "idees"\nkind = "competences"\n')
    assert list(problems(text)) == ["boards[0].columns"]


def test_sizes_are_capped() -> None:
    many = "".join(f'\n[[hypotheses]]\ntext = "Hypothèse {n}"\n' for n in range(51))
    assert "hypotheses" in problems(CUSTOM + many)
    assert "title" in problems(CUSTOM.replace('title = "Forum local"', f'title = "{"x" * 201}"'))
    hint = "h" * 301
    assert "boards[0].columns[1].hint" in problems(CUSTOM.replace('hint = "Les moyens."', f'hint = "{hint}"'))


def test_several_problems_are_all_listed_at_once(app: Any, tmp_path: Path) -> None:
    text = (
        CUSTOM.replace('key = "comment"', 'key = "le comment"')
        .replace('kind = "atelier"', 'kind = "banquet"')
        .replace("rooms = 2", "rooms = 2\nsalles = 3")
        + '\n[[phases]]\nstart = "13:00"\nend = "14:00"\nkind = "atelier"\nactivity = "absent"\ntitle = "Après-midi"\n'
    )
    invalid = refusal(text)
    found = {problem["field"]: problem["line"] for problem in invalid.details["problems"]}
    assert found == {
        "salles": line_of(text, "salles = 3"),
        "boards[0].columns[1].key": line_of(text, "le comment"),
        "phases[0].kind": line_of(text, "banquet"),
        "phases[1].activity": line_of(text, 'activity = "absent"'),
    }
    assert invalid.message.startswith("Le modèle essai.toml a 4 problèmes :")
    for field, line in found.items():
        assert f"- {field}, ligne {line} : " in invalid.message
    # Nothing is created from a refused file.
    path = tmp_path / "plusieurs.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(Invalid, match="4 problèmes"):
        create_event(SECRET, template=str(path), open_boards=True)
    assert events() == 0


def test_a_flood_of_problems_is_listed_then_counted() -> None:
    text = CUSTOM.replace("rooms = 2", "rooms = 2\n" + "".join(f"inconnue_{n} = {n}\n" for n in range(5000)))
    found = refusal(text).details["problems"]
    assert len(found) == 51 and found[-1] == {"field": "", "line": None, "message": "et 4950 autres problèmes"}
    assert found[49]["field"] == "inconnue_49" and found[49]["line"] == line_of(text, "inconnue_49 = ")


def test_the_problems_speak_english_in_an_english_request(app: Any) -> None:
    with app.test_request_context("/?lang=en"):
        invalid = refusal(CUSTOM.replace('kind = "atelier"', 'kind = "banquet"'))
    assert invalid.message.startswith("The template essai.toml has 1 problem:")
    assert "\n- phases[0].kind, line 25: one of these kinds: accueil," in invalid.message


# ---- The built-in templates ----


def test_the_built_in_templates_are_the_seed_and_two_generic_ones() -> None:
    assert set(GENERIC) < set(template_names())
    for name in template_names():
        data = load_template(name)
        assert data["title"] and data["description"], name


@pytest.mark.parametrize("name", GENERIC)
def test_a_generic_template_makes_a_working_event(app: Any, client: FlaskClient, name: str) -> None:
    data = load_template(name)
    created = create_event(SECRET, template=name, open_boards=True)
    described = describe_event(created.id)
    assert described["title"] == data["title"] and len(described["rooms"]) == data["rooms"]
    assert [room["name"] for room in described["rooms"]] == data.get("room_names", ["Salle 1"])
    board_keys = {board["key"] for board in described["boards"]}
    assert {p["activity"] for p in described["programme"] if p["activity"]} == board_keys
    # Someone joins each room and writes on every column of every board.
    for n, room in enumerate(created.rooms):
        who = participant_principal(join_event(created.join_code, f"Personne {n}", "commune", room.id))
        for board in described["boards"]:
            for column in board["columns"]:
                skill = {"type": "savoirs", "scope": "individuel"} if board["kind"] == "competences" else None
                post_card(who, f"{n}-{board['key']}-{column['key']}", board["key"], column["key"], "Oui", skill)
    for path in (f"/j/{created.join_code}", f"/o/{created.organiser_token}", f"/s/{created.screen_token}"):
        assert client.get(path).status_code == 200, path


# ---- Event → template → event ----


def normalised(data: dict[str, Any]) -> dict[str, Any]:
    """Return template data as an event keeps it: the file's name, description and room pattern are not kept."""
    kept = {k: v for k, v in data.items() if k not in ("name", "description", "room_name")}
    kept["boards"] = [{"kind": "grid"} | board for board in kept["boards"]]
    return kept


@pytest.mark.parametrize("source", ["cooperer-territoires", *GENERIC, "custom"])
def test_template_to_event_to_template_gives_the_same_file(app: Any, tmp_path: Path, source: str) -> None:
    if source == "custom":
        path = tmp_path / "forum.toml"
        path.write_text(CUSTOM, encoding="utf-8")
        source = str(path)
    data = load_template(source)
    first = event_template(create_event(SECRET, template=source, open_boards=True).id)
    assert first == normalised(data)
    text = template_toml(first)
    again = event_template(create_event(SECRET, data=parse_template(text, "copie.toml"), open_boards=True).id)
    assert template_toml(again) == text
    assert tomllib.loads(text) == first


def test_a_copy_carries_the_structure_never_the_people(app: Any) -> None:
    created = create_event(SECRET, template="forum-ouvert", open_boards=True)
    who = participant_principal(join_event(created.join_code, "Camille", "commune", created.rooms[0].id))
    post_card(who, "c1", "suites", "idees", "Un texte que la copie ne doit pas porter")
    text = template_toml(event_template(created.id))
    assert "Camille" not in text and "Un texte que la copie" not in text and created.join_code not in text


def test_the_organiser_downloads_the_event_s_template(client: FlaskClient, app: Any) -> None:
    created = create_event(SECRET, template="forum-ouvert", open_boards=True)
    page = client.get(f"/o/{created.organiser_token}").get_data(as_text=True)
    assert f'href="/o/{created.organiser_token}/export/template.toml"' in page
    assert "Télécharger le modèle (.toml)" in page
    response = client.get(f"/o/{created.organiser_token}/export/template.toml")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="{created.join_code}-modele.toml"'
    text = response.get_data(as_text=True)
    assert text.startswith("# Modèle de séminaire collab")
    assert parse_template(text, "modele.toml")["title"] == "Forum ouvert : offres et besoins"
    for other in (created.screen_token, created.rooms[0].facilitator_token, "nope"):
        assert client.get(f"/o/{other}/export/template.toml").status_code == 404


def test_the_cli_exports_the_template_too(app: Any, runner: FlaskCliRunner) -> None:
    created = create_event(SECRET, template="atelier-quatre-questions", open_boards=True)
    result = runner.invoke(args=["export-event", created.join_code, "--format", "toml"])
    assert result.exit_code == 0, result.output
    assert result.output == template_toml(event_template(created.id))


# ---- Wording from the event ----

SEED_WORDS = ("Carrefour", "16h", "14h", "atelier 1", "atelier 3", "Congrès")


def pages(client: FlaskClient, template: str) -> dict[str, str]:
    """Return the organiser, screen, facilitator and phone pages of a new event from `template`."""
    created = create_event(SECRET, template=template, open_boards=True)
    joined = client.post(
        f"/j/{created.join_code}",
        data={"pseudonym": "Camille", "scale": "commune", "room": str(created.rooms[0].id)},
        headers=ORIGIN,
    )
    assert joined.status_code == 303
    paths = {
        "organiser": f"/o/{created.organiser_token}",
        "screen": f"/s/{created.screen_token}",
        "facilitator": f"/f/{created.rooms[0].facilitator_token}",
        "phone": f"/e/{created.join_code}",
    }
    return {name: client.get(path).get_data(as_text=True) for name, path in paths.items()}


@pytest.mark.parametrize("template", GENERIC)
def test_a_generic_event_never_speaks_of_the_seed_seminar(client: FlaskClient, template: str) -> None:
    for name, page in pages(client, template).items():
        for word in SEED_WORDS:
            assert word not in page, f"{word!r} on the {name} page of {template}"


def test_the_seed_keeps_its_wording_through_its_texts(client: FlaskClient) -> None:
    seen = pages(client, "cooperer-territoires")
    assert "Les hypothèses du Carrefour que la plénière de 16h valide ou infirme." in seen["organiser"]
    assert "Les études de cas de « Décrypter les situations de coopération »" in seen["organiser"]
    assert boot_data(seen["phone"])["event"]["texts"]["case_study_link"] == "Voir l'analyse de l'atelier 1"


def test_without_texts_the_wording_is_derived_from_the_programme_and_boards(client: FlaskClient) -> None:
    path = ROOT / "collab" / "event_templates" / "cooperer-territoires.toml"
    text = re.sub(r"\[texts\]\n(.+\n)+", "", path.read_text(encoding="utf-8"))
    created = create_event(SECRET, data=parse_template(text, "sans-textes.toml"), open_boards=True)
    page = client.get(f"/o/{created.organiser_token}").get_data(as_text=True)
    assert "Les hypothèses que la plénière « Présentation des synthèses de la matinée » (14h) valide" not in page
    assert "Les hypothèses que la plénière « Mise en commun et mise en perspective » (16h) valide ou infirme." in page
    screen = client.get(f"/s/{created.screen_token}").get_data(as_text=True)
    assert "Voir « Décrypter la situation »" in screen


def test_the_browser_modules_carry_no_seed_wording() -> None:
    calls = re.compile(r"\btn?\(\s*\"((?:[^\"\\]|\\.)*)\"")
    for module in (ROOT / "static" / "js").rglob("*.js"):
        for msgid in calls.findall(module.read_text(encoding="utf-8")):
            for word in SEED_WORDS:
                assert word not in msgid, f"{word!r} in {module.name}: {msgid}"


def test_the_documented_example_makes_an_event(app: Any) -> None:
    doc = (ROOT / "docs" / "templates.md").read_text(encoding="utf-8")
    example = re.search(r"```toml\n(.*?)```", doc, re.DOTALL)
    assert example is not None
    data = parse_template(example.group(1), "exemple.toml")
    keys = {"name", "title", "description", "rooms", "room_names", "place", "welcome", "contact"}
    keys |= {"retention_days", "erase_policy", "texts", "scales", "boards", "phases", "situations", "hypotheses"}
    assert keys <= set(data)
    described = describe_event(create_event(SECRET, data=data, open_boards=True).id)
    assert described["texts"]["case_study_link"] == "Relire l'analyse du cas"
    assert [room["name"] for room in described["rooms"]] == ["Grande salle", "Petite salle"]
