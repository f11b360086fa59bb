"""Complaints HTTP API.

Complainant (signed-in wallet; another wallet's complaint is a 404, as if it did not exist):
  POST /v2/complaints                               file: category, optional loanId, text
  GET  /v2/complaints                               the wallet's own, newest first
  GET  /v2/complaints/{id}                          one, with the platform's responses and resolution
  POST /v2/complaints/{id}/accept | /reject         answer a resolution (reject: escalated to mediation)
  POST /v2/complaints/{id}/mediation                escalate a complaint whose SLA deadline has passed
Public:
  GET  /v2/complaints/figures?asOf=&since=          counts and the median resolution time
Operators (reviewer: works the queue; supervisor: the same, and escalates; no other role):
  GET  /v2/admin/complaints?status=&breached=       the queue
  GET  /v2/admin/complaints/{id}                    one, with its text (the read is audited)
  POST /v2/admin/complaints/{id}/acknowledge | /responses | /resolution
  POST /v2/admin/complaints/{id}/escalate           supervisor
  POST /v2/admin/complaints/escalate-overdue        supervisor: every complaint past a deadline
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Path, Query, Request

from backend.auth.service import Operator
from backend.complaints import service
from backend.complaints.config import ComplaintSettings
from backend.complaints.schemas import (
    ComplaintDetail,
    ComplaintFigures,
    ComplaintId,
    ComplaintIn,
    ComplaintPage,
    EscalatedOut,
    MessageIn,
    ReplyIn,
    ResolutionIn,
    Status,
)
from backend.core.deps import CurrentWallet, IdempotencyKey, SessionDep, SettingsDep, require_roles
from backend.core.problems import problem_responses
from backend.core.routing import api_router
from backend.core.schemas import Timestamp
from backend.db.types import utcnow

router = api_router(tags=["complaints"])
admin_router = api_router(prefix="/admin", tags=["complaints"])

HANDLERS = ("reviewer", "supervisor")
Handler = Annotated[Operator, Depends(require_roles(*HANDLERS))]
Supervisor = Annotated[Operator, Depends(require_roles("supervisor"))]
Id = Annotated[ComplaintId, Path(alias="complaintId")]
Limit = Annotated[int, Query(ge=1, le=200)]
Cursor = Annotated[
    str | None, Query(min_length=1, max_length=512, description="nextCursor of the page before")
]


def _options(request: Request) -> ComplaintSettings:
    options = getattr(request.app.state, "complaint_settings", None)
    if options is None:
        options = request.app.state.complaint_settings = ComplaintSettings()
    return options


def _clock(request: Request) -> datetime:
    """The service's wall clock; `app.state.complaints_clock` (a callable) replaces it in tests."""
    clock: Callable[[], datetime] = getattr(request.app.state, "complaints_clock", None) or utcnow
    return clock()


Options = Annotated[ComplaintSettings, Depends(_options)]
Now = Annotated[datetime, Depends(_clock)]


# ------------------------------------------------------------------------------------------ public


@router.get("/complaints/figures", response_model=ComplaintFigures, responses=problem_responses(422))
def get_figures(
    session: SessionDep,
    now: Now,
    as_of: Annotated[Timestamp | None, Query(alias="asOf")] = None,
    since: Annotated[Timestamp | None, Query()] = None,
) -> ComplaintFigures:
    """Complaints received, by category, open, resolved (by outcome), escalated, late against the SLA,
    and the median time from filing to resolution, as of a moment (now by default; a time without an
    offset is UTC)."""
    return service.complaint_figures(session, _utc(as_of) or now, _utc(since))


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# ------------------------------------------------------------------------------------------ complainant


@router.post(
    "/complaints", response_model=ComplaintDetail, status_code=201, responses=problem_responses(401, 422)
)
def file_complaint(
    body: ComplaintIn,
    wallet: CurrentWallet,
    session: SessionDep,
    settings: SettingsDep,
    options: Options,
    now: Now,
    _key: IdempotencyKey,
) -> ComplaintDetail:
    """Files a complaint; it is to be acknowledged within 2 business days and resolved within 15."""
    return service.file_complaint(session, settings, options, wallet, body, now)


@router.get("/complaints", response_model=ComplaintPage, responses=problem_responses(401))
def list_own(
    wallet: CurrentWallet, session: SessionDep, now: Now, limit: Limit = 50, cursor: Cursor = None
) -> ComplaintPage:
    """The signed-in wallet's complaints, newest first."""
    return service.own_complaints(session, wallet, now, limit, cursor)


