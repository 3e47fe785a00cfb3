"""The plenary screen in the browser tests: a seeded day of three rooms, and the screen's geometry rules."""

from __future__ import annotations

from typing import Any

from tests.support.browser import socket
from tests.support.live import LiveServer, participant_token

# Three rooms write the four questions; some ideas come back from several rooms in other words.
CARDS = [
    (0, "pourquoi", "Le manque de confiance entre les élus freine tout projet commun"),
    (1, "pourquoi", "Manque de confiance entre élus"),
    (2, "pourquoi", "Répondre ensemble aux appels à projets européens"),
    (0, "pour_quoi", "Créer des emplois locaux durables"),
    (1, "pour_quoi", "Partager un diagnostic commun du territoire"),
    (2, "pour_quoi", "Un diagnostic partagé du territoire"),
    (0, "comment", "Mutualiser les services techniques"),
    (2, "comment", "Mutualisation des services techniques"),
    (1, "comment", "Des réunions régulières du comité de pilotage, ouvertes aux habitants"),
    (0, "conditions", "Une gouvernance partagée entre communes"),
    (1, "conditions", "Une gouvernance partagée entre les communes"),
    (2, "conditions", "Du temps long, et un animateur neutre reconnu par tous"),
    (2, "conditions", "La confiance se construit dans le temps long"),
]


def seed(live: LiveServer, links: dict[str, Any]) -> tuple[Any, list[int]]:
    """Post the cards from three phones, publish rooms 1 and 2's syntheses, put two hypotheses to the vote.

    Return a phone still connected and the ids of the two hypotheses (the first closed, the second open).
    """
    rooms = links["rooms"]
    phones = [
        socket(live.url, participant_token(live.url, links["join_code"], f"Participant {i + 1}", room["id"]))
        for i, room in enumerate(rooms)
    ]
    posted: dict[int, list[int]] = {0: [], 1: [], 2: []}
    for n, (room, column, text) in enumerate(CARDS):
        payload = {"client_id": f"seed-card-{n:04d}", "board": "four_questions", "column": column, "text": text}
        ack = phones[room].call("post_card", payload, timeout=10)
        assert ack["ok"], ack
        posted[room].append(ack["card"]["id"])
    for index in (0, 1):
        console = socket(live.url, rooms[index]["facilitator_url"].rsplit("/", 1)[1])
        texts = {"pourquoi": "Sans confiance entre élus, rien ne se fait.", "comment": "Mutualiser, pas à pas."}
        synthesis = {"room_id": rooms[index]["id"], "board": "four_questions"}
        saved = console.call("save_synthesis", synthesis | {"items": posted[index], "texts": texts})
        assert saved["ok"], saved
        assert console.call("publish_synthesis", synthesis, timeout=10)["ok"]
        console.disconnect()
    organiser = socket(live.url, links["organiser_url"].rsplit("/", 1)[1])
    drafts = [h["id"] for h in organiser.call("get_hypotheses", {}, timeout=10)["hypotheses"]][:2]
    # The screen stays on the rooms until the organiser chooses: votes do not take it here.
    assert organiser.call("set_screen_follows_votes", {"follows": False}, timeout=10)["ok"]
    for hypothesis_id in drafts:
        assert organiser.call("open_hypothesis", {"hypothesis_id": hypothesis_id}, timeout=10)["ok"]
        for phone, verdict in zip(phones, ("validee", "a_nuancer", "a_nuancer"), strict=True):
            vote = {"hypothesis_id": hypothesis_id, "verdict": verdict, "reason": "Selon l'échelle du projet"}
            assert phone.call("vote_hypothesis", vote, timeout=10)["ok"]
    organiser.disconnect()
    for phone in phones[1:]:
        phone.disconnect()
    return phones[0], drafts


