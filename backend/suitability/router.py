"""Suitability questionnaire of the signed-in wallet. Thin: the service commits."""

from __future__ import annotations

from fastapi import Depends

from backend.core.deps import CurrentWallet, IdempotencyKey, SessionDep, SettingsDep, wallet_rate_limit
from backend.core.problems import problem_responses
from backend.core.routing import api_router
from backend.suitability import service
from backend.suitability.problems import assessment_not_found
from backend.suitability.schemas import AssessmentView, Questionnaire

router = api_router(prefix="/suitability", tags=["suitability"])


@router.post(
    "",
    status_code=201,
    response_model=AssessmentView,
    responses=problem_responses(401, 409, 429),
    dependencies=[Depends(wallet_rate_limit("submit"))],
)
def submit_questionnaire(
    answers: Questionnaire,
    wallet: CurrentWallet,
    session: SessionDep,
    settings: SettingsDep,
    _key: IdempotencyKey,
) -> AssessmentView:
    """Answer the suitability questionnaire; returns the investor risk class (1-5), valid for a year."""
    return service.view(service.assess(session, settings, wallet, answers))


@router.get("", response_model=AssessmentView, responses=problem_responses(401, 404))
def my_assessment(wallet: CurrentWallet, session: SessionDep, settings: SettingsDep) -> AssessmentView:
    """The signed-in wallet's latest assessment (with its answers); `current` is false after a year."""
    record = service.latest(session, wallet)
    if record is None:
        raise assessment_not_found()
    return service.view(record, settings)
