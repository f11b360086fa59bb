"""Statement bodies: amounts as decimal strings of base units, times ISO UTC (README "API conventions")."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, PlainSerializer, WithJsonSchema

from backend.core.schemas import Amount, ApiModel, Timestamp

SignedAmount = Annotated[
    int,
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "pattern": "^-?[0-9]{1,78}$", "examples": ["-1"]}),
]
"""A base-unit figure that may be negative (rounding, a net cash flow): a decimal string."""


class Currency(ApiModel):
    symbol: str
    decimals: int


class Positions(ApiModel):
    """Principal the wallet's notes carried, and what they had earned and not yet claimed."""

    opening_principal: Amount
    closing_principal: Amount
    opening_unclaimed: Amount
    closing_unclaimed: Amount


class RecoveriesBySource(ApiModel):
    borrower: Amount
    collateral: Amount
    reserve: Amount


class Totals(ApiModel):
    """The period's movements. closingPrincipal = openingPrincipal + funded + purchasedPrincipal +
    transferredInPrincipal - soldPrincipal - transferredOutPrincipal - refunded - principalRepaid -
    principalRecovered + recoveredAfterWriteOff - losses + rounding."""

    funded: Amount
    refunded: Amount
    purchased: Amount = Field(description="paid for notes bought")
    purchased_principal: Amount
    sold: Amount = Field(description="received for notes sold: price - fee + earnings settled")
    sold_principal: Amount
    sale_fees: Amount
    earned_settled_in_sales: Amount
    transferred_in_principal: Amount
    transferred_out_principal: Amount
    repayments: Amount = Field(description="credited to the notes by repayments of performing loans")
    principal_repaid: Amount
    interest: Amount
    fees: Amount = Field(description="late fees, net of the platform's share")
    servicing_fees: Amount = Field(description="the notes' share of the servicing fee withheld")
    reserve_contributions: Amount = Field(description="the notes' share of the reserve fund's share")
    recoveries: Amount = Field(description="credited after a default: collections, liquidations, covers")
    principal_recovered: Amount
    recovered_after_write_off: Amount = Field(description="principal recovered on notes already written off")
    recoveries_by_source: RecoveriesBySource
    losses: Amount = Field(description="written off at a loan's first reserve cover")
    claimed: Amount
    rounding: SignedAmount


class LoanPosition(ApiModel):
    loan_id: int
    notes: int
    opening_principal: Amount
    closing_principal: Amount


class NotePosition(ApiModel):
    note_id: int
    loan_id: int
    share: Amount
    held_at_start: bool
    held_at_end: bool
    written_off: bool
    opening_principal: Amount = Field(validation_alias="opening")
    closing_principal: Amount = Field(validation_alias="closing")
    opening_unclaimed: Amount
    closing_unclaimed: Amount


EntryKind = Literal[
    "funding",
    "refund",
    "purchase",
    "sale",
    "transfer_in",
    "transfer_out",
    "repayment",
    "recovery",
    "loss",
    "claim",
]


class Entry(ApiModel):
    at: Timestamp = Field(validation_alias="timestamp")
    block_number: int = Field(validation_alias="block")
    log_index: int
    kind: EntryKind
    loan_id: int
    note_id: int
    amount: Amount = Field(description="cash moved, or what a repayment or recovery credited the note")
    principal: Amount
    interest: Amount
    fees: Amount
    source: Literal["borrower", "collateral", "reserve"] | None = None
    after_write_off: bool = False
    price: Amount
    fee: Amount
    earned: Amount
    servicing_fee: Amount
    reserve_share: Amount
    counterparty: str | None = None
    tx_hash: str


class StatementBase(ApiModel):
    wallet: str
    start: Timestamp
    end: Timestamp
    final: bool = Field(description="the index has passed the period's end; false: figures to asOf so far")
    as_of: Timestamp
    closing_block: int | None = Field(description="the last indexed block before the period's end")
    currency: Currency
    positions: Positions
    totals: Totals


class MonthlyStatement(StatementBase):
    period: str = Field(examples=["2027-03"])
    loans: list[LoanPosition]
    notes: list[NotePosition]
    entries: list[Entry]


class CashFlow(ApiModel):
    at: Timestamp
    kind: str
    amount: SignedAmount = Field(description="negative: paid in by the wallet")


class AnnualSummary(StatementBase):
    year: int
    xirr_bps: int | None = Field(
        description="net annualised return of the year's cash flows, bps a year (rounded down); null "
        "when the flows have none"
    )
    cash_flows: list[CashFlow]
    notes: list[NotePosition]
