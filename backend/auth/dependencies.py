"""Request dependencies shared by every domain: who is calling, may they, how often, and only once.

- `CurrentWallet`: checksummed address of the wallet signed in with SIWE (bearer token, not signed
  out), else 401. `CurrentSession`: that token's claims.
- `require_roles("reviewer", ...)`: the `Operator` behind `X-API-Key` holding one of the roles, else 401/403.
- `rate_limit("signin", per="ip")`: token bucket per client IP; `wallet_rate_limit("submit")`: per signed-in
  wallet, checked after authentication (a request without a valid token is a 401, never a 429).
- `IdempotencyKey`: honours the `Idempotency-Key` header on a creating POST (replay / conflict).

Each dependency that reads the database opens and closes its own short session in its own call: a
pooled connection is never held across a thread hand-off (backend/core/routing.py).
Import them through `backend.core.deps`, the one place routes take their dependencies from.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Literal

import anyio
import anyio.to_thread
from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from backend.auth.roles import ROLES
from backend.auth.service import Operator, authenticate_api_key, is_revoked
from backend.auth.tokens import InvalidToken, TokenClaims, decode_token
from backend.core import problems
from backend.core.idempotency import (
    STATE_KEY,
    IdempotentRequest,
    current_request,
    request_fingerprint,
    reserve,
)
from backend.core.ratelimit import parse_rate, retry_after_seconds
from backend.core.settings import Settings

__all__ = [
    "CurrentSession",
    "CurrentWallet",
    "OptionalWallet",
    "Operator",
    "require_roles",
    "rate_limit",
    "wallet_rate_limit",
    "IdempotencyKey",
    "RequiredIdempotencyKey",
    "idempotency_key",
    "caller_principal",
    "current_operator",
    "operator_from_key",
    "bearer_scheme",
    "api_key_scheme",
]

bearer_scheme = HTTPBearer(auto_error=False, description="Token from POST /v2/auth/siwe")
api_key_scheme = APIKeyHeader(name="X-API-Key", auto_error=False, description="Operator API key")
BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)]
ApiKeyHeader = Annotated[str | None, Security(api_key_scheme)]


def _settings(request: Request) -> Settings:
    return request.app.state.settings


def _claims_from_token(request: Request, token: str) -> TokenClaims:
    settings = _settings(request)
    try:
        claims = decode_token(settings.token_secret.get_secret_value(), token, settings.siwe_allowed_domains)
    except InvalidToken as exc:
        raise problems.invalid_token(exc.reason) from exc
    with request.app.state.sessionmaker() as session:
        if is_revoked(session, claims.token_id):
            raise problems.invalid_token("signed out")
    return claims


def current_session(request: Request, credentials: BearerCredentials) -> TokenClaims:
    """The claims of a valid, not signed-out bearer token."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise problems.unauthenticated()
    claims = _claims_from_token(request, credentials.credentials)
    request.state.principal = f"wallet:{claims.subject}"
    return claims


CurrentSession = Annotated[TokenClaims, Depends(current_session)]


async def current_wallet(claims: CurrentSession) -> str:
    # async: a sync dependency costs a thread hand-off, and this one only reads the claims
    return claims.subject


def optional_wallet(request: Request, credentials: BearerCredentials) -> str | None:
    """The signed-in wallet if the request carries a token, else None. Credentials that are sent must be
    valid: an Authorization header that is not a valid bearer token is a 401, whatever else is sent."""
    if credentials is None:
        if "authorization" in request.headers:  # sent, even empty: it must be a valid bearer token
            raise problems.invalid_token("is not a bearer token")
        return None
    return current_session(request, credentials).subject


CurrentWallet = Annotated[str, Depends(current_wallet)]
OptionalWallet = Annotated[str | None, Depends(optional_wallet)]


def operator_from_key(request: Request, api_key: str) -> Operator:
    """The operator behind an API key (a short session of its own), else 401."""
    with request.app.state.sessionmaker() as session:
        operator = authenticate_api_key(session, _settings(request), api_key)
    if operator is None:
        raise problems.invalid_api_key()
    request.state.principal = operator.actor
    return operator


async def current_operator(request: Request, api_key: ApiKeyHeader) -> Operator:
    """The key's operator, as verified a moment ago (backend/auth/verified_keys.py) or looked up now in a
    worker thread."""
    if not api_key:
        raise problems.operator_key_required()
    verified = getattr(request.app.state, "verified_keys", None)
    operator: Operator | None = verified.get(api_key) if verified is not None else None
    if operator is None:
        operator = await anyio.to_thread.run_sync(operator_from_key, request, api_key)
        if verified is not None:
            verified.put(api_key, operator)
    request.state.principal = operator.actor
    return operator


