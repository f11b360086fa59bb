"""Loans HTTP API (read side, from the chain index).

GET /v1/loans                               public: filter by status, grade, term, rate, borrower
GET /v1/loans/{loan_id}                     public: detail with schedule, repayments, delinquency
GET /v1/wallets/{address}/portfolio         the wallet itself or an operator
GET /v1/wallets/{address}/transactions      the wallet itself or an operator
"""

from __future__ import annotations

from typing import Annotated, Literal

from eth_utils import is_address, to_checksum_address
from fastapi import APIRouter, Query

from backend.core.problems import Problem, problem_responses
from backend.db.session import SessionDep
from backend.loans import service
from backend.loans.dependencies import OwnedWallet
from backend.loans.schemas import LoanDetail, LoanPage, PortfolioOut, TransactionPage

router = APIRouter(tags=["loans"])

LoanStatus = Literal["listed", "active", "repaid", "defaulted", "cancelled", "expired"]
Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0)]


@router.get("/loans", response_model=LoanPage, responses=problem_responses(422))
def list_loans(
    session: SessionDep,
    status: LoanStatus | None = None,
    grade: Annotated[list[int] | None, Query(description="1 = A .. 7 = G; repeat for several")] = None,
    term: Annotated[int | None, Query(ge=1, description="number of installments")] = None,
    min_rate_bps: Annotated[int | None, Query(ge=0)] = None,
    max_rate_bps: Annotated[int | None, Query(ge=0)] = None,
    borrower: str | None = None,
    sort: Literal["newest", "rate", "amount"] = "newest",
    limit: Limit = 50,
    offset: Offset = 0,
) -> LoanPage:
    """The loan book as indexed from the chain."""
    if grade and any(not 1 <= g <= 7 for g in grade):
        raise Problem(
            status=422, title="Invalid grade", type="invalid-grade", detail="grades are 1 (A) .. 7 (G)"
        )
    if borrower is not None:
        if not is_address(borrower):
            raise Problem(
                status=422,
                title="Invalid address",
                type="invalid-address",
                detail="borrower must be a 20-byte hex address",
            )
        borrower = to_checksum_address(borrower)
    return service.list_loans(
        session,
        status=status,
        grades=grade,
        term=term,
        min_rate=min_rate_bps,
        max_rate=max_rate_bps,
        borrower=borrower,
        sort=sort,
        limit=limit,
        offset=offset,
    )


@router.get("/loans/{loan_id}", response_model=LoanDetail, responses=problem_responses(404))
def get_loan(loan_id: int, session: SessionDep) -> LoanDetail:
    """One loan with its contractual schedule, repayment history and delinquency."""
    detail = service.loan_detail(session, loan_id)
    if detail is None:
        raise Problem(
            status=404, title="Loan not found", type="not-found", detail=f"no loan {loan_id} indexed"
        )
    return detail


@router.get(
    "/wallets/{address}/portfolio", response_model=PortfolioOut, responses=problem_responses(401, 403, 422)
)
def get_portfolio(wallet: OwnedWallet, session: SessionDep) -> PortfolioOut:
    """Invested, outstanding, received and lost, with the notes the wallet holds."""
    return service.portfolio(session, wallet)


@router.get(
    "/wallets/{address}/transactions",
    response_model=TransactionPage,
    responses=problem_responses(401, 403, 422),
)
def get_transactions(
    wallet: OwnedWallet, session: SessionDep, kind: str | None = None, limit: Limit = 50, offset: Offset = 0
) -> TransactionPage:
    """The wallet's indexed activity, newest first (fund, drawdown, repay, claim, refund, transfers...)."""
    return service.transactions(session, wallet, kind, limit, offset)
