"""Request and response bodies. Responses never carry personal data: they are stored verbatim by the
idempotency layer and end up in client logs; reviewers read personal data through the one review
endpoint that decrypts it (and audits the read)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from backend.kyc.config import AttestationMode

ApplicationStatus = Literal["in_review", "approved", "rejected", "revoked"]


class KycSubmission(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

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


class SignedAttestation(BaseModel):
    """Arguments for IdentityRegistry.attestWithSignature, to be sent by the wallet itself."""

    registry: str
    chain_id: int
    attestation: dict[str, bool | int | str]
    signature: str
    deadline: int


class AttestationView(BaseModel):
    mode: AttestationMode
    status: str
    level: int
    risk_class: int | None
    jurisdiction_numeric: int
    commitment: str
    # Keyed hash naming the person (the same for all of its wallets); public on-chain, reveals nobody.
    subject: str | None
    entity: bool = False
    expires_at: datetime | None
    tx_hash: str | None
    error: str | None = None
    signed: SignedAttestation | None = None


class ApplicationView(BaseModel):
    id: str
    wallet: str
    status: ApplicationStatus
    jurisdiction: str
    risk_level: str
    edd_required: bool
    review_reasons: list[str]
    reject_reasons: list[str]
    screening_outcome: str
    attestation: AttestationView
    created_at: datetime
    decided_at: datetime | None
    revoked_at: datetime | None
    revoke_reason: str | None


class AttestationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mode: AttestationMode | None = None


class ReviewDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=3, max_length=64, description="short code, e.g. 'false_positive'")
    note: str | None = Field(default=None, max_length=2000)


class RevokeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Literal["compliance", "fraud", "sanctions", "customer_request", "data_error"]
    note: str | None = Field(default=None, max_length=2000)


class FreezeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Literal["aml_alert", "sanctions", "court_order", "other"]
    note: str | None = Field(default=None, max_length=2000)


class ChainActionView(BaseModel):
    wallet: str
    action: str
    tx_hash: str


class ScreeningMatchView(BaseModel):
    entry_id: str
    list: str
    program: str
    kind: str
    score: float
    matched_alias: int
    matched_name: str | None  # from the current list file, looked up when shown
    dob_match: str


class ReviewItemView(BaseModel):
    id: int
    application_id: str
    wallet: str
    reasons: list[str]
    risk_level: str
    edd_required: bool
    status: str
    created_at: datetime
    screening_matches: list[ScreeningMatchView]


class ApplicantDetails(BaseModel):
    """Decrypted for a reviewer; every read is audited."""

    full_name: str
    national_id_number: str
    date_of_birth: str
    phone: str
    bank_card_number: str


class ReviewItemDetail(ReviewItemView):
    applicant: ApplicantDetails
    risk_factors: dict[str, int]
    provider_result: dict | None
    duplicate_wallets: list[str]
