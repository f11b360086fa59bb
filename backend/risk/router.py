"""Risk HTTP API: loan applications (wallet), reviewer queue, model card, batch scoring, monitoring."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from backend.auth.dependencies import CurrentWallet, IdempotencyKey, Operator, rate_limit, require_roles
from backend.core.problems import problem_responses
from backend.db.session import SessionDep
from backend.risk import service, views
from backend.risk.dependencies import AppSettingsDep, RiskSettingsDep, ScorecardDep
from backend.risk.schemas import (
    BatchResult,
    BatchScoreRequest,
    BatchScoreResponse,
    LoanApplicationCreate,
    LoanApplicationView,
    ReviewDecisionIn,
    ReviewView,
)

router = APIRouter(tags=["risk"])

Reviewer = Annotated[Operator, Depends(require_roles("reviewer"))]
RiskOperator = Annotated[Operator, Depends(require_roles("admin", "reviewer"))]
Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0)]


@router.post(
    "/loan-applications",
    status_code=201,
    response_model=LoanApplicationView,
    responses=problem_responses(401, 409, 422, 429),
    dependencies=[Depends(rate_limit("submit"))],
)
def create_loan_application(
    body: LoanApplicationCreate,
    wallet: CurrentWallet,
    session: SessionDep,
    card: ScorecardDep,
    settings: RiskSettingsDep,
    app_settings: AppSettingsDep,
    _key: IdempotencyKey,
) -> LoanApplicationView:
    """Apply for a loan as the signed-in wallet. The decision is immediate: approved (with an offer; the
    score is queued for the credit oracle), declined, or sent to manual review. An approved application
    carries `signed_offer`: the EIP-712 LoanOffer typed data and the risk service's signature that
    LoanMarket.list requires (or, when the chain cannot be reached, `status: unavailable` and the reason;
    reading the application again retries). Send an Idempotency-Key header so a retried request does not
    apply twice."""
    return views.application_view(service.submit(session, card, settings, wallet, body, app_settings))


@router.get("/loan-applications", response_model=list[LoanApplicationView], responses=problem_responses(401))
def list_loan_applications(
    wallet: CurrentWallet, session: SessionDep, limit: Limit = 50, offset: Offset = 0
) -> list[LoanApplicationView]:
    """The signed-in wallet's applications, newest first."""
    return [views.application_view(a) for a in service.list_for_wallet(session, wallet, limit, offset)]


@router.get(
    "/loan-applications/{application_id}",
    response_model=LoanApplicationView,
    responses=problem_responses(401, 404),
)
def read_loan_application(
    application_id: str,
    wallet: CurrentWallet,
    session: SessionDep,
    settings: RiskSettingsDep,
    app_settings: AppSettingsDep,
) -> LoanApplicationView:
    """One of the signed-in wallet's applications, with the same signed offer every time (an offer that
    could not be signed before is tried again)."""
    return views.application_view(
        service.read_for_wallet(session, app_settings, settings, wallet, application_id)
    )


@router.get("/risk/reviews", response_model=list[ReviewView], responses=problem_responses(401, 403))
def list_reviews(
    operator: Reviewer, session: SessionDep, limit: Limit = 50, offset: Offset = 0
) -> list[ReviewView]:
    """Applications waiting for a reviewer, oldest first, with the rules that fired and the attributes."""
    return [views.review_view(a) for a in service.review_queue(session, limit, offset)]


@router.post(
    "/risk/reviews/{application_id}",
    response_model=ReviewView,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def decide_review(
    application_id: str,
    body: ReviewDecisionIn,
    operator: Reviewer,
    session: SessionDep,
    settings: RiskSettingsDep,
    app_settings: AppSettingsDep,
) -> ReviewView:
    """Approve (the score is queued for the oracle and the offer signed) or decline an application in
    review. Audited."""
    return views.review_view(
        service.review(
            session, application_id, body.decision, body.note, operator.actor, app_settings, settings
        )
    )


@router.get("/risk/model")
def model_card(card: ScorecardDep) -> dict[str, Any]:
    """Model card of the scorecard in use: version, test metrics, grades, cutoffs and the points table."""
    return service.model_card(card)


@router.post(
    "/risk/score/batch", response_model=BatchScoreResponse, responses=problem_responses(401, 403, 422)
)
def score_batch(body: BatchScoreRequest, operator: RiskOperator, card: ScorecardDep) -> BatchScoreResponse:
    """Score many attribute sets at once (no decision stored, no anti-fraud). An item that cannot be
    scored carries its errors; the others are scored anyway."""
    results = service.score_batch(card, body.items)
    failed = sum(1 for r in results if r.get("errors"))
    return BatchScoreResponse(
        model_name=card.name,
        model_version=card.version,
        scored=len(results) - failed,
        failed=failed,
        results=[BatchResult(**r) for r in results],
    )


@router.get("/risk/monitoring/psi", responses=problem_responses(401, 403))
def population_stability(
    operator: RiskOperator,
    session: SessionDep,
    card: ScorecardDep,
    days: Annotated[int, Query(ge=1, le=365)] = 30,
) -> dict[str, Any]:
    """Population stability index of recent applications' scores and attributes against the training
    population: < 0.10 stable, 0.10-0.25 watch, > 0.25 shifted."""
    return service.stability(session, card, days)
