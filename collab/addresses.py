"""The addresses people open: the public base URL (the LAN address at a venue) and each link."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import ifaddr
from flask import current_app, request

from collab.domain.events import EventLinks
from collab.domain.links import LinkInfo


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


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def venue() -> dict[str, Any]:
    """Return where phones must go, and whether they cannot reach this server there.

    The server says what it listens on (`collab serve` sets LISTEN_HOST); a loopback address, or a base
    URL naming this machine only, means no phone on the Wi-Fi can reach it.
    """
    url = base_url()
    host = (urlsplit(url).hostname or "").lower()
    listen = current_app.config.get("LISTEN_HOST", "0.0.0.0")
    return {"base_url": url, "listen_host": listen, "local_only": listen in LOOPBACK or host in LOOPBACK}


def join_url(code: str) -> str:
    """Return the participant join URL of an event."""
    return f"{base_url()}/j/{code}"


# The path of each role's page: /o/TOKEN, /f/TOKEN, /s/TOKEN.
ROLE_PATHS = {"organiser": "o", "facilitator": "f", "screen": "s"}


def link_url(role: str, token: str | None) -> str | None:
    """Return the address of a secret link (None for a link that no longer exists)."""
    if token is None:
        return None
    return f"{base_url()}/{ROLE_PATHS[role]}/{token}"


def admin_url(token: str) -> str:
    """Return the address of the server's admin page."""
    return f"{base_url()}/a/{token}"


def event_addresses(created: EventLinks) -> dict[str, Any]:
    """Return every valid link of an event as addresses (a revoked one is None)."""
    return {
        "id": created.id,
        "title": created.title,
        "join_code": created.join_code,
        "join_url": join_url(created.join_code),
        "screen_url": link_url("screen", created.screen_token),
        "organiser_url": link_url("organiser", created.organiser_token),
        "rooms": [
            {"id": r.id, "name": r.name, "facilitator_url": link_url("facilitator", r.facilitator_token)}
            for r in created.rooms
        ],
        "all_rooms_urls": [link_url("facilitator", token) for token in created.all_rooms_tokens],
    }


def link_data(link: LinkInfo) -> dict[str, Any]:
    """Return a link as the organiser's console receives it: its address instead of its token."""
    data = link.as_dict()
    data["url"] = link_url(link.role, data.pop("token"))
    return data


def describe_links(links: dict[str, Any]) -> str:
    """Return the links of an event as a person reads them in a console."""
    lines = [
        f"Événement : {links['title']}",
        f"  Code participant : {links['join_code']}",
        f"  Rejoindre        : {links['join_url']}",
        f"  Écran plénière   : {links['screen_url'] or 'lien révoqué'}",
        f"  Organisation     : {links['organiser_url'] or 'lien révoqué'}",
    ]
    lines += [f"  Animation {room['name']:<8}: {room['facilitator_url'] or 'lien révoqué'}" for room in links["rooms"]]
    lines += [f"  Animation (toutes les salles) : {url}" for url in links.get("all_rooms_urls", [])]
    return "\n".join(lines)


def same_origin() -> bool:
    """Tell whether a form post comes from this site.

    Browsers send Origin on every cross-site POST, so a missing one is an old browser or a
    script, allowed; "null" (privacy settings) is judged by Sec-Fetch-Site when there is one.
    """
    origin = request.headers.get("Origin")
    if origin is None:
        return request.headers.get("Sec-Fetch-Site", "same-origin") in ("same-origin", "none")
    if origin == "null":
        return request.headers.get("Sec-Fetch-Site") == "same-origin"
    return urlsplit(origin).netloc == request.host
