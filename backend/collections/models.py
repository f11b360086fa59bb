"""Collection cases and what is done on them. Times named `*_at` in BigInteger columns are the chain's
(block seconds); `created_at`/`updated_at` are the service's clock, for the record only.

- `collection_cases`: one per episode of a loan's lateness, keyed by (loan, the installment whose lateness
  opened it, plus 100,000 per restructuring before it: a new schedule numbers its installments from its
  base again): a loan cured and late again on a later installment is a new episode and a new case. A
  partial unique index keeps one open case per loan. `tier` follows the days past due (1 for 1-30, 2 for
  31-90, 3 beyond) at each pass of the worker; `max_tier` is the deepest it reached.
- `collection_tier_changes`: the case's tier history (from 0 at opening), each entry at the chain time
  the loan entered the tier: the first indexed block at or after the moment its days past due crossed
  the tier's threshold. Roll rates are computed from it.
- `collection_slas`: one per (case, tier) entered: what the tier requires (first contact, formal notice,
  legal referral), by when, and when it was met.
- `collection_notices`: the tier's notice to the borrower, once per (case, tier): sent (with its
  notice in the outbox), or superseded (the case was already in a later tier when the worker saw it).
- `collection_contacts`: the contact log; the note is free text, AES-GCM encrypted (backend/privacy) with
  its row as associated data.
- `collection_promises`: promises to pay (an amount in base units by the end of a UTC day on the chain's
  clock), kept or broken from the indexed repayments; one open promise per case.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base
from backend.db.types import RowId, UTCDateTime, utcnow

OPEN, CLOSED = "open", "closed"
STATES = (OPEN, CLOSED)
CURED, SETTLED = "cured", "settled"
# why a case closed: cured (current again after a payment, a restructuring adopted, or repaid in full)
# or settled after default (the whole debt recovered, or written off after liquidation and reserve cover)
CURE_REASONS = ("current", "restructured", "repaid")
SETTLEMENT_REASONS = ("recovered", "written_off")
TIERS = (1, 2, 3)
# the days past due a tier starts at (backend/loans/service.py delinquency_tier)
TIER_FROM_DAYS = {1: 1, 2: 31, 3: 91}
REQUIREMENTS = {1: "first_contact", 2: "formal_notice", 3: "legal_referral"}
SENT, SUPERSEDED = "sent", "superseded"
CHANNELS = ("phone", "sms", "email", "letter", "visit", "in_app")
OUTCOMES = ("reached", "no_answer", "left_message", "wrong_contact", "refused", "disputed")
# why the borrower is late, as the collector found out
REASONS = ("job_loss", "income_drop", "illness", "business_trouble", "forgot", "dispute", "other")
PROMISE_OPEN, KEPT, BROKEN, CANCELLED = "open", "kept", "broken", "cancelled"
PROMISE_STATUSES = (PROMISE_OPEN, KEPT, BROKEN, CANCELLED)

_OPEN_CASE = text("state = 'open'")
_OPEN_PROMISE = text("status = 'open'")


def note_aad(contact_id: int) -> bytes:
    return f"collection_contact:{contact_id}:note".encode()


class CollectionCase(Base):
    __tablename__ = "collection_cases"
    __table_args__ = (
        UniqueConstraint("loan_id", "opened_period", name="uq_collection_cases_episode"),
        Index(
            "uq_collection_cases_open_loan",
            "loan_id",
            unique=True,
            sqlite_where=_OPEN_CASE,
            postgresql_where=_OPEN_CASE,
        ),
        Index("ix_collection_cases_state_tier", "state", "tier"),
        Index("ix_collection_cases_assignee", "assignee", "state"),
    )

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    loan_id: Mapped[int] = mapped_column(BigInteger)
    borrower: Mapped[str] = mapped_column(String(42))
    opened_period: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))
    tier: Mapped[int] = mapped_column(Integer)
    max_tier: Mapped[int] = mapped_column(Integer)
    days_past_due: Mapped[int] = mapped_column(Integer)
    # the oldest unpaid due date at the last evaluation
    late_since: Mapped[int] = mapped_column(BigInteger)
    opened_at: Mapped[int] = mapped_column(BigInteger)
    tier_entered_at: Mapped[int] = mapped_column(BigInteger)
    # the chain time and indexed block of the last pass that evaluated the case
    evaluated_at: Mapped[int] = mapped_column(BigInteger)
    evaluated_block: Mapped[int] = mapped_column(BigInteger)
    assignee: Mapped[str | None] = mapped_column(String(32), nullable=True)  # an operator key id
    assigned_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    first_contact_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    legal_referred_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    closed_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    resolution: Mapped[str | None] = mapped_column(String(16), nullable=True)
    close_reason: Mapped[str | None] = mapped_column(String(16), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CollectionTierChange(Base):
    __tablename__ = "collection_tier_changes"
    __table_args__ = (Index("ix_collection_tier_changes_case", "case_id", "entered_at"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(RowId, ForeignKey("collection_cases.id"))
    loan_id: Mapped[int] = mapped_column(BigInteger)
    from_tier: Mapped[int] = mapped_column(Integer)
    to_tier: Mapped[int] = mapped_column(Integer)
    entered_at: Mapped[int] = mapped_column(BigInteger)
    days_past_due: Mapped[int] = mapped_column(Integer)
    observed_at: Mapped[int] = mapped_column(BigInteger)


class CollectionSla(Base):
    __tablename__ = "collection_slas"

    case_id: Mapped[int] = mapped_column(RowId, ForeignKey("collection_cases.id"), primary_key=True)
    tier: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    requirement: Mapped[str] = mapped_column(String(24))
    started_at: Mapped[int] = mapped_column(BigInteger)
    due_at: Mapped[int] = mapped_column(BigInteger)
    met_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class CollectionNotice(Base):
    __tablename__ = "collection_notices"

    case_id: Mapped[int] = mapped_column(RowId, ForeignKey("collection_cases.id"), primary_key=True)
    tier: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(40))
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notifications.id"), nullable=True)
    decided_at: Mapped[int] = mapped_column(BigInteger)


class CollectionContact(Base):
    __tablename__ = "collection_contacts"
    __table_args__ = (Index("ix_collection_contacts_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(RowId, ForeignKey("collection_cases.id"))
    operator: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str | None] = mapped_column(String(24), nullable=True)
    note_ciphertext: Mapped[str | None] = mapped_column(Text, nullable=True)
    contacted_at: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CollectionPromise(Base):
    __tablename__ = "collection_promises"
    __table_args__ = (
        Index("ix_collection_promises_case", "case_id", "id"),
        Index(
            "uq_collection_promises_open_case",
            "case_id",
            unique=True,
            sqlite_where=_OPEN_PROMISE,
            postgresql_where=_OPEN_PROMISE,
        ),
        Index("ix_collection_promises_status", "status"),
    )

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(RowId, ForeignKey("collection_cases.id"))
    loan_id: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)
    promised_for: Mapped[date] = mapped_column(Date)
    # the end of the promised UTC day (exclusive) and the block indexed when the promise was recorded:
    # repayments mined after that block and before the deadline count towards it
    deadline: Mapped[int] = mapped_column(BigInteger)
    made_at: Mapped[int] = mapped_column(BigInteger)
    made_block: Mapped[int] = mapped_column(BigInteger)
    made_by: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    paid: Mapped[int] = mapped_column(BigInteger, default=0)
    resolved_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
