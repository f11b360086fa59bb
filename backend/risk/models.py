"""Loan applications with their credit decision, and the credit reports waiting for the oracle."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base
from backend.db.types import UTCDateTime, utcnow

APPLICATION_STATUSES = ("approved", "review", "declined")
REPORT_STATUSES = ("pending", "signed", "submitted", "confirmed", "rejected")


class LoanApplication(Base):
    __tablename__ = "loan_applications"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    wallet: Mapped[str] = mapped_column(String(42), index=True)
    # KYC keyed hash of the national ID at submission: velocity per person across wallets
    identity_hash: Mapped[str | None] = mapped_column(String(64), index=True, nullable=True)
    amount: Mapped[int] = mapped_column(BigInteger)  # base units (6 decimals)
    term_months: Mapped[int] = mapped_column(Integer)
    purpose: Mapped[str] = mapped_column(String(16))
    # RepaymentSource (backend/risk/features.py); None on applications made before it was asked
    repayment_source: Mapped[str | None] = mapped_column(String(24), nullable=True)
    monthly_income: Mapped[int] = mapped_column(BigInteger)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON)

    model_name: Mapped[str] = mapped_column(String(64))
    model_version: Mapped[int] = mapped_column(Integer)
    score: Mapped[int] = mapped_column(Integer)
    score_raw: Mapped[float] = mapped_column(Float)
    pd_bps: Mapped[int] = mapped_column(Integer)
    grade: Mapped[int] = mapped_column(Integer)  # 1..7 = A..G
    bins: Mapped[dict[str, str]] = mapped_column(JSON)  # feature -> bin key (population stability)
    reason_codes: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # [{code, text, points_lost}]
    fraud_hits: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    decision: Mapped[str] = mapped_column(String(8))  # engine outcome: approve | review | decline
    decision_reasons: Mapped[list[str]] = mapped_column(JSON)
    offer: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    status: Mapped[str] = mapped_column(String(10), index=True)  # approved | review | declined
    # The offer signed for LoanMarket.list once approved (backend/risk/signed_offers.py): typed data,
    # signature and digest, or why none could be signed yet. Stored so every read returns the same one.
    signed_offer: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    # its uint256 nonce as decimal text; LoanMarket's OfferUsed event names it when the offer lists a loan
    offer_nonce: Mapped[str | None] = mapped_column(String(78), index=True, unique=True, nullable=True)

    reviewed_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    review_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class CreditReport(Base):
    """An approved decision, or a re-score of one, on its way to being signed and published by the oracle."""

    __tablename__ = "credit_reports"

    # 64-bit on PostgreSQL, as the ids the API accepts are (SQLite's integer primary key is 64-bit)
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    application_id: Mapped[str] = mapped_column(ForeignKey("loan_applications.id"), index=True)
    # application: the decision on a new application; refresh: a re-score of one before maxAge
    origin: Mapped[str] = mapped_column(String(12), default="application", server_default="application")
    borrower: Mapped[str] = mapped_column(String(42), index=True)  # checksum address
    score: Mapped[int] = mapped_column(Integer)
    grade: Mapped[int] = mapped_column(Integer)  # 1..7
    pd_bps: Mapped[int] = mapped_column(Integer)
    model_version: Mapped[int] = mapped_column(Integer)
    as_of: Mapped[int] = mapped_column(BigInteger)  # unix seconds
    reasons_hash: Mapped[str] = mapped_column(String(66))  # 0x keccak256 of the canonical reason-code list
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    round: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    tx_hash: Mapped[str | None] = mapped_column(String(66), nullable=True)
    reject_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ApplicationGate(Base):
    """One row per applicant (wallet or person), written first by every application of that applicant.

    The write holds the row (PostgreSQL) or the database (SQLite) until the application commits, so two
    concurrent applications of one applicant cannot both count the earlier ones before either is stored:
    the velocity rules see every application committed before theirs."""

    __tablename__ = "risk_application_gates"

    subject: Mapped[str] = mapped_column(String(80), primary_key=True)  # "wallet:0x.." | "identity:<hash>"
    applications: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
