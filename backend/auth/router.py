"""Sign-in (SIWE), sign-out, and the admin routes for operator keys and the audit log. Thin: the services
commit."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query, Request

from backend.auth import service
from backend.auth.schemas import (
    ApiKeyCreated,
    ApiKeyIn,
    ApiKeyOut,
    AuditEntryOut,
    AuditPage,
    NonceOut,
    SiweIn,
    TokenOut,
    WalletOut,
)
from backend.core.audit import list_audit
from backend.core.deps import (
    CurrentSession,
    CurrentWallet,
    IdempotencyKey,
    Operator,
    SessionDep,
    SettingsDep,
    rate_limit,
    require_roles,
)
from backend.core.problems import problem_responses
from backend.core.routing import api_router
from backend.core.schemas import decode_cursor, encode_cursor

router = api_router(prefix="/auth", tags=["auth"])
admin_router = api_router(prefix="/admin", tags=["admin"], responses=problem_responses(401, 403))

Admin = Annotated[Operator, Depends(require_roles("admin"))]
AuditReader = Annotated[Operator, Depends(require_roles("admin", "compliance"))]
Filter = Annotated[str | None, Query(min_length=1, max_length=128)]


@router.post(
    "/nonce",
    response_model=NonceOut,
    status_code=201,
    dependencies=[Depends(rate_limit("signin", per="ip"))],
    responses=problem_responses(429),
)
def create_nonce(session: SessionDep, settings: SettingsDep) -> NonceOut:
    """A single-use nonce and the EIP-4361 fields to sign it with (domain, URI, chain id, statement)."""
    record = service.issue_nonce(session, settings)
    return NonceOut(
        nonce=record.nonce,
        issued_at=record.issued_at,
        expires_at=record.expires_at,
        domain=settings.siwe_domain,
        domains=sorted(settings.siwe_allowed_domains),
        uri=settings.siwe_uri,
        chain_id=settings.chain_id,
        statement=settings.siwe_statement,
    )


@router.post(
    "/siwe",
    response_model=TokenOut,
    dependencies=[Depends(rate_limit("signin", per="ip"))],
    responses=problem_responses(401, 429),
)
def sign_in_with_ethereum(body: SiweIn, session: SessionDep, settings: SettingsDep) -> TokenOut:
    issued = service.sign_in(session, settings, body.message, body.signature)
    return TokenOut(access_token=issued.access_token, expires_at=issued.expires_at, address=issued.address)


@router.post("/signout", status_code=204, responses=problem_responses(401))
def sign_out(claims: CurrentSession, session: SessionDep) -> None:
    """Signs this token out: it is refused from now on, though it has not expired. Other sessions of
    the wallet are not affected."""
    service.sign_out(session, claims)


@router.get("/me", response_model=WalletOut, responses=problem_responses(401))
def who_am_i(wallet: CurrentWallet) -> WalletOut:
    return WalletOut(address=wallet)


@admin_router.post(
    "/api-keys", response_model=ApiKeyCreated, status_code=201, responses=problem_responses(409)
)
def create_api_key(
    body: ApiKeyIn, session: SessionDep, _idem: IdempotencyKey, operator: Admin
) -> ApiKeyCreated:
    record, key = service.create_api_key(session, body.name, body.roles, operator.actor)
    return ApiKeyCreated.model_validate({**ApiKeyOut.model_validate(record).model_dump(), "key": key})


@admin_router.post("/api-keys/{key_id}/revoke", response_model=ApiKeyOut, responses=problem_responses(404))
def revoke_api_key(
    key_id: Annotated[str, Path(min_length=1, max_length=32)],
    session: SessionDep,
    operator: Admin,
    request: Request,
) -> ApiKeyOut:
    revoked = ApiKeyOut.model_validate(service.revoke_api_key(session, key_id, operator.actor))
    request.app.state.verified_keys.clear()  # this process stops taking the key at once
    return revoked


@admin_router.get("/audit", response_model=AuditPage)
def read_audit_log(
    session: SessionDep,
    _operator: AuditReader,
    actor: Filter = None,
    object_type: Annotated[str | None, Query(alias="objectType", min_length=1, max_length=64)] = None,
    object_id: Annotated[str | None, Query(alias="objectId", min_length=1, max_length=128)] = None,
    action: Filter = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(min_length=1, max_length=512)] = None,
) -> AuditPage:
    """The audit log, newest first."""
    position = decode_cursor("audit", cursor, {"id": int})
    entries = list_audit(
        session,
        actor=actor,
        object_type=object_type,
        object_id=object_id,
        action=action,
        before_id=position["id"] if position else None,
        limit=limit + 1,
    )
    more = len(entries) > limit
    entries = entries[:limit]
    return AuditPage(
        items=[AuditEntryOut.model_validate(e) for e in entries],
        next_cursor=encode_cursor("audit", {"id": entries[-1].id}) if more else None,
    )
