"""Oracle feed HTTP API.

GET  /v2/oracle/reports?status=pending&limit=N | ?ids=1&ids=2   role oracle (or admin)
POST /v2/oracle/reports/ack                                      role oracle
POST /v2/oracle/reports/refresh                                  role oracle
GET  /v2/oracle/rounds                                           public: indexed rounds and report counts
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query
from pydantic import Field

from backend.core.deps import Operator, RiskSettingsDep, ScorecardDep, SessionDep, require_roles
from backend.core.problems import problem_responses
from backend.core.routing import api_router
from backend.core.schemas import ID_MAX
from backend.oracle_feed import service
from backend.oracle_feed.schemas import (
    AckRequest,
    AckResponse,
    RefreshRequestIn,
    RefreshResponse,
    ReportPage,
    RoundsStatus,
)

router = api_router(prefix="/oracle", tags=["oracle"])

OracleOperator = Annotated[Operator, Depends(require_roles("oracle", "admin"))]
OracleRole = Annotated[Operator, Depends(require_roles("oracle"))]
ReportStatus = Literal["pending", "signed", "submitted", "confirmed", "rejected"]


@router.get("/reports", response_model=ReportPage, responses=problem_responses(401, 403))
def list_reports(
    _op: OracleOperator,
    session: SessionDep,
    status: ReportStatus | None = None,
    ids: Annotated[
        list[Annotated[int, Field(ge=1, le=ID_MAX)]] | None,
        Query(description="report ids; repeat for several (ids=1&ids=2)", max_length=1000),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: Annotated[str | None, Query(min_length=1, max_length=512)] = None,
) -> ReportPage:
    """Credit reports for the oracle nodes, oldest pending first. Nodes fetch by `ids` to re-check a batch."""
    return service.list_reports(session, status, ids, limit, cursor)


@router.post("/reports/ack", response_model=AckResponse, responses=problem_responses(401, 403))
def ack_reports(body: AckRequest, _op: OracleRole, session: SessionDep) -> AckResponse:
    """The aggregator reports what happened to each report: submitted (round, txHash) or rejected
    (reason). Acks that would move a final report are skipped and say why; the call is idempotent."""
    return AckResponse(results=service.apply_acks(session, body.acks))


@router.post("/reports/refresh", response_model=RefreshResponse, responses=problem_responses(401, 403))
def refresh_reports(
    body: RefreshRequestIn,
    _op: OracleRole,
    session: SessionDep,
    card: ScorecardDep,
    risk: RiskSettingsDep,
) -> RefreshResponse:
    """Borrowers whose on-chain record nears maxAge: each is re-scored from their latest approved
    application, and a new pending report is queued where policy allows (see backend.risk.refresh).
    Every borrower gets an outcome: reported, waiting (a report is on its way already) or lapsed (why)."""
    results = service.refresh(session, card, risk, body.borrowers)
    return RefreshResponse(queued=[r.borrower for r in results], results=results)


@router.get("/rounds", response_model=RoundsStatus)
def rounds(session: SessionDep, limit: Annotated[int, Query(ge=1, le=500)] = 50) -> RoundsStatus:
    """Oracle status: the latest rounds as indexed from the chain and credit report counts by status."""
    return service.rounds_status(session, limit)
