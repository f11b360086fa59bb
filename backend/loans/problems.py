"""Problem types of the loans API."""

from __future__ import annotations

from backend.core.problems import Problem, forbidden


def loan_not_found(loan_id: int) -> Problem:
    # `not-found`: the slug this problem has always had.
    return Problem(status=404, title="Loan not found", type="not-found", detail=f"no loan {loan_id} indexed")


def not_your_wallet() -> Problem:
    return forbidden("a wallet may only read its own portfolio and transactions")
