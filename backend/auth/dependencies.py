"""Request dependencies shared by every domain: who is calling, may they, how often, and only once.

- `CurrentWallet`: checksummed address of the wallet signed in with SIWE (bearer token, not signed
  out), else 401. `CurrentSession`: that token's claims.
- `require_roles("reviewer", ...)`: the `Operator` behind `X-API-Key` holding one of the roles, else 401/403.
- `rate_limit("submit")`: token bucket per caller (wallet, operator or IP), 429 with Retry-After.
- `IdempotencyKey`: honours the `Idempotency-Key` header on a creating POST (replay / conflict).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal

import anyio
from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from backend.auth.service import ROLES, Operator, authenticate_api_key, is_revoked
from backend.auth.tokens import InvalidToken, TokenClaims, decode_token
from backend.core.idempotency import STATE_KEY, request_fingerprint, reserve
from backend.core.problems import Problem
from backend.core.ratelimit import parse_rate, retry_after_seconds
from backend.core.settings import Settings
from backend.db.session import get_session

__all__ = [
    "CurrentSession",
    "CurrentWallet",
    "OptionalWallet",
    "Operator",
    "require_roles",
    "rate_limit",
    "IdempotencyKey",
    "RequiredIdempotencyKey",
    "idempotency_key",
    "caller_principal",
]

_bearer = HTTPBearer(auto_error=False, description="Token from POST /v1/auth/siwe")
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="Operator API key")


def _settings(request: Request) -> Settings:
    return request.app.state.settings


def _invalid_token(reason: str) -> Problem:
    return Problem(
        status=401,
        title="Invalid token",
        type="invalid-token",
        detail=f"token {reason}",
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


def _claims_from_token(request: Request, token: str) -> TokenClaims:
    settings = _settings(request)
    try:
        claims = decode_token(settings.token_secret.get_secret_value(), token, settings.siwe_domain)
    except InvalidToken as exc:
        raise _invalid_token(exc.reason) from exc
    # A short session of its own, not the route's: a read there would open the route's transaction
    # before its first write, which SQLite then may refuse to upgrade (risk/gates.py writes first).
    with request.app.state.sessionmaker() as session:
        if is_revoked(session, claims.token_id):
            raise _invalid_token("signed out")
    return claims


def current_session(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)]
) -> TokenClaims:
    """The claims of a valid, not signed-out bearer token."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Problem(
            status=401,
            title="Authentication required",
            type="unauthenticated",
            detail="sign in with Ethereum and send 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    claims = _claims_from_token(request, credentials.credentials)
    request.state.principal = f"wallet:{claims.subject}"
    return claims


def current_wallet(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)]
) -> str:
    return current_session(request, credentials).subject


CurrentSession = Annotated[TokenClaims, Depends(current_session)]


def optional_wallet(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)]
) -> str | None:
    if credentials is None:
        return None
    return current_wallet(request, credentials)


CurrentWallet = Annotated[str, Depends(current_wallet)]
OptionalWallet = Annotated[str | None, Depends(optional_wallet)]


def current_operator(
    request: Request,
    api_key: Annotated[str | None, Security(_api_key)],
    session: Annotated[Session, Depends(get_session)],
) -> Operator:
    if not api_key:
        raise Problem(
            status=401,
            title="Operator key required",
            type="unauthenticated",
            detail="send an operator API key in the X-API-Key header",
        )
    operator = authenticate_api_key(session, _settings(request), api_key)
    if operator is None:
        raise Problem(
            status=401,
            title="Invalid API key",
            type="invalid-api-key",
            detail="the API key is unknown or revoked",
        )
    request.state.principal = operator.actor
    return operator


def require_roles(*roles: str) -> Callable[..., Operator]:
    """Dependency factory: the calling operator must hold at least one of `roles`.

    `admin` is not a wildcard: list it when admins may use the route.
    """
    unknown = set(roles) - ROLES
    if unknown or not roles:
        raise ValueError(f"unknown roles {sorted(unknown)}; expected some of {sorted(ROLES)}")
    wanted = frozenset(roles)

    def dependency(operator: Annotated[Operator, Depends(current_operator)]) -> Operator:
        if not operator.roles & wanted:
            raise Problem(
                status=403,
                title="Forbidden",
                type="forbidden",
                detail=f"requires one of the roles {sorted(wanted)}",
            )
        return operator

    dependency.__name__ = f"require_roles_{'_'.join(sorted(wanted))}"
    return dependency


def caller_principal(request: Request) -> str:
    """Who is calling, without failing: verified wallet, verified operator, else the client IP.

    Only verified identities get their own bucket: an unverified header would let anyone mint a fresh
    principal per request and walk around the IP limit. Blocking (one indexed lookup for API keys):
    call from sync code or a worker thread.
    """
    settings = _settings(request)
    authorization = request.headers.get("authorization", "")
    if authorization[:7].lower() == "bearer ":
        try:
            claims = decode_token(
                settings.token_secret.get_secret_value(), authorization[7:].strip(), settings.siwe_domain
            )
            return f"wallet:{claims.subject}"
        except InvalidToken:
            pass
    api_key = request.headers.get("x-api-key")
    if api_key:
        with request.app.state.sessionmaker() as session:
            operator = authenticate_api_key(session, settings, api_key)
        if operator is not None:
            return operator.actor
    return f"ip:{request.client.host if request.client else 'unknown'}"


def rate_limit(bucket: str = "default", per: Literal["caller", "ip"] = "caller") -> Callable[[Request], None]:
    """Dependency factory: one token from `bucket` (rate from settings.rate_limits) per request."""

    def dependency(request: Request) -> None:
        settings = _settings(request)
        if not settings.rate_limit_enabled:
            return
        limits = settings.rate_limits
        rate = parse_rate(limits.get(bucket) or limits.get("default", "120/minute"))
        who = (
            f"ip:{request.client.host if request.client else 'unknown'}"
            if per == "ip"
            else caller_principal(request)
        )
        wait = request.app.state.rate_limiter.acquire(f"{bucket}|{who}", rate)
        if wait > 0:
            seconds = retry_after_seconds(wait)
            raise Problem(
                status=429,
                title="Too many requests",
                type="rate-limited",
                detail=f"rate limit '{bucket}' exceeded; retry in {seconds} s",
                headers={"Retry-After": str(seconds)},
            )

    dependency.__name__ = f"rate_limit_{bucket}"
    return dependency


def _idempotency(required: bool) -> Callable:
    async def dependency(request: Request) -> str | None:
        key = request.headers.get("idempotency-key")
        if not key:
            if required:
                raise Problem(
                    status=428,
                    title="Idempotency-Key required",
                    type="idempotency-key-required",
                    detail="send an Idempotency-Key header with this request",
                )
            return None
        body = await request.body()
        fingerprint = request_fingerprint(request.method, request.url.path, body)
        factory = request.app.state.sessionmaker
        ttl = _settings(request).idempotency_ttl_seconds

        def run() -> int:
            principal = caller_principal(request)
            with factory() as session:
                return reserve(session, principal, key, request.method, request.url.path, fingerprint, ttl)

        record_id = await anyio.to_thread.run_sync(run)
        setattr(request.state, STATE_KEY, record_id)
        return key

    return dependency


idempotency_key = _idempotency(required=False)
IdempotencyKey = Annotated[str | None, Depends(idempotency_key)]
RequiredIdempotencyKey = Annotated[str, Depends(_idempotency(required=True))]
