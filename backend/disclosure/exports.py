"""Regulator exports: loan-level data, daily positions and delinquency, AML case counts, for one month.

Each export is a function of the period alone once the period has ended: its rows come from the chain
index folded to the period's end (backend/disclosure/book.py) and, for AML, from the case tables, in a
fixed order, with no time of generation inside, so the same period gives the same bytes every time (and
so the same signature: EIP-191 signatures are deterministic, RFC 6979). The schemas are versioned
(`schemaVersion` in JSON, the `schema_version` column in CSV) and documented in README.md,
"Disclosure and regulator reporting".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from backend.aml.models import ACTIONS, RULES, AmlAlert, AmlCase, AmlDisposition, AmlReport
from backend.core.audit import record_audit
from backend.db.types import utcnow
from backend.disclosure import problems
from backend.disclosure.book import Book, Replay
from backend.disclosure.canonical import canonical_bytes
from backend.disclosure.figures import grade_letter
from backend.disclosure.periods import day_ends, month_start, parse_period, period_end, period_name
from backend.disclosure.service import index_position
from backend.disclosure.signing import DetachedSignature, sign_export
from backend.loans.models import LoanView
from backend.risk.models import LoanApplication

Format = Literal["json", "csv"]
BPS = 10_000


@dataclass(frozen=True)
class Export:
    kind: str
    schema: str
    columns: tuple[str, ...]
    rows: list[dict[str, str | int]]
    period: str
    chain_id: int

    def render(self, fmt: Format) -> bytes:
        if fmt == "json":
            return canonical_bytes(
                {
                    "schemaVersion": self.schema,
                    "kind": self.kind,
                    "period": self.period,
                    "chainId": self.chain_id,
                    "columns": list(self.columns),
                    "rows": self.rows,
                }
            )
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(("schema_version", "period", *self.columns))
        for row in self.rows:
            writer.writerow((self.schema, self.period, *(row[c] for c in self.columns)))
        return out.getvalue().encode()


def _iso(timestamp: int | None) -> str:
    if timestamp is None:
        return ""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ------------------------------------------------------------------------------------------ loans

LOAN_COLUMNS = (
    "loan_id",
    "borrower",
    "borrower_person",
    "grade",
    "purpose",
    "repayment_source",
    "apr_bps",
    "term",
    "period_seconds",
    "listed_at",
    "drawn_at",
    "status",
    "principal",
    "origination_fee",
    "principal_repaid",
    "interest_paid",
    "late_fees_paid",
    "servicing_fees",
    "outstanding_principal",
    "days_past_due",
    "delinquency_tier",
    "defaulted_at",
    "principal_at_default",
    "recovered_after_default",
    "reserve_covered",
    "restructurings",
    "closed_at",
)


def _loans(session: Session, replay: Replay, year: int, month: int) -> list[dict[str, str | int]]:
    start, end = month_start(year, month), period_end(year, month)
    book = replay.until(end)
    nonces = dict(session.execute(select(LoanView.loan_id, LoanView.offer_nonce)).all())
    applications = {
        nonce: (purpose, source)
        for nonce, purpose, source in session.execute(
            select(
                LoanApplication.offer_nonce, LoanApplication.purpose, LoanApplication.repayment_source
            ).where(LoanApplication.offer_nonce.is_not(None))
        )
    }
    rows: list[dict[str, str | int]] = []
    for loan_id in sorted(book.loans):
        loan = book.loans[loan_id]
        if loan.closed_at is not None and loan.closed_at < start:
            continue  # closed before the period: not on the book in it
        purpose, source = applications.get(nonces.get(loan_id) or "", (None, None))
        rows.append(
            {
                "loan_id": loan_id,
                "borrower": loan.borrower,
                "borrower_person": book.subjects.get(loan.borrower, ""),
                "grade": grade_letter(loan.grade),
                "purpose": purpose or "",
                "repayment_source": source or "",
                "apr_bps": loan.apr_bps,
                "term": loan.term,
                "period_seconds": loan.period_seconds,
                "listed_at": _iso(loan.listed_at),
                "drawn_at": _iso(loan.drawn_at),
                "status": loan.status,
                "principal": str(loan.principal),
                "origination_fee": str(loan.origination_fee),
                "principal_repaid": str(loan.principal_repaid),
                "interest_paid": str(loan.interest_paid),
                "late_fees_paid": str(loan.late_fees_paid),
                "servicing_fees": str(loan.servicing_fees),
                "outstanding_principal": str(loan.outstanding),
                "days_past_due": loan.days_past_due(end),
                "delinquency_tier": loan.tier(end),
                "defaulted_at": _iso(loan.defaulted_at),
                "principal_at_default": str(loan.principal_at_default),
                "recovered_after_default": str(loan.recovered_before()),
                "reserve_covered": str(loan.reserve_covered),
                "restructurings": loan.restructurings,
                "closed_at": _iso(loan.closed_at),
            }
        )
    return rows


# ------------------------------------------------------------------------------------------ positions

POSITION_COLUMNS = (
    "date",
    "as_of",
    "active_loans",
    "outstanding_principal",
    "current_loans",
    "current_principal",
    "m1_loans",
    "m1_principal",
    "m2_loans",
    "m2_principal",
    "m3_loans",
    "m3_principal",
    "overdue_principal",
    "overdue_rate_bps",
    "originated_loans",
    "originated_principal",
    "principal_repaid",
    "defaulted_loans",
    "default_principal",
    "credit_loss",
    "reserve_balance",
)


def _positions(_session: Session, replay: Replay, year: int, month: int) -> list[dict[str, str | int]]:
    rows = []
    day_start = month_start(year, month)
    for cut in day_ends(year, month):
        book = replay.until(cut)
        rows.append(_position(book, day_start, cut, replay.reserve.balance(cut)))
        day_start = cut
    return rows


def _position(book: Book, day_start: int, cut: int, reserve: int | None) -> dict[str, str | int]:
    drawn = [loan for loan in book.loans.values() if loan.drawn]
    active = [loan for loan in drawn if loan.status == "active"]
    tiers = {tier: [0, 0] for tier in range(4)}
    for loan in active:
        bucket = tiers[loan.tier(cut)]
        bucket[0] += 1
        bucket[1] += loan.outstanding
    outstanding = sum(loan.outstanding for loan in active)
    overdue = sum(tiers[t][1] for t in (1, 2, 3))
    today = [loan for loan in drawn if loan.drawn_at is not None and day_start <= loan.drawn_at < cut]
    defaulted = [loan for loan in drawn if loan.defaulted_at is not None]
    return {
        "date": datetime.fromtimestamp(day_start, UTC).strftime("%Y-%m-%d"),
        "as_of": _iso(cut),
        "active_loans": len(active),
        "outstanding_principal": str(outstanding),
        "current_loans": tiers[0][0],
        "current_principal": str(tiers[0][1]),
        "m1_loans": tiers[1][0],
        "m1_principal": str(tiers[1][1]),
        "m2_loans": tiers[2][0],
        "m2_principal": str(tiers[2][1]),
        "m3_loans": tiers[3][0],
        "m3_principal": str(tiers[3][1]),
        "overdue_principal": str(overdue),
        "overdue_rate_bps": -(-overdue * BPS // outstanding) if outstanding else 0,
        "originated_loans": len(today),
        "originated_principal": str(sum(loan.principal for loan in today)),
        "principal_repaid": str(book.repaid_between(day_start, cut)),
        "defaulted_loans": len(defaulted),
        "default_principal": str(sum(loan.principal_at_default for loan in defaulted)),
        "credit_loss": str(sum(loan.outstanding for loan in defaulted)),
        "reserve_balance": "" if reserve is None else str(reserve),
    }


# ------------------------------------------------------------------------------------------ AML

AML_COLUMNS = ("measure", "breakdown", "count")


def _aml_cases(session: Session, _replay: Replay, year: int, month: int) -> list[dict[str, str | int]]:
    """Counts only, never a narrative, a reason, a subject or a wallet. Cases and alerts are the service's
    records, so they are counted by the service's clock (UTC), not the chain's, each by the time it
    happened (an alert's creation, a case's opening and closing, a disposition taking effect, a report's
    filing): what happened in a month that has ended never changes."""
    since = datetime.fromtimestamp(month_start(year, month), UTC)
    until = datetime.fromtimestamp(period_end(year, month), UTC)

    def count(model: Any, column: Any, *where: Any) -> int:
        query = select(func.count()).select_from(model).where(column >= since, column < until, *where)
        return int(session.scalar(query) or 0)

    rows: list[dict[str, str | int]] = [
        {
            "measure": "alerts_raised",
            "breakdown": rule,
            "count": count(AmlAlert, AmlAlert.created_at, AmlAlert.rule == rule),
        }
        for rule in sorted(RULES)
    ]
    rows.append({"measure": "cases_opened", "breakdown": "all", "count": count(AmlCase, AmlCase.opened_at)})
    for outcome in ("closed", "reported"):  # closed as a false positive, or closed by a filed report
        rows.append(
            {
                "measure": "cases_closed",
                "breakdown": outcome,
                "count": count(AmlCase, AmlCase.closed_at, AmlCase.status == outcome),
            }
        )
    still_open = (
        select(func.count())
        .select_from(AmlCase)
        .where(AmlCase.opened_at < until, or_(AmlCase.closed_at.is_(None), AmlCase.closed_at >= until))
    )
    rows.append(
        {"measure": "cases_open_at_end", "breakdown": "all", "count": int(session.scalar(still_open) or 0)}
    )
    for action in ACTIONS:
        rows.append(
            {
                "measure": "dispositions_effective",
                "breakdown": action,
                "count": count(AmlDisposition, AmlDisposition.effective_at, AmlDisposition.action == action),
            }
        )
    rows.append(
        {"measure": "reports_filed", "breakdown": "all", "count": count(AmlReport, AmlReport.filed_at)}
    )
    return rows


@dataclass(frozen=True)
class Kind:
    schema: str
    columns: tuple[str, ...]
    rows: Callable[[Session, Replay, int, int], list[dict[str, str | int]]]  # (session, replay, year, month)
    service_clock: bool = False  # its rows are the service's records: the month must have ended by its clock


KINDS: dict[str, Kind] = {
    "loans": Kind("regulator-export/loans/1", LOAN_COLUMNS, _loans),
    "positions": Kind("regulator-export/positions/1", POSITION_COLUMNS, _positions),
    "aml-cases": Kind("regulator-export/aml-cases/1", AML_COLUMNS, _aml_cases, service_clock=True),
}


def build_export(session: Session, kind: str, period: str, chain_id: int) -> Export:
    spec = KINDS.get(kind)
    if spec is None:
        raise problems.unknown_export(kind)
    try:
        year, month = parse_period(period)
    except ValueError as exc:
        raise problems.invalid_period(str(exc)) from exc
    end = period_end(year, month)
    at = index_position(session)
    if at.time < end:
        raise problems.period_not_ended(period_name(year, month), end, at.time)
    now = int(utcnow().timestamp())
    if spec.service_clock and now < end:
        raise problems.period_not_ended(period_name(year, month), end, now, clock="service")
    replay = Replay(session, at.block)
    return Export(kind, spec.schema, spec.columns, spec.rows(session, replay, year, month), period, chain_id)


MEDIA_TYPES: dict[str, str] = {"json": "application/json", "csv": "text/csv; charset=utf-8"}


@dataclass(frozen=True)
class SignedExport:
    body: bytes
    signature: DetachedSignature
    schema: str
    filename: str
    media_type: str


def signed_export(
    session: Session, actor: str, kind: str, period: str, fmt: Format, chain_id: int, key: str
) -> SignedExport:
    """The export, rendered, signed and recorded in the audit log (who took which file, its hash)."""
    export = build_export(session, kind, period, chain_id)
    body = export.render(fmt)
    signature = sign_export(body, key)
    record_audit(
        session,
        actor,
        "disclosure.export",
        "regulator_export",
        f"{kind}/{period}.{fmt}",
        None,
        {
            "schema": export.schema,
            "sha256": signature.sha256,
            "rows": len(export.rows),
            "signer": signature.signer,
        },
    )
    session.commit()
    return SignedExport(body, signature, export.schema, f"peerlend-{kind}-{period}.{fmt}", MEDIA_TYPES[fmt])
