"""Sign-in (EIP-4361 nonces and verification) and operator API keys."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import cast

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.orm import Session

from backend.auth.models import ApiKey, RevokedToken, SiweNonce
from backend.auth.problems import api_key_not_found, invalid_roles, signin_refused
from backend.auth.roles import ROLES
from backend.auth.siwe import SiweMessageError, parse_message, recover_signer
from backend.auth.tokens import TokenClaims, encode_token
from backend.core.audit import record_audit
from backend.core.settings import Settings
from backend.db.types import utcnow

API_KEY_PREFIX = "plk_"
BOOTSTRAP_OPERATOR_ID = "bootstrap"


@dataclass(frozen=True)
class Operator:
    id: str
    name: str
    roles: frozenset[str]

    @property
    def actor(self) -> str:
        return f"operator:{self.id}"


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    address: str
    expires_at: datetime


NONCE_RETENTION = timedelta(hours=1)


def issue_nonce(session: Session, settings: Settings) -> SiweNonce:
    now = utcnow().replace(microsecond=0)
    # Housekeeping on the way: nonces long past expiry prove nothing any more (indexed delete).
    session.execute(delete(SiweNonce).where(SiweNonce.expires_at < now - NONCE_RETENTION))
    record = SiweNonce(
        nonce=secrets.token_hex(16),
        issued_at=now,
        expires_at=now + timedelta(seconds=settings.nonce_ttl_seconds),
    )
    session.add(record)
    session.commit()
    return record


def sign_in(session: Session, settings: Settings, message: str, signature: str) -> IssuedToken:
    """Verify a signed EIP-4361 message and consume its nonce; every failure is a distinct 401 problem."""
    try:
        parsed = parse_message(message)
    except SiweMessageError as exc:
        raise signin_refused("malformed-message", str(exc)) from exc
    allowed = settings.siwe_allowed_domains
    if parsed.domain not in allowed:
        raise signin_refused(
            "wrong-domain", f"message is for {parsed.domain!r}, not one of {sorted(allowed)!r}"
        )
    if parsed.chain_id != settings.chain_id:
        raise signin_refused(
            "wrong-chain", f"message is for chain {parsed.chain_id}, not {settings.chain_id}"
        )
    try:
        signer = recover_signer(message, signature)
    except ValueError as exc:
        raise signin_refused("bad-signature", "signature is malformed") from exc
    if signer != parsed.address:
        raise signin_refused("bad-signature", "signature was not made by the message's address")

    now = utcnow()
    skew = timedelta(seconds=settings.clock_skew_seconds)
    if parsed.expiration_time is not None and parsed.expiration_time <= now:
        raise signin_refused("expired", "message has expired")
    if parsed.not_before is not None and parsed.not_before > now + skew:
        raise signin_refused("not-yet-valid", "message is not valid yet")
    if parsed.issued_at > now + skew:
        raise signin_refused("not-yet-valid", "message is issued in the future")

    # Single use: the conditional update succeeds for exactly one request, however many race.
    consumed = cast(
        CursorResult,
        session.execute(
            update(SiweNonce)
            .where(SiweNonce.nonce == parsed.nonce, SiweNonce.used_at.is_(None), SiweNonce.expires_at > now)
            .values(used_at=now, wallet=parsed.address)
        ),
    ).rowcount
    if consumed != 1:
        session.rollback()
        existing = session.get(SiweNonce, parsed.nonce)
        if existing is None:
            raise signin_refused("unknown-nonce", "nonce was not issued by this service")
        if existing.used_at is not None:
            raise signin_refused("nonce-used", "nonce has already been used")
        raise signin_refused("expired", "nonce has expired")

    token, claims = encode_token(
        settings.token_secret.get_secret_value(),
        parsed.address,
        parsed.domain,  # the token's audience: the front end's domain the wallet signed for
        settings.token_ttl_seconds,
    )
    record_audit(
        session,
        f"wallet:{parsed.address}",
        "auth.signed_in",
        "wallet",
        parsed.address,
        None,
        {"token_id": claims.token_id, "expires_at": claims.expires_at},
    )
    session.commit()
    return IssuedToken(token, parsed.address, datetime.fromtimestamp(claims.expires_at, tz=now.tzinfo))


# Operator API keys


def hash_api_key(key: str) -> str:
    # Keys carry 256 bits of entropy, so a plain SHA-256 is as strong as any slow hash here.
    return hashlib.sha256(key.encode()).hexdigest()


def normalize_roles(roles: list[str] | tuple[str, ...] | set[str] | str) -> list[str]:
    if isinstance(roles, str):
        roles = [r for r in roles.split(",")]
    cleaned = sorted({r.strip().lower() for r in roles if r.strip()})
    unknown = [r for r in cleaned if r not in ROLES]
    if unknown or not cleaned:
        raise invalid_roles(ROLES, unknown)
    return cleaned


def create_api_key(session: Session, name: str, roles, created_by: str) -> tuple[ApiKey, str]:
    """Create an operator key; returns the record and the key itself (shown once, never stored)."""
    role_list = normalize_roles(roles)
    secret = API_KEY_PREFIX + secrets.token_urlsafe(32)
    record = ApiKey(
        id=secrets.token_hex(8),
        name=name,
        key_prefix=secret[:12],
        key_hash=hash_api_key(secret),
        roles=",".join(role_list),
        created_at=utcnow(),
        created_by=created_by,
    )
    session.add(record)
    record_audit(
        session,
        created_by,
        "auth.api_key.created",
        "api_key",
        record.id,
        None,
        {"key_name": name, "roles": role_list, "key_prefix": record.key_prefix},
    )
    session.commit()
    return record, secret


def revoke_api_key(session: Session, key_id: str, revoked_by: str) -> ApiKey:
    record = session.get(ApiKey, key_id)
    if record is None:
        raise api_key_not_found(key_id)
    if record.revoked_at is None:
        record.revoked_at = utcnow()
        record_audit(
            session,
            revoked_by,
            "auth.api_key.revoked",
            "api_key",
            record.id,
            {"revoked": False},
            {"revoked": True},
        )
        session.commit()
    return record


def authenticate_api_key(session: Session, settings: Settings, key: str) -> Operator | None:
    bootstrap = settings.bootstrap_admin_key
    if (
        bootstrap is not None
        and not settings.is_production
        and hmac.compare_digest(key.encode(), bootstrap.get_secret_value().encode())
    ):
        return Operator(BOOTSTRAP_OPERATOR_ID, "bootstrap-admin", frozenset({"admin"}))
    record = session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_api_key(key)))
    if record is None or record.revoked_at is not None:
        return None
    return Operator(record.id, record.name, record.role_set)


def sign_out(session: Session, claims: TokenClaims) -> None:
    """Revokes one session token until it would have expired; other tokens of the wallet stay valid.
    Rows of tokens that have expired anyway are dropped on the way."""
    now = utcnow()
    session.execute(delete(RevokedToken).where(RevokedToken.expires_at <= now))
    session.add(
        RevokedToken(
            token_id=claims.token_id,
            wallet=claims.subject,
            expires_at=datetime.fromtimestamp(claims.expires_at, UTC),
            revoked_at=now,
        )
    )
    record_audit(session, f"wallet:{claims.subject}", "auth.signout", "session", claims.token_id, None, None)
    session.commit()


def is_revoked(session: Session, token_id: str) -> bool:
    return session.get(RevokedToken, token_id) is not None
