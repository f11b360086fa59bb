"""Complaints and the messages on them.

- `complaints`: one per filing. The complainant's text is AES-GCM encrypted (backend/privacy) with the
  complaint's id as associated data; nothing else here is personal data (category, loan id, states and
  times). The SLA deadlines are fixed at filing (business days, backend/complaints/calendar.py).
- `complaint_messages`: responses, the resolution and the complainant's reply, each encrypted with its
  own id as associated data; `author` is "wallet" or the operator's actor id.

Statuses: open -> acknowledged -> resolved -> closed (accepted), and escalated (to mediation) when a
deadline is missed, the complainant rejects the resolution, or a supervisor escalates.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base
from backend.db.types import UTCDateTime, utcnow

OPEN, ACKNOWLEDGED, RESOLVED, CLOSED, ESCALATED = "open", "acknowledged", "resolved", "closed", "escalated"
STATUSES = (OPEN, ACKNOWLEDGED, RESOLVED, CLOSED, ESCALATED)
CATEGORIES = (
    "repayment",
    "fees",
    "funding",
    "note_market",
    "auto_invest",
    "kyc",
    "privacy",
    "service",
    "other",
)
OUTCOMES = ("upheld", "partially_upheld", "not_upheld")
ESCALATION_REASONS = ("acknowledgement_overdue", "resolution_overdue", "rejected", "supervisor")


def text_aad(complaint_id: str) -> bytes:
    return f"complaint:{complaint_id}:text".encode()


def message_aad(message_id: str) -> bytes:
    return f"complaint_message:{message_id}".encode()


class Complaint(Base):
    __tablename__ = "complaints"
    __table_args__ = (
        Index("ix_complaints_wallet_filed", "wallet", "filed_at"),
        Index("ix_complaints_status_filed", "status", "filed_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    wallet: Mapped[str] = mapped_column(String(42))
    category: Mapped[str] = mapped_column(String(32))
    loan_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    text_ciphertext: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    acknowledge_by: Mapped[datetime] = mapped_column(UTCDateTime)
    resolve_by: Mapped[datetime] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(24), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    escalation_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ComplaintMessage(Base):
    __tablename__ = "complaint_messages"
    __table_args__ = (Index("ix_complaint_messages_complaint", "complaint_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    complaint_id: Mapped[str] = mapped_column(String(36), ForeignKey("complaints.id"))
    kind: Mapped[str] = mapped_column(String(16))  # response resolution reply
    author: Mapped[str] = mapped_column(String(80))
    body_ciphertext: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
