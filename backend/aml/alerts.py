"""Raising an alert: once per `dedup_key`, into the subject's open case (a new case if it has none).

A case's score is its highest alert's, plus 5 for each other rule that fired in it (several patterns
about one person weigh more than one pattern seen twice), at most 100.

Writers race only on PostgreSQL (the indexer, a backfill and the screening worker at once): there the
alert and a new case are inserted under a savepoint, and losing the race on a unique index (the alert's
key, or one open case per subject) reads the winner's row instead. SQLite has one writer at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.aml.models import OPEN_CASE_STATUSES, AmlAlert, AmlAlertTransaction, AmlCase
from backend.core.audit import record_audit
from backend.db.types import utcnow

ACTOR = "system:aml"


@dataclass(frozen=True)
class Movement:
    """One transaction of an alert: an indexed event (hash, log index) moving `amount` for `wallet`."""

    block_number: int
    log_index: int
    tx_hash: str
    wallet: str
    kind: str
    amount: int
    timestamp: int

    @property
    def position(self) -> tuple[int, int]:
        return (self.block_number, self.log_index)


@dataclass
class Draft:
    rule: str
    dedup_key: str
    subject_key: str
    wallet: str | None
    score: int
    amount: int
    transactions: Sequence[Movement] = ()
    details: dict[str, Any] = field(default_factory=dict)
    tx_hash: str | None = None
    log_index: int | None = None
    block_number: int | None = None
    chain_time: int | None = None


def _racing(session: Session) -> bool:
    return session.get_bind().dialect.name != "sqlite"


def exists(session: Session, dedup_key: str) -> bool:
    return session.scalar(select(AmlAlert.id).where(AmlAlert.dedup_key == dedup_key)) is not None


def open_case(session: Session, subject_key: str) -> AmlCase | None:
    return session.scalar(
        select(AmlCase).where(AmlCase.subject_key == subject_key, AmlCase.status.in_(OPEN_CASE_STATUSES))
    )


def _case_for(session: Session, subject_key: str) -> AmlCase:
    case = open_case(session, subject_key)
    if case is not None:
        return case
    case = AmlCase(subject_key=subject_key, status="open", score=0, alert_count=0)
    if _racing(session):
        try:
            with session.begin_nested():
                session.add(case)
                session.flush()
        except IntegrityError:  # another writer opened the subject's case first
            found = open_case(session, subject_key)
            if found is None:
                raise
            return found
    else:
        session.add(case)
        session.flush()
    record_audit(session, ACTOR, "aml.case.opened", "aml_case", str(case.id), None, {"status": "open"})
    return case


def rescore(session: Session, case: AmlCase) -> None:
    rows = session.execute(
        select(AmlAlert.rule, func.max(AmlAlert.score), func.count())
        .where(AmlAlert.case_id == case.id, AmlAlert.status != "withdrawn")
        .group_by(AmlAlert.rule)
    ).all()
    case.alert_count = sum(count for _, _, count in rows)
    top = max((score for _, score, _ in rows), default=0)
    case.score = min(100, top + 5 * max(0, len(rows) - 1))


def raise_alert(session: Session, draft: Draft) -> AmlAlert | None:
    """The alert, merged into its subject's open case; None if its key was raised before."""
    if exists(session, draft.dedup_key):
        return None
    case = _case_for(session, draft.subject_key)
    alert = AmlAlert(
        dedup_key=draft.dedup_key,
        rule=draft.rule,
        subject_key=draft.subject_key,
        wallet=draft.wallet,
        case_id=case.id,
        score=draft.score,
        amount=str(draft.amount),
        status="open",
        details=draft.details,
        tx_hash=draft.tx_hash,
        log_index=draft.log_index,
        block_number=draft.block_number,
        chain_time=draft.chain_time,
    )
    if _racing(session):
        try:
            with session.begin_nested():
                session.add(alert)
                session.flush()
        except IntegrityError:  # the same alert raised by another writer (a backfill beside the indexer)
            return None
    else:
        session.add(alert)
        session.flush()
    seen: set[tuple[str, int, str]] = set()
    for m in draft.transactions:
        if (m.tx_hash, m.log_index, m.wallet) in seen:
            continue
        seen.add((m.tx_hash, m.log_index, m.wallet))
        session.add(
            AmlAlertTransaction(
                alert_id=alert.id,
                tx_hash=m.tx_hash,
                log_index=m.log_index,
                wallet=m.wallet,
                block_number=m.block_number,
                kind=m.kind,
                amount=str(m.amount),
                timestamp=m.timestamp,
            )
        )
    session.flush()
    rescore(session, case)
    case.updated_at = utcnow()
    record_audit(
        session,
        ACTOR,
        "aml.alert.raised",
        "aml_case",
        str(case.id),
        None,
        {"alert": alert.id, "rule": alert.rule, "score": alert.score, "case_score": case.score},
    )
    return alert
