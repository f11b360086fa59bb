"""Loan agreements and what the chain says of them.

- `loan_agreements`: one per rendering a borrower asked for (an approved application's offer and the
  listing terms it intends), with the template version, the terms it was rendered from, the rendered
  text and its keccak-256 (unique: the same terms render the same text), and, once signed, the
  borrower's EIP-712 signature. The text names wallets and a pseudonymous borrower reference only, so
  no personal data is stored here. Not a read model: a rebuild of the chain index keeps it.
- `chain_agreement_bindings` (read model, backend/agreements/projections.py): the hash each loan was
  listed with (LoanMarket.AgreementBound). Chain facts only, so a rebuild gives the same rows whenever
  signatures were posted; whether the hash is a signed agreement's is checked when it is read.
- `chain_agreement_acceptances` (read model): each funding's acceptance (LoanMarket.AgreementAccepted).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base
from backend.db.types import UTCDateTime, utcnow

DRAFT, SIGNED = "draft", "signed"


class LoanAgreement(Base):
    __tablename__ = "loan_agreements"
    __table_args__ = (Index("ix_loan_agreements_wallet_created", "wallet", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    application_id: Mapped[str] = mapped_column(String(36), index=True)
    wallet: Mapped[str] = mapped_column(String(42))  # the borrower, checksummed
    template_version: Mapped[str] = mapped_column(String(16))
    terms: Mapped[dict[str, Any]] = mapped_column(JSON)  # what the template was rendered with
    text: Mapped[str] = mapped_column(Text)
    agreement_hash: Mapped[str] = mapped_column(String(66), unique=True)
    status: Mapped[str] = mapped_column(String(8))  # draft | signed
    signature: Mapped[str | None] = mapped_column(String(132), nullable=True)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AgreementBindingView(Base):
    __tablename__ = "chain_agreement_bindings"

    loan_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    agreement_hash: Mapped[str] = mapped_column(String(66), index=True)
    block_number: Mapped[int] = mapped_column(BigInteger)
    log_index: Mapped[int] = mapped_column(Integer)
    tx_hash: Mapped[str] = mapped_column(String(66))
    bound_at: Mapped[int] = mapped_column(BigInteger)  # the block's timestamp


class AgreementAcceptanceView(Base):
    __tablename__ = "chain_agreement_acceptances"

    note_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    loan_id: Mapped[int] = mapped_column(BigInteger, index=True)
    lender: Mapped[str] = mapped_column(String(42))
    agreement_hash: Mapped[str] = mapped_column(String(66))
    block_number: Mapped[int] = mapped_column(BigInteger)
    log_index: Mapped[int] = mapped_column(Integer)
    tx_hash: Mapped[str] = mapped_column(String(66))
    accepted_at: Mapped[int] = mapped_column(BigInteger)


READ_MODELS = [AgreementBindingView, AgreementAcceptanceView]
