"""AML figures for `/metrics` (backend/core/state_metrics.py): open alerts by rule, cases by status, and
the sanctions re-screening's pending jobs, with those past their list's deadline."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.aml.models import AmlAlert, AmlCase, SanctionsList, ScreeningJob
from backend.core.state_metrics import Figure
from backend.db.types import utcnow


def aml_figures(session: Session) -> Iterator[Figure]:
    for rule, count in session.execute(
        select(AmlAlert.rule, func.count()).where(AmlAlert.status == "open").group_by(AmlAlert.rule)
    ):
        yield Figure("peerlend_aml_open_alerts", "Open AML alerts by rule", count, {"rule": rule})
    for status, count in session.execute(select(AmlCase.status, func.count()).group_by(AmlCase.status)):
        yield Figure("peerlend_aml_cases", "AML cases by status", count, {"status": status})
    pending = select(func.count()).select_from(ScreeningJob).where(ScreeningJob.status == "pending")
    yield Figure(
        "peerlend_aml_screening_pending", "Identities waiting to be screened", session.scalar(pending) or 0
    )
    overdue = pending.join(SanctionsList, SanctionsList.id == ScreeningJob.list_id).where(
        SanctionsList.due_at < utcnow()
    )
    yield Figure(
        "peerlend_aml_screening_overdue",
        "Identities not screened by their list's deadline",
        session.scalar(overdue) or 0,
    )
