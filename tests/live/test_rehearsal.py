"""A rehearsal of the whole day on a real server: 150 phones, about a thousand cards, every phase.

150 python-socketio phones in 4 rooms play the built-in day through the documented protocol: roles
taken in atelier 1, cards on the board of each atelier, a dot vote, the syntheses of the morning,
offers and needs, the hypotheses voted. Meanwhile Chromium shows the plenary screen (1920×1080), one
phone (360×640), a facilitator console and the organiser page, and the organiser steps through every
phase with "Phase suivante". At each phase: the screen keeps the projector's rules (inside, apart, clamped),
every acknowledged card has reached the screen, and the phone shows the board of the moment. A
screenshot per phase and per surface goes to docs/screens/day/. `make rehearsal` runs it.
"""

from __future__ import annotations

import itertools
import random
import re
import subprocess
import sys
import threading
import tomllib
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.support.live import ROOT, UNLIMITED, LiveServer, Phone, participant_token
from tests.support.plenary import looks_right

pytestmark = pytest.mark.rehearsal

PEOPLE = 150
ROOMS = 4
SHOTS = ROOT / "docs" / "screens" / "day"
CARDS = tomllib.loads((ROOT / "tests" / "data" / "day_cards.toml").read_text(encoding="utf-8"))
# Cards per person on each atelier's board: about a thousand in the day.
PER_PERSON = {"case_study": 2, "four_questions": 3, "competences": 2}
SKILL_TYPES = ["savoirs", "savoir_faire", "savoir_etre", "methodes"]


