"""A loan's public disclosure: its terms, purpose and repayment source, the expected yield, the borrower
in bands (backend/disclosure/profile.py) with their other loans here, the risk notice and the legal
statement.

The loan and the borrower's other loans come from the chain index (chain_loans); purpose, repayment
source, income and the declared attributes from the loan application the loan listed with (joined on the
signed offer's nonce, LoanMarket.OfferUsed); the region from the borrower's attestation on-chain
(chain_identities).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from backend.disclosure import problems, profile
from backend.disclosure.figures import grade_letter
from backend.disclosure.schemas import BorrowerProfile, ExpectedYield, LoanDisclosure, OtherLoan
from backend.disclosure.texts import text
from backend.kyc.models import IdentityView
from backend.loans.models import InstallmentView, LoanView
from backend.loans.service import chain_time, days_past_due, delinquency_tier
from backend.risk.models import LoanApplication

BPS = 10_000


@lru_cache(maxsize=8)
def _market_parameters(path: str, mtime: float) -> dict[str, Any]:
    try:
        return dict(json.loads(Path(path).read_text())["parameters"]["LoanMarket"])
    except (OSError, ValueError, KeyError):
        return {}


def market_parameters(manifest_path: Path) -> dict[str, Any]:
    """The loan market's parameters as deployed (the manifest): the fees a loan not yet drawn would get."""
    try:
        return _market_parameters(str(manifest_path), manifest_path.stat().st_mtime)
    except OSError:
        return {}


def loan_disclosure(session: Session, loan_id: int, manifest_path: Path) -> LoanDisclosure:
    loan = session.get(LoanView, loan_id)
    if loan is None:
        raise problems.loan_not_found(loan_id)
    application = (
        session.scalar(select(LoanApplication).where(LoanApplication.offer_nonce == loan.offer_nonce))
        if loan.offer_nonce
        else None
    )
    attributes: dict[str, Any] = dict(application.attributes or {}) if application else {}
    identity = session.get(IdentityView, loan.borrower)
    if loan.drawn_at is not None:
        servicing, reserve = loan.servicing_fee_bps, loan.reserve_share_bps
    else:
        parameters = market_parameters(manifest_path)
        servicing, reserve = (
            int(parameters.get("servicingFeeBps", 0)),
            int(parameters.get("reserveShareBps", 0)),
        )
    borrower = BorrowerProfile(
        age_band=profile.age_band(attributes),
        income_band=profile.income_band(application.monthly_income if application else None),
        region=profile.region(identity.jurisdiction if identity else None),
        employment=profile.employment(attributes),
        credit_grade=grade_letter(loan.grade),
        existing_debts=profile.existing_debts(attributes),
        other_loans=_other_loans(session, loan, identity),
    )
    return LoanDisclosure(
        loan_id=loan.loan_id,
        status=loan.status,
        grade=grade_letter(loan.grade),
        principal=loan.principal,
        term=loan.term,
        period_seconds=loan.period_seconds,
        listed_at=loan.listed_at,
        drawn_at=loan.drawn_at,
        purpose=application.purpose if application else None,
        repayment_source=application.repayment_source if application else None,
        expected_yield=ExpectedYield(
            apr_bps=loan.rate_bps,
            servicing_fee_bps=servicing,
            reserve_share_bps=reserve,
            net_apr_bps=loan.rate_bps * max(0, BPS - servicing - reserve) // BPS,
            pd_bps=application.pd_bps if application else None,
        ),
        borrower=borrower,
        risk_notice=text("risk-notice"),
        legal_statement=text("legal-statement"),
    )


def _other_loans(session: Session, loan: LoanView, identity: IdentityView | None) -> list[OtherLoan]:
    """The borrower's other loans: of every wallet the identity registry links to the same person."""
    wallets = {loan.borrower}
    if identity is not None and identity.subject:
        wallets.update(
            session.scalars(select(IdentityView.wallet).where(IdentityView.subject == identity.subject))
        )
    next_due = and_(
        InstallmentView.loan_id == LoanView.loan_id, InstallmentView.period == LoanView.periods_paid + 1
    )
    rows = session.execute(
        select(LoanView, InstallmentView.due_at)
        .outerjoin(InstallmentView, next_due)
        .where(LoanView.borrower.in_(wallets), LoanView.loan_id != loan.loan_id)
        .order_by(LoanView.loan_id)
    ).all()
    now = chain_time(session)
    return [
        OtherLoan(
            loan_id=other.loan_id,
            status=other.status,
            grade=grade_letter(other.grade),
            principal=other.principal,
            delinquency_tier=delinquency_tier(days_past_due(due_at, now))
            if other.status == "active"
            else None,
        )
        for other, due_at in rows
    ]
