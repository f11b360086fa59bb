"""The applicant's own loans on this platform, as indexed from the chain: a default or a loan past due
now rules out new credit, whatever the scorecard says of the application's attributes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.loans.models import InstallmentView, LoanView
from backend.loans.service import chain_time, delinquency


def repayment_problem(session: Session, borrower: str) -> str | None:
    """Why the borrower's loans here rule out new credit, in plain words, or None."""
    loans = list(
        session.scalars(
            select(LoanView)
            .where(LoanView.borrower == borrower, LoanView.status.in_(("active", "defaulted")))
            .order_by(LoanView.loan_id)
        )
    )
    for loan in loans:
        if loan.status == "defaulted":
            return f"loan #{loan.loan_id} defaulted on this platform"
    now = chain_time(session) if loans else 0
    for loan in loans:
        schedule = list(
            session.scalars(
                select(InstallmentView)
                .where(InstallmentView.loan_id == loan.loan_id)
                .order_by(InstallmentView.period)
            )
        )
        late = delinquency(loan, schedule, now)
        if late is not None and late.days_past_due > 0:
            return f"loan #{loan.loan_id} on this platform is {late.days_past_due} days past due"
    return None