def slug(text: str) -> str:
    """Return a file-name form of a phase title."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:40]


class Day:
    """The server, its links, the crowd of phones, and every card acknowledged so far."""

    def __init__(self, server: LiveServer, links: dict[str, Any]) -> None:
        self.server, self.links = server, links
        self.random = random.Random(2015)
        self.phones: list[tuple[Phone, int]] = []  # (phone, room id)
        self.acknowledged: set[int] = set()
        self.cards_by_room: dict[int, list[int]] = {}
        self.lock = threading.Lock()
        self.counter = itertools.count(1)

    def join_everyone(self) -> None:
        """Join 150 people through the real join form, in 4 rooms, and connect their phones."""
        rooms = [room["id"] for room in self.links["rooms"]]
        scales = ["commune", "intercommunalite", "departement", "region", "etat"]

        def join(n: int) -> tuple[Phone, int]:
            room = rooms[n % ROOMS]
            token = participant_token(self.server.url, self.links["join_code"], f"Dév {n}", room, scales[n % 5])
            return read_in_order(Phone(self.server.url, token)).connect(), room

        with ThreadPoolExecutor(max_workers=10) as pool:
            self.phones = list(pool.map(join, range(PEOPLE)))

    def text(self, board: str, column: str) -> str:
        """Return a card a territorial developer might write in this column."""
        return self.random.choice(CARDS[board][column]) + self.random.choice(CARDS["endings"])

    def post_round(self, board: str, columns: list[str]) -> int:
        """Have every phone post its cards on the board; return how many were acknowledged."""
        jobs = []
        for phone, room in self.phones:
            for _ in range(PER_PERSON[board]):
                column = self.random.choice(columns)
                payload: dict[str, Any] = {
                    "client_id": f"rehearsal-{next(self.counter):05d}",
                    "board": board,
                    "column": column,
                    "text": self.text(board, column),
                }
                if board == "competences":
                    keywords = self.random.sample(
                        ["mobilité", "concertation", "alimentation", "foncier", "jeunesse"], 2
                    )
                    payload["skill"] = {
                        "type": self.random.choice(SKILL_TYPES),
                        "scope": self.random.choice(["individuel", "collectif"]),
                        "keywords": keywords,
                    }
                jobs.append((phone, room, payload))

        def post(job: tuple[Phone, int, dict[str, Any]]) -> None:
            phone, room, payload = job
            ack = phone.call("post_card", payload, timeout=30)
            assert ack["ok"], ack
            with self.lock:
                self.acknowledged.add(ack["card"]["id"])
                self.cards_by_room.setdefault(room, []).append(ack["card"]["id"])

        # Six posts in flight at once: every post reaches the room's phones (atelier 3's reach them
        # all), and the 150 phones' sockets share this one process; faster than they can read, a
        # phone's socket falls behind the server's pings and drops (engineio: "packet queue is empty").
        with ThreadPoolExecutor(max_workers=6) as pool:
            list(pool.map(post, jobs))
        return len(jobs)


def read_in_order(phone: Phone) -> Phone:
    """Have a phone's socket handle each message on its reading thread rather than on a new thread.

    The 150 phones share this process: python-engineio starts a thread per message received, and with
    every phone receiving each post of atelier 3, those threads starve the reading threads, which then
    answer the server's pings too late and drop ("packet queue is empty, aborting"). The phones'
    handlers only record what came, so reading in order costs nothing else.
    """
    eio = phone.sio.eio
    trigger = eio._trigger_event

    def in_order(event: str, *args: Any, **kwargs: Any) -> Any:
        if event == "message":
            kwargs["run_async"] = False
        return trigger(event, *args, **kwargs)

    eio._trigger_event = in_order
    return phone


def test_the_whole_day_with_150_phones_and_a_thousand_cards(chromium: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    server = LiveServer(tmp_path, {"COLLAB_CREATE_DEMO": "0"} | UNLIMITED)
    links = server.create_event(rooms=ROOMS, open_boards=False)  # the day opens each board in its turn
    server.start()
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):
        old.unlink()
    day = Day(server, links)
    contexts = []
    observer = None
    try:
        day.join_everyone()
        observer = ScreenSocket(server.url, links["screen_url"].rsplit("/", 1)[1])
        facilitator = Phone(server.url, links["rooms"][0]["facilitator_url"].rsplit("/", 1)[1]).connect()
        organiser_socket = Phone(server.url, links["organiser_url"].rsplit("/", 1)[1]).connect()
        event = organiser_socket.call("get_event", {})
        boards = {board["key"]: board for board in event["boards"]} if "boards" in event else {}

        def page(url: str, **options: Any) -> Any:
            context = chromium.new_context(**options)
            contexts.append(context)
            opened = context.new_page()
            opened.goto(url)
            return opened

        screen = page(links["screen_url"], viewport={"width": 1920, "height": 1080})
        console = page(links["rooms"][0]["facilitator_url"], viewport={"width": 1440, "height": 900})
        organiser = page(links["organiser_url"], viewport={"width": 1440, "height": 900})
        phone = page(links["join_url"], viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True)
        phone.get_by_label("Pseudonyme").fill("Témoin")
        phone.get_by_label("Échelle territoriale").select_option(label="Commune")
        phone.get_by_role("radio", name=links["rooms"][0]["name"]).check()
        phone.get_by_role("button", name="Rejoindre la salle").click()
        for surface in (phone, organiser, console):
            expect(surface.get_by_role("status").first).to_contain_text("Connecté")
        expect(screen.locator("[data-status]")).to_have_attribute("data-status", "connected")

        programme = event["programme"]
        for index, phase in enumerate(programme):
            organiser.get_by_role("button", name="Phase suivante").click()
            expect(screen.locator("[data-now-title]")).to_have_text(phase["title"])
            board = phase.get("activity")
            if board:
                board_info = boards.get(board) or next(b for b in describe_boards(organiser) if b["key"] == board)
                columns = [column["key"] for column in board_info["columns"]]
                if board == "case_study":
                    take_roles(day, event)
                day.post_round(board, columns)
                # The phone shows the board of the moment: its first column's region.
                expect(phone.get_by_role("region", name=board_info["columns"][0]["label"])).to_be_visible()
                if board == "four_questions":
                    dot_vote(day, facilitator, links["rooms"][0]["id"])
            if phase["kind"] == "pleniere" and index > 0 and programme[index - 1]["kind"] == "repas":
                publish_syntheses(day, links)
                assert organiser_socket.call("set_screen", {"mode": "syntheses", "board": None, "slide": 0})["ok"]
            if phase["kind"] == "pleniere" and "hypoth" in (phase.get("description") or "").lower():
                vote_hypotheses(day, organiser_socket, screen)
            every_card_reached(observer, day.acknowledged)
            name = f"{index + 1:02d}-{slug(phase['title'])}"
            surfaces = {"screen": screen, "phone": phone, "console": console, "organiser": organiser}
            for surface, shown in surfaces.items():
                shown.screenshot(path=str(SHOTS / f"{name}-{surface}.png"))
            looks_right(screen, phase["title"])  # the projector's rules: inside, apart, clamped with "…"
            if phase["kind"] == "pleniere" and index > 0 and programme[index - 1]["kind"] == "repas":
                assert organiser_socket.call("set_screen", {"mode": "rooms"})["ok"]
        assert len(day.acknowledged) >= 950
    finally:
        for context in contexts:
            context.close()
        if observer:
            observer.stop()
        server.stop()


def describe_boards(organiser: Any) -> list[dict[str, Any]]:
    """Return the event's boards as the organiser page was drawn with them."""
    return list(organiser.evaluate("() => JSON.parse(document.getElementById('boot').textContent).event.boards"))


