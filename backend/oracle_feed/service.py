"""Oracle feed logic: serialise credit reports, apply acknowledgements, confirm from chain events."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.chain.indexer.decoders import DecodedEvent
from backend.chain.indexer.models import ChainCheckpoint
from backend.core.schemas import decode_cursor, encode_cursor
from backend.db.session import take_write_lock
from backend.db.types import utcnow
from backend.db.upsert import dialect_insert
from backend.oracle_feed.models import CreditRecordView, OracleRoundView, RefreshRequest
from backend.oracle_feed.projections import record_updates
from backend.oracle_feed.schemas import (
    Ack,
    AckResult,
    OracleReport,
    RefreshResult,
    ReportPage,
    RoundsStatus,
    RoundView,
)
from backend.risk.config import RiskSettings
from backend.risk.models import CreditReport
from backend.risk.refresh import refresh_borrower
from backend.risk.reports import ReportTransitionError, mark_reports
from backend.risk.scorecard import Scorecard


def list_reports(
    session: Session, status: str | None, ids: Sequence[int] | None, limit: int, cursor: str | None
) -> ReportPage:
    """Reports by id (the given ones), pending ones oldest first, or any status newest first; a page by
    keyset on the report id."""
    ascending = bool(ids) or status == "pending"
    kind = "reports-asc" if ascending else "reports-desc"
    position = decode_cursor(kind, cursor, {"id": int})
    query = select(CreditReport)
    if ids:
        query = query.where(CreditReport.id.in_(list(ids)))
    if status:
        query = query.where(CreditReport.status == status)
    if position:
        query = query.where(
            CreditReport.id > position["id"] if ascending else CreditReport.id < position["id"]
        )
    order = CreditReport.id if ascending else CreditReport.id.desc()
    rows = list(session.scalars(query.order_by(order).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return ReportPage(
        items=[OracleReport.model_validate(r) for r in rows],
        next_cursor=encode_cursor(kind, {"id": rows[-1].id}) if more else None,
    )


def apply_acks(session: Session, acks: Sequence[Ack]) -> list[AckResult]:
    """Each ack on its own: a report already final (confirmed by the indexer first, say) is skipped,
    and one bad id never blocks the others."""
    take_write_lock(session)  # it reads, then writes, beside the indexer's writes
    results = []
    for ack in acks:
        report = session.get(CreditReport, ack.id)
        if report is None:
            results.append(AckResult(id=ack.id, status=None, applied=False, detail="unknown report"))
            continue
        try:
            with session.begin_nested():
                mark_reports(
                    session, [ack.id], ack.status, round=ack.round, tx_hash=ack.tx_hash, reason=ack.reason
                )
            results.append(AckResult(id=ack.id, status=report.status, applied=True))
        except ReportTransitionError as exc:
            results.append(AckResult(id=ack.id, status=report.status, applied=False, detail=str(exc)))
    session.commit()
    return results


def refresh(
    session: Session, card: Scorecard, settings: RiskSettings, borrowers: Sequence[str]
) -> list[RefreshResult]:
    """Re-score each borrower (checksum addresses) and record what the request came to, one borrower
    per transaction. The request row is upserted first: concurrent refreshes of one borrower (two
    aggregators) wait for each other there, so the second sees the first one's report on its way."""
    results: list[RefreshResult] = []
    for borrower in borrowers:
        now = utcnow()
        stmt = dialect_insert(session)(RefreshRequest).values(
            borrower=borrower, requests=1, status="open", requested_at=now
        )
        session.execute(
            stmt.on_conflict_do_update(
                index_elements=[RefreshRequest.borrower],
                set_={"requests": RefreshRequest.requests + 1, "status": "open", "requested_at": now},
            )
        )
        outcome = refresh_borrower(session, card, settings, borrower, now)
        row = session.get(RefreshRequest, borrower, populate_existing=True)
        assert row is not None  # upserted above, in this transaction
        row.status, row.resolved_at = "done", utcnow()
        row.outcome, row.detail, row.report_id = outcome.outcome, outcome.detail, outcome.report_id
        session.commit()
        results.append(
            RefreshResult(
                borrower=borrower, outcome=outcome.outcome, detail=outcome.detail, report_id=outcome.report_id
            )
        )
    return results


def rounds_status(session: Session, limit: int) -> RoundsStatus:
    rounds = session.scalars(
        select(OracleRoundView).order_by(OracleRoundView.round.desc()).limit(limit)
    ).all()
    counts = dict(
        session.execute(select(CreditReport.status, func.count()).group_by(CreditReport.status)).all()
    )
    checkpoint = session.get(ChainCheckpoint, "main")
    return RoundsStatus(
        last_round=rounds[0].round if rounds else None,
        indexed_block=checkpoint.last_block if checkpoint else None,
        reports={k: int(v) for k, v in counts.items()},
        rounds=[RoundView.model_validate(r) for r in rounds],
    )


# A report the chain holds is confirmed whatever the service last thought of it: open, or rejected as
# superseded after the aggregator had already signed or broadcast it (a newer application supersedes
# only what is still pending here, but the aggregator's acknowledgement may not have arrived yet).
_CONFIRMABLE = ("pending", "signed", "submitted", "rejected")


def _confirm(session: Session, report: CreditReport, round_: int, tx_hash: str) -> None:
    if report.status == "rejected":
        # The chain's record stands; the history keeps why the service had given up on it.
        report.reject_reason = f"published on-chain in round {round_} after: {report.reject_reason}"[:500]
        report.status, report.round, report.tx_hash = "confirmed", round_, tx_hash
        report.updated_at = utcnow()
        session.flush()
        return
    if report.status != "submitted":
        mark_reports(session, [report.id], "submitted", round=round_, tx_hash=tx_hash)
    mark_reports(session, [report.id], "confirmed", round=round_, tx_hash=tx_hash)


def confirm_from_events(session: Session, events: Sequence[DecodedEvent]) -> int:
    """Indexer side effect: a stored credit record confirms the report with that borrower and asOf."""
    confirmed = 0
    for e in events:
        for a in record_updates(e):
            report = session.scalars(
                select(CreditReport).where(
                    CreditReport.borrower == a["borrower"],
                    CreditReport.as_of == a["asOf"],
                    CreditReport.status.in_(_CONFIRMABLE),
                )
            ).first()
            if report is None:
                continue
            _confirm(session, report, a["round"], e.tx_hash)
            confirmed += 1
    return confirmed


def reconcile_confirmations(session: Session) -> int:
    """Confirms every report not yet confirmed whose exact record (borrower, asOf) the index holds:
    catches up what a failed or missed side effect left open. Idempotent; the caller commits."""
    rows = session.execute(
        select(CreditReport, CreditRecordView)
        .join(
            CreditRecordView,
            (CreditRecordView.borrower == CreditReport.borrower)
            & (CreditRecordView.as_of == CreditReport.as_of),
        )
        .where(CreditReport.status.in_(_CONFIRMABLE))
    ).all()
    for report, record in rows:
        _confirm(session, report, record.round, record.tx_hash)
    return len(rows)
