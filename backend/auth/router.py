from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from backend.auth import service
from backend.auth.dependencies import (
    CurrentSession,
    CurrentWallet,
    IdempotencyKey,
    Operator,
    rate_limit,
    require_roles,
)
from backend.auth.schemas import (
    ApiKeyCreated,
    ApiKeyIn,
    ApiKeyOut,
    AuditEntryOut,
    NonceOut,
    SiweIn,
    TokenOut,
    WalletOut,
)
from backend.core.audit import list_audit
from backend.core.problems import problem_responses
from backend.db.session import SessionDep

router = APIRouter(prefix="/auth", tags=["auth"])
admin_router = APIRouter(prefix="/admin", tags=["admin"], responses=problem_responses(401, 403))


@router.post(
    "/nonce",
    response_model=NonceOut,
    status_code=201,
    dependencies=[Depends(rate_limit("signin", per="ip"))],
    responses=problem_responses(429),
)
def create_nonce(request: Request, session: SessionDep) -> NonceOut:
    settings = request.app.state.settings
    record = service.issue_nonce(session, settings)
    return NonceOut(
        nonce=record.nonce,
        issued_at=record.issued_at,
        expires_at=record.expires_at,
        domain=settings.siwe_domain,
        uri=settings.siwe_uri,
        chain_id=settings.chain_id,
        statement=settings.siwe_statement,
    )


@router.post(
    "/siwe",
    response_model=TokenOut,
    dependencies=[Depends(rate_limit("signin", per="ip"))],
    responses=problem_responses(401, 422, 429),
)
def sign_in_with_ethereum(body: SiweIn, request: Request, session: SessionDep) -> TokenOut:
    issued = service.sign_in(session, request.app.state.settings, body.message, body.signature)
    return TokenOut(access_token=issued.access_token, expires_at=issued.expires_at, address=issued.address)


@router.post("/signout", status_code=204, responses=problem_responses(401))
def sign_out(claims: CurrentSession, session: SessionDep) -> None:
    """Signs this token out: it is refused from now on, though it has not expired. Other sessions of
    the wallet are not affected."""
    service.sign_out(session, claims)


@router.get("/me", response_model=WalletOut, responses=problem_responses(401))
def who_am_i(wallet: CurrentWallet) -> WalletOut:
    return WalletOut(address=wallet)


def _key_out(record) -> dict:
    return {
        "id": record.id,
        "name": record.name,
        "roles": sorted(record.role_set),
        "key_prefix": record.key_prefix,
        "created_at": record.created_at,
        "created_by": record.created_by,
        "revoked_at": record.revoked_at,
    }


@admin_router.post(
    "/api-keys", response_model=ApiKeyCreated, status_code=201, responses=problem_responses(409, 422)
)
def create_api_key(
    body: ApiKeyIn,
    session: SessionDep,
    _idem: IdempotencyKey,
    operator: Annotated[Operator, Depends(require_roles("admin"))],
) -> ApiKeyCreated:
    record, key = service.create_api_key(session, body.name, body.roles, operator.actor)
    return ApiKeyCreated(**_key_out(record), key=key)


@admin_router.post("/api-keys/{key_id}/revoke", response_model=ApiKeyOut, responses=problem_responses(404))
def revoke_api_key(
    key_id: str, session: SessionDep, operator: Annotated[Operator, Depends(require_roles("admin"))]
) -> ApiKeyOut:
    return ApiKeyOut(**_key_out(service.revoke_api_key(session, key_id, operator.actor)))


@admin_router.get("/audit", response_model=list[AuditEntryOut])
def read_audit_log(
    session: SessionDep,
    _operator: Annotated[Operator, Depends(require_roles("admin", "compliance"))],
    actor: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    action: str | None = None,
    before_id: Annotated[int | None, Query(description="page backwards from this entry id")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[AuditEntryOut]:
    entries = list_audit(
        session,
        actor=actor,
        object_type=object_type,
        object_id=object_id,
        action=action,
        before_id=before_id,
        limit=limit,
    )
    return [AuditEntryOut.model_validate(e, from_attributes=True) for e in entries]
