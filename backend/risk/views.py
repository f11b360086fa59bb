"""ORM rows -> response bodies. The borrower's view leaves out the anti-fraud rules that fired (telling
an applicant which rule caught them teaches the next one to avoid it); reviewers see everything."""

from __future__ import annotations

from backend.risk.models import LoanApplication
from backend.risk.schemas import LoanApplicationView, ReviewView


def application_view(app: LoanApplication) -> LoanApplicationView:
    return LoanApplicationView.model_validate(app)


def review_view(app: LoanApplication) -> ReviewView:
    return ReviewView.model_validate(app)
