"""The flask commands: create an event from a template, print its links."""

from __future__ import annotations

import json

from flask.testing import FlaskCliRunner

from collab.cli import collab_commands
from collab.domain.events import describe_event


def test_create_event_prints_one_json_object(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["create-event", "--rooms", "3", "--title", "Séminaire test", "--json"])
    assert result.exit_code == 0, result.output
    links = json.loads(result.output)
    assert links["join_url"] == f"http://collab.test/j/{links['join_code']}"
    assert links["screen_url"].startswith("http://collab.test/s/")
    assert links["organiser_url"].startswith("http://collab.test/o/")
    assert [room["name"] for room in links["rooms"]] == ["Salle 1", "Salle 2", "Salle 3"]
    assert all(room["facilitator_url"].startswith("http://collab.test/f/") for room in links["rooms"])
    assert describe_event(links["id"])["title"] == "Séminaire test"


def test_create_event_for_a_person(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["create-event"])
    assert result.exit_code == 0, result.output
    assert "Code participant" in result.output and "Salle 4" in result.output


def test_create_event_refuses_bad_options(runner: FlaskCliRunner) -> None:
    assert runner.invoke(args=["create-event", "--template", "nope"]).exit_code != 0
    assert runner.invoke(args=["create-event", "--rooms", "0"]).exit_code != 0
    assert runner.invoke(args=["create-event", "--title", "x" * 201]).exit_code != 0
    assert runner.invoke(args=["links"]).exit_code != 0  # no event yet


def test_links_prints_the_same_links_again(runner: FlaskCliRunner) -> None:
    created = json.loads(runner.invoke(args=["create-event", "--json"]).output)
    again = json.loads(runner.invoke(args=["links", created["join_code"].lower(), "--json"]).output)
    assert again == created
    assert json.loads(runner.invoke(args=["links", "--json"]).output) == created


def test_the_collab_command_offers_the_app_commands_and_no_development_server(runner: FlaskCliRunner) -> None:
    # The FlaskCliRunner hands the group this test's app; `serve` joins the group in collab.server only.
    listed = runner.invoke(collab_commands(), ["--help"]).output
    for command in ("create-event", "links", "admin-link", "export-event", "import-event", "backup", "purge", "db"):
        assert f"  {command} " in listed, command
    for flask_only in ("run", "shell", "routes"):
        assert f"  {flask_only} " not in listed, flask_only
    assert "--app" not in listed and "--version" in listed
    created = json.loads(runner.invoke(collab_commands(), ["create-event", "--json"]).output)
    assert json.loads(runner.invoke(collab_commands(), ["links", "--json"]).output) == created


def test_db_upgrade_and_its_older_name_migrate_say_where_the_schema_stands(runner: FlaskCliRunner) -> None:
    for args in (["db", "upgrade"], ["migrate"]):
        result = runner.invoke(collab_commands(), args)
        assert result.exit_code == 0 and result.output.startswith("Database schema at revision "), result.output