# What a person at the back of the room could miss: the page scrolls, a shown card leaves the
# screen or the list that clips it, two shown cards overlap, the header or a column's counts leave
# the screen.
LAYOUT = """() => {
  const problems = [];
  const doc = document.scrollingElement;
  if (doc.scrollWidth > innerWidth || doc.scrollHeight > innerHeight) {
    problems.push(`page scrolls ${doc.scrollWidth}×${doc.scrollHeight}`);
  }
  const shown = [...document.querySelectorAll(".card, .ccard, .cgroup")].filter((card) =>
    card.getClientRects().length && getComputedStyle(card).visibility !== "hidden");
  // What of a card shows: its box, cut by the first ancestor that clips (a column's list).
  const visible = (card) => {
    const box = card.getBoundingClientRect();
    let [top, bottom, left, right] = [box.top, box.bottom, box.left, box.right];
    for (let up = card.parentElement; up; up = up.parentElement) {
      const overflow = getComputedStyle(up).overflowY;
      if (overflow === "auto" || overflow === "scroll") return {top, bottom, left, right, scrolls: true};
      if (overflow === "hidden" || overflow === "clip") {
        const outer = up.getBoundingClientRect();
        // No card is cut by its column: one too tall is clamped to fewer lines instead.
        if (box.bottom > outer.bottom + 0.5 || box.top < outer.top - 0.5) {
          problems.push(`cut by its column: ${card.textContent.slice(0, 40)}`);
        }
        top = Math.max(top, outer.top); bottom = Math.min(bottom, outer.bottom);
        left = Math.max(left, outer.left); right = Math.min(right, outer.right);
        break;
      }
    }
    return {top, bottom, left, right, scrolls: false};
  };
  const boxes = shown.map((card) => [card, visible(card)]);
  for (const [card, box] of boxes) {
    if (box.scrolls) continue; // a scroll container holds it: it is reachable
    if (box.left < 0 || box.top < 0 || box.right > innerWidth + 0.5 || box.bottom > innerHeight + 0.5) {
      problems.push(`off screen: ${card.textContent.slice(0, 40)}`);
    }
  }
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const [a, b] = [boxes[i][1], boxes[j][1]];
    const apart = a.right <= b.left + 0.5 || b.right <= a.left + 0.5
      || a.bottom <= b.top + 0.5 || b.bottom <= a.top + 0.5;
    const [one, other] = [boxes[i][0], boxes[j][0]];
    if (!apart && !one.contains(other) && !other.contains(one)) {
      problems.push(`overlap: ${one.textContent.slice(0, 30)} / ${other.textContent.slice(0, 30)}`);
    }
  }
  const furniture = [...document.querySelectorAll(
    ".screen__top, .column__head, .column__more, .hyp-results > *, .hyp-reason, .hyp-bar, .hyp-scale, " +
    ".hyp-cited__card")].filter((node) =>
    node.getClientRects().length && getComputedStyle(node).visibility !== "hidden");
  for (const node of furniture) {
    const box = node.getBoundingClientRect();
    if (box.left < -0.5 || box.top < -0.5 || box.right > innerWidth + 0.5 || box.bottom > innerHeight + 0.5) {
      problems.push(`off screen: ${node.className} ${node.textContent.slice(0, 30)}`);
    }
  }
  return {problems, shown: shown.length};
}"""


# A text taller than its box is cut: it must be a clamped one, which ends with an ellipsis.
CLAMPS = """() => {
  const problems = [];
  let clamped = 0;
  const texts = document.querySelectorAll(
    ".card__text, .ccard__text, .hyp-results__text, .hyp-results__conclusion, .hyp-reason__text, " +
    ".hyp-cited__card, .phase__title");
  for (const node of texts) {
    if (!node.getClientRects().length || getComputedStyle(node).visibility === "hidden") continue;
    if (node.scrollHeight <= node.clientHeight + 1) continue;
    const style = getComputedStyle(node);
    if (style.webkitLineClamp === "none") {
      problems.push(`cut without an ellipsis: ${node.textContent.slice(0, 40)}`);
      continue;
    }
    // The ellipsis ends the last line shown: the box is no taller than its clamped lines.
    const lines = Number(style.webkitLineClamp) * parseFloat(style.lineHeight);
    const padding = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
    if (node.clientHeight > lines + padding + 1) {
      problems.push(`lines shown past the ellipsis: ${node.textContent.slice(0, 40)}`);
    }
    if (parseFloat(style.paddingBottom) > 0.5) {  // the next line would show in the padding
      problems.push(`a line past the ellipsis shows in the padding: ${node.textContent.slice(0, 40)}`);
    }
    clamped += 1;
  }
  return {problems, clamped};
}"""


def looks_right(screen: Any, what: str) -> dict[str, Any]:
    """Assert the screen's geometry rules (layout, clamped texts) and return the layout found."""
    layout = screen.evaluate(LAYOUT)
    assert layout["problems"] == [], (what, layout["problems"][:5])
    clamps = screen.evaluate(CLAMPS)
    assert clamps["problems"] == [], (what, clamps["problems"][:5])
    return dict(layout) | {"clamped": clamps["clamped"]}
