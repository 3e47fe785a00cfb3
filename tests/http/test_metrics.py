"""Metrics for Prometheus at /metrics: off by default, on for this host and the admin link's holder only."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from collab import create_app
from collab.domain.admin import admin_token, check_admin
from collab.store.database import db
from tests.support.apps import SECRET, app_config
from tests.support.live import UNLIMITED, LiveServer, Phone, participant_token, post

# Every metric collab adds, as the exposition names them, and one of the process's own.
NAMES = (
    "collab_socket_connections",
    "collab_socket_events_total",
    "collab_socket_ack_seconds",
    "collab_cards_posted_total",
    "collab_cards_stored",
    "process_open_fds",
)
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def samples(text: str) -> Samples:
    """Return every sample of a scrape by its name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(found: Samples, name: str, **labels: str) -> float:
    """Return one sample's value; 0 when the scrape does not have it (a label set not counted yet)."""
    return found.get((name, frozenset(labels.items())), 0.0)


def collab_only(found: Samples) -> Samples:
    """Return the samples collab counts (not the process's CPU and memory, which move by themselves)."""
    return {key: number for key, number in found.items() if key[0].startswith("collab_")}


@pytest.fixture
def metrics_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """Return an app with metrics on, behind one trusted proxy (COLLAB_PROXY_COUNT=1) as with nginx."""
    app = create_app(app_config(database_url, tmp_path) | {"METRICS": True, "PROXY_COUNT": 1})
    with app.app_context():
        yield app
    db.dispose()


def scrape(client: FlaskClient, address: str = "127.0.0.1", **headers: str) -> tuple[int, str]:
    """Ask for /metrics from `address` (the direct peer) with these headers; return the status and text."""
    answer = client.get("/metrics", headers=headers, environ_base={"REMOTE_ADDR": address})
    return answer.status_code, answer.get_data(as_text=True)


def test_metrics_are_off_unless_asked_for(client: FlaskClient) -> None:
    assert client.get("/metrics").status_code == 404
    token = admin_token(SECRET).token
    assert client.get("/metrics", headers={"Authorization": f"Bearer {token}"}).status_code == 404


def test_this_host_reads_every_metric_and_the_cards_in_the_database(metrics_app: Flask) -> None:
    client = metrics_app.test_client()
    for address in ("127.0.0.1", "::1", "::ffff:127.0.0.1"):
        status, text = scrape(client, address)
        assert status == 200, address
    answer = client.get("/metrics")
    assert answer.mimetype == "text/plain" and answer.headers["Cache-Control"] == "no-store"
    for name in NAMES:
        assert f"# TYPE {name} " in text, name
    found = samples(text)
    assert value(found, "collab_socket_connections", role="participant") == 0
    assert value(found, "collab_cards_stored") == 0


def test_a_forwarded_or_distant_request_without_the_token_is_refused(metrics_app: Flask) -> None:
    client = metrics_app.test_client()
    # nginx on this host: the peer is 127.0.0.1, the browser anywhere.
    assert scrape(client, "127.0.0.1", **{"X-Forwarded-For": "203.0.113.7"})[0] == 403
    assert scrape(client, "127.0.0.1", **{"X-Forwarded-Proto": "https"})[0] == 403
    assert scrape(client, "127.0.0.1", Forwarded="for=203.0.113.7")[0] == 403
    # From elsewhere, even claiming to forward for localhost (ProxyFix would believe the header).
    assert scrape(client, "10.0.0.9")[0] == 403
    assert scrape(client, "10.0.0.9", **{"X-Forwarded-For": "127.0.0.1"})[0] == 403
    assert scrape(client, "")[0] == 403  # a Unix socket: not known to be local


def test_the_admin_links_token_opens_the_metrics_from_anywhere(metrics_app: Flask) -> None:
    client = metrics_app.test_client()
    token = admin_token(SECRET).token
    bearer = {"Authorization": f"Bearer {token}"}
    assert scrape(client, "10.0.0.9", **bearer)[0] == 200
    assert scrape(client, "127.0.0.1", **bearer, **{"X-Forwarded-For": "203.0.113.7"})[0] == 200
    # Regenerated, the old link's token opens nothing any more.
    new = admin_token(SECRET, regenerate=True).token
    assert scrape(client, "10.0.0.9", **bearer)[0] == 403
    assert scrape(client, "10.0.0.9", Authorization=f"Bearer {new}")[0] == 200


def test_a_bad_token_is_refused_even_from_this_host_and_changes_nothing(metrics_app: Flask) -> None:
    client = metrics_app.test_client()
    token = admin_token(SECRET).token
    before = collab_only(samples(scrape(client)[1]))
    for presented in (f"Bearer {token}x", "Bearer ", f"Basic {token}", token, f"Bearer {'a' * 500}"):
        assert scrape(client, "127.0.0.1", Authorization=presented)[0] == 403, presented
    assert collab_only(samples(scrape(client)[1])) == before
    check_admin(token)  # the admin link still holds
    assert client.get(f"/a/{token}").status_code == 200


def test_a_real_server_counts_sockets_events_refusals_and_cards(tmp_path: Path) -> None:
    live = LiveServer(tmp_path, {"COLLAB_CREATE_DEMO": "0", "COLLAB_METRICS": "1"} | UNLIMITED)
    links = live.create_event(rooms=1)
    live.start()
    try:

        def scraped() -> Samples:
            answer = requests.get(f"{live.url}/metrics", timeout=10)
            assert answer.status_code == 200, answer.text
            return samples(answer.text)

        # A real request through a proxy on this host is refused like any other.
        forwarded = requests.get(f"{live.url}/metrics", headers={"X-Forwarded-For": "203.0.113.7"}, timeout=10)
        assert forwarded.status_code == 403
        before = scraped()
        assert value(before, "collab_socket_connections", role="participant") == 0
        phone = Phone(live.url, participant_token(live.url, links["join_code"], "Alix", links["rooms"][0]["id"]))
        phone.connect()
        assert post(phone, "metrics-1", "Une carte")["ok"]
        assert post(phone, "metrics-1", "Une carte")["ok"]  # a retry: acknowledged, not a new card
        bad = phone.call("post_card", {"client_id": "metrics-2", "text": "Sans colonne", "colour": "rouge"})
        assert bad["error"]["code"] == "invalid"
        assert phone.call("no_such_event", {})["error"]["code"] == "unknown_event"
        after = scraped()
        assert value(after, "collab_socket_connections", role="participant") == 1
        ok = {"event": "post_card", "outcome": "ok", "error": ""}
        assert value(after, "collab_socket_events_total", **ok) == value(before, "collab_socket_events_total", **ok) + 2
        invalid = {"event": "post_card", "outcome": "refused", "error": "invalid"}
        assert value(after, "collab_socket_events_total", **invalid) == 1
        unknown = {"event": "(unknown)", "outcome": "refused", "error": "unknown_event"}
        assert value(after, "collab_socket_events_total", **unknown) == 1
        assert value(after, "collab_cards_posted_total") == value(before, "collab_cards_posted_total") + 1
        assert value(after, "collab_cards_stored") == 1
        # Every post_card answered, the refused one too, went into the histogram.
        assert value(after, "collab_socket_ack_seconds_count", event="post_card") == 3
        assert value(after, "collab_socket_ack_seconds_bucket", event="post_card", le="+Inf") == 3
        phone.sio.disconnect()
        deadline = time.monotonic() + 5
        while value(scraped(), "collab_socket_connections", role="participant") != 0:
            assert time.monotonic() < deadline, "the closed socket is still counted"
            time.sleep(0.05)
    finally:
        live.stop()
