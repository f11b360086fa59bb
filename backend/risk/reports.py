"""Credit reports for the oracle: approved decisions become pending reports; the oracle side moves them
through signed -> submitted -> confirmed (or rejected) with `mark_reports`.

reasons_hash = keccak256 of the canonical reason-code list: the codes (e.g.
"status_of_existing_checking_account:0") as a JSON array, in the order given by the decision (largest
deduction first), UTF-8, no spaces: json.dumps(codes, separators=(",", ":")). Only the hash travels
on-chain (in the event), never the reasons themselves.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from eth_utils import keccak, to_checksum_address
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.chain.client import deployment_reader
from backend.chain.errors import ChainError
from backend.core.settings import Settings
from backend.db.types import utcnow
from backend.loans.service import chain_time
from backend.risk.models import REPORT_STATUSES, CreditReport, LoanApplication
from backend.risk.scorecard import ScoreResult

# Reports on their way to the chain: a newer record for the borrower is coming.
IN_FLIGHT = ("pending", "signed", "submitted")

# Allowed moves; anything else is a bug in the caller and is refused.
_TRANSITIONS = {
    "pending": {"signed", "submitted", "rejected"},
    "signed": {"submitted", "pending", "rejected"},
    "submitted": {"confirmed", "rejected", "pending"},
    "confirmed": set(),
    "rejected": set(),
}


class ReportTransitionError(ValueError):
    """A report cannot move to the requested status."""


def reasons_hash(codes: Sequence[str]) -> str:
    return "0x" + keccak(json.dumps(list(codes), separators=(",", ":")).encode()).hex()


def report_time(session: Session, app_settings: Settings | None) -> int:
    """asOf for a report computed now, on the chain's clock: CreditOracle judges freshness against
    block.timestamp and refuses an asOf in the future, and a local chain's clock can be months away from
    the wall clock. Read from the node; else the latest indexed block; else the wall clock."""
    if app_settings is not None and app_settings.rpc_url:
        try:
            client = deployment_reader(app_settings, interactive=False)
            return client.latest_timestamp()
        except (ChainError, OSError, ValueError, KeyError):
            pass  # no node or no manifest: the index is the next best clock
    return chain_time(session)


def create_report(session: Session, app: LoanApplication, as_of: int) -> CreditReport:
    """Queue the application's score for the oracle. Only for approved applications."""
    codes = [r["code"] for r in app.reason_codes]
    return _queue(
        session, app, app.score, app.grade, app.pd_bps, app.model_version, codes, as_of, "application"
    )


def create_refresh_report(
    session: Session, app: LoanApplication, result: ScoreResult, model_version: int, as_of: int
) -> CreditReport:
    """Queue a re-score of an approved application (see backend.risk.refresh for when that is allowed)."""
    return _queue(
        session,
        app,
        result.score,
        result.grade,
        result.pd_bps,
        model_version,
        result.reason_codes,
        as_of,
        "refresh",
    )


def _queue(
    session: Session,
    app: LoanApplication,
    score: int,
    grade: int,
    pd_bps: int,
    model_version: int,
    reason_codes: Sequence[str],
    as_of: int,
    origin: str,
) -> CreditReport:
    """CreditOracle refuses a record whose asOf is not later than the borrower's current one, so asOf is
    made strictly increasing per borrower, and reports of the same borrower still waiting to be signed
    are superseded (rejected with a reason) rather than published out of date."""
    if app.status != "approved":
        raise ValueError(f"application {app.id} is {app.status}; only approved applications are reported")
    borrower = to_checksum_address(app.wallet)
    last = session.scalar(select(func.max(CreditReport.as_of)).where(CreditReport.borrower == borrower))
    if last is not None and as_of <= last:
        as_of = last + 1
    waiting = list(
        session.scalars(
            select(CreditReport).where(CreditReport.borrower == borrower, CreditReport.status == "pending")
        )
    )
    report = CreditReport(
        application_id=app.id,
        origin=origin,
        borrower=borrower,
        score=score,
        grade=grade,
        pd_bps=pd_bps,
        model_version=model_version,
        as_of=as_of,
        reasons_hash=reasons_hash(reason_codes),
        status="pending",
    )
    session.add(report)
    session.flush()
    for older in waiting:
        older.status, older.reject_reason, older.updated_at = (
            "rejected",
            f"superseded by report {report.id}",
            utcnow(),
        )
    return report


def pending_reports(session: Session, limit: int = 100) -> list[CreditReport]:
    """Oldest pending reports first."""
    return list(
        session.scalars(
            select(CreditReport)
            .where(CreditReport.status == "pending")
            .order_by(CreditReport.id)
            .limit(limit)
        )
    )


def mark_reports(
    session: Session,
    ids: Sequence[int],
    status: str,
    round: int | None = None,
    tx_hash: str | None = None,
    reason: str | None = None,
) -> list[CreditReport]:
    """Move the given reports to `status` (in the caller's transaction; the caller commits)."""
    if status not in REPORT_STATUSES:
        raise ReportTransitionError(f"unknown status {status!r}; expected one of {REPORT_STATUSES}")
    reports = list(session.scalars(select(CreditReport).where(CreditReport.id.in_(list(ids)))))
    missing = set(ids) - {r.id for r in reports}
    if missing:
        raise ReportTransitionError(f"unknown report ids {sorted(missing)}")
    now = utcnow()
    for report in reports:
        if status != report.status and status not in _TRANSITIONS[report.status]:
            raise ReportTransitionError(f"report {report.id}: {report.status} -> {status} not allowed")
        report.status = status
        if round is not None:
            report.round = round
        if tx_hash is not None:
            report.tx_hash = tx_hash
        if reason is not None:
            report.reject_reason = reason
        report.updated_at = now
    session.flush()
    return reports
