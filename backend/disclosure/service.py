"""Disclosure use cases over the chain index: the platform figures now, a month's figures, a month's
published snapshot with its anchor. Beside the chain's figures, the complaint figures come from the
complaint records (backend/complaints), counted as they stood at the same instant."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.chain.indexer.models import ChainBlock, ChainCheckpoint, ChainEvent
from backend.chain.outbox import CONFIRMED, SENT, OutboxEntry
from backend.complaints.service import complaint_figures
from backend.disclosure import problems
from backend.disclosure.book import Replay
from backend.disclosure.figures import WINDOW, platform_figures
from backend.disclosure.models import AnchorView, DisclosureSnapshot
from backend.disclosure.periods import month_of, parse_period, period_code, period_end, period_name
from backend.disclosure.schemas import (
    SNAPSHOT_SCHEMA,
    AnchorOut,
    Complaints,
    PlatformDisclosure,
    SnapshotOut,
)
from backend.loans.service import chain_time

ANCHOR_PURPOSE = "disclosure.anchor"
SNAPSHOT_OBJECT = "disclosure_snapshot"


@dataclass(frozen=True)
class IndexPosition:
    block: int  # the checkpoint: every event up to this block is indexed
    time: int  # that block's timestamp, the index's clock


def index_position(session: Session) -> IndexPosition:
    block = session.scalar(select(ChainCheckpoint.last_block).where(ChainCheckpoint.name == "main"))
    if block is None:
        return IndexPosition(0, chain_time(session))
    time = session.scalar(select(ChainBlock.timestamp).where(ChainBlock.number == block))
    return IndexPosition(int(block), int(time) if time is not None else chain_time(session))


def complaints_at(session: Session, as_of: int) -> Complaints:
    """The complaint figures at `as_of` (unix seconds): cumulative, and of the 30 days before."""
    at = datetime.fromtimestamp(as_of, UTC)
    since = datetime.fromtimestamp(as_of - WINDOW, UTC)
    return Complaints(
        cumulative=complaint_figures(session, at), last_30_days=complaint_figures(session, at, since)
    )


def platform_disclosure(session: Session, top: int = 10) -> PlatformDisclosure:
    """The figures at the index's latest block, as the chain stood at that block's time."""
    at = index_position(session)
    replay = Replay(session, at.block)
    book = replay.rest()
    return platform_figures(
        book,
        at.time,
        at.block,
        reserve_fund=replay.reserve.fund,
        reserve_balance=replay.reserve.balance(),
        complaints=complaints_at(session, at.time),
        top=top,
    )


def month_document(
    session: Session, year: int, month: int, chain_id: int, top: int = 10
) -> dict[str, object]:
    """The month's snapshot document: the figures at the month's end (events of blocks timestamped before
    it), bound to the chain. The same month always gives the same document once the index (and, for
    its complaint figures, the service's clock) has passed the month's end."""
    end = period_end(year, month)
    at = index_position(session)
    if at.time < end:
        raise problems.period_not_ended(period_name(year, month), end, at.time)
    replay = Replay(session, at.block)
    book = replay.until(end)
    figures = platform_figures(
        book,
        end,
        book.last_block,
        reserve_fund=replay.reserve.fund,
        reserve_balance=replay.reserve.balance(end),
        complaints=complaints_at(session, end),
        top=top,
    )
    return {
        "schemaVersion": SNAPSHOT_SCHEMA,
        "period": period_name(year, month),
        "chainId": chain_id,
        "figures": figures.model_dump(mode="json", by_alias=True),
    }


def first_period(session: Session) -> tuple[int, int] | None:
    """The month of the first indexed event: the deployment's."""
    first = session.scalar(select(ChainEvent.block_timestamp).order_by(ChainEvent.id).limit(1))
    return month_of(int(first)) if first is not None else None


def _stored(session: Session, period: str) -> DisclosureSnapshot:
    try:
        year, month = parse_period(period)
    except ValueError as exc:
        raise problems.invalid_period(str(exc)) from exc
    row = session.get(DisclosureSnapshot, period_code(year, month))
    if row is None:
        # a month that has not ended (the current one, or any later) is told apart from one not published
        end, at = period_end(year, month), index_position(session)
        if at.time < end:
            raise problems.period_not_ended(period_name(year, month), end, at.time)
        raise problems.snapshot_not_found(period)
    return row


def snapshot_document(session: Session, period: str) -> tuple[bytes, str]:
    """The month's canonical bytes as stored, and their SHA-256 (hex)."""
    row = _stored(session, period)
    return row.content.encode(), row.sha256


def snapshot(session: Session, period: str) -> SnapshotOut:
    row = _stored(session, period)
    anchor = session.get(AnchorView, row.period)
    return SnapshotOut(
        period=period,
        status=snapshot_status(session, row, anchor),
        sha256=row.sha256,
        document=json.loads(row.content),
        anchor=AnchorOut.model_validate(anchor) if anchor is not None else None,
    )


def snapshot_status(session: Session, row: DisclosureSnapshot, anchor: AnchorView | None) -> str:
    if anchor is not None:
        return "anchored" if anchor.content_hash.lower() == "0x" + row.sha256 else "conflict"
    entry = latest_anchor_send(session, row.period)
    return "anchoring" if entry is not None and entry.status in (SENT, CONFIRMED) else "computed"


def latest_anchor_send(session: Session, period: int) -> OutboxEntry | None:
    return session.scalar(
        select(OutboxEntry)
        .where(
            OutboxEntry.purpose == ANCHOR_PURPOSE,
            OutboxEntry.object_type == SNAPSHOT_OBJECT,
            OutboxEntry.object_id == str(period),
        )
        .order_by(OutboxEntry.id.desc())
        .limit(1)
    )
