"""Request and response bodies of the risk API. Money in base units of the 6-decimal stablecoin, as
decimal strings. Applicant `attributes` are keyed by the scorecard's feature names (GET /v2/risk/model)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, computed_field, model_validator

from backend.core.schemas import Address, Amount, AmountIn, ApiInput, ApiModel, Page, Timestamp, WholeNumber
from backend.risk.features import Purpose, RepaymentSource
from backend.risk.scorecard import GRADE_LETTERS

Grade = int  # 1 = A .. 7 = G


class LoanApplicationCreate(ApiInput):
    """A loan application by the signed-in wallet."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "amount": "2500000000",
                "termMonths": 12,
                "purpose": "furniture",
                "repaymentSource": "salary",
                "monthlyIncome": "3200000000",
                "attributes": {
                    "status_of_existing_checking_account": "no checking account",
                    "age_in_years": 35,
                    "job": "skilled employee / official",
                    "savings_account_and_bonds": "... < 100 DM",
                },
            }
        },
    )

    amount: AmountIn = Field(description="requested principal, base units (6 decimals), decimal string")
    term_months: WholeNumber = Field(gt=0, le=1200, description="number of monthly installments")
    purpose: Purpose = Field(strict=False)  # the enum's values, as JSON strings
    repayment_source: RepaymentSource | None = Field(
        default=None,
        strict=False,
        description="where the installments will come from (disclosed with the loan)",
    )
    monthly_income: AmountIn = Field(
        description="net monthly income, base units (6 decimals), decimal string"
    )
    attributes: dict[str, Any] = Field(
        default_factory=dict,
        max_length=64,
        description="applicant attributes the scorecard uses, by feature name (GET /v2/risk/model)",
    )


class ReasonView(ApiModel):
    code: str
    text: str
    points_lost: float


class OfferView(ApiModel):
    grade: int = Field(ge=1, le=7)
    apr_bps: int
    principal: Amount
    requested: Amount
    max_principal: Amount
    term_months: int
    installment: Amount
    collateral_required: bool
    min_risk_class: int


class SignedOfferView(ApiModel):
    """The offer LoanMarket.list takes with the listing: `typedData` is the EIP-712 LoanOffer (types,
    primaryType, domain, message: the values as signed, the uint256 nonce as decimal text), `signature` the
    risk service's 65-byte signature of it and `digest` the EIP-712 hash signed (LoanMarket.offerDigest
    returns the same). `expiresAt` is on the chain's clock. `unavailable`: no offer could be signed yet
    (`reason`, `detail`); reading the application again retries."""

    status: Literal["signed", "unavailable"]
    market: Address | None = None
    chain_id: int | None = None
    typed_data: dict[str, Any] | None = None
    signature: str | None = None
    digest: str | None = None
    signer: Address | None = None
    expires_at: Timestamp | None = None
    reason: str | None = None
    detail: str | None = None


class LoanApplicationView(ApiModel):
    id: str
    wallet: Address
    status: Literal["approved", "review", "declined"]
    amount: Amount
    term_months: int
    purpose: str
    repayment_source: str | None = None
    monthly_income: Amount
    model_name: str
    model_version: int
    score: int
    pd_bps: int
    grade: int = Field(ge=1, le=7)
    reasons: list[ReasonView] = Field(validation_alias="reason_codes")
    offer: OfferView | None
    signed_offer: SignedOfferView | None = None
    created_at: Timestamp
    reviewed_at: Timestamp | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def grade_letter(self) -> str:
        return GRADE_LETTERS[self.grade - 1]

    @model_validator(mode="after")
    def _what_the_status_allows(self) -> LoanApplicationView:
        if self.status == "declined":
            self.offer = None
        # only an approved application may list: one in review has a quote, not yet an offer to sign
        if self.status != "approved":
            self.signed_offer = None
        return self


class LoanApplicationPage(Page[LoanApplicationView]):
    pass


class ReviewView(LoanApplicationView):
    """What a reviewer sees in addition: the engine's decision, the rules that fired, the attributes."""

    decision: str
    decision_reasons: list[str]
    fraud_hits: list[dict[str, str]]
    attributes: dict[str, Any]
    review_note: str | None = None
    reviewed_by: str | None = None


class ReviewPage(Page[ReviewView]):
    pass


class ReviewDecisionIn(ApiInput):
    decision: Literal["approve", "decline"]
    note: str = Field(min_length=1, max_length=2000)


class BatchItem(ApiInput):
    ref: str | None = Field(default=None, max_length=128)
    attributes: dict[str, Any] = Field(max_length=64)


class BatchScoreRequest(ApiInput):
    items: list[BatchItem] = Field(min_length=1, max_length=5000)


class BatchResult(ApiModel):
    index: int
    ref: str | None = None
    score: int | None = None
    pd_bps: int | None = None
    grade: int | None = None
    grade_letter: str | None = None
    credit_outcome: str | None = None
    reasons: list[ReasonView] = Field(default_factory=list)
    errors: list[dict[str, Any]] | None = None


class BatchScoreResponse(ApiModel):
    model_name: str
    model_version: int
    scored: int
    failed: int
    results: list[BatchResult]


class GradeBand(ApiModel):
    grade: int
    letter: str
    pd_max: float


class ModelFeature(ApiModel):
    name: str
    type: str
    label: str | None = None
    categories: list[str] | None = None


class ModelCard(ApiModel):
    """The scorecard in use. Nested documents (`metrics`, `hyperparameters`, `scorecard`...) are given as
    the training run recorded them."""

    name: str
    version: int
    created_at: str | None = None
    format: Any = None
    target: Any = None
    training_data: Any = None
    libraries: Any = None
    hyperparameters: Any = None
    metrics: dict[str, Any] | None = None
    training_seconds: float | None = None
    scaling: Any = None
    base_points: float
    grades: list[GradeBand]
    decision: dict[str, Any]
    features: list[ModelFeature]
    scorecard: Any


class FeatureStability(ApiModel):
    psi: float | None
    status: str


class ScoreBins(ApiModel):
    edges: list[float]
    expected: list[float]
    actual: list[float]


class PopulationStability(ApiModel):
    """PSI of recent applications against the training population; no index (`insufficientData`) until
    each side holds `minSamples`."""

    model_name: str
    model_version: int
    window_days: int
    since: Timestamp
    count: int
    reference_count: int
    min_samples: int
    score_psi: float | None
    status: Literal["stable", "watch", "shifted", "insufficient_data"]
    score_bins: ScoreBins | None = None
    features: dict[str, FeatureStability]
