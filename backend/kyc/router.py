"""KYC HTTP API: wallet routes, reviewer queue and compliance actions. Thin: the logic is in service.py."""

from __future__ import annotations

from typing import Annotated

from eth_utils import is_address, to_checksum_address
from fastapi import APIRouter, Depends, Query, Request

from backend.auth.dependencies import CurrentWallet, IdempotencyKey, Operator, rate_limit, require_roles
from backend.core.audit import record_audit
from backend.core.problems import Problem, problem_responses
from backend.db.session import SessionDep
from backend.kyc import service, views
from backend.kyc.dependencies import KycSettingsDep, ViewerDep, application_for
from backend.kyc.schemas import (
    ApplicationView,
    AttestationRequest,
    ChainActionView,
    FreezeRequest,
    KycSubmission,
    ReviewDecision,
    ReviewItemDetail,
    ReviewItemView,
    RevokeRequest,
)

router = APIRouter(prefix="/kyc", tags=["kyc"])

Reviewer = Annotated[Operator, Depends(require_roles("reviewer"))]
QueueReader = Annotated[Operator, Depends(require_roles("reviewer", "compliance"))]
Compliance = Annotated[Operator, Depends(require_roles("compliance"))]


def _settings(request: Request):
    return request.app.state.settings


# ------------------------------------------------------------------------------------------ wallet


@router.post(
    "/applications",
    status_code=201,
    response_model=ApplicationView,
    responses=problem_responses(401, 409, 422, 429),
    dependencies=[Depends(rate_limit("submit"))],
)
def submit_application(
    request: Request,
    body: KycSubmission,
    wallet: CurrentWallet,
    session: SessionDep,
    kyc: KycSettingsDep,
    _key: IdempotencyKey,
) -> ApplicationView:
    """Submit identity data for the signed-in wallet. Clean applications are approved and attested at once;
    others go to manual review or are rejected. The response carries no personal data."""
    app, signed = service.submit(session, _settings(request), kyc, wallet, body)
    return views.application_view(app, signed)


@router.get("/application", response_model=ApplicationView, responses=problem_responses(401, 404))
def my_application(request: Request, wallet: CurrentWallet, session: SessionDep) -> ApplicationView:
    """The signed-in wallet's most recent application. A signed attestation shows as `attested` once the
    wallet has submitted it on-chain."""
    app = service.latest_for_wallet(session, wallet)
    if app is None:
        raise Problem(
            status=404,
            title="Application not found",
            type="kyc-application-not-found",
            detail="this wallet has not applied yet",
        )
    service.refresh_signed_attestation(session, _settings(request), app)
    return views.application_view(app)


@router.post(
    "/application/attestation",
    response_model=ApplicationView,
    responses=problem_responses(401, 404, 409, 429),
    dependencies=[Depends(rate_limit("submit"))],
)
def renew_attestation(
    request: Request,
    body: AttestationRequest,
    wallet: CurrentWallet,
    session: SessionDep,
    kyc: KycSettingsDep,
    _key: IdempotencyKey,
) -> ApplicationView:
    """Issue the attestation again for an approved wallet: renewal before expiry, a retry after a chain
    failure, a new risk class after a new questionnaire, or a signed attestation to submit yourself."""
    app = service.latest_for_wallet(session, wallet)
    if app is None:
        raise Problem(
            status=404,
            title="Application not found",
            type="kyc-application-not-found",
            detail="this wallet has not applied yet",
        )
    signed = service.reissue_attestation(session, _settings(request), kyc, app, body.mode)
    return views.application_view(app, signed)


@router.get(
    "/applications/{application_id}",
    response_model=ApplicationView,
    responses=problem_responses(401, 403, 404),
)
def read_application(application_id: str, viewer: ViewerDep, session: SessionDep) -> ApplicationView:
    """One application: readable by its own wallet or by reviewer/compliance operators."""
    return views.application_view(application_for(viewer, session, application_id))


# ------------------------------------------------------------------------------------------ reviewer