def take_roles(day: Day, event: dict[str, Any]) -> None:
    """Have each phone take a protagonist's role in its room's situation."""
    situations = {room["id"]: room["situation"] for room in event["rooms"]}
    for n, (phone, room) in enumerate(day.phones):
        situation = situations.get(room)
        if situation and situation["protagonists"]:
            role = situation["protagonists"][n % len(situation["protagonists"])]
            assert phone.call("take_role", {"role": role})["ok"]


def dot_vote(day: Day, facilitator: Phone, room_id: int) -> None:
    """Run a dot vote of 3 dots in the first room: each of its phones places them."""
    assert facilitator.call("open_vote", {"room_id": room_id, "dots": 3})["ok"]
    cards = day.cards_by_room[room_id]
    for phone, room in day.phones:
        if room == room_id:
            for card in day.random.sample(cards, 3):
                ack = phone.call("place_dot", {"card_id": card})
                assert ack["ok"], ack
    assert facilitator.call("close_vote", {"room_id": room_id})["ok"]


def publish_syntheses(day: Day, links: dict[str, Any]) -> None:
    """Have each room's facilitator write and publish its synthesis of the morning."""
    for room in links["rooms"]:
        facilitator = Phone(day.server.url, room["facilitator_url"].rsplit("/", 1)[1]).connect()
        items = day.cards_by_room[room["id"]][-3:]
        texts = {
            "pourquoi": "Aucune commune ne porte seule ces services.",
            "comment": "Une convention pluriannuelle et un poste partagé.",
        }
        payload = {"room_id": room["id"], "board": "four_questions", "items": items, "texts": texts}
        saved = facilitator.call("save_synthesis", payload)
        assert saved["ok"], saved
        assert facilitator.call("publish_synthesis", {"room_id": room["id"], "board": "four_questions"})["ok"]
        facilitator.sio.disconnect()


def vote_hypotheses(day: Day, organiser: Phone, screen: Any) -> None:
    """Put the first hypothesis to the vote: every phone answers, then the organiser closes it."""
    hypotheses = organiser.call("get_hypotheses", {})["hypotheses"]
    first = hypotheses[0]["id"]
    assert organiser.call("open_hypothesis", {"hypothesis_id": first})["ok"]
    verdicts = ["validee", "infirmee", "a_nuancer"]
    for n, (phone, _room) in enumerate(day.phones):
        ack = phone.call("vote_hypothesis", {"hypothesis_id": first, "verdict": verdicts[n % 3]})
        assert ack["ok"], ack
    assert organiser.call("close_hypothesis", {"hypothesis_id": first})["ok"]


class ScreenSocket:
    """The screen's socket, run by tests/support/observer.py in a process of its own: the cards it received."""

    def __init__(self, url: str, token: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.observer", url, token],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.seen: set[int] = set()
        self.state = "connecting"
        self.arrived = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        with self.arrived:
            assert self.arrived.wait_for(lambda: self.state != "connecting", timeout=30), "the screen never connected"
        assert self.state == "connected", self.state

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            word, _, rest = line.strip().partition(" ")
            with self.arrived:
                if word == "card":
                    self.seen.add(int(rest))
                else:
                    self.state = word
                self.arrived.notify_all()
        with self.arrived:
            self.state = "gone"
            self.arrived.notify_all()

    def stop(self) -> None:
        """End the observer's process."""
        self.process.terminate()
        self.process.wait(timeout=10)


def every_card_reached(observer: ScreenSocket, acknowledged: set[int], timeout: float = 60) -> None:
    """Wait until the screen's socket has received every acknowledged card (at most `timeout` seconds)."""
    with observer.arrived:
        observer.arrived.wait_for(lambda: acknowledged <= observer.seen or observer.state == "gone", timeout)
        missing = sorted(acknowledged - observer.seen)
        state = observer.state
    assert not missing, f"{len(missing)} acknowledged cards never reached the screen ({state}): {missing[:10]}"
