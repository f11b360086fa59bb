"""What the reminder scheduler has decided, one row per (loan, installment, offset), and the late notices
it has sent, one row per (loan, installment, tier).

A reminder row is written in the same transaction as its notice and deliveries (backend/notifications),
so a scheduler that dies before committing leaves neither and schedules it again, and one that dies
after leaves both and never schedules it twice. `superseded` rows record reminders that were not sent
because a later one was already due when the scheduler got to them (after downtime): the latest
applicable reminder goes out instead.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base
from backend.db.types import UTCDateTime, utcnow

SCHEDULED, SUPERSEDED = "scheduled", "superseded"


class ReminderRecord(Base):
    __tablename__ = "servicing_reminders"

    loan_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    period: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    offset_days: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[int] = mapped_column(BigInteger)
    # the chain time the scheduler decided at
    decided_at_chain: Mapped[int] = mapped_column(BigInteger)
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notifications.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LateNoticeRecord(Base):
    __tablename__ = "servicing_late_notices"

    loan_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    period: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    tier: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    days_past_due: Mapped[int] = mapped_column(Integer)
    decided_at_chain: Mapped[int] = mapped_column(BigInteger)
    holders: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
