"""Collections HTTP API, for operators (collector: the cases assigned to it, any other is a 404;
supervisor: every case, and assigns them; no other role). Times are the chain's.

  GET  /v2/admin/collections/cases?state=&tier=&assignee=&unassigned=&loanId=   the work queue
  GET  /v2/admin/collections/cases/{caseId}              one, with tiers, SLAs, notices, contacts (notes
                                                         decrypted; the read is audited) and promises
  POST /v2/admin/collections/cases/{caseId}/assignment   supervisor: {assignee: collector key id | null}
  POST /v2/admin/collections/cases/{caseId}/contacts     {channel, outcome, reason?, note?}
  POST /v2/admin/collections/cases/{caseId}/promises     {amount, promisedFor}: one open at a time
  POST /v2/admin/collections/cases/{caseId}/legal-referral   over 90 days past due only
  GET  /v2/admin/collections/metrics?months=             cure rate by tier, roll rates, promise-kept
                                                         rate, time to first contact
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query, Request

from backend.auth.service import Operator
from backend.collections import metrics, problems, service
from backend.collections.config import CollectionsSettings
from backend.collections.schemas import (
    AssignmentIn,
    CaseDetail,
    CasePage,
    CollectionFigures,
    ContactIn,
    KeyId,
    PromiseIn,
    State,
    Tier,
)
from backend.core.deps import IdempotencyKey, SessionDep, SettingsDep, require_roles
from backend.core.problems import problem_responses
from backend.core.routing import api_router
from backend.core.schemas import ID_MAX

router = api_router(prefix="/admin/collections", tags=["collections"])

Worker = Annotated[Operator, Depends(require_roles("collector", "supervisor"))]
Supervisor = Annotated[Operator, Depends(require_roles("supervisor"))]
CaseId = Annotated[int, Path(alias="caseId", ge=1, le=ID_MAX)]
Limit = Annotated[int, Query(ge=1, le=200)]
Cursor = Annotated[
    str | None, Query(min_length=1, max_length=512, description="nextCursor of the page before")
]


def _options(request: Request) -> CollectionsSettings:
    options = getattr(request.app.state, "collections_settings", None)
    if options is None:
        options = request.app.state.collections_settings = CollectionsSettings()
    return options


Options = Annotated[CollectionsSettings, Depends(_options)]


@router.get("/cases", response_model=CasePage, responses=problem_responses(401, 403, 422, 503))
def list_cases(
    operator: Worker,
    session: SessionDep,
    state: State | None = None,
    tier: Annotated[Tier | None, Query()] = None,
    assignee: Annotated[KeyId | None, Query(description="supervisor: one collector's cases")] = None,
    unassigned: Annotated[bool | None, Query(description="true: no assignee; false: assigned")] = None,
    loan_id: Annotated[int | None, Query(alias="loanId", ge=0, le=ID_MAX)] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> CasePage:
    """The work queue, oldest case first: a collector's own cases, or (supervisor) every case."""
    return service.queue(session, operator, state, tier, assignee, unassigned, limit, cursor, loan_id)


@router.get("/metrics", response_model=CollectionFigures, responses=problem_responses(401, 403, 422, 503))
def get_metrics(
    _operator: Worker,
    session: SessionDep,
    options: Options,
    months: Annotated[int | None, Query(ge=1, le=120)] = None,
) -> CollectionFigures:
    """Cure rate by tier, monthly roll rates (current, 1-30, 31-90, over 90), the promise-kept rate and
    the time to first contact, at the chain's time."""
    head = service.chain_head(session)
    if head is None:
        raise problems.no_chain_time()
    return metrics.collection_figures(session, head[1], months or options.metrics_months)


@router.get("/cases/{caseId}", response_model=CaseDetail, responses=problem_responses(401, 403, 404, 503))
def read_case(case_id: CaseId, operator: Worker, session: SessionDep, settings: SettingsDep) -> CaseDetail:
    return service.read_case(session, settings, operator, case_id)


@router.post(
    "/cases/{caseId}/assignment",
    response_model=CaseDetail,
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
def assign(
    case_id: CaseId, body: AssignmentIn, operator: Supervisor, session: SessionDep, settings: SettingsDep
) -> CaseDetail:
    """Assigns the case to a collector (its operator key id), or unassigns it."""
    return service.assign(session, settings, operator, case_id, body.assignee)


@router.post(
    "/cases/{caseId}/contacts",
    response_model=CaseDetail,
    status_code=201,
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
def log_contact(
    case_id: CaseId,
    body: ContactIn,
    operator: Worker,
    session: SessionDep,
    settings: SettingsDep,
    options: Options,
    _key: IdempotencyKey,
) -> CaseDetail:
    """Logs a contact with the borrower (the note is encrypted at rest); the first meets the 1-30 SLA."""
    return service.log_contact(session, settings, options, operator, case_id, body)


@router.post(
    "/cases/{caseId}/promises",
    response_model=CaseDetail,
    status_code=201,
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
def make_promise(
    case_id: CaseId,
    body: PromiseIn,
    operator: Worker,
    session: SessionDep,
    settings: SettingsDep,
    options: Options,
    _key: IdempotencyKey,
) -> CaseDetail:
    """Records a promise to pay an amount by the end of a UTC day: kept by the repayments mined by then,
    broken otherwise (the collections worker decides, from the index)."""
    return service.make_promise(session, settings, options, operator, case_id, body)


@router.post(
    "/cases/{caseId}/legal-referral",
    response_model=CaseDetail,
    responses=problem_responses(401, 403, 404, 409, 503),
)
def refer_legal(case_id: CaseId, operator: Worker, session: SessionDep, settings: SettingsDep) -> CaseDetail:
    """Refers a case over 90 days past due for legal action and recovery (meets that tier's SLA)."""
    return service.refer_legal(session, settings, operator, case_id)
