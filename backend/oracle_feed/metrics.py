"""Oracle figures for `/metrics` (backend/core/state_metrics.py): reports by status, and how long an
approved credit decision takes to be on-chain (approval, when the report is created, to the indexer
seeing it confirmed), over the reports confirmed in the last day."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.core.state_metrics import Figure
from backend.db.types import utcnow
from backend.risk.models import CreditReport

_WINDOW = timedelta(days=1)
_SAMPLE = 5_000  # the latest confirmations of the window at most: a scrape stays cheap


def oracle_figures(session: Session) -> Iterator[Figure]:
    counts = session.execute(select(CreditReport.status, func.count()).group_by(CreditReport.status))
    for status, count in counts:
        yield Figure("peerlend_credit_reports", "Credit reports by status", count, {"status": status})
    rows = session.execute(
        select(CreditReport.created_at, CreditReport.updated_at)
        .where(CreditReport.status == "confirmed", CreditReport.updated_at >= utcnow() - _WINDOW)
        .order_by(CreditReport.updated_at.desc())
        .limit(_SAMPLE)
    )
    seconds = sorted(max(0.0, (confirmed - approved).total_seconds()) for approved, confirmed in rows)
    if not seconds:
        return
    name, help_ = "peerlend_oracle_approval_to_chain_seconds", "Approval to on-chain confirmation, last 24 h"
    for q in (0.5, 0.95, 0.99):
        value = seconds[min(len(seconds) - 1, int(q * len(seconds)))]
        yield Figure(name, help_, value, {"quantile": str(q)})
    yield Figure(name + "_max", help_ + ", slowest", seconds[-1])
    yield Figure(name + "_count", help_ + ", reports", len(seconds))
