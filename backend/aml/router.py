"""AML operator API under /v2/aml (compliance officers; filed reports also for regulators). Thin: the
logic and the commits are in service.py and screening.py."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Path, Query, Response

from backend.aml import screening, service, signing, views
from backend.aml.dependencies import AmlSettingsDep, Compliance, ReportReader
from backend.aml.models import SanctionsList
from backend.aml.problems import list_not_found
from backend.aml.schemas import (
    AlertPage,
    AlertStatus,
    AlertView,
    CaseDetailView,
    CasePage,
    CaseStatus,
    CaseView,
    DecisionRequest,
    DispositionRequest,
    DispositionView,
    Rule,
    SanctionsListUpload,
    SanctionsListView,
)
from backend.core.deps import KycSettingsDep, SessionDep, SettingsDep
from backend.core.problems import problem_responses
from backend.core.routing import api_router
from backend.core.schemas import ID_MAX

router = api_router(prefix="/aml", tags=["aml"])

AlertId = Annotated[int, Path(alias="alertId", ge=1, le=ID_MAX)]
CaseId = Annotated[int, Path(alias="caseId", ge=1, le=ID_MAX)]
DispositionId = Annotated[int, Path(alias="dispositionId", ge=1, le=ID_MAX)]
ReportId = Annotated[int, Path(alias="reportId", ge=1, le=ID_MAX)]
ListId = Annotated[int, Path(alias="listId", ge=1, le=ID_MAX)]
Limit = Annotated[int, Query(ge=1, le=200)]
Cursor = Annotated[str | None, Query(max_length=500)]
SIGNED_FILE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the file; X-Report-SHA256, X-Report-Signature and X-Report-Signer carry its detached "
        "signature (EIP-191 over the SHA-256 digest)",
        "content": {"application/json": {}, "text/csv": {}},
    }
}


def _signed(data: bytes, media_type: str, filename: str, signed: signing.DetachedSignature) -> Response:
    return Response(
        content=data,
        media_type=media_type,
        headers={
            **signed.headers(signing.HEADERS),
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )


# ------------------------------------------------------------------------------------------ alerts


@router.get("/alerts", response_model=AlertPage, responses=problem_responses(401, 403, 422))
def list_alerts(
    operator: Compliance,
    session: SessionDep,
    rule: Rule | None = None,
    status: AlertStatus | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> AlertPage:
    """Alerts, newest first, each with its transactions (hash, log index, amount) and score."""
    rows, next_cursor = service.list_alerts(session, rule=rule, status=status, limit=limit, cursor=cursor)
    return AlertPage(items=views.alert_views(session, rows), next_cursor=next_cursor)


@router.get("/alerts/{alertId}", response_model=AlertView, responses=problem_responses(401, 403, 404))
def get_alert(alert_id: AlertId, operator: Compliance, session: SessionDep) -> AlertView:
    return views.alert_views(session, [service.get_alert(session, alert_id)])[0]


# ------------------------------------------------------------------------------------------ cases


@router.get("/cases", response_model=CasePage, responses=problem_responses(401, 403, 422))
def list_cases(
    operator: Compliance,
    session: SessionDep,
    status: CaseStatus | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> CasePage:
    rows, next_cursor = service.list_cases(session, status=status, limit=limit, cursor=cursor)
    return CasePage(items=[CaseView.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get("/cases/{caseId}", response_model=CaseDetailView, responses=problem_responses(401, 403, 404))
def get_case(
    case_id: CaseId, operator: Compliance, session: SessionDep, settings: SettingsDep
) -> CaseDetailView:
    """A case with its wallets (and whether each is frozen), alerts, dispositions and narrative."""
    return views.case_detail_view(session, service.case_detail(session, settings, case_id))


@router.post(
    "/cases/{caseId}/dispositions",
    status_code=201,
    response_model=DispositionView,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def dispose(
    case_id: CaseId,
    body: DispositionRequest,
    operator: Compliance,
    session: SessionDep,
    settings: SettingsDep,
) -> DispositionView:
    """Close as a false positive or escalate (at once), or propose a freeze or a report, which a second
    compliance officer must approve."""
    d = service.propose(session, settings, case_id, operator, body.action, body.reason, body.narrative)
    return views.disposition_view(d, body.reason, None)


@router.post(
    "/dispositions/{dispositionId}/approve",
    response_model=DispositionView,
    responses=problem_responses(401, 403, 404, 409, 502),
)
def approve(
    disposition_id: DispositionId,
    body: DecisionRequest,
    operator: Compliance,
    session: SessionDep,
    settings: SettingsDep,
    kyc: KycSettingsDep,
    aml: AmlSettingsDep,
) -> DispositionView:
    """The second officer's approval: a freeze freezes every wallet of the case on-chain, a report is filed.
    The proposer cannot approve its own proposal (403 `aml-four-eyes`). If the chain refuses or cannot be
    reached (409 `contract-reverted`, 502), the approval stands and the AML worker sends what is left."""
    d = service.decide(session, settings, kyc, aml, disposition_id, operator, True, body.reason)
    return views.disposition_view(d, None, body.reason)


@router.post(
    "/dispositions/{dispositionId}/reject",
    response_model=DispositionView,
    responses=problem_responses(401, 403, 404, 409),
)
def reject(
    disposition_id: DispositionId,
    body: DecisionRequest,
    operator: Compliance,
    session: SessionDep,
    settings: SettingsDep,
    kyc: KycSettingsDep,
    aml: AmlSettingsDep,
) -> DispositionView:
    d = service.decide(session, settings, kyc, aml, disposition_id, operator, False, body.reason)
    return views.disposition_view(d, None, body.reason)


# ------------------------------------------------------------------------------------------ reports


@router.get("/cases/{caseId}/report", responses={**SIGNED_FILE, **problem_responses(401, 403, 404, 422)})
def export_report(
    case_id: CaseId,
    operator: Compliance,
    session: SessionDep,
    settings: SettingsDep,
    aml: AmlSettingsDep,
    format: Literal["json", "csv"] = "json",
) -> Response:
    """The case's suspicious-transaction report as JSON or CSV, signed; every export is audit-logged."""
    data, signed = service.export_case(session, settings, aml, case_id, format, operator.actor)
    return _signed(data, service.MEDIA_TYPES[format], f"aml-case-{case_id}.{format}", signed)


