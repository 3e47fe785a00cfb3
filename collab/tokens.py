"""Tokens a client presents: signed participant tokens and secret links, resolved to principals."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from collab.domain.access import Principal, principal_for_link, principal_for_participant
from collab.domain.errors import Unauthorised

PARTICIPANT_PREFIX = "p."
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


def principal_for_token(token: object) -> Principal:
    """Return who presents `token`, checked against the database, or raise Unauthorised."""
    if not isinstance(token, str) or not 0 < len(token) <= TOKEN_MAX:
        raise Unauthorised("a token is required")
    if token.startswith(PARTICIPANT_PREFIX):
        return principal_for_participant(participant_id_from_token(token))
    return principal_for_link(token)
