"""What a phone downloads before it can write its first card: bytes over the wire and requests.

Run: `.venv/bin/python -m bench.first_load`. Starts a real server (`app.py`, a temporary SQLite
file), joins an event as a participant in real Chromium emulating a phone, then opens the
participant page with an empty cache and counts every response until the send button is enabled
and the page says "Connecté" (the Socket.IO handshake included): bytes as they crossed the
network (compressed bodies and headers) and the same bodies decoded, the baseline without
compression. Then opens the page again, as a phone does when it wakes up: versioned static files
come from the cache, so only the page itself and the socket go over the network.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

BUDGET_BYTES = 100_000


def measure(context: Any, url: str) -> dict[str, Any]:
    """Open `url` in a new page of `context`; return the requests, wire bytes and decoded bytes until it can post."""
    responses: list[Any] = []
    page = context.new_page()
    page.on("response", lambda response: responses.append(response))
    page.goto(url)
    page.locator(".compose__send:enabled").wait_for()
    page.locator('[data-status="connected"]').first.wait_for()
    page.wait_for_load_state("load")
    rows = []
    for response in responses:
        sizes = response.request.sizes()
        try:
            decoded = len(response.body())
        except Exception:  # a websocket upgrade or a redirect has no body to read
            decoded = 0
        # A file the browser kept (versioned, immutable) has a body but none crossed the network.
        cached = sizes["responseBodySize"] <= 0 < decoded
        wire = 0 if cached else max(sizes["responseBodySize"], 0) + max(sizes["responseHeadersSize"], 0)
        row = {"url": response.url, "status": response.status, "wire": wire, "decoded": decoded, "cached": cached}
        rows.append(row)
    page.close()
    return {
        "requests": sum(not r["cached"] for r in rows),
        "cached": sum(r["cached"] for r in rows),
        "wire": sum(r["wire"] for r in rows),
        "decoded": sum(r["decoded"] for r in rows),
        "rows": rows,
    }


def main() -> None:
    """Print the first and the repeat load of the participant page, request by request."""
    from playwright.sync_api import sync_playwright

    from tests.support.browser import join_form
    from tests.support.live import CHROMIUM, CHROMIUM_ARGS, LiveServer

    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp), {"COLLAB_CREATE_DEMO": "0"})
        links = server.create_event(rooms=4)
        server.start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                context = browser.new_context(
                    viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True, device_scale_factor=2
                )
                joining = context.new_page()
                joining.goto(links["join_url"])
                join_form(joining, links["join_code"], "Camille", "Salle 1")
                board = joining.url
                joining.close()
                # An empty cache, the session cookie kept: the page as a phone first opens it.
                cdp = context.new_cdp_session(context.pages[0] if context.pages else context.new_page())
                cdp.send("Network.clearBrowserCache")
                first = measure(context, board)
                again = measure(context, board)
                browser.close()
        finally:
            server.stop()
    for name, load in (("first load", first), ("repeat load", again)):
        print(
            f"{name}: {load['requests']} requests over the network ({load['cached']} from the cache), "
            f"{load['wire'] / 1000:.1f} KB over the wire, {load['decoded'] / 1000:.1f} KB decoded"
        )
        for row in load["rows"]:
            path = row["url"].split("/", 3)[-1][:70]
            where = "cache" if row["cached"] else f"{row['wire']} B wire"
            print(f"  {row['status']:>3} {where:>12} {row['decoded']:>7} B decoded  /{path}")
    print(f"budget: {BUDGET_BYTES / 1000:.0f} KB over the wire for the first load")


if __name__ == "__main__":
    main()
