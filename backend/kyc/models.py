"""KYC applications and the manual review queue.

What is stored, and why:
- ``pii_ciphertext``: name, ID number, date of birth, phone, bank card number and the commitment salt,
  AES-GCM encrypted as one JSON document (the key id travels in the envelope for rotation; the row id is
  the associated data, so a ciphertext copied to another row does not decrypt).
- ``*_hash``: HMAC-SHA256 keyed hashes for equality lookups (duplicate identity across wallets, linked
  wallets for AML) without decrypting anything.
- ``commitment``: what goes on-chain. No masked card digits are kept: no screen needs them, and the last
  four digits plus a BIN guess narrow a card number more than one would like.
- ``subject``: the person's on-chain subject, a keyed hash of the national ID number (its own purpose tag,
  see backend/privacy/hashing.py ``person_subject``), the same for every wallet of one person.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base
from backend.db.types import UTCDateTime, utcnow

# Application lifecycle: in_review → approved | rejected; approved → revoked. Clean applications are
# approved at submission; a rejected wallet may submit a new application.
STATUSES = ("in_review", "approved", "rejected", "revoked")
# Attestation: none (not approved) → attested (direct tx) | signed (handed to the wallet) | failed (retry
# with POST /v2/kyc/application/attestation) → revoked.
ATTESTATION_STATUSES = ("none", "attested", "signed", "failed", "revoked")


_ACTIVE = text("status IN ('in_review', 'approved')")


def pii_aad(application_id: str) -> bytes:
    """Associated data of an application's personal-data ciphertext: its row, so a copy elsewhere fails."""
    return f"kyc_application:{application_id}".encode()


class KycApplication(Base):
    __tablename__ = "kyc_applications"
    # At most one live application per wallet, enforced by the database: two concurrent submissions
    # from one wallet cannot both pass the service's check.
    __table_args__ = (
        Index(
            "uq_kyc_applications_active_wallet",
            "wallet",
            unique=True,
            sqlite_where=_ACTIVE,
            postgresql_where=_ACTIVE,
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    wallet: Mapped[str] = mapped_column(String(42), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    jurisdiction: Mapped[str] = mapped_column(String(2))
    jurisdiction_numeric: Mapped[int] = mapped_column(Integer)
    id_scheme: Mapped[str] = mapped_column(String(32))

    pii_ciphertext: Mapped[str] = mapped_column(Text)
    national_id_hash: Mapped[str] = mapped_column(String(64), index=True)
    bank_card_hash: Mapped[str] = mapped_column(String(64), index=True)
    phone_hash: Mapped[str] = mapped_column(String(64), index=True)
    commitment: Mapped[str] = mapped_column(String(66))
    # None only on applications stored before subjects existed: derived from the record when attested.
    subject: Mapped[str | None] = mapped_column(String(66), nullable=True)

    provider: Mapped[str] = mapped_column(String(32))
    provider_result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    screening_outcome: Mapped[str] = mapped_column(String(16))
    screening_result: Mapped[dict[str, Any]] = mapped_column(JSON)
    risk_level: Mapped[str] = mapped_column(String(8))
    risk_points: Mapped[int] = mapped_column(Integer)
    risk_factors: Mapped[dict[str, int]] = mapped_column(JSON)
    edd_required: Mapped[bool] = mapped_column(Boolean, default=False)
    review_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    reject_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    kyc_level: Mapped[int] = mapped_column(Integer)

    attestation_mode: Mapped[str] = mapped_column(String(16))
    attestation_status: Mapped[str] = mapped_column(String(16), default="none")
    attestation_tx: Mapped[str | None] = mapped_column(String(66), nullable=True)
    attestation_risk_class: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # named explicitly: the naming convention's name is 70 characters, over PostgreSQL's 63
    attestation_suitability_id: Mapped[str | None] = mapped_column(
        ForeignKey("suitability_assessments.id", name="fk_kyc_applications_attestation_suitability"),
        nullable=True,
    )
    attestation_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    attestation_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    attested_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The signed attestation's deadline (Unix seconds on the chain's clock): the wallet can fetch the same
    # signature again until then, a fresh one after (BigInteger: uint256 on-chain, seconds here).
    attestation_deadline: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    decision_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    revoke_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    revoke_tx: Mapped[str | None] = mapped_column(String(66), nullable=True)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def attestation(self) -> KycApplication:
        """The attestation_* columns, read as one object by the API's AttestationView."""
        return self


class KycReviewItem(Base):
    """One entry in the manual review queue; closed by a reviewer's approve or reject."""

    __tablename__ = "kyc_review_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("kyc_applications.id"), index=True)
    reasons: Mapped[list[str]] = mapped_column(JSON)
    risk_level: Mapped[str] = mapped_column(String(8))
    edd_required: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(8), default="open", index=True)  # open | closed
    outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)  # approved | rejected
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_by: Mapped[str | None] = mapped_column(String(128), nullable=True)


class IdentityView(Base):
    __tablename__ = "chain_identities"

    wallet: Mapped[str] = mapped_column(String(42), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))  # attested | revoked
    level: Mapped[int] = mapped_column(Integer, default=0)
    risk_class: Mapped[int] = mapped_column(Integer, default=0)
    jurisdiction: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[int] = mapped_column(BigInteger, default=0)
    frozen: Mapped[bool] = mapped_column(Boolean, default=False)
    commitment: Mapped[str | None] = mapped_column(String(66))
    # The person behind the wallet (a keyed hash, the same for all of its wallets): finds one person's
    # wallets without any personal data. None once revoked, as on-chain.
    subject: Mapped[str | None] = mapped_column(String(66), index=True)
    entity: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    attester: Mapped[str | None] = mapped_column(String(42))
    updated_block: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[int] = mapped_column(BigInteger)  # block timestamp


# Projected from IdentityRegistry events (backend/kyc/projections.py): what an index rebuild empties first.
READ_MODELS = [IdentityView]
