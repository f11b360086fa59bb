"""Refresh requests: borrowers whose on-chain record nears `maxAge`, queued for re-scoring."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base
from backend.db.types import UTCDateTime, utcnow


class RefreshRequest(Base):
    __tablename__ = "oracle_refresh_requests"

    borrower: Mapped[str] = mapped_column(String(42), primary_key=True)
    requests: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | done
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # What the latest request came to (backend.risk.refresh): reported | waiting | lapsed, and why
    outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)
    report_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class CreditRecordView(Base):
    __tablename__ = "chain_credit_records"

    borrower: Mapped[str] = mapped_column(String(42), primary_key=True)
    score: Mapped[int] = mapped_column(Integer)
    grade: Mapped[int] = mapped_column(Integer)
    pd_bps: Mapped[int] = mapped_column(Integer)
    model_version: Mapped[int] = mapped_column(Integer)
    as_of: Mapped[int] = mapped_column(BigInteger)
    reasons_hash: Mapped[str] = mapped_column(String(66))
    round: Mapped[int] = mapped_column(BigInteger)
    updated_block: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(String(66))


class OracleRoundView(Base):
    __tablename__ = "chain_oracle_rounds"

    round: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    reports: Mapped[int] = mapped_column(Integer)
    submitter: Mapped[str] = mapped_column(String(42))
    tx_hash: Mapped[str] = mapped_column(String(66))
    block_number: Mapped[int] = mapped_column(BigInteger)
    timestamp: Mapped[int] = mapped_column(BigInteger)


# Projected from CreditOracle events (backend/oracle_feed/projections.py): what an index rebuild empties
# first.
READ_MODELS = [CreditRecordView, OracleRoundView]