@router.get(
    "/complaints/{complaintId}", response_model=ComplaintDetail, responses=problem_responses(401, 404)
)
def get_own(
    complaint_id: Id, wallet: CurrentWallet, session: SessionDep, settings: SettingsDep, now: Now
) -> ComplaintDetail:
    return service.own_complaint(session, settings, wallet, complaint_id, now)


@router.post(
    "/complaints/{complaintId}/accept",
    response_model=ComplaintDetail,
    responses=problem_responses(401, 404, 409),
)
def accept(
    complaint_id: Id,
    body: ReplyIn,
    wallet: CurrentWallet,
    session: SessionDep,
    settings: SettingsDep,
    options: Options,
    now: Now,
) -> ComplaintDetail:
    """The complainant accepts the resolution: the complaint is closed."""
    return service.answer_resolution(session, settings, options, wallet, complaint_id, True, body.text, now)


@router.post(
    "/complaints/{complaintId}/reject",
    response_model=ComplaintDetail,
    responses=problem_responses(401, 404, 409),
)
def reject(
    complaint_id: Id,
    body: ReplyIn,
    wallet: CurrentWallet,
    session: SessionDep,
    settings: SettingsDep,
    options: Options,
    now: Now,
) -> ComplaintDetail:
    """The complainant rejects the resolution: the complaint goes to mediation."""
    return service.answer_resolution(session, settings, options, wallet, complaint_id, False, body.text, now)


@router.post(
    "/complaints/{complaintId}/mediation",
    response_model=ComplaintDetail,
    responses=problem_responses(401, 404, 409),
)
def mediation(
    complaint_id: Id, wallet: CurrentWallet, session: SessionDep, settings: SettingsDep, now: Now
) -> ComplaintDetail:
    """The complainant takes a complaint whose acknowledgement or resolution is overdue to mediation."""
    return service.request_mediation(session, settings, wallet, complaint_id, now)


# ------------------------------------------------------------------------------------------ queue


@admin_router.get("/complaints", response_model=ComplaintPage, responses=problem_responses(401, 403))
def list_queue(
    _operator: Handler,
    session: SessionDep,
    now: Now,
    status: Status | None = None,
    breached: Annotated[
        bool | None, Query(description="true: a deadline passed unmet; false: none did")
    ] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> ComplaintPage:
    """Every complaint, newest first, by status and SLA breach."""
    return service.queue(session, now, status, breached, limit, cursor)


@admin_router.post(
    "/complaints/escalate-overdue", response_model=EscalatedOut, responses=problem_responses(401, 403)
)
def escalate_overdue(operator: Supervisor, session: SessionDep, now: Now) -> EscalatedOut:
    """Sends every complaint still being worked past a deadline to mediation."""
    return EscalatedOut(escalated=service.escalate_overdue(session, operator, now))


@admin_router.get(
    "/complaints/{complaintId}", response_model=ComplaintDetail, responses=problem_responses(401, 403, 404)
)
def read_one(
    complaint_id: Id, operator: Handler, session: SessionDep, settings: SettingsDep, now: Now
) -> ComplaintDetail:
    return service.read_for_operator(session, settings, operator, complaint_id, now)


@admin_router.post(
    "/complaints/{complaintId}/acknowledge",
    response_model=ComplaintDetail,
    responses=problem_responses(401, 403, 404, 409),
)
def acknowledge(
    complaint_id: Id, operator: Handler, session: SessionDep, settings: SettingsDep, now: Now
) -> ComplaintDetail:
    return service.acknowledge(session, settings, operator, complaint_id, now)


@admin_router.post(
    "/complaints/{complaintId}/responses",
    response_model=ComplaintDetail,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def add_response(
    complaint_id: Id,
    body: MessageIn,
    operator: Handler,
    session: SessionDep,
    settings: SettingsDep,
    options: Options,
    now: Now,
) -> ComplaintDetail:
    return service.respond(session, settings, options, operator, complaint_id, body.text, now)


@admin_router.post(
    "/complaints/{complaintId}/resolution",
    response_model=ComplaintDetail,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def resolve(
    complaint_id: Id,
    body: ResolutionIn,
    operator: Handler,
    session: SessionDep,
    settings: SettingsDep,
    options: Options,
    now: Now,
) -> ComplaintDetail:
    return service.resolve(session, settings, options, operator, complaint_id, body.outcome, body.text, now)


@admin_router.post(
    "/complaints/{complaintId}/escalate",
    response_model=ComplaintDetail,
    responses=problem_responses(401, 403, 404, 409),
)
def escalate(
    complaint_id: Id, operator: Supervisor, session: SessionDep, settings: SettingsDep, now: Now
) -> ComplaintDetail:
    return service.escalate(session, settings, operator, complaint_id, now)
