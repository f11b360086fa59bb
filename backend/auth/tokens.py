"""Short-lived wallet tokens: compact HS256 JWTs signed with the settings' token secret."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Collection
from dataclasses import dataclass


class InvalidToken(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class TokenClaims:
    subject: str
    issued_at: int
    expires_at: int
    token_id: str
    audience: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


_HEADER = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())


def encode_token(
    secret: str, subject: str, audience: str, ttl_seconds: int, now: int | None = None
) -> tuple[str, TokenClaims]:
    issued = int(now if now is not None else time.time())
    claims = TokenClaims(subject, issued, issued + ttl_seconds, secrets.token_hex(8), audience)
    payload = {
        "sub": subject,
        "iat": claims.issued_at,
        "exp": claims.expires_at,
        "jti": claims.token_id,
        "aud": audience,
        "iss": "peerlend",
    }
    body = _b64(json.dumps(payload, separators=(",", ":")).encode())
    signing_input = f"{_HEADER}.{body}"
    signature = _b64(hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest())
    return f"{signing_input}.{signature}", claims


def decode_token(
    secret: str, token: str, audience: str | Collection[str], now: int | None = None
) -> TokenClaims:
    """The claims of a token this service signed for `audience` (a SIWE domain, or any of several)."""
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != _HEADER:
        raise InvalidToken("malformed")
    expected = _b64(hmac.new(secret.encode(), f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest())
    if not hmac.compare_digest(expected, parts[2]):
        raise InvalidToken("bad signature")
    try:
        payload = json.loads(_unb64(parts[1]))
        claims = TokenClaims(
            str(payload["sub"]),
            int(payload["iat"]),
            int(payload["exp"]),
            str(payload["jti"]),
            str(payload["aud"]),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidToken("malformed") from exc
    audiences = {audience} if isinstance(audience, str) else set(audience)
    if claims.audience not in audiences:
        raise InvalidToken("wrong audience")
    if claims.expires_at <= int(now if now is not None else time.time()):
        raise InvalidToken("expired")
    return claims
