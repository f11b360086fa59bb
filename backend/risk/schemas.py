"""Request and response bodies of the risk API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from backend.risk.features import Purpose


class LoanApplicationCreate(BaseModel):
    """A loan application by the signed-in wallet. Money in base units of the 6-decimal stablecoin."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "amount": 2_500_000_000,
                "term_months": 12,
                "purpose": "furniture",
                "monthly_income": 3_200_000_000,
                "attributes": {
                    "status_of_existing_checking_account": "no checking account",
                    "age_in_years": 35,
                    "job": "skilled employee / official",
                    "savings_account_and_bonds": "... < 100 DM",
                },
            }
        },
    )

    amount: int = Field(gt=0, description="requested principal, base units (6 decimals)")
    term_months: int = Field(gt=0, description="number of monthly installments")
    purpose: Purpose
    monthly_income: int = Field(ge=0, description="net monthly income, base units (6 decimals)")
    attributes: dict[str, Any] = Field(
        default_factory=dict,
        max_length=64,
        description="applicant attributes the scorecard uses (GET /v1/risk/model)",
    )


class ReasonView(BaseModel):
    code: str
    text: str
    points_lost: float


class OfferView(BaseModel):
    grade: int
    apr_bps: int
    principal: int
    requested: int
    max_principal: int
    term_months: int
    installment: int
    collateral_required: bool
    min_risk_class: int


class SignedOfferView(BaseModel):
    """The offer LoanMarket.list takes with the listing: `typed_data` is the EIP-712 LoanOffer (types,
    primaryType, domain, message; the uint256 nonce as decimal text), `signature` the risk service's
    65-byte signature of it and `digest` the EIP-712 hash signed (LoanMarket.offerDigest returns the same).
    `expires_at` is on the chain's clock. `unavailable`: no offer could be signed yet (`reason`, `detail`);
    reading the application again retries."""

    status: Literal["signed", "unavailable"]
    market: str | None = None
    chain_id: int | None = None
    typed_data: dict[str, Any] | None = None
    signature: str | None = None
    digest: str | None = None
    signer: str | None = None
    expires_at: int | None = None
    reason: str | None = None
    detail: str | None = None


class LoanApplicationView(BaseModel):
    id: str
    wallet: str
    status: Literal["approved", "review", "declined"]
    amount: int
    term_months: int
    purpose: str
    monthly_income: int
    model_name: str
    model_version: int
    score: int
    pd_bps: int
    grade: int
    grade_letter: str
    reasons: list[ReasonView]
    offer: OfferView | None
    signed_offer: SignedOfferView | None = None
    created_at: datetime
    reviewed_at: datetime | None = None


class ReviewView(LoanApplicationView):
    """What a reviewer sees in addition: the engine's decision, the rules that fired, the attributes."""

    decision: str
    decision_reasons: list[str]
    fraud_hits: list[dict[str, str]]
    attributes: dict[str, Any]
    review_note: str | None = None
    reviewed_by: str | None = None


class ReviewDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["approve", "decline"]
    note: str = Field(min_length=1, max_length=2000)


class BatchItem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ref: str | None = Field(default=None, max_length=128)
    attributes: dict[str, Any] = Field(max_length=64)


class BatchScoreRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[BatchItem] = Field(min_length=1, max_length=5000)


class BatchResult(BaseModel):
    index: int
    ref: str | None = None
    score: int | None = None
    pd_bps: int | None = None
    grade: int | None = None
    grade_letter: str | None = None
    credit_outcome: str | None = None
    reasons: list[ReasonView] = Field(default_factory=list)
    errors: list[dict[str, Any]] | None = None


class BatchScoreResponse(BaseModel):
    model_name: str
    model_version: int
    scored: int
    failed: int
    results: list[BatchResult]
