"""ORM rows -> API bodies (backend/aml/schemas.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.aml.models import AmlAlert, AmlAlertTransaction, AmlDisposition, SanctionsList
from backend.aml.schemas import (
    AlertView,
    CaseDetailView,
    CaseView,
    DispositionView,
    SanctionsListView,
    TransactionView,
    is_overdue,
)
from backend.aml.screening import progress
from backend.aml.service import CaseDetail
from backend.db.types import utcnow


def alert_views(session: Session, alerts: Sequence[AmlAlert]) -> list[AlertView]:
    by_alert: dict[int, list[TransactionView]] = defaultdict(list)
    if alerts:
        rows = session.scalars(
            select(AmlAlertTransaction)
            .where(AmlAlertTransaction.alert_id.in_([a.id for a in alerts]))
            .order_by(AmlAlertTransaction.block_number, AmlAlertTransaction.log_index)
        )
        for row in rows:
            by_alert[row.alert_id].append(TransactionView.model_validate(row))
    return [AlertView.model_validate({**_columns(a), "transactions": by_alert.get(a.id, [])}) for a in alerts]


def _columns(alert: AmlAlert) -> dict[str, object]:
    return {c: getattr(alert, c) for c in AmlAlert.__table__.columns.keys()}


def disposition_view(d: AmlDisposition, reason: str | None, decision: str | None) -> DispositionView:
    values = {c: getattr(d, c) for c in AmlDisposition.__table__.columns.keys()}
    return DispositionView.model_validate({**values, "reason": reason, "decision_reason": decision})


def case_detail_view(session: Session, detail: CaseDetail) -> CaseDetailView:
    base = CaseView.model_validate(detail.case).model_dump()
    return CaseDetailView.model_validate(
        {
            **base,
            "wallets": detail.wallets,
            "alerts": alert_views(session, detail.alerts),
            "dispositions": [disposition_view(d, r, x) for d, r, x in detail.dispositions],
            "narrative": detail.narrative,
        }
    )


def list_view(session: Session, listed: SanctionsList) -> SanctionsListView:
    counts = progress(session, listed.id)
    return SanctionsListView(
        id=listed.id,
        version=listed.version,
        sha256=listed.sha256,
        entries=len(listed.entries),
        uploaded_by=listed.uploaded_by,
        uploaded_at=listed.uploaded_at,
        due_at=listed.due_at,
        identities=listed.identities,
        pending=counts.pending,
        done=counts.done,
        failed=counts.failed,
        hits=counts.hits,
        overdue=is_overdue(listed.due_at, counts.pending, utcnow()),
    )
