"""The headers every HTTP response carries: the Content-Security-Policy and who may see a secret link."""

from __future__ import annotations

from flask import Response, request

# Scripts and styles come only from this server: no inline script, no CDN.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def secure_headers(response: Response) -> Response:
    """Add the Content-Security-Policy and keep secret links out of Referer headers."""
    response.headers["X-Content-Type-Options"] = "nosniff"
    if response.mimetype in ("text/javascript", "text/css"):
        # Never a document: a policy on each of a page's 30 files is 10 KB for nothing on a phone.
        return response
    # A page that sets its own policy (a report carrying its style) keeps it.
    response.headers.setdefault("Content-Security-Policy", CSP)
    # Secret links are in URLs: never send them to another site (same-site form posts keep
    # their Origin header, which the join form checks).
    response.headers["Referrer-Policy"] = "same-origin"
    if request.path.startswith(("/s/", "/f/", "/o/", "/e/", "/a/")):
        response.headers["Cache-Control"] = "no-store"
    return response


def style_policy(style_hash: str) -> str:
    """Return the policy of a page that carries its own style block, allowed by its hash."""
    return CSP.replace("style-src 'self'", f"style-src {style_hash}")
