"""Tokens a client presents: signed participant tokens and secret links, resolved to principals."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from collab.domain.access import Principal, principal_for_grid_link, principal_for_link, principal_for_participant
from collab.domain.errors import Unauthorised

PARTICIPANT_PREFIX = "p."
# A participant's personal grid link: signed with its own salt, it reads and saves their self-diagnosis only.
GRID_PREFIX = "g."
TOKEN_MAX = 200


def _serializer() -> URLSafeSerializer:
    """Return the signer of participant tokens, keyed by the app's persistent secret."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="collab.participant")


def participant_token(participant_id: int) -> str:
    """Return the signed token that lets a phone act as this participant again after a reload."""
    return PARTICIPANT_PREFIX + _serializer().dumps({"p": participant_id})


def participant_id_from_token(token: str) -> int:
    """Return the participant id a signed token carries, or raise Unauthorised."""
    try:
        data = _serializer().loads(token.removeprefix(PARTICIPANT_PREFIX))
    except BadSignature:
        raise Unauthorised("this participant token is not valid; join again") from None
    if not isinstance(data, dict) or not isinstance(data.get("p"), int):
        raise Unauthorised("this participant token is not valid; join again")
    return data["p"]


def _grid_serializer() -> URLSafeSerializer:
    """Return the signer of grid links: another salt, so a grid token is never a participant token."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="collab.grid")


def grid_token(participant_id: int) -> str:
    """Return the token of a participant's personal grid link (another device opens their answers with it)."""
    return GRID_PREFIX + _grid_serializer().dumps({"g": participant_id})


def participant_id_from_grid_token(token: str) -> int:
    """Return the participant id a grid link carries, or raise Unauthorised."""
    try:
        data = _grid_serializer().loads(token.removeprefix(GRID_PREFIX))
    except BadSignature:
        raise Unauthorised("this grid link is not valid") from None
    if not isinstance(data, dict) or not isinstance(data.get("g"), int):
        raise Unauthorised("this grid link is not valid")
    return data["g"]


def principal_for_token(token: object) -> Principal:
    """Return who presents `token`, checked against the database, or raise Unauthorised."""
    if not isinstance(token, str) or not 0 < len(token) <= TOKEN_MAX:
        raise Unauthorised("a token is required")
    if token.startswith(PARTICIPANT_PREFIX):
        return principal_for_participant(participant_id_from_token(token))
    if token.startswith(GRID_PREFIX):
        return principal_for_grid_link(participant_id_from_grid_token(token))
    return principal_for_link(token)
