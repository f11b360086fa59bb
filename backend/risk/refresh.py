"""Re-scoring a borrower whose on-chain credit record nears the oracle's maxAge.

The basis is the borrower's latest loan application, which must be approved: a later decline or a
pending review is newer information than an older approval, so that approval is not renewed. Its stored
inputs are scored again with the model in use now, and the rules are evaluated again against today's
KYC state and loans (`applicant.py`; velocity rules stay silent: a refresh is not a new application).
A new report is queued only when that decision is at least as good as the one the application got:

- approve -> report;
- review, when a reviewer approved the application, no anti-fraud rule fires and the credit band alone
  asks for review -> report (the reviewer accepted this band already);
- anything else -> the record lapses at maxAge and the borrower must apply again.

An application older than `refresh_basis_max_days` lapses too: its income and attributes are out of
date. The rules include the borrower's loans here (`platform_repayment`): after a default, or while a
loan is past due, the record lapses, because the application predates that behaviour. A refresh never
approves what a new application with the same inputs would not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.risk import fraud
from backend.risk.applicant import applicant_context
from backend.risk.config import RiskSettings
from backend.risk.decision import APPROVE, credit_outcome, decide
from backend.risk.features import model_input
from backend.risk.kyc_link import kyc_link
from backend.risk.models import CreditReport, LoanApplication
from backend.risk.reports import IN_FLIGHT, create_refresh_report, report_time
from backend.risk.scorecard import Scorecard

REPORTED, WAITING, LAPSED = "reported", "waiting", "lapsed"


@dataclass(frozen=True)
class RefreshOutcome:
    borrower: str
    outcome: str  # reported | waiting | lapsed
    detail: str
    report_id: int | None = None


def _latest_application(session: Session, borrower: str) -> LoanApplication | None:
    return session.scalars(
        select(LoanApplication)
        .where(LoanApplication.wallet == borrower)
        .order_by(LoanApplication.created_at.desc(), LoanApplication.id)
        .limit(1)
    ).first()


def _in_flight(session: Session, borrower: str) -> CreditReport | None:
    return session.scalars(
        select(CreditReport)
        .where(CreditReport.borrower == borrower, CreditReport.status.in_(IN_FLIGHT))
        .order_by(CreditReport.id.desc())
        .limit(1)
    ).first()


def refresh_borrower(
    session: Session, card: Scorecard, settings: RiskSettings, borrower: str, now: datetime
) -> RefreshOutcome:
    """Queue a fresh report for `borrower` (checksum address) if policy allows; the caller commits."""
    waiting = _in_flight(session, borrower)
    if waiting is not None:
        return RefreshOutcome(
            borrower, WAITING, f"report {waiting.id} is {waiting.status} already", waiting.id
        )
    app = _latest_application(session, borrower)
    if app is None:
        return RefreshOutcome(borrower, LAPSED, "no approved loan application to re-score")
    if app.status != "approved":
        return RefreshOutcome(
            borrower,
            LAPSED,
            f"the latest loan application ({app.id}) is {app.status}; an earlier approval is not renewed",
        )
    age = now - app.created_at
    if age > timedelta(days=settings.refresh_basis_max_days):
        return RefreshOutcome(
            borrower,
            LAPSED,
            f"the approved application is {age.days} days old, over {settings.refresh_basis_max_days}; "
            "the borrower must apply again",
        )

    result = card.score(model_input(app.amount, app.term_months, app.purpose, app.attributes))
    # Velocity counts stay at zero: a refresh is not a new application.
    ctx = applicant_context(
        session, borrower, kyc_link(session, borrower), app.monthly_income, app.attributes
    )
    hits = fraud.evaluate(ctx, settings)
    decision = decide(card, settings, result, hits, app.amount, app.term_months, app.monthly_income)
    band, _ = credit_outcome(card, result.pd)
    reviewer_accepted_band = (
        app.decision == fraud.REVIEW and not hits and band == fraud.REVIEW and decision.offer is not None
    )
    if decision.outcome != APPROVE and not reviewer_accepted_band:
        why = "; ".join(decision.reasons)
        return RefreshOutcome(borrower, LAPSED, f"re-scored {decision.outcome}: {why}")

    report = create_refresh_report(session, app, result, card.version, report_time(session, None))
    return RefreshOutcome(
        borrower,
        REPORTED,
        f"re-scored with model {card.name} v{card.version}: score {result.score}, grade "
        f"{result.grade_letter}, PD {result.pd:.1%}",
        report.id,
    )
