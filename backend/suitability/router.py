from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from backend.auth.dependencies import CurrentWallet, IdempotencyKey, rate_limit
from backend.core.problems import Problem, problem_responses
from backend.db.session import SessionDep
from backend.suitability import service
from backend.suitability.schemas import AssessmentView, Questionnaire

router = APIRouter(prefix="/suitability", tags=["suitability"])


@router.post(
    "",
    status_code=201,
    response_model=AssessmentView,
    responses=problem_responses(401, 409, 422, 429),
    dependencies=[Depends(rate_limit("submit"))],
)
def submit_questionnaire(
    request: Request, answers: Questionnaire, wallet: CurrentWallet, session: SessionDep, _key: IdempotencyKey
) -> AssessmentView:
    """Answer the suitability questionnaire; returns the investor risk class (1-5), valid for a year."""
    record = service.assess(session, request.app.state.settings, wallet, answers)
    session.commit()
    return service.view(record)


@router.get("", response_model=AssessmentView, responses=problem_responses(401, 404))
def my_assessment(request: Request, wallet: CurrentWallet, session: SessionDep) -> AssessmentView:
    """The signed-in wallet's latest assessment (with its answers); `current` is false after a year."""
    record = service.latest(session, wallet)
    if record is None:
        raise Problem(
            status=404,
            title="No suitability assessment",
            type="suitability-not-found",
            detail="answer the questionnaire with POST /v1/suitability",
        )
    return service.view(record, request.app.state.settings)
