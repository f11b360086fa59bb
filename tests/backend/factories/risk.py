"""Loan applications and credit reports: the bodies borrowers send, and rows as the risk service stores
them (scored by the scorecard in use, priced by the pricing policy)."""

from __future__ import annotations

import itertools
import json
import uuid
from datetime import datetime
from typing import Any

from pydantic.alias_generators import to_camel
from sqlalchemy.orm import Session

from backend.risk.config import USDC, RiskSettings
from backend.risk.features import model_input
from backend.risk.models import CreditReport, LoanApplication
from backend.risk.pricing import make_offer
from backend.risk.reports import reasons_hash
from backend.risk.schemas import LoanApplicationCreate
from backend.risk.scorecard import Scorecard
from tests.backend.factories.clock import CHAIN_NOW, NOW

# A profile the default scorecard approves (low PD) and one it declines.
GOOD_ATTRIBUTES = {
    "status_of_existing_checking_account": "no checking account",
    "credit_history": "critical account/ other credits existing (not at this bank)",
    "savings_account_and_bonds": "unknown/ no savings account",
    "present_employment_since": "4 <= ... < 7 years",
    "installment_rate_in_percentage_of_disposable_income": 1,
    "present_residence_since": 4,
    "property": "real estate",
    "age_in_years": 45,
    "other_installment_plans": "none",
    "housing": "own",
    "number_of_existing_credits_at_this_bank": 1,
    "job": "skilled employee / official",
    "number_of_people_being_liable_to_provide_maintenance_for": 1,
    "telephone": "yes, registered under the customers name",
    "other_debtors_or_guarantors": "none",
}
BAD_ATTRIBUTES = {
    **GOOD_ATTRIBUTES,
    "status_of_existing_checking_account": "... < 0 DM",
    "credit_history": "no credits taken/ all credits paid back duly",
    "savings_account_and_bonds": "... < 100 DM",
    "present_employment_since": "... < 1 year",
    "installment_rate_in_percentage_of_disposable_income": 4,
    "other_installment_plans": "bank",
    "housing": "rent",
    "age_in_years": 22,
}
# The PD band alone asks for review (grade E): a bad checking account and credit history, else good.
REVIEW_BAND_ATTRIBUTES = {
    **GOOD_ATTRIBUTES,
    "status_of_existing_checking_account": BAD_ATTRIBUTES["status_of_existing_checking_account"],
    "credit_history": BAD_ATTRIBUTES["credit_history"],
}
# An application the scorecard declines whatever else is true of the applicant.
DECLINED_TERMS = {
    "amount": 9_000 * USDC,
    "term_months": 48,
    "purpose": "education",
    "attributes": BAD_ATTRIBUTES,
}

_next = itertools.count(1)


def application_body(**overrides: Any) -> dict[str, Any]:
    """A loan application body as a client sends it: camelCase keys, base-unit amounts as decimal strings
    (overrides may use snake_case names and integer amounts; they are converted)."""
    body: dict[str, Any] = {
        "amount": str(2_000 * USDC),
        "termMonths": 12,
        "purpose": "car_used",
        "monthlyIncome": str(4_000 * USDC),
        "attributes": dict(GOOD_ATTRIBUTES),
    }
    for name, value in overrides.items():
        key = to_camel(name)
        body[key] = str(value) if key in ("amount", "monthlyIncome") and isinstance(value, int) else value
    return body


def loan_request(**overrides: Any) -> LoanApplicationCreate:
    """`application_body(**overrides)` parsed as the API parses it."""
    return LoanApplicationCreate.model_validate_json(json.dumps(application_body(**overrides)))


def loan_application(
    session: Session,
    card: Scorecard,
    wallet: str,
    status: str = "approved",
    created_at: datetime = NOW,
    *,
    amount: int = 2_000 * USDC,
    term_months: int = 12,
    purpose: str = "car_used",
    monthly_income: int = 4_000 * USDC,
    attributes: dict[str, Any] | None = None,
    **columns: Any,
) -> LoanApplication:
    """An application of `wallet` decided `status` at `created_at`, scored and priced as the service
    scores and prices it (good attributes by default)."""
    attributes = dict(attributes if attributes is not None else GOOD_ATTRIBUTES)
    result = card.score(model_input(amount, term_months, purpose, attributes))
    offer = make_offer(card, RiskSettings(), result.grade, amount, term_months, monthly_income)
    values: dict[str, Any] = {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"peerlend-test:loan-application:{next(_next)}")),
        "wallet": wallet,
        "amount": amount,
        "term_months": term_months,
        "purpose": purpose,
        "monthly_income": monthly_income,
        "attributes": attributes,
        "model_name": card.name,
        "model_version": card.version,
        "score": result.score,
        "score_raw": result.score_raw,
        "pd_bps": result.pd_bps,
        "grade": result.grade,
        "bins": result.bins,
        "reason_codes": [
            {"code": r.code, "text": r.text, "points_lost": round(r.points_lost, 2)} for r in result.reasons
        ],
        "fraud_hits": [],
        "decision": {"approved": "approve", "review": "review", "declined": "decline"}[status],
        "decision_reasons": [],
        "offer": offer.as_dict() if offer and status != "declined" else None,
        "status": status,
        "created_at": created_at,
        "updated_at": created_at,
    }
    values.update(columns)
    application = LoanApplication(**values)
    session.add(application)
    session.flush()
    return application


def credit_report(
    session: Session,
    application: LoanApplication,
    status: str = "pending",
    as_of: int = CHAIN_NOW,
    **columns: Any,
) -> CreditReport:
    """The credit report of an approved `application`, in `status`, with the record time `as_of`."""
    values: dict[str, Any] = {
        "application_id": application.id,
        "borrower": application.wallet,
        "score": application.score,
        "grade": application.grade,
        "pd_bps": application.pd_bps,
        "model_version": application.model_version,
        "as_of": as_of,
        "reasons_hash": reasons_hash([r["code"] for r in application.reason_codes]),
        "status": status,
        "created_at": NOW,
        "updated_at": NOW,
    }
    values.update(columns)
    report = CreditReport(**values)
    session.add(report)
    session.flush()
    return report
