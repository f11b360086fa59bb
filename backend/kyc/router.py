"""KYC HTTP API: wallet routes, reviewer queue and compliance actions. Thin: the logic and the commits are
in service.py."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query

from backend.core.deps import (
    CurrentWallet,
    IdempotencyKey,
    KycSettingsDep,
    Operator,
    SessionDep,
    SettingsDep,
    require_roles,
    wallet_rate_limit,
)
from backend.core.problems import problem_responses
from backend.core.routing import api_router
from backend.core.schemas import ADDRESS_PATTERN, decode_cursor, encode_cursor
from backend.kyc import service, views
from backend.kyc.dependencies import ViewerDep, application_for
from backend.kyc.schemas import (
    ApplicationView,
    AttestationRequest,
    ChainActionView,
    FreezeRequest,
    KycSubmission,
    ReviewDecision,
    ReviewItemDetail,
    ReviewItemPage,
    RevokeRequest,
    SignedAttestation,
)

router = api_router(prefix="/kyc", tags=["kyc"])

Reviewer = Annotated[Operator, Depends(require_roles("reviewer"))]
QueueReader = Annotated[Operator, Depends(require_roles("reviewer", "compliance"))]
Compliance = Annotated[Operator, Depends(require_roles("compliance"))]
ApplicationId = Annotated[str, Path(min_length=1, max_length=64, description="application id")]
WalletPath = Annotated[str, Path(pattern=ADDRESS_PATTERN, description="wallet address")]


# ------------------------------------------------------------------------------------------ wallet


@router.post(
    "/applications",
    status_code=201,
    response_model=ApplicationView,
    responses=problem_responses(401, 409, 429),
    dependencies=[Depends(wallet_rate_limit("submit"))],
)
def submit_application(
    body: KycSubmission,
    wallet: CurrentWallet,
    session: SessionDep,
    settings: SettingsDep,
    kyc: KycSettingsDep,
    _key: IdempotencyKey,
) -> ApplicationView:
    """Submit identity data for the signed-in wallet. Clean applications are approved and attested at once;
    others go to manual review or are rejected. The response carries no personal data."""
    app, signed = service.submit(session, settings, kyc, wallet, body)
    return views.application_view(app, signed)


@router.get("/application", response_model=ApplicationView, responses=problem_responses(401, 404))
def my_application(wallet: CurrentWallet, session: SessionDep, settings: SettingsDep) -> ApplicationView:
    """The signed-in wallet's most recent application. A signed attestation shows as `attested` once the
    wallet has submitted it on-chain."""
    app = service.latest_or_404(session, wallet)
    service.refresh_signed_attestation(session, settings, app)
    return views.application_view(app)


@router.get(
    "/application/attestation",
    response_model=SignedAttestation,
    responses=problem_responses(401, 404, 409, 502),
)
def my_signed_attestation(
    wallet: CurrentWallet, session: SessionDep, settings: SettingsDep, kyc: KycSettingsDep
) -> SignedAttestation:
    """The signed attestation of the wallet's approved application, to submit with
    IdentityRegistry.attestWithSignature: the same signature while its deadline is ahead on the chain's
    clock, a fresh one (new deadline) after. 404 when there is none waiting (direct mode, or attested)."""
    return service.signed_attestation(session, settings, kyc, wallet)


@router.post(
    "/application/attestation",
    response_model=ApplicationView,
    responses=problem_responses(401, 404, 409, 429),
    dependencies=[Depends(wallet_rate_limit("submit"))],
)
def renew_attestation(
    body: AttestationRequest,
    wallet: CurrentWallet,
    session: SessionDep,
    settings: SettingsDep,
    kyc: KycSettingsDep,
    _key: IdempotencyKey,
) -> ApplicationView:
    """Issue the attestation again for an approved wallet: renewal before expiry, a retry after a chain
    failure, a new risk class after a new questionnaire, or a signed attestation to submit yourself."""
    app = service.latest_or_404(session, wallet)
    signed = service.reissue_attestation(session, settings, kyc, app, body.mode)
    return views.application_view(app, signed)


@router.get(
    "/applications/{application_id}",
    response_model=ApplicationView,
    responses=problem_responses(401, 403, 404),
)
def read_application(
    application_id: ApplicationId, viewer: ViewerDep, session: SessionDep
) -> ApplicationView:
    """One application: readable by its own wallet or by reviewer/compliance operators."""
    return views.application_view(application_for(viewer, session, application_id))


# ------------------------------------------------------------------------------------------ reviewer


@router.get("/review-queue", response_model=ReviewItemPage, responses=problem_responses(401, 403))
def review_queue(
    operator: QueueReader,
    session: SessionDep,
    kyc: KycSettingsDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(min_length=1, max_length=512)] = None,
) -> ReviewItemPage:
    """Open review items, enhanced-due-diligence first, then oldest first."""
    position = decode_cursor("kyc-review", cursor, {"offset": int})
    offset = position["offset"] if position else 0
    rows = service.open_review_items(session, limit + 1, offset)
    return ReviewItemPage(
        items=[views.review_item_view(item, app, kyc) for item, app in rows[:limit]],
        next_cursor=encode_cursor("kyc-review", {"offset": offset + limit}) if len(rows) > limit else None,
    )


@router.get(
    "/review-queue/{application_id}",
    response_model=ReviewItemDetail,
    responses=problem_responses(401, 403, 404),
)
def review_item(
    application_id: ApplicationId,
    operator: Reviewer,
    session: SessionDep,
    settings: SettingsDep,
    kyc: KycSettingsDep,
) -> ReviewItemDetail:
    """An open item with the applicant's decrypted details (card masked). Every read is audited."""
    item, app, applicant, duplicates = service.read_for_review(
        session, settings, application_id, operator.actor
    )
    return views.review_item_detail(item, app, applicant, duplicates, kyc)


