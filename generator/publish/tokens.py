"""Signed tokens for unsubscribe and confirmation links (itsdangerous).

A token names the subscriber by database id and a keyed hash of the address,
never the address itself; it is signed with CAPWEEKLY_SECRET and a salt per
purpose, so an unsubscribe token cannot confirm and vice versa. Unsubscribe
tokens do not expire (old emails must keep working); confirmation tokens do.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

from generator.errors import CapweeklyError

SECRET_ENV = "CAPWEEKLY_SECRET"


class TokenError(CapweeklyError):
    category = "token error"


def secret_from_env() -> str:
    value = os.environ.get(SECRET_ENV, "")
    if len(value) < 16:
        raise TokenError(f"{SECRET_ENV} is not set (or shorter than 16 characters)",
                         f"export {SECRET_ENV}=$(python -c 'import secrets; print(secrets.token_urlsafe(32))')")
    return value


def address_tag(secret: str, email: str) -> str:
    return hmac.new(secret.encode(), email.strip().lower().encode(), hashlib.sha256).hexdigest()[:16]


def make_token(secret: str, purpose: str, subscriber_id: int, email: str) -> str:
    serializer = (URLSafeTimedSerializer if purpose == "confirm" else URLSafeSerializer)(secret, salt=purpose)
    return serializer.dumps({"id": subscriber_id, "a": address_tag(secret, email)})


def make_confirm_token(secret: str, subscriber_id: int, email: str, nonce: str) -> str:
    return URLSafeTimedSerializer(secret, salt="confirm").dumps(
        {"id": subscriber_id, "a": address_tag(secret, email), "n": nonce})


def _load(secret: str, purpose: str, token: str, max_age: int | None, fields: dict[str, type]) -> dict:
    """The verified payload, or TokenError('expired' | 'invalid'); `fields` are required with their types."""
    try:
        if purpose == "confirm":
            data = URLSafeTimedSerializer(secret, salt=purpose).loads(token, max_age=max_age)
        else:
            data = URLSafeSerializer(secret, salt=purpose).loads(token)
    except SignatureExpired:
        raise TokenError("expired") from None
    except BadSignature:
        raise TokenError("invalid") from None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), t) for k, t in fields.items()):
        raise TokenError("invalid")
    return data


def read_confirm_token(secret: str, token: str, max_age: int) -> tuple[int, str, str]:
    """(subscriber id, address tag, nonce); raises TokenError('expired' | 'invalid')."""
    data = _load(secret, "confirm", token, max_age, {"id": int, "a": str, "n": str})
    return data["id"], data["a"], data["n"]


def read_token(secret: str, purpose: str, token: str, max_age: int | None = None) -> tuple[int, str]:
    """(subscriber id, address tag); raises TokenError('expired' | 'invalid')."""
    data = _load(secret, purpose, token, max_age, {"id": int, "a": str})
    return data["id"], data["a"]
