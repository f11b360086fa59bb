"""Loans API responses. Amounts in stablecoin base units (6 decimals), rates in bps, times unix seconds."""

from __future__ import annotations

from pydantic import BaseModel


class LoanOut(BaseModel):
    loanId: int  # noqa: N815
    borrower: str
    status: str  # listed | active | repaid | defaulted | cancelled | expired
    grade: int  # 1 = A .. 7 = G
    principal: int
    funded: int
    lenders: int
    term: int  # installments
    periodSeconds: int  # noqa: N815
    rateBps: int  # noqa: N815 - annual
    listingDeadline: int  # noqa: N815
    listedAt: int  # noqa: N815
    drawnAt: int | None  # noqa: N815
    installment: int
    principalRepaid: int  # noqa: N815
    interestPaid: int  # noqa: N815
    feesPaid: int  # noqa: N815
    recovered: int
    writtenDown: int  # noqa: N815
    periodsPaid: int  # noqa: N815
    collateralToken: str | None  # noqa: N815
    collateralAmount: int  # noqa: N815 - in the collateral token's own units
    # fixed for the loan at drawdown (0 before): of interest and late fees, and per day overdue
    servicingFeeBps: int  # noqa: N815
    reserveShareBps: int  # noqa: N815
    lateFeeBpsPerDay: int  # noqa: N815
    expiryReason: int | None  # noqa: N815 - 1 deadline passed, 2 market wound down, 3 no longer qualifies
    closedAt: int | None  # noqa: N815


class LoanPage(BaseModel):
    items: list[LoanOut]
    total: int
    limit: int
    offset: int


class InstallmentOut(BaseModel):
    period: int
    dueAt: int  # noqa: N815
    payment: int
    interest: int
    principal: int
    balanceAfter: int  # noqa: N815
    paid: bool  # covered by the interest and principal paid so far


class RepaymentOut(BaseModel):
    payer: str
    amount: int
    interest: int
    principal: int
    fees: int
    timestamp: int
    txHash: str  # noqa: N815
    blockNumber: int  # noqa: N815


class Delinquency(BaseModel):
    asOf: int  # noqa: N815 - time of the latest indexed block
    daysPastDue: int  # noqa: N815
    tier: int  # 0 current, 1: 1-30 days, 2: 31-90, 3: > 90
    nextDueAt: int | None  # noqa: N815


class LoanDetail(LoanOut):
    schedule: list[InstallmentOut]
    repayments: list[RepaymentOut]
    delinquency: Delinquency | None


class HoldingOut(BaseModel):
    noteId: int  # noqa: N815
    loanId: int  # noqa: N815
    loanStatus: str | None  # noqa: N815
    principal: int
    principalReturned: int  # noqa: N815
    writtenDown: int  # noqa: N815
    claimed: int
    refunded: bool


class PortfolioOut(BaseModel):
    wallet: str
    invested: int
    outstanding: int
    received: int
    losses: int
    notes: int
    borrowed: int
    repaid: int
    holdings: list[HoldingOut]


class TransactionOut(BaseModel):
    kind: str
    contract: str
    amount: str  # decimal text: token transfers can carry any uint256
    counterparty: str | None
    loanId: int | None  # noqa: N815
    noteId: int | None  # noqa: N815
    timestamp: int
    txHash: str  # noqa: N815
    blockNumber: int  # noqa: N815
    logIndex: int  # noqa: N815


class TransactionPage(BaseModel):
    items: list[TransactionOut]
    limit: int
    offset: int
