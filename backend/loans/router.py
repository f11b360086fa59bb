"""Loans HTTP API (read side, from the chain index).

Public routes answer from the read cache until the index moves (backend/core/read_cache.py).

GET /v2/loans                               public: filter by status, grade, term, rate, borrower
GET /v2/loans/{loanId}                      public: detail with schedule, repayments, delinquency, and what
                                            the chain says is due now
GET /v2/wallets/{address}/portfolio         the wallet itself or an operator
GET /v2/wallets/{address}/transactions      the wallet itself or an operator
"""

from __future__ import annotations

from typing import Annotated, Literal

from eth_utils import to_checksum_address
from fastapi import Path, Query, Response
from pydantic import Field

from backend.core.deps import SessionDep, SettingsDep
from backend.core.problems import problem_responses
from backend.core.read_cache import cached_by_index
from backend.core.routing import api_router
from backend.core.schemas import ADDRESS_PATTERN, ID_MAX
from backend.loans import service
from backend.loans.dependencies import OwnedWallet
from backend.loans.schemas import LoanDetail, LoanPage, LoanStatus, PortfolioOut, TransactionPage

router = api_router(tags=["loans"])

Limit = Annotated[int, Query(ge=1, le=200)]
Cursor = Annotated[
    str | None, Query(min_length=1, max_length=512, description="nextCursor of the page before")
]
RateBps = Annotated[int | None, Query(ge=0, le=65_535)]


@router.get("/loans", response_model=LoanPage)
@cached_by_index
def list_loans(
    session: SessionDep,
    status: LoanStatus | None = None,
    grade: Annotated[
        list[Annotated[int, Field(ge=1, le=7)]] | None,
        Query(description="1 = A .. 7 = G; repeat for several", max_length=7),
    ] = None,
    term: Annotated[int | None, Query(ge=1, le=65_535, description="number of installments")] = None,
    min_rate_bps: Annotated[int | None, Query(alias="minRateBps", ge=0, le=65_535)] = None,
    max_rate_bps: Annotated[int | None, Query(alias="maxRateBps", ge=0, le=65_535)] = None,
    borrower: Annotated[str | None, Query(pattern=ADDRESS_PATTERN)] = None,
    sort: Literal["newest", "rate", "amount"] = "newest",
    limit: Limit = 50,
    cursor: Cursor = None,
) -> LoanPage:
    """The loan book as indexed from the chain, with each loan's outstanding principal."""
    return service.list_loans(
        session,
        status=status,
        grades=grade,
        term=term,
        min_rate=min_rate_bps,
        max_rate=max_rate_bps,
        borrower=to_checksum_address(borrower) if borrower else None,
        sort=sort,
        limit=limit,
        cursor=cursor,
    )


@router.get("/loans/{loanId}", response_model=LoanDetail, responses=problem_responses(404))
@cached_by_index
def get_loan(
    loan_id: Annotated[int, Path(alias="loanId", ge=0, le=ID_MAX)],
    session: SessionDep,
    settings: SettingsDep,
    response: Response,
) -> LoanDetail:
    """One loan with its contractual schedule, repayment history and delinquency (from the index), and
    `chain`: the amount due and the payoff read from the chain at the latest block."""
    detail = service.loan_detail(session, settings, loan_id)
    if detail.chain.error is not None:
        response.headers["Cache-Control"] = "no-store"  # not kept: the next request reads the chain again
    return detail


@router.get(
    "/wallets/{address}/portfolio", response_model=PortfolioOut, responses=problem_responses(401, 403)
)
def get_portfolio(wallet: OwnedWallet, session: SessionDep) -> PortfolioOut:
    """Invested, outstanding, received and lost, with the notes the wallet holds."""
    return service.portfolio(session, wallet)


@router.get(
    "/wallets/{address}/transactions",
    response_model=TransactionPage,
    responses=problem_responses(401, 403),
)
def get_transactions(
    wallet: OwnedWallet,
    session: SessionDep,
    kind: Annotated[str | None, Query(min_length=1, max_length=32)] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> TransactionPage:
    """The wallet's indexed activity, newest first (fund, drawdown, repay, claim, refund, transfers...)."""
    return service.transactions(session, wallet, kind, limit, cursor)