@router.post(
    "/applications/{application_id}/approve",
    response_model=ApplicationView,
    responses=problem_responses(401, 403, 404, 409),
)
def approve_application(
    application_id: ApplicationId,
    body: ReviewDecision,
    operator: Reviewer,
    session: SessionDep,
    settings: SettingsDep,
    kyc: KycSettingsDep,
) -> ApplicationView:
    """Approve an application in review; the attestation is issued at once (direct or signed)."""
    app = service.get_or_404(session, application_id)
    signed = service.approve(session, settings, kyc, app, operator.actor, body.reason, body.note)
    return views.application_view(app, signed)


@router.post(
    "/applications/{application_id}/reject",
    response_model=ApplicationView,
    responses=problem_responses(401, 403, 404, 409),
)
def reject_application(
    application_id: ApplicationId, body: ReviewDecision, operator: Reviewer, session: SessionDep
) -> ApplicationView:
    app = service.get_or_404(session, application_id)
    service.reject(session, app, operator.actor, body.reason, body.note)
    return views.application_view(app)


# ------------------------------------------------------------------------------------------ compliance


@router.post(
    "/applications/{application_id}/revoke",
    response_model=ApplicationView,
    responses=problem_responses(401, 403, 404, 409, 502),
)
def revoke_identity(
    application_id: ApplicationId,
    body: RevokeRequest,
    operator: Compliance,
    session: SessionDep,
    settings: SettingsDep,
) -> ApplicationView:
    """Revoke an approved identity: IdentityRegistry.revoke on-chain, then recorded."""
    app = service.get_or_404(session, application_id)
    service.revoke(session, settings, app, operator.actor, body.reason, body.note)
    return views.application_view(app)


@router.post(
    "/wallets/{wallet}/freeze",
    response_model=ChainActionView,
    responses=problem_responses(401, 403, 409, 502),
)
def freeze_wallet(
    wallet: WalletPath,
    body: FreezeRequest,
    operator: Compliance,
    session: SessionDep,
    settings: SettingsDep,
    kyc: KycSettingsDep,
) -> ChainActionView:
    """COMPLIANCE_ROLE freeze on-chain (AML); a frozen wallet is not eligible."""
    return service.set_frozen(session, settings, kyc, wallet, True, body.reason, operator.actor)


@router.post(
    "/wallets/{wallet}/unfreeze",
    response_model=ChainActionView,
    responses=problem_responses(401, 403, 409, 502),
)
def unfreeze_wallet(
    wallet: WalletPath,
    body: FreezeRequest,
    operator: Compliance,
    session: SessionDep,
    settings: SettingsDep,
    kyc: KycSettingsDep,
) -> ChainActionView:
    return service.set_frozen(session, settings, kyc, wallet, False, body.reason, operator.actor)
