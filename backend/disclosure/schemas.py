"""Bodies of the disclosure API. Amounts are integer base units of the stablecoin as decimal strings;
rates are exact ratios (numerator and denominator in base units or counts) with their value in basis
points beside them, never floats. The field descriptions are the figures' definitions (OpenAPI).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from backend.complaints.schemas import ComplaintFigures
from backend.core.schemas import Address, Amount, ApiModel, Timestamp

PLATFORM_SCHEMA = "platform-disclosure/1"
SNAPSHOT_SCHEMA = "disclosure-snapshot/1"
LOAN_SCHEMA = "loan-disclosure/1"


class Ratio(ApiModel):
    """numerator / denominator exactly; `bps` is the same in basis points, rounded against the platform
    (up for delinquency, default, loss and concentration figures; down for the reserve's coverage), null
    when the denominator is zero."""

    numerator: Amount
    denominator: Amount
    bps: int | None


class Count(ApiModel):
    loans: int
    principal: Amount


class Volume(ApiModel):
    cumulative: Count = Field(description="every loan drawn down up to asOf: count and drawn principal")
    last_30_days: Count = Field(
        alias="last30Days", description="loans drawn down after windowStart (asOf minus 30 days) up to asOf"
    )
    window_start: Timestamp


class Participants(ApiModel):
    persons: int = Field(
        description="distinct people: wallets the identity registry links to one person "
        "(its subject) count once; a wallet no identity links counts as one"
    )
    wallets: int


class Concentration(ApiModel):
    basis: Literal["person"] = Field(
        description="principal is added up per person where the identity registry links wallets to one "
        "(its subject), else per wallet (`unlinkedWallets` of those among the borrowers counted)"
    )
    top: int = Field(description="how many of the largest borrowers are added up")
    borrowers: int = Field(description="borrowers with principal outstanding (at most `top` are added up)")
    unlinked_wallets: int
    principal: Amount = Field(description="outstanding principal of the `top` largest borrowers")
    share: Ratio = Field(description="principal / outstanding principal of every active loan")


class Tier(ApiModel):
    name: Literal["M1", "M2", "M3"]
    min_days: int
    max_days: int | None
    loans: int
    principal: Amount = Field(description="outstanding principal of the active loans in the tier")
    rate: Ratio = Field(description="principal / outstanding principal of every active loan")


class Delinquency(ApiModel):
    """Active loans (drawn, not repaid, not defaulted) by days past due at asOf, counted as the loans API
    counts them (GET /v2/loans/{loanId} `delinquency`): whole days, rounded up, since the oldest due date
    whose installment is not paid. M1 is 1-30 days, M2 31-90, M3 more than 90 (a loan past 90 days that
    nobody has marked defaulted yet)."""

    current: Count
    tiers: list[Tier]
    overdue: Count = Field(description="M1 + M2 + M3")
    overdue_rate: Ratio = Field(description="overdue principal / outstanding principal of every active loan")


class Defaults(ApiModel):
    """Cumulative over every loan drawn down up to asOf. A loan's default principal is its principal
    outstanding when it was marked defaulted (LoanDefaulted.principalOutstanding); its credit loss is the
    principal it still owes at asOf (the default principal less the principal recovered since, from
    collateral or later repayments); the lenders' loss is the credit loss less what the reserve fund paid
    the notes net of what it recovered."""

    loans: int = Field(description="loans marked defaulted")
    principal: Amount = Field(description="sum of the default principal")
    default_rate: Ratio = Field(description="default principal / principal of every loan drawn down")
    recovered: Amount = Field(description="principal recovered after default")
    credit_loss: Amount
    loss_rate: Ratio = Field(description="credit loss / principal of every loan drawn down")
    reserve_covered: Amount = Field(description="what the reserve fund paid the notes of defaulted loans")
    reserve_recovered: Amount = Field(description="what recoveries gave the reserve fund back")
    lender_loss: Amount = Field(description="credit loss - (reserveCovered - reserveRecovered)")
    lender_loss_rate: Ratio = Field(description="lender loss / principal of every loan drawn down")


class VintageCell(ApiModel):
    months_on_book: int = Field(description="calendar months after the month of drawdown (0 = that month)")
    defaulted: Amount = Field(
        description="default principal of the cohort's loans defaulted by the end of "
        "this month (by asOf for the current month)"
    )
    loss: Amount = Field(
        description="their credit loss at that time (default principal less principal recovered by then)"
    )
    default_share: Ratio = Field(description="defaulted / the cohort's drawn principal")
    loss_share: Ratio = Field(description="loss / the cohort's drawn principal")


class Vintage(ApiModel):
    grade: str = Field(description="A .. G, the grade the loan listed with")
    cohort: str = Field(description="the month of drawdown, yyyy-mm (UTC, chain time)")
    loans: int
    principal: Amount
    cells: list[VintageCell]


class Reserve(ApiModel):
    fund: Address | None
    balance: Amount | None = Field(
        description="the reserve fund's stablecoin balance at asOf (its indexed Transfers in less out); "
        "what the market still holds for it until the next fee sweep is not counted, as on-chain"
    )
    overdue_principal: Amount = Field(description="outstanding principal of the loans in M1, M2 and M3")
    coverage: Ratio = Field(description="balance / overdue principal")


class Fees(ApiModel):
    """Charged up to asOf (paid, not merely accrued)."""

    origination: Amount = Field(description="origination fees taken at drawdown (LoanDrawn.originationFee)")
    servicing: Amount = Field(description="servicing fees on interest repaid (LoanRepaid.servicingFee)")
    late: Amount = Field(description="late fees repaid (LoanRepaid.lateFee)")
    resale: Amount = Field(description="the treasury's fee on note sales (NoteSold.fee)")
    total: Amount


class Sales(ApiModel):
    sales: int
    volume: Amount = Field(description="sum of the sale prices")


class SecondaryMarket(ApiModel):
    cumulative: Sales
    last_30_days: Sales = Field(alias="last30Days")


class Complaints(ApiModel):
    """Complaints filed with the platform (backend/complaints `complaint_figures`), each as it stood at
    asOf. Complaints are the service's records, timed by its clock (UTC); they are counted up to the
    figures' asOf, which is the chain's time of the latest indexed block (within seconds of the service's
    clock on a live chain). `medianResolutionSeconds` is the lower median of filing-to-resolution times,
    in whole seconds, null when none is resolved."""

    cumulative: ComplaintFigures = Field(description="every complaint filed up to asOf")
    last_30_days: ComplaintFigures = Field(
        alias="last30Days", description="complaints filed from windowStart (asOf minus 30 days) to asOf"
    )


class PlatformDisclosure(ApiModel):
    schema_version: str = PLATFORM_SCHEMA
    as_of: Timestamp = Field(description="the chain time the figures are taken at")
    last_block: int = Field(description="the last block whose events the figures include")
    outstanding: Count = Field(
        description="active loans (drawn, not repaid, not defaulted) and their outstanding principal"
    )
    volume: Volume
    borrowers: Participants = Field(description="who borrowed: borrowers of loans drawn down")
    lenders: Participants = Field(
        description="who lent: wallets that funded a loan drawn down, or bought a note"
    )
    concentration: Concentration
    delinquency: Delinquency
    defaults: Defaults
    vintages: list[Vintage]
    reserve: Reserve
    fees: Fees
    secondary_market: SecondaryMarket
    complaints: Complaints


class AnchorOut(ApiModel):
    registry: Address = Field(validation_alias="registry_address")
    content_hash: str
    publisher: Address
    tx_hash: str
    block_number: int
    block_hash: str
    anchored_at: Timestamp


class SnapshotOut(ApiModel):
    """A month's published disclosure. `document` is the snapshot itself; written as canonical JSON
    (keys sorted, no whitespace, UTF-8) its SHA-256 is `sha256`, which `anchor.contentHash` must equal."""

    period: str
    status: Literal["computed", "anchoring", "anchored", "conflict"] = Field(
        description="computed: stored, not sent; anchoring: its transaction is out; anchored: its hash is on-"
        "chain; conflict: the chain holds another hash for the month (the document must not be trusted)"
    )
    sha256: str
    document: dict[str, object]
    anchor: AnchorOut | None = None


class PublishOut(ApiModel):
    computed: list[str]
    sent: list[str]
    waiting: list[str]
    anchored: list[str]


class Text(ApiModel):
    version: str
    text: str


class OtherLoan(ApiModel):
    loan_id: int
    status: str
    grade: str
    principal: Amount
    delinquency_tier: int | None = Field(description="0 current, 1 M1, 2 M2, 3 M3; null unless active")


class BorrowerProfile(ApiModel):
    """The borrower, in bands that do not identify them (backend/disclosure/profile.py; README
    "Disclosure and regulator reporting")."""

    age_band: str
    income_band: str
    region: str
    employment: str
    credit_grade: str
    existing_debts: str
    other_loans: list[OtherLoan] = Field(
        description="the borrower's other loans here (every wallet of the same person), with their status"
    )


class ExpectedYield(ApiModel):
    apr_bps: int = Field(description="the loan's contractual annual rate")
    servicing_fee_bps: int = Field(description="share of interest the platform keeps")
    reserve_share_bps: int = Field(description="share of interest that feeds the reserve fund")
    net_apr_bps: int = Field(
        description="aprBps * (10000 - servicingFeeBps - reserveShareBps) / 10000, "
        "rounded down: what lenders earn if every installment is paid"
    )
    pd_bps: int | None = Field(description="the credit model's probability of default at application")


class LoanDisclosure(ApiModel):
    schema_version: str = LOAN_SCHEMA
    loan_id: int
    status: str
    grade: str
    principal: Amount
    term: int = Field(description="number of installments")
    period_seconds: int
    listed_at: Timestamp
    drawn_at: Timestamp | None
    purpose: str | None
    repayment_source: str | None
    expected_yield: ExpectedYield
    borrower: BorrowerProfile
    risk_notice: Text
    legal_statement: Text
