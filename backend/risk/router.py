"""Risk HTTP API: loan applications (wallet), reviewer queue, model card, batch scoring, monitoring.
Thin: the services commit."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query
from starlette.concurrency import run_in_threadpool

from backend.core.deps import (
    CurrentWallet,
    IdempotencyKey,
    Operator,
    RiskSettingsDep,
    ScorecardDep,
    SessionDep,
    SettingsDep,
    require_roles,
    wallet_rate_limit,
)
from backend.core.problems import problem_responses
from backend.core.routing import api_router
from backend.core.schemas import decode_cursor, encode_cursor
from backend.risk import service, views
from backend.risk.schemas import (
    BatchResult,
    BatchScoreRequest,
    BatchScoreResponse,
    LoanApplicationCreate,
    LoanApplicationPage,
    LoanApplicationView,
    ModelCard,
    PopulationStability,
    ReviewDecisionIn,
    ReviewPage,
    ReviewView,
)

router = api_router(tags=["risk"])

Reviewer = Annotated[Operator, Depends(require_roles("reviewer"))]
RiskOperator = Annotated[Operator, Depends(require_roles("admin", "reviewer"))]
Limit = Annotated[int, Query(ge=1, le=200)]
Cursor = Annotated[str | None, Query(min_length=1, max_length=512)]
ApplicationId = Annotated[str, Path(min_length=1, max_length=64, description="application id")]


def _offset(kind: str, cursor: str | None) -> int:
    position = decode_cursor(kind, cursor, {"offset": int})
    return position["offset"] if position else 0


def _next(kind: str, offset: int, limit: int, rows: list) -> str | None:
    return encode_cursor(kind, {"offset": offset + limit}) if len(rows) > limit else None


@router.post(
    "/loan-applications",
    status_code=201,
    response_model=LoanApplicationView,
    responses=problem_responses(401, 409, 429),
    dependencies=[Depends(wallet_rate_limit("submit"))],
)
def create_loan_application(
    body: LoanApplicationCreate,
    wallet: CurrentWallet,
    session: SessionDep,
    card: ScorecardDep,
    risk: RiskSettingsDep,
    settings: SettingsDep,
    _key: IdempotencyKey,
) -> LoanApplicationView:
    """Apply for a loan as the signed-in wallet. The decision is immediate: approved (with an offer; the
    score is queued for the credit oracle), declined, or sent to manual review. An approved application
    carries `signedOffer`: the EIP-712 LoanOffer typed data and the risk service's signature that
    LoanMarket.list requires (or, when the chain cannot be reached, `status: unavailable` and the reason;
    reading the application again retries). Send an Idempotency-Key header so a retried request does not
    apply twice."""
    return views.application_view(service.submit(session, card, risk, wallet, body, settings))


@router.get("/loan-applications", response_model=LoanApplicationPage, responses=problem_responses(401))
def list_loan_applications(
    wallet: CurrentWallet, session: SessionDep, limit: Limit = 50, cursor: Cursor = None
) -> LoanApplicationPage:
    """The signed-in wallet's applications, newest first."""
    offset = _offset("loan-applications", cursor)
    rows = service.list_for_wallet(session, wallet, limit + 1, offset)
    return LoanApplicationPage(
        items=[views.application_view(a) for a in rows[:limit]],
        next_cursor=_next("loan-applications", offset, limit, rows),
    )


@router.get(
    "/loan-applications/{application_id}",
    response_model=LoanApplicationView,
    responses=problem_responses(401, 404),
)
def read_loan_application(
    application_id: ApplicationId,
    wallet: CurrentWallet,
    session: SessionDep,
    risk: RiskSettingsDep,
    settings: SettingsDep,
) -> LoanApplicationView:
    """One of the signed-in wallet's applications, with the same signed offer every time (an offer that
    could not be signed before is tried again)."""
    return views.application_view(service.read_for_wallet(session, settings, risk, wallet, application_id))


@router.get("/risk/reviews", response_model=ReviewPage, responses=problem_responses(401, 403))
def list_reviews(
    operator: Reviewer, session: SessionDep, limit: Limit = 50, cursor: Cursor = None
) -> ReviewPage:
    """Applications waiting for a reviewer, oldest first, with the rules that fired and the attributes."""
    offset = _offset("risk-reviews", cursor)
    rows = service.review_queue(session, limit + 1, offset)
    return ReviewPage(
        items=[views.review_view(a) for a in rows[:limit]],
        next_cursor=_next("risk-reviews", offset, limit, rows),
    )


@router.post(
    "/risk/reviews/{application_id}",
    response_model=ReviewView,
    responses=problem_responses(401, 403, 404, 409),
)
def decide_review(
    application_id: ApplicationId,
    body: ReviewDecisionIn,
    operator: Reviewer,
    session: SessionDep,
    risk: RiskSettingsDep,
    settings: SettingsDep,
) -> ReviewView:
    """Approve (the score is queued for the oracle and the offer signed) or decline an application in
    review. Audited."""
    return views.review_view(
        service.review(session, application_id, body.decision, body.note, operator.actor, settings, risk)
    )


@router.get("/risk/model", response_model=ModelCard)
def model_card(card: ScorecardDep) -> ModelCard:
    """Model card of the scorecard in use: version, test metrics, grades, cutoffs and the points table."""
    return ModelCard.model_validate(service.model_card(card))


# Scoring an item is pure computation (about 50 us, no database): a small batch is scored on the event
# loop, which spares it two thread hand-offs; a large one (up to 5,000 items, ~250 ms) in a worker
# thread, so it never holds up other requests.
INLINE_BATCH_ITEMS = 16


@router.post("/risk/score/batch", response_model=BatchScoreResponse, responses=problem_responses(401, 403))
async def score_batch(
    body: BatchScoreRequest, operator: RiskOperator, card: ScorecardDep
) -> BatchScoreResponse:
    """Score many attribute sets at once (no decision stored, no anti-fraud). An item that cannot be
    scored carries its errors; the others are scored anyway."""
    if len(body.items) <= INLINE_BATCH_ITEMS:
        return _scored(card, body.items)
    return await run_in_threadpool(_scored, card, body.items)


def _scored(card, items) -> BatchScoreResponse:
    results = service.score_batch(card, items)
    failed = sum(1 for r in results if r.get("errors"))
    return BatchScoreResponse(
        model_name=card.name,
        model_version=card.version,
        scored=len(results) - failed,
        failed=failed,
        results=[BatchResult.model_validate(r) for r in results],
    )


@router.get("/risk/monitoring/psi", response_model=PopulationStability, responses=problem_responses(401, 403))
def population_stability(
    operator: RiskOperator,
    session: SessionDep,
    card: ScorecardDep,
    days: Annotated[int, Query(ge=1, le=365)] = 30,
) -> PopulationStability:
    """Population stability index of recent applications' scores and attributes against the training
    population: < 0.10 stable, 0.10-0.25 watch, > 0.25 shifted; `insufficient_data` until each side
    holds at least `minSamples` (100) applications."""
    return PopulationStability.model_validate(service.stability(session, card, days))