@router.get("/reports/{reportId}", responses={**SIGNED_FILE, **problem_responses(401, 403, 404)})
def filed_report(
    report_id: ReportId, operator: ReportReader, session: SessionDep, settings: SettingsDep
) -> Response:
    """A filed report, byte for byte as it was signed when filed."""
    data, signed = service.filed_report(session, settings, report_id, operator.actor)
    return _signed(data, "application/json", f"aml-report-{report_id}.json", signed)


# ------------------------------------------------------------------------------------------ sanctions


@router.post(
    "/sanctions-lists",
    status_code=202,
    response_model=SanctionsListView,
    responses=problem_responses(401, 403, 422),
)
def upload_sanctions_list(
    body: SanctionsListUpload, operator: Compliance, session: SessionDep, aml: AmlSettingsDep
) -> SanctionsListView:
    """A new screening list: every identity is screened against it by `dueAt` (the AML worker)."""
    entries = [e.model_dump(by_alias=True, exclude_none=True) for e in body.entries]
    listed = screening.upload(session, aml, body.version, entries, operator.actor)
    return views.list_view(session, listed)


@router.get(
    "/sanctions-lists/{listId}", response_model=SanctionsListView, responses=problem_responses(401, 403, 404)
)
def sanctions_list(list_id: ListId, operator: Compliance, session: SessionDep) -> SanctionsListView:
    """How far the re-screening against a list has come."""
    listed = session.get(SanctionsList, list_id)
    if listed is None:
        raise list_not_found()
    return views.list_view(session, listed)
