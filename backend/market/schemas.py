"""Note market and auto-invest API bodies (README "API conventions": camelCase, amounts as decimal
strings in stablecoin base units, rates in bps, times ISO 8601 UTC from block timestamps)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from backend.core.schemas import Address, Amount, AmountIn, ApiInput, ApiModel, Page, Timestamp, WholeNumber


class OfferOut(ApiModel):
    note_id: Amount = Field(description="loanId << 32 | index, as a decimal string")
    loan_id: int
    seller: Address
    price: Amount
    expiry: Timestamp
    offered_at: Timestamp
    grade: int = Field(ge=1, le=7)
    rate_bps: int
    periods_left: int
    principal_outstanding: Amount = Field(description="the note's share of the principal not yet repaid")
    days_past_due: int = Field(description="of the loan, at the index's clock")
    yield_bps: int | None = Field(
        description="indicative annual yield to maturity at the price (the quote is exact); null: none left"
    )
    price_bps_of_principal: int = Field(
        description="price / principal outstanding in bps (below 10,000: a discount; accrued interest aside)"
    )


class OfferPage(Page[OfferOut]):
    chain_time: Timestamp = Field(description="the index's clock: offers expiring before it are left out")


class QuoteOut(ApiModel):
    """LoanMarketLens.quote read at `blockNumber`."""

    note_id: Amount
    price: Amount
    principal: Amount
    accrued_interest: Amount
    par: Amount
    price_bps_of_par: int
    yield_bps: int = Field(description="annual yield to maturity at the price (0 when distressed)")
    days_past_due: int
    distressed: bool
    seller_earned: Amount
    max_price: Amount
    remaining_periods: int
    block_number: int


class SaleOut(ApiModel):
    note_id: Amount
    loan_id: int
    seller: Address
    buyer: Address
    price: Amount
    fee: Amount
    seller_earned: Amount
    principal_at_sale: Amount
    realized: str = Field(description="price - fee - principal at sale, signed decimal string (base units)")
    timestamp: Timestamp
    tx_hash: str


class ResaleOut(ApiModel):
    """A wallet's part in the note market."""

    wallet: Address
    on_offer: list[OfferOut]
    sold: list[SaleOut]
    bought: list[SaleOut]
    realized_gain_loss: str = Field(description="sum of `realized` over the notes sold (signed, base units)")
    volume_sold: Amount


class EarlyExitNote(ApiModel):
    note_id: Amount
    par: Amount
    price: Amount
    fee: Amount
    seller_earned: Amount
    distressed: bool


class EarlyExitOut(ApiModel):
    """What offering every note the wallet holds at one discount to par would raise, if each sold."""

    wallet: Address
    discount_bps: int
    fee_bps: int
    notes: list[EarlyExitNote]
    cash: Amount = Field(description="sum over the notes of price - fee + seller earned")
    block_number: int


class MandateIn(ApiInput):
    lender: Address
    grades: WholeNumber = Field(ge=1, le=127, description="bit g-1 admits grade g (A = 1, B = 2, C = 4, ...)")
    min_apr_bps: WholeNumber = Field(ge=0, le=65_535)
    max_term_days: WholeNumber = Field(ge=1, le=65_535)
    amount_per_loan: AmountIn
    max_per_borrower: AmountIn
    lock_tier: WholeNumber = Field(ge=0, le=4, description="0 none, 1..4: 30, 90, 180, 365 days")


class MandateTypedData(ApiModel):
    """EIP-712 typed data for AutoInvest.setMandateBySig: the wallet signs it (eth_signTypedData_v4) and
    anyone submits it with the signature before `deadline`."""

    typed_data: dict[str, Any]
    deadline: int = Field(description="unix seconds on the chain's clock")
    nonce: str


class MandateOut(ApiModel):
    grades: int
    min_apr_bps: int
    max_term_days: int
    amount_per_loan: Amount
    max_per_borrower: Amount
    lock_tier: int
    active: bool


class AutoInvestAccountOut(ApiModel):
    """A lender's AutoInvest ledger and mandate, read from the chain at `blockNumber`."""

    wallet: Address
    deposited: Amount
    withdrawn: Amount
    invested: Amount
    returned: Amount
    balance: Amount = Field(
        description="deposited + returned - withdrawn - invested: uninvested, the lender's"
    )
    locked_until: Timestamp | None
    queue_place: int = Field(description="0: never deposited; lower is served first")
    mandate: MandateOut
    block_number: int
