"""Loans API responses (README "API conventions"): amounts are stablecoin base units (6 decimals) as
decimal strings, rates in bps, times ISO 8601 UTC; times the chain decides are block timestamps."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, computed_field

from backend.core.schemas import Address, Amount, ApiModel, Page, Timestamp

LoanStatus = Literal["listed", "active", "repaid", "defaulted", "cancelled", "expired"]
DRAWN = ("active", "defaulted")


class LoanOut(ApiModel):
    """A loan as the index knows it (events up to `indexedBlock` of the page or detail)."""

    loan_id: int
    borrower: Address
    status: str = Field(description="listed | active | repaid | defaulted | cancelled | expired")
    grade: int = Field(ge=1, le=7, description="1 = A .. 7 = G")
    principal: Amount
    funded: Amount
    lenders: int
    term: int = Field(description="installments")
    period_seconds: int
    rate_bps: int = Field(description="annual")
    listing_deadline: Timestamp
    listed_at: Timestamp
    drawn_at: Timestamp | None
    installment: Amount
    principal_repaid: Amount
    interest_paid: Amount
    fees_paid: Amount
    recovered: Amount
    written_down: Amount
    periods_paid: int
    restructurings: int = Field(description="restructurings the loan has had (a new schedule adopted)")
    schedule_base_period: int = Field(
        description="due periods before the schedule in force: 0, or the period a restructuring started from"
    )
    collateral_token: Address | None
    collateral_amount: Amount = Field(description="in the collateral token's own units")
    # fixed for the loan at drawdown (0 before): of interest and late fees, and per day overdue
    servicing_fee_bps: int
    reserve_share_bps: int
    late_fee_bps_per_day: int
    expiry_reason: int | None = Field(
        description="1 deadline passed, 2 market wound down, 3 no longer qualifies"
    )
    closed_at: Timestamp | None

    @computed_field(description="principal the borrower has not repaid (drawn loans; 0 otherwise)")  # type: ignore[prop-decorator]
    @property
    def outstanding_principal(self) -> Amount:
        return max(0, self.principal - self.principal_repaid) if self.status in DRAWN else 0


class LoanPage(Page[LoanOut]):
    indexed_block: int | None = Field(description="the latest block the index has read")


class InstallmentOut(ApiModel):
    period: int
    due_at: Timestamp
    payment: Amount
    interest: Amount
    principal: Amount
    balance_after: Amount
    paid: bool = Field(
        default=False,
        description="covered by the interest and principal paid so far; rows up to a restructuring's base "
        "period count as settled (what was unpaid of them is in the new schedule's first installment)",
    )


class RepaymentOut(ApiModel):
    payer: Address
    amount: Amount
    interest: Amount
    principal: Amount
    fees: Amount
    timestamp: Timestamp
    tx_hash: str
    block_number: int


class Delinquency(ApiModel):
    as_of: Timestamp = Field(description="time of the latest indexed block")
    days_past_due: int
    tier: int = Field(description="0 current, 1: 1-30 days, 2: 31-90, 3: > 90")
    next_due_at: Timestamp | None


class ChainFigures(ApiModel):
    """What the borrower owes now, read from the chain at `blockNumber` (null when not read: see
    `error`): `amountDue` (LoanMarketLens.amountDue: late fees, due interest and the principal needed to
    be current) and `payoff` (LoanMarket.payoffAmount: everything, to close the loan)."""

    block_number: int | None = None
    block_time: Timestamp | None = None
    amount_due: Amount | None = None
    payoff: Amount | None = None
    error: str | None = None


class LoanDetail(LoanOut):
    indexed_block: int | None
    schedule: list[InstallmentOut]
    repayments: list[RepaymentOut]
    delinquency: Delinquency | None
    chain: ChainFigures


class HoldingOut(ApiModel):
    note_id: int
    loan_id: int
    loan_status: str | None
    principal: Amount
    principal_returned: Amount
    written_down: Amount
    claimed: Amount
    refunded: bool
    offer_price: Amount | None = Field(default=None, description="on offer in the note market at this price")
    offer_expiry: Timestamp | None = None


class PortfolioOut(ApiModel):
    wallet: Address
    invested: Amount = 0
    outstanding: Amount = 0
    received: Amount = 0
    losses: Amount = 0
    notes: int = 0
    borrowed: Amount = 0
    repaid: Amount = 0
    notes_sold: int = 0
    sold_for: Amount = Field(default=0, description="what the wallet's note sales fetched, before the fee")
    realized_gain_loss: str = Field(
        default="0", description="over the notes sold: price - fee - principal at sale (signed, base units)"
    )
    holdings: list[HoldingOut] = Field(default_factory=list)


class TransactionOut(ApiModel):
    kind: str
    contract: str
    amount: Amount = Field(description="token transfers can carry any uint256")
    counterparty: Address | None
    loan_id: int | None
    note_id: int | None
    timestamp: Timestamp
    tx_hash: str
    block_number: int
    log_index: int


class TransactionPage(Page[TransactionOut]):
    pass