@router.get("/review-queue", response_model=list[ReviewItemView], responses=problem_responses(401, 403))
def review_queue(
    operator: QueueReader,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[ReviewItemView]:
    """Open review items, enhanced-due-diligence first, then oldest first."""
    return [
        views.review_item_view(item, app) for item, app in service.open_review_items(session, limit, offset)
    ]


@router.get(
    "/review-queue/{application_id}",
    response_model=ReviewItemDetail,
    responses=problem_responses(401, 403, 404),
)
def review_item(
    request: Request, application_id: str, operator: Reviewer, session: SessionDep
) -> ReviewItemDetail:
    """An open item with the applicant's decrypted details (card masked). Every read is audited."""
    item = service.open_review_item(session, application_id)
    app = service.get(session, application_id)
    if item is None or app is None:
        raise Problem(
            status=404,
            title="Review item not found",
            type="kyc-review-item-not-found",
            detail="no open review item for this application",
        )
    applicant = service.decrypt_applicant(_settings(request), app)
    record_audit(
        session,
        operator.actor,
        "kyc.application.pii_viewed",
        "kyc_application",
        app.id,
        None,
        {"purpose": "manual_review"},
    )
    session.commit()
    duplicates = service.other_wallets_with_identity(session, app.national_id_hash, app.wallet)
    return views.review_item_detail(item, app, applicant, duplicates)


@router.post(
    "/applications/{application_id}/approve",
    response_model=ApplicationView,
    responses=problem_responses(401, 403, 404, 409),
)
def approve_application(
    request: Request,
    application_id: str,
    body: ReviewDecision,
    operator: Reviewer,
    session: SessionDep,
    kyc: KycSettingsDep,
) -> ApplicationView:
    """Approve an application in review; the attestation is issued at once (direct or signed)."""
    app = _existing(session, application_id)
    signed = service.approve(session, _settings(request), kyc, app, operator.actor, body.reason, body.note)
    return views.application_view(app, signed)


@router.post(
    "/applications/{application_id}/reject",
    response_model=ApplicationView,
    responses=problem_responses(401, 403, 404, 409),
)
def reject_application(
    application_id: str, body: ReviewDecision, operator: Reviewer, session: SessionDep
) -> ApplicationView:
    app = _existing(session, application_id)
    service.reject(session, app, operator.actor, body.reason, body.note)
    return views.application_view(app)


# ------------------------------------------------------------------------------------------ compliance


@router.post(
    "/applications/{application_id}/revoke",
    response_model=ApplicationView,
    responses=problem_responses(401, 403, 404, 409, 502),
)
def revoke_identity(
    request: Request, application_id: str, body: RevokeRequest, operator: Compliance, session: SessionDep
) -> ApplicationView:
    """Revoke an approved identity: IdentityRegistry.revoke on-chain, then recorded."""
    app = _existing(session, application_id)
    service.revoke(session, _settings(request), app, operator.actor, body.reason, body.note)
    return views.application_view(app)


@router.post(
    "/wallets/{wallet}/freeze",
    response_model=ChainActionView,
    responses=problem_responses(401, 403, 409, 422, 502, 503),
)
def freeze_wallet(
    request: Request,
    wallet: str,
    body: FreezeRequest,
    operator: Compliance,
    session: SessionDep,
    kyc: KycSettingsDep,
) -> ChainActionView:
    """COMPLIANCE_ROLE freeze on-chain (AML); a frozen wallet is not eligible."""
    address = _address(wallet)
    tx = service.set_frozen(session, _settings(request), kyc, address, True, body.reason, operator.actor)
    return ChainActionView(wallet=address, action="freeze", tx_hash=tx)


@router.post(
    "/wallets/{wallet}/unfreeze",
    response_model=ChainActionView,
    responses=problem_responses(401, 403, 409, 422, 502, 503),
)
def unfreeze_wallet(
    request: Request,
    wallet: str,
    body: FreezeRequest,
    operator: Compliance,
    session: SessionDep,
    kyc: KycSettingsDep,
) -> ChainActionView:
    address = _address(wallet)
    tx = service.set_frozen(session, _settings(request), kyc, address, False, body.reason, operator.actor)
    return ChainActionView(wallet=address, action="unfreeze", tx_hash=tx)


def _existing(session, application_id: str):
    app = service.get(session, application_id)
    if app is None:
        raise Problem(
            status=404,
            title="Application not found",
            type="kyc-application-not-found",
            detail="no such application",
        )
    return app


def _address(wallet: str) -> str:
    if not is_address(wallet):
        raise Problem(
            status=422,
            title="Invalid wallet address",
            type="invalid-wallet",
            errors=[{"field": "wallet", "code": "invalid_address", "message": "not an address"}],
        )
    return to_checksum_address(wallet)
