"""Request and response bodies. Responses never carry personal data: they are stored verbatim by the
idempotency layer and end up in client logs; reviewers read personal data through the one review
endpoint that decrypts it (and audits the read)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, model_validator

from backend.core.schemas import Address, ApiInput, ApiModel, Page, Timestamp
from backend.kyc.config import AttestationMode

ApplicationStatus = Literal["in_review", "approved", "rejected", "revoked"]


class KycSubmission(ApiInput):
    model_config = ConfigDict(str_strip_whitespace=True)

    full_name: str = Field(min_length=1, max_length=200, examples=["Chen Xiaoming"])
    national_id_number: str = Field(min_length=1, max_length=40, examples=["11010519491231002X"])
    # A string, validated by the service, so a bad date yields the same {field, code} error as the rest.
    date_of_birth: str = Field(min_length=1, max_length=32, examples=["1949-12-31"], description="YYYY-MM-DD")
    phone: str = Field(min_length=1, max_length=32, examples=["+8613800138000"], description="E.164")
    bank_card_number: str = Field(min_length=1, max_length=40, examples=["6212345678901265"])
    jurisdiction: str = Field(min_length=1, max_length=8, examples=["CN"], description="ISO 3166-1 alpha-2")
    liveness_token: str | None = Field(
        default=None, max_length=200, description="session token from the liveness SDK; omit for level 1"
    )
    attestation_mode: AttestationMode | None = Field(
        default=None,
        description="direct: the platform sends the attestation; signature: the wallet submits it",
    )


class SignedAttestation(ApiModel):
    """Arguments for IdentityRegistry.attestWithSignature(attestation, signature), sent by the wallet.

    `attestation` is the EIP-712 message as signed (the contract's struct: integers as JSON numbers, all
    within 53 bits; `deadline` inside it is Unix seconds on the chain's clock). `deadline` beside it is the
    same instant as an ISO time. Fetch it again with GET /v2/kyc/application/attestation: it is signed
    anew, with a fresh deadline, once the old one has passed."""

    registry: Address
    chain_id: int
    attestation: dict[str, bool | int | str]
    signature: str
    deadline: Timestamp


class AttestationView(ApiModel):
    mode: AttestationMode = Field(validation_alias="attestation_mode")
    status: str = Field(validation_alias="attestation_status")
    level: int = Field(validation_alias="kyc_level")
    risk_class: int | None = Field(validation_alias="attestation_risk_class")
    jurisdiction_numeric: int
    commitment: str
    # Keyed hash naming the person (the same for all of its wallets); public on-chain, reveals nobody.
    subject: str | None
    entity: bool = False
    expires_at: Timestamp | None = Field(validation_alias="attestation_expires_at")
    tx_hash: str | None = Field(validation_alias="attestation_tx")
    error: str | None = Field(default=None, validation_alias="attestation_error")
    signed: SignedAttestation | None = None

    @model_validator(mode="after")
    def _subject_once_issued(self) -> AttestationView:
        # shown once an attestation was issued (it is public from then on), never before a decision
        if self.status == "none":
            self.subject = None
        return self


class ApplicationView(ApiModel):
    id: str
    wallet: Address
    status: ApplicationStatus
    jurisdiction: str
    risk_level: str
    edd_required: bool
    review_reasons: list[str]
    reject_reasons: list[str]
    screening_outcome: str
    attestation: AttestationView
    created_at: Timestamp
    decided_at: Timestamp | None
    revoked_at: Timestamp | None
    revoke_reason: str | None


class AttestationRequest(ApiInput):
    mode: AttestationMode | None = None


class ReviewDecision(ApiInput):
    reason: str = Field(min_length=3, max_length=64, description="short code, e.g. 'false_positive'")
    note: str | None = Field(default=None, max_length=2000)


class RevokeRequest(ApiInput):
    reason: Literal["compliance", "fraud", "sanctions", "customer_request", "data_error"]
    note: str | None = Field(default=None, max_length=2000)


class FreezeRequest(ApiInput):
    reason: Literal["aml_alert", "sanctions", "court_order", "other"]
    note: str | None = Field(default=None, max_length=2000)


class ChainActionView(ApiModel):
    wallet: Address
    action: str
    tx_hash: str


class ScreeningMatchView(ApiModel):
    entry_id: str
    list: str
    program: str
    kind: str
    score: float
    matched_alias: int
    matched_name: str | None  # from the current list file, looked up when shown
    dob_match: str


class ReviewItemView(ApiModel):
    id: int
    application_id: str
    wallet: Address
    reasons: list[str]
    risk_level: str
    edd_required: bool
    status: str
    created_at: Timestamp
    screening_matches: list[ScreeningMatchView]


class ReviewItemPage(Page[ReviewItemView]):
    pass


class ApplicantDetails(ApiModel):
    """Decrypted for a reviewer; every read is audited."""

    full_name: str
    national_id_number: str
    date_of_birth: str
    phone: str
    bank_card_number: str


class ReviewItemDetail(ReviewItemView):
    applicant: ApplicantDetails
    risk_factors: dict[str, int]
    provider_result: dict[str, Any] | None
    duplicate_wallets: list[Address]
