"""In real Chromium at 1920×1080 and 1280×720: the screen's welcome shows the day's programme whole,
or the rows that fit whole and a count of the others ("+ 8 autres temps, jusqu'à 19h"), never a
row cut by the list's box; with the built-in programme (13 phases) and a longer one, before the day
and during it (the phase under way stays on screen, the earlier ones are counted).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.browser import PageWatch, shoot, socket
from tests.support.live import LiveServer

BUILT_IN = 13  # the phases of the built-in programme, 9h30 – 17h
EXTRA = 8  # a longer day: eight more phases of a quarter of an hour, 17h – 19h
COUNTS = {
    "fr": {"later": "+ {n} autres temps, jusqu'à 19h", "earlier": "+ {n} temps plus tôt"},
    "en": {"later": "+ {n} more, until 7:00 PM", "earlier": "+ {n} earlier"},
}

# What a person at the back of the room could miss: a row cut by the list's box or by the screen,
# rows missing from the middle, a title cut without an ellipsis, a count line off the screen.
PROGRAMME = """async () => {
  await document.fonts.ready;
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const problems = [];
  const doc = document.scrollingElement;
  if (doc.scrollWidth > innerWidth || doc.scrollHeight > innerHeight) problems.push("page scrolls");
  const list = document.querySelector("[data-welcome-programme]");
  const box = list.getBoundingClientRect();
  const rows = [...list.children];
  const shown = rows.map((row, index) => [row, index]).filter(([row]) => row.getClientRects().length);
  for (const [row] of shown) {
    const edge = row.getBoundingClientRect();
    const name = row.textContent.slice(0, 40);
    if (edge.top < box.top - 0.5 || edge.bottom > box.bottom + 0.5) problems.push(`cut by the list: ${name}`);
    if (edge.top < 0 || edge.bottom > innerHeight + 0.5 || edge.right > innerWidth + 0.5) {
      problems.push(`off screen: ${name}`);
    }
    const title = row.querySelector(".welcome__title");
    const style = getComputedStyle(title);
    if (title.scrollHeight > title.clientHeight + 1 && style.webkitLineClamp === "none") {
      problems.push(`cut without an ellipsis: ${name}`);
    }
  }
  const indexes = shown.map(([, index]) => index);
  if (indexes.length && indexes[indexes.length - 1] - indexes[0] + 1 !== indexes.length) {
    problems.push("a gap in the rows");
  }
  const line = (selector) => {
    const node = document.querySelector(selector);
    if (!node || node.hidden) return null;
    const edge = node.getBoundingClientRect();
    if (edge.top < 0 || edge.bottom > innerHeight + 0.5) problems.push(`off screen: ${node.textContent}`);
    return node.textContent;
  };
  const now = rows.findIndex((row) => row.classList.contains("welcome__phase--now"));
  return {
    problems,
    total: rows.length,
    first: indexes[0],
    last: indexes[indexes.length - 1],
    now,
    earlier: line("[data-welcome-earlier]"),
    later: line("[data-welcome-later]"),
    sizes: shown.map(([row]) => parseFloat(getComputedStyle(row).fontSize)),
  };
}"""


def programme_reads(screen: Any, lang: str, height: int, what: str) -> dict[str, Any]:
    """Assert the welcome's programme rules and return what it shows."""
    found: dict[str, Any] = screen.evaluate(PROGRAMME)
    for key in ("earlier", "later"):  # English times have a narrow space before PM
        found[key] = found[key] and found[key].replace("\u202f", " ")
    assert found["problems"] == [], (what, found["problems"][:5])
    assert min(found["sizes"]) >= height / 48 - 0.01, (what, found["sizes"][:3])  # the projector's floor
    words = COUNTS[lang]
    hidden_before, hidden_after = found["first"], found["total"] - 1 - found["last"]
    assert found["earlier"] == (words["earlier"].format(n=hidden_before) if hidden_before else None), (what, found)
    assert found["later"] == (words["later"].format(n=hidden_after) if hidden_after else None), (what, found)
    return found


def longer_day(organiser: Any) -> None:
    """Add eight phases after the built-in programme's end, one with a title of 200 characters."""
    for n in range(EXTRA):
        start = 17 * 60 + 15 * n
        title = f"Atelier du soir n° {n + 1}"
        if n == 2:
            title = (title + " : " + "les coopérations entre territoires voisins, " * 6)[:200]
        phase = {
            "start": f"{start // 60:02d}:{start % 60:02d}",
            "end": f"{(start + 15) // 60:02d}:{(start + 15) % 60:02d}",
            "kind": "atelier",
            "title": title,
        }
        assert organiser.call("save_phase", phase, timeout=10)["ok"]


@pytest.mark.parametrize(("width", "height", "lang"), [(1920, 1080, "fr"), (1280, 720, "fr"), (1280, 720, "en")])
def test_the_welcome_shows_the_programme_whole_or_counts_what_it_leaves_out(
    chromium: Any, server: LiveServer, width: int, height: int, lang: str
) -> None:
    from playwright.sync_api import expect

    links = server.create_event(rooms=4, open_boards=False)
    server.start()
    organiser = socket(server.url, links["organiser_url"].rsplit("/", 1)[1])
    context = chromium.new_context(viewport={"width": width, "height": height})
    screen = context.new_page()
    screen.goto(links["screen_url"] + f"?lang={lang}")
    expect(screen.locator("html")).to_have_attribute("lang", lang)
    watch = PageWatch(screen, server.url)
    welcome = screen.locator('[data-mode-view="welcome"]')
    expect(welcome).to_be_visible()
    rows = welcome.locator(".welcome__phase")
    expect(rows).to_have_count(BUILT_IN)

    # 9h15, the built-in day: every phase shows, whole.
    shown = programme_reads(screen, lang, height, "built-in")
    assert (shown["first"], shown["last"]) == (0, BUILT_IN - 1), shown
    shoot(screen, "screen-welcome")

    # A longer day, added while the screen shows it: the first rows that fit whole, the others counted.
    longer_day(organiser)
    total = BUILT_IN + EXTRA
    expect(rows).to_have_count(total)
    shown = programme_reads(screen, lang, height, "a longer day")
    assert shown["first"] == 0 and shown["earlier"] is None, shown
    assert shown["later"] is not None, shown
    shoot(screen, "screen-welcome-long")

    # During the day, the organiser puts the welcome back: the phase under way and the next one stay,
    # the earlier ones leave first and are counted.
    phases = organiser.call("get_event", {}, timeout=10)["programme"]
    under_way = next(index for index, phase in enumerate(phases) if phase["title"] == "Atelier du soir n° 2")
    assert organiser.call("set_phase", {"phase_id": phases[under_way]["id"]}, timeout=10)["ok"]
    assert organiser.call("set_screen", {"mode": "welcome"}, timeout=10)["ok"]
    expect(welcome.locator(".welcome__phase--now")).to_be_visible()
    shown = programme_reads(screen, lang, height, "during the day")
    assert shown["now"] == under_way and shown["first"] <= under_way < under_way + 1 <= shown["last"], shown
    assert shown["earlier"] is not None, shown
    shoot(screen, "screen-welcome-during")
    organiser.disconnect()
    assert watch.problems == []
    context.close()
