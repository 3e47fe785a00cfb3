"""What the browser tests share: the join form, a page's watch, axe-core's audit, screenshots, a phone's socket."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import socketio
from babel.support import Translations

from collab.i18n import DEFAULT_LOCALE, TRANSLATIONS
from tests.support.apps import missing
from tests.support.live import ROOT


def join_form(
    page: Any,
    join_code: str,
    pseudonym: str,
    room: str,
    scale: str = "Intercommunalité",
    say: Callable[[str], str] = str,
) -> None:
    """Fill and send the join form open in `page`, and wait until the phone's board is connected.

    `say` turns the interface's French words into the page's language (the room and scale are the event's).
    """
    from playwright.sync_api import expect

    page.get_by_label(say("Pseudonyme")).fill(pseudonym)
    page.get_by_label(say("Échelle territoriale")).select_option(label=scale)
    page.get_by_role("group", name=say("Salle")).get_by_role("radio", name=room).check()
    page.get_by_role("button", name=say("Rejoindre la salle")).click()
    page.wait_for_url(f"**/e/{join_code}")
    expect(page.get_by_role("status").first).to_contain_text(say("Connecté"))


# A phone held upright, as Playwright's context options.
PHONE: dict[str, Any] = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
SMALL_PHONE: dict[str, Any] = {"viewport": {"width": 360, "height": 640}, "is_mobile": True, "has_touch": True}


class PageWatch:
    """Collects what a page's console and network say went wrong."""

    def __init__(self, page: Any, origin: str) -> None:
        self.problems: list[str] = []

        def console(message: Any) -> None:
            if message.type == "error":
                self.problems.append(message.text)

        def request(request: Any) -> None:
            if request.url.startswith(("http", "ws")) and not request.url.split("//", 1)[1].startswith(
                origin.split("//", 1)[1]
            ):
                self.problems.append(f"request left the server: {request.url}")

        page.on("console", console)
        page.on("pageerror", lambda error: self.problems.append(str(error)))
        page.on("request", request)


UNNAMED_CONTROLS = """() => {
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  const text = (el) => (el.innerText || el.textContent || "").trim();
  const named = (el) => {
    const by = el.getAttribute("aria-labelledby");
    if (by) return by.split(/\\s+/).every((id) => document.getElementById(id) && text(document.getElementById(id)));
    if (el.labels && el.labels.length) return [...el.labels].some((label) => visible(label) && text(label));
    return false;
  };
  const problems = [];
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (el.type !== "hidden" && visible(el) && !named(el)) problems.push(el.outerHTML.slice(0, 120));
  }
  for (const el of document.querySelectorAll("button, a[href], summary")) {
    if (visible(el) && !text(el) && !el.getAttribute("aria-labelledby")) problems.push(el.outerHTML.slice(0, 120));
  }
  return problems;
}"""


BLOCKING = ("serious", "critical")


def axe_source() -> str:
    """Return the axe-core script bundled with axe-playwright-python."""
    try:
        from axe_playwright_python.base import AXE_FILE_PATH
    except ImportError:
        missing("axe-playwright-python (requirements-dev.txt)")
    return Path(AXE_FILE_PATH).read_text()


def audit(page: Any, where: str) -> list[str]:
    """Run axe-core on the page as it is now; return its violations as lines, blocking ones first."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    found = []
    for violation in sorted(results["violations"], key=lambda v: v["impact"] not in BLOCKING):
        targets = ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        found.append(f"{where}: {violation['impact']} {violation['id']} ×{len(violation['nodes'])} {targets}")
    return found


def speaker(lang: str) -> Callable[[str], str]:
    """Return what turns the interface's French text into `lang`, from the compiled catalogue."""
    if lang == DEFAULT_LOCALE:
        return str
    return Translations.load(str(TRANSLATIONS), [lang]).gettext


def shots_folder() -> Path | None:
    """Return the folder of every screen's screenshot (COLLAB_SCREENSHOTS/screens), or None."""
    if not os.environ.get("COLLAB_SCREENSHOTS"):
        return None
    folder = ROOT / os.environ["COLLAB_SCREENSHOTS"] / "screens"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def shoot(page: Any, name: str) -> None:
    """Save a screenshot of the page at its viewport size, when screenshots are asked for.

    The file is named by the screen, the page's language and the size: `phone-en-360x640.png`.
    """
    folder = shots_folder()
    if folder is not None:
        size = page.viewport_size
        lang = page.evaluate("document.documentElement.lang") or "xx"
        page.screenshot(path=str(folder / f"{name}-{lang}-{size['width']}x{size['height']}.png"))


def socket(url: str, token: str) -> Any:
    """Open a Socket.IO client with a token, as a phone or a console would."""
    sio = socketio.Client(reconnection=False)
    sio.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=10)
    return sio


class Pages:
    """The pages a browser test opens against its server, each in a context of its own and watched."""

    def __init__(self, chromium: Any, origin: str) -> None:
        self.chromium = chromium
        self.origin = origin
        self.contexts: list[Any] = []
        self.watches: list[PageWatch] = []

    def context(self, **options: Any) -> Any:
        """Make a new context with Playwright's `options` (viewport, is_mobile...); it is closed afterwards."""
        context = self.chromium.new_context(**options)
        self.contexts.append(context)
        return context

    def open(self, url: str, *, context: Any = None, **options: Any) -> Any:
        """Open `url` in `context`, or in a new context made with Playwright's `options`, and watch it."""
        page = (context or self.context(**options)).new_page()
        self.watches.append(PageWatch(page, self.origin))
        page.goto(url)
        return page

    def join(
        self,
        links: dict[str, Any],
        pseudonym: str,
        room: str,
        scale: str = "Intercommunalité",
        *,
        context: Any = None,
        **options: Any,
    ) -> Any:
        """Open the join page (in `context`, or a new context), join `room` as `pseudonym`, return the phone's page."""
        page = self.open(links["join_url"], context=context, **options)
        join_form(page, links["join_code"], pseudonym, room, scale)
        return page

    def close(self) -> None:
        """Close every context opened."""
        for context in self.contexts:
            context.close()
