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
