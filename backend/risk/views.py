"""ORM rows -> response bodies. The borrower's view leaves out the anti-fraud rules that fired (telling
an applicant which rule caught them teaches the next one to avoid it); reviewers see everything."""

from __future__ import annotations

from backend.risk.models import LoanApplication
from backend.risk.schemas import LoanApplicationView, ReviewView
from backend.risk.scorecard import GRADE_LETTERS


def _common(app: LoanApplication) -> dict:
    return {
        "id": app.id,
        "wallet": app.wallet,
        "status": app.status,
        "amount": app.amount,
        "term_months": app.term_months,
        "purpose": app.purpose,
        "monthly_income": app.monthly_income,
        "model_name": app.model_name,
        "model_version": app.model_version,
        "score": app.score,
        "pd_bps": app.pd_bps,
        "grade": app.grade,
        "grade_letter": GRADE_LETTERS[app.grade - 1],
        "reasons": app.reason_codes,
        "offer": app.offer if app.status != "declined" else None,
        # only an approved application may list: one in review has a quote, not yet an offer to sign
        "signed_offer": _signed_offer(app.signed_offer) if app.status == "approved" else None,
        "created_at": app.created_at,
        "reviewed_at": app.reviewed_at,
    }


def _signed_offer(stored: dict | None) -> dict | None:
    if stored is None:
        return None
    return {k: v for k, v in stored.items() if k != "checked_at"}


def application_view(app: LoanApplication) -> LoanApplicationView:
    return LoanApplicationView(**_common(app))


def review_view(app: LoanApplication) -> ReviewView:
    return ReviewView(
        **_common(app),
        decision=app.decision,
        decision_reasons=app.decision_reasons,
        fraud_hits=app.fraud_hits,
        attributes=app.attributes,
        review_note=app.review_note,
        reviewed_by=app.reviewed_by,
    )