def require_roles(*roles: str) -> Callable[..., Awaitable[Operator]]:
    """Dependency factory: the calling operator must hold at least one of `roles`.

    `admin` is not a wildcard: list it when admins may use the route.
    """
    unknown = set(roles) - ROLES
    if unknown or not roles:
        raise ValueError(f"unknown roles {sorted(unknown)}; expected some of {sorted(ROLES)}")
    wanted = frozenset(roles)

    # async: it only compares sets, and a sync dependency would cost the request a thread hand-off
    async def dependency(operator: Annotated[Operator, Depends(current_operator)]) -> Operator:
        if not operator.roles & wanted:
            raise problems.missing_roles(wanted)
        return operator

    dependency.__name__ = f"require_roles_{'_'.join(sorted(wanted))}"
    return dependency


def _client_ip(request: Request) -> str:
    return f"ip:{request.client.host if request.client else 'unknown'}"


def caller_principal(request: Request) -> str:
    """Who is calling, without failing: verified wallet, verified operator, else the client IP.

    Only verified identities get their own bucket: an unverified header would let anyone mint a fresh
    principal per request and walk around the IP limit. Blocking (one indexed lookup for API keys):
    call from sync code or a worker thread.
    """
    known = getattr(request.state, "principal", None)
    if known:
        return known
    settings = _settings(request)
    authorization = request.headers.get("authorization", "")
    if authorization[:7].lower() == "bearer ":
        try:
            claims = decode_token(
                settings.token_secret.get_secret_value(),
                authorization[7:].strip(),
                settings.siwe_allowed_domains,
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
    return _client_ip(request)


def _take(request: Request, bucket: str, who: str) -> None:
    settings = _settings(request)
    if not settings.rate_limit_enabled:
        return
    limits = settings.rate_limits
    rate = parse_rate(limits.get(bucket) or limits.get("default", "120/minute"))
    wait = request.app.state.rate_limiter.acquire(f"{bucket}|{who}", rate)
    if wait > 0:
        raise problems.rate_limited(bucket, retry_after_seconds(wait))


def rate_limit(bucket: str = "default", per: Literal["caller", "ip"] = "caller") -> Callable[[Request], None]:
    """Dependency factory: one token from `bucket` (rate from settings.rate_limits) per request, keyed by
    client IP or by whoever is calling (see caller_principal). For routes that need a signed-in wallet,
    use `wallet_rate_limit`: it authenticates first."""

    def dependency(request: Request) -> None:
        _take(request, bucket, _client_ip(request) if per == "ip" else caller_principal(request))

    dependency.__name__ = f"rate_limit_{bucket}"
    return dependency


def wallet_rate_limit(bucket: str) -> Callable[..., None]:
    """Dependency factory: one token from `bucket` per signed-in wallet, after authentication (401 first)."""

    def dependency(request: Request, wallet: CurrentWallet) -> None:
        _take(request, bucket, f"wallet:{wallet}")

    dependency.__name__ = f"wallet_rate_limit_{bucket}"
    return dependency


def _idempotency(required: bool) -> Callable:
    async def dependency(request: Request) -> str | None:
        key = request.headers.get("idempotency-key")
        if not key:
            if required:
                raise problems.Problem(
                    status=428,
                    title="Idempotency-Key required",
                    type="idempotency-key-required",
                    detail="send an Idempotency-Key header with this request",
                )
            return None
        body = await request.body()
        fingerprint = request_fingerprint(request.method, request.url.path, body)
        factory = request.app.state.sessionmaker
        settings = _settings(request)
        ttl, lease_seconds = settings.idempotency_ttl_seconds, settings.idempotency_lease_seconds

        def run() -> tuple[int, str]:
            principal = caller_principal(request)
            with factory() as session:
                return reserve(
                    session, principal, key, request.method, request.url.path, fingerprint, ttl, lease_seconds
                )

        record_id, lease = await anyio.to_thread.run_sync(run)
        reserved = IdempotentRequest(record_id, lease, factory)
        setattr(request.state, STATE_KEY, reserved)
        # Seen by the route's unit of work, which runs in a thread with a copy of this context.
        current_request.set(reserved)
        return key

    return dependency


idempotency_key = _idempotency(required=False)
IdempotencyKey = Annotated[str | None, Depends(idempotency_key)]
RequiredIdempotencyKey = Annotated[str, Depends(_idempotency(required=True))]
