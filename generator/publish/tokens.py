"""Signed tokens for unsubscribe and confirmation links (itsdangerous), and the secret that signs them.

A token names the subscriber by database id and a keyed hash of the address,
never the address itself; it is signed with CAPWEEKLY_SECRET and a salt per
purpose, so an unsubscribe token cannot confirm and vice versa. Unsubscribe
tokens do not expire (old emails must keep working); confirmation tokens do.

Rotation: new links are always signed with CAPWEEKLY_SECRET; a token (or a
bounce's reader token) signed with one of the secrets in CAPWEEKLY_SECRET_OLD
(comma-separated) still verifies, so links already in readers' inboxes keep
working. A secret that is short, predictable or printed in capweekly's own
files is refused as a settings error.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import re
import string
import zlib
from typing import Sequence

from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

from generator.errors import CapweeklyError

SECRET_ENV = "CAPWEEKLY_SECRET"
OLD_SECRETS_ENV = "CAPWEEKLY_SECRET_OLD"
MIN_LENGTH = 32
MIN_BITS = 128
WORD_BITS = 16  # a word from a list of about 65,000
MAKE_ONE = "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
# Values printed in capweekly's README, settings, docs, scripts and (before 0.3) its tests: public, so no secret.
PUBLISHED = frozenset({
    "...", "change-me", "changeme", "secret",
    "web-secret-0123456789abcdef", "test-secret-0123456789abcdef", "adversarial-secret-0123456789",
    "concurrency-secret-0123456789", "crash-secret-0123456789abcdef", "weekly-secret-0123456789",
    "benchmark-secret-0123456789", "another-secret-0123456789",
})
_CLASSES = (string.ascii_lowercase, string.ascii_uppercase, string.digits, string.punctuation)


class TokenError(CapweeklyError):
    category = "token error"


class SecretError(TokenError):
    """CAPWEEKLY_SECRET (or an old one) is missing, weak or public."""

    category = "settings error"


def estimated_bits(value: str) -> float:
    """A cautious guess at a secret's strength: each character is worth the alphabet its kinds of character
    span, except one that continues a run (the third a of aaa, the 3 of 123), worth 1 bit, and a word (three or
    more lowercase letters, perhaps capitalised: "secret", "Weekly") is worth 16 bits at most, a guess from a
    dictionary; never more than the value compresses to, so a repeated pattern ("Ab1!Ab1!...") counts once."""
    pool = sum(len(chars) for chars in _CLASSES if any(c in chars for c in value)) or 1
    per_char = math.log2(max(pool, 2))
    bits, previous, step = [], None, None
    for ch in value:
        new_step: int | None = ord(ch) - ord(previous) if previous is not None else None
        bits.append(1.0 if new_step is not None and abs(new_step) <= 1 and new_step == step else per_char)
        previous, step = ch, new_step
    total = sum(bits)
    for word in re.finditer(r"[A-Z]?[a-z]{3,}", value):
        if len(word.group()) >= 3:
            worth = sum(bits[word.start():word.end()])
            total -= worth - min(worth, WORD_BITS)
    compressed = len(zlib.compress(value.encode("utf-8"), 9)) - 8  # zlib's header and checksum
    return min(total, 8.0 * max(compressed, 0))


def secret_problem(value: str, *, old: bool = False) -> str | None:
    """Why `value` may not sign tokens, or None. An old secret (verification only) need only be one that is not
    public: links signed with it are already in inboxes, whatever its strength."""
    if not value:
        return "is not set"
    if value in PUBLISHED or value.lower() in PUBLISHED:
        return "is an example value printed in capweekly's own files, so anyone can sign links with it"
    if old:
        return None if len(value) >= 16 else f"has an entry shorter than 16 characters ({len(value)})"
    if len(value) < MIN_LENGTH:
        return f"is too short ({len(value)} characters; at least {MIN_LENGTH})"
    if estimated_bits(value) < MIN_BITS:
        return f"is too predictable (about {estimated_bits(value):.0f} bits; at least {MIN_BITS})"
    return None


def check_secret(value: str) -> str:
    problem = secret_problem(value)
    if problem:
        raise SecretError(f"{SECRET_ENV} {problem}", f"make one with: {MAKE_ONE}")
    return value


def secret_from_env() -> str:
    """The current secret: signs every new link. SecretError (one line, exit 3) when missing, weak or public."""
    return check_secret(os.environ.get(SECRET_ENV, ""))


def old_secrets_from_env() -> tuple[str, ...]:
    """Secrets retired by a rotation (CAPWEEKLY_SECRET_OLD, comma-separated): they verify, never sign."""
    values = tuple(v.strip() for v in os.environ.get(OLD_SECRETS_ENV, "").split(",") if v.strip())
    for value in values:
        problem = secret_problem(value, old=True)
        if problem:
            raise SecretError(f"{OLD_SECRETS_ENV} {problem}", "list the secrets links were really signed with, "
                                                              "comma-separated")
    return values


def verifying_secrets(secret: str | None = None) -> tuple[str, ...]:
    """The current secret first, then the old ones: everything a token may have been signed with."""
    current = secret if secret is not None else secret_from_env()
    return (current, *[s for s in old_secrets_from_env() if s != current])


def address_tag(secret: str, email: str) -> str:
    return hmac.new(secret.encode(), email.strip().lower().encode(), hashlib.sha256).hexdigest()[:16]


def make_token(secret: str, purpose: str, subscriber_id: int, email: str) -> str:
    serializer = (URLSafeTimedSerializer if purpose == "confirm" else URLSafeSerializer)(secret, salt=purpose)
    return serializer.dumps({"id": subscriber_id, "a": address_tag(secret, email)})


def make_confirm_token(secret: str, subscriber_id: int, email: str, nonce: str) -> str:
    return URLSafeTimedSerializer(secret, salt="confirm").dumps(
        {"id": subscriber_id, "a": address_tag(secret, email), "n": nonce})


def _load_one(secret: str, purpose: str, token: str, max_age: int | None) -> object:
    if purpose == "confirm":
        return URLSafeTimedSerializer(secret, salt=purpose).loads(token, max_age=max_age)
    return URLSafeSerializer(secret, salt=purpose).loads(token)


def load_token(secrets: str | Sequence[str], purpose: str, token: str, max_age: int | None,
               fields: dict[str, type]) -> tuple[dict, str]:
    """(the verified payload, the secret that signed it); TokenError('expired' | 'invalid'). `fields` are required
    with their types. The address tag in the payload must be checked with that same secret."""
    expired = False
    for secret in ((secrets,) if isinstance(secrets, str) else secrets):
        try:
            data = _load_one(secret, purpose, token, max_age)
        except SignatureExpired:
            expired = True
            continue
        except BadSignature:
            continue
        if not isinstance(data, dict) or not all(isinstance(data.get(k), t) for k, t in fields.items()):
            raise TokenError("invalid")
        return data, secret
    raise TokenError("expired" if expired else "invalid")


def tag_matches(secret: str, email: str, tag: str) -> bool:
    return hmac.compare_digest(address_tag(secret, email), tag)


def read_confirm_token(secret: str | Sequence[str], token: str, max_age: int) -> tuple[int, str, str]:
    """(subscriber id, address tag, nonce); raises TokenError('expired' | 'invalid')."""
    data, _ = load_token(secret, "confirm", token, max_age, {"id": int, "a": str, "n": str})
    return data["id"], data["a"], data["n"]


def read_token(secret: str | Sequence[str], purpose: str, token: str, max_age: int | None = None) -> tuple[int, str]:
    """(subscriber id, address tag); raises TokenError('expired' | 'invalid')."""
    data, _ = load_token(secret, purpose, token, max_age, {"id": int, "a": str})
    return data["id"], data["a"]
