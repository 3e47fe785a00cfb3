"""The addresses people open: the public base URL (the LAN address at a venue) and each link."""

from __future__ import annotations

from typing import Any

import ifaddr
from flask import current_app

from collab.domain.events import EventLinks


def lan_address() -> str:
    """Return this machine's first private IPv4 address, the one phones on the venue Wi-Fi reach."""
    candidates = []
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            if isinstance(ip.ip, str) and not ip.ip.startswith(("127.", "169.254.")):
                candidates.append(ip.ip)
    private = [ip for ip in candidates if ip.startswith(("10.", "192.168.")) or _in_172_private(ip)]
    return (private or candidates or ["127.0.0.1"])[0]


def _in_172_private(ip: str) -> bool:
    """Tell whether `ip` is in 172.16.0.0/12."""
    parts = ip.split(".")
    return parts[0] == "172" and 16 <= int(parts[1]) <= 31


def base_url() -> str:
    """Return the URL phones must open: COLLAB_PUBLIC_URL, else the LAN address and port."""
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return configured.rstrip("/")
    return f"http://{lan_address()}:{current_app.config['PORT']}"


def join_url(code: str) -> str:
    """Return the participant join URL of an event."""
    return f"{base_url()}/j/{code}"


def event_links(created: EventLinks) -> dict[str, Any]:
    """Return every link of a newly created event (its tokens are only known now)."""
    base = base_url()
    return {
        "id": created.id,
        "title": created.title,
        "join_code": created.join_code,
        "join_url": join_url(created.join_code),
        "screen_url": f"{base}/s/{created.screen_token}",
        "organiser_url": f"{base}/o/{created.organiser_token}",
        "rooms": [
            {"id": r.id, "name": r.name, "facilitator_url": f"{base}/f/{r.facilitator_token}"} for r in created.rooms
        ],
    }


def describe_links(links: dict[str, Any]) -> str:
    """Return the links of an event as a person reads them in a console."""
    lines = [
        f"Événement : {links['title']}",
        f"  Code participant : {links['join_code']}",
        f"  Rejoindre        : {links['join_url']}",
        f"  Écran plénière   : {links['screen_url']}",
        f"  Organisation     : {links['organiser_url']}",
    ]
    lines += [f"  Animation {room['name']:<8}: {room['facilitator_url']}" for room in links["rooms"]]
    return "\n".join(lines)
