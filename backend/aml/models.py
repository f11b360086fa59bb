"""AML monitoring's own records: alerts and their transactions, cases, dispositions, filed reports, and
the sanctions lists compliance uploads with one screening job per identity.

No personal data in plaintext: a case's subject is the person's keyed hash (the IdentityRegistry
`subject`, the same for all of a person's wallets) or, for an address no identity covers, the address;
free text (a case's narrative, a disposition's reason, a filed report) is AES-GCM ciphertext under the
service keyring, its row as the associated data (`aad`). Amounts are integer base units as decimal text
(a token amount can be any uint256). Alerts are written by the indexer's observers in the range's
transaction (backend/aml/observers.py), keyed by what raised them (`dedup_key`), so an event indexed,
backfilled or re-run raises its alert once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base
from backend.db.types import RowId, UTCDateTime, utcnow

RULES = (
    "large_transaction",
    "structuring",
    "fast_in_out",
    "shared_source",
    "third_party_repayment",
    "person_wallets",
    "jurisdiction",
    "sanctions",
)
ALERT_STATUSES = ("open", "closed", "withdrawn")  # withdrawn: its transaction left the chain (reorg)
# A case is open until it is closed as a false positive or its report is filed; a frozen case stays
# open (the investigation goes on), so new alerts about the person still merge into it.
OPEN_CASE_STATUSES = ("open", "escalated", "frozen")
CASE_STATUSES = (*OPEN_CASE_STATUSES, "closed", "reported")
ACTIONS = ("close_false_positive", "escalate", "freeze", "report")
FOUR_EYES_ACTIONS = ("freeze", "report")
# effective: done; proposed: waits for a second officer; approved: approved, its chain work not yet done
# (retried by the worker); rejected: the second officer said no.
DISPOSITION_STATUSES = ("effective", "proposed", "approved", "rejected")
PENDING_DISPOSITIONS = ("proposed", "approved")
JOB_STATUSES = ("pending", "done", "failed")

_OPEN_CASE = text("status IN ('open', 'escalated', 'frozen')")
_PENDING = text("status IN ('proposed', 'approved')")


def case_aad(case_id: int) -> bytes:
    return f"aml_case:{case_id}".encode()


def disposition_aad(disposition_id: int, part: str) -> bytes:
    return f"aml_disposition:{disposition_id}:{part}".encode()


def report_aad(report_id: int) -> bytes:
    return f"aml_report:{report_id}".encode()


class AmlCase(Base):
    __tablename__ = "aml_cases"
    # One open case per subject, held by the database: two writers raising alerts about one person at
    # once (the indexer and the screening worker) merge into one case.
    __table_args__ = (
        Index(
            "uq_aml_cases_open_subject",
            "subject_key",
            unique=True,
            sqlite_where=_OPEN_CASE,
            postgresql_where=_OPEN_CASE,
        ),
    )

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    subject_key: Mapped[str] = mapped_column(String(80), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True, default="open")
    score: Mapped[int] = mapped_column(Integer, default=0)
    alert_count: Mapped[int] = mapped_column(Integer, default=0)
    narrative_ciphertext: Mapped[str | None] = mapped_column(Text, nullable=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class AmlAlert(Base):
    __tablename__ = "aml_alerts"

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    rule: Mapped[str] = mapped_column(String(32), index=True)
    subject_key: Mapped[str] = mapped_column(String(80), index=True)
    wallet: Mapped[str | None] = mapped_column(String(42), index=True, nullable=True)
    case_id: Mapped[int] = mapped_column(RowId, ForeignKey("aml_cases.id"), index=True)
    score: Mapped[int] = mapped_column(Integer)
    amount: Mapped[str] = mapped_column(String(80), default="0")
    status: Mapped[str] = mapped_column(String(16), index=True, default="open")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The event that raised it (None for a screening hit) and its block's time (the chain's clock).
    tx_hash: Mapped[str | None] = mapped_column(String(66), nullable=True)
    log_index: Mapped[int | None] = mapped_column(Integer, nullable=True)
    block_number: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    chain_time: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class AmlAlertTransaction(Base):
    """A transaction an alert is about: its event (hash and log index), wallet, kind and amount."""

    __tablename__ = "aml_alert_transactions"

    alert_id: Mapped[int] = mapped_column(RowId, ForeignKey("aml_alerts.id"), primary_key=True)
    tx_hash: Mapped[str] = mapped_column(String(66), primary_key=True)
    log_index: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    wallet: Mapped[str] = mapped_column(String(42), primary_key=True)
    block_number: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(24))
    amount: Mapped[str] = mapped_column(String(80))
    timestamp: Mapped[int] = mapped_column(BigInteger)


class AmlDisposition(Base):
    __tablename__ = "aml_dispositions"
    # At most one proposal waiting per case: a second officer approves exactly what was proposed.
    __table_args__ = (
        Index(
            "uq_aml_dispositions_pending_case",
            "case_id",
            unique=True,
            sqlite_where=_PENDING,
            postgresql_where=_PENDING,
        ),
    )

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(RowId, ForeignKey("aml_cases.id"), index=True)
    action: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(16), index=True)
    reason_ciphertext: Mapped[str] = mapped_column(Text)
    proposed_by: Mapped[str] = mapped_column(String(128))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decision_ciphertext: Mapped[str | None] = mapped_column(Text, nullable=True)
    # What taking effect did: the freeze transactions per wallet, the filed report's id.
    outcome: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    effective_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class AmlReport(Base):
    """A filed suspicious-transaction report: the JSON document as filed (encrypted: it carries the
    narrative), its SHA-256 and the detached signature over it."""

    __tablename__ = "aml_reports"

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(RowId, ForeignKey("aml_cases.id"), index=True)
    disposition_id: Mapped[int] = mapped_column(RowId, ForeignKey("aml_dispositions.id"), unique=True)
    document_ciphertext: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(132))
    signer: Mapped[str] = mapped_column(String(42))
    filed_by: Mapped[str] = mapped_column(String(128))
    approved_by: Mapped[str] = mapped_column(String(128))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SanctionsList(Base):
    """A screening list compliance uploaded (the format of backend/kyc/data/sanctions.json). Its entries
    are the list's public data, not customers' personal data."""

    __tablename__ = "aml_sanctions_lists"

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    version: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    entries: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    uploaded_by: Mapped[str] = mapped_column(String(128))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Every identity is screened again by then (settings.rescreen_hours after the upload).
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    identities: Mapped[int] = mapped_column(Integer, default=0)


class ScreeningJob(Base):
    """One identity (a live KYC application) to screen against one uploaded list: done once, with the
    alert a hit raises, in one transaction."""

    __tablename__ = "aml_screening_jobs"
    __table_args__ = (
        UniqueConstraint("list_id", "application_id", name="uq_aml_screening_jobs_list_application"),
        Index("ix_aml_screening_jobs_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    list_id: Mapped[int] = mapped_column(RowId, ForeignKey("aml_sanctions_lists.id"), index=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("kyc_applications.id"))
    status: Mapped[str] = mapped_column(String(12), default="pending")
    outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)  # clear | near_match | hit
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    screened_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
