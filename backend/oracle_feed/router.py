"""Oracle feed HTTP API.

GET  /v1/oracle/reports?status=pending&limit=N | ?ids=1,2,3   role oracle (or admin)
POST /v1/oracle/reports/ack                                    role oracle
POST /v1/oracle/reports/refresh                                role oracle
GET  /v1/oracle/rounds                                         public: indexed rounds and report counts
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from backend.auth.dependencies import Operator, require_roles
from backend.core.problems import Problem, problem_responses
from backend.db.session import SessionDep
from backend.oracle_feed import service
from backend.oracle_feed.schemas import (
    AckRequest,
    AckResponse,
    RefreshRequestIn,
    RefreshResponse,
    ReportPage,
    RoundsStatus,
)
from backend.risk.dependencies import RiskSettingsDep, ScorecardDep

router = APIRouter(prefix="/oracle", tags=["oracle"])

OracleOperator = Annotated[Operator, Depends(require_roles("oracle", "admin"))]
OracleRole = Annotated[Operator, Depends(require_roles("oracle"))]
STATUSES = ("pending", "signed", "submitted", "confirmed", "rejected")


@router.get("/reports", response_model=ReportPage, responses=problem_responses(401, 403, 422))
def list_reports(
    _op: OracleOperator,
    session: SessionDep,
    status: Annotated[
        str | None, Query(description="pending | signed | submitted | confirmed | rejected")
    ] = None,
    ids: Annotated[str | None, Query(description="comma-separated report ids")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> ReportPage:
    """Credit reports for the oracle nodes, oldest pending first. Nodes fetch by `ids` to re-check a batch."""
    if status is not None and status not in STATUSES:
        raise Problem(
            status=422,
            title="Invalid status",
            type="invalid-status",
            detail=f"status must be one of {', '.join(STATUSES)}",
        )
    id_list = None
    if ids:
        try:
            id_list = [int(i) for i in ids.split(",") if i.strip()]
        except ValueError as exc:
            raise Problem(
                status=422,
                title="Invalid ids",
                type="invalid-ids",
                detail="ids must be comma-separated integers",
            ) from exc
    return ReportPage(items=service.list_reports(session, status, id_list, limit))


@router.post("/reports/ack", response_model=AckResponse, responses=problem_responses(401, 403, 422))
def ack_reports(body: AckRequest, _op: OracleRole, session: SessionDep) -> AckResponse:
    """The aggregator reports what happened to each report: submitted (round, txHash) or rejected
    (reason). Acks that would move a final report are skipped and say why; the call is idempotent."""
    return AckResponse(results=service.apply_acks(session, body.acks))


@router.post("/reports/refresh", response_model=RefreshResponse, responses=problem_responses(401, 403, 422))
def refresh_reports(
    body: RefreshRequestIn,
    _op: OracleRole,
    session: SessionDep,
    card: ScorecardDep,
    settings: RiskSettingsDep,
) -> RefreshResponse:
    """Borrowers whose on-chain record nears maxAge: each is re-scored from their latest approved
    application, and a new pending report is queued where policy allows (see backend.risk.refresh).
    Every borrower gets an outcome: reported, waiting (a report is on its way already) or lapsed (why)."""
    results = service.refresh(session, card, settings, body.borrowers)
    return RefreshResponse(queued=[r.borrower for r in results], results=results)


@router.get("/rounds", response_model=RoundsStatus)
def rounds(session: SessionDep, limit: Annotated[int, Query(ge=1, le=500)] = 50) -> RoundsStatus:
    """Oracle status: the latest rounds as indexed from the chain and credit report counts by status."""
    return service.rounds_status(session, limit)
