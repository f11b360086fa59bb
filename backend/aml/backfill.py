"""`peerlend aml backfill --from-block N`: the rules run again over the events the index has stored.

For a deployment indexed before monitoring existed, or after a change of thresholds. The rules judge each
event on the history at its position (backend/aml/rules.py), so a replay sees what the live run saw, and
every alert is keyed by what raised it: a replay raises only alerts that were not raised before. Events
are read page by page, each page in a transaction of its own (holding SQLite's write lock for a page at
most, so an indexer running beside it waits seconds, not the whole replay).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session, sessionmaker

from backend.aml.models import AmlAlert
from backend.aml.observers import OBSERVERS
from backend.chain.indexer.decoders import DecodedEvent
from backend.chain.indexer.models import ChainEvent
from backend.chain.indexer.registry import stored_event
from backend.db.session import take_write_lock

log = logging.getLogger("peerlend.aml.backfill")


@dataclass(frozen=True)
class BackfillResult:
    events: int
    alerts: int
    last_block: int | None


def observe(session: Session, event: DecodedEvent) -> None:
    """The AML observers of one event, each rolled back alone if it fails (as the indexer runs them)."""
    for key in ((event.contract, event.event), (None, event.event)):
        observer = OBSERVERS.get(key)
        if observer is None:
            continue
        try:
            with session.begin_nested():
                observer(session, event)
        except Exception:
            log.exception("AML rule %s failed at block %d", observer.__name__, event.block_number)


def backfill(sessions: sessionmaker[Session], from_block: int, page: int = 2_000) -> BackfillResult:
    last = (from_block, -1)
    events, raised, last_block = 0, 0, None
    while True:
        with sessions() as session:
            take_write_lock(session)
            before = session.scalar(select(func.count()).select_from(AmlAlert)) or 0
            rows = session.scalars(
                select(ChainEvent)
                .where(tuple_(ChainEvent.block_number, ChainEvent.log_index) > last)
                .order_by(ChainEvent.block_number, ChainEvent.log_index)
                .limit(page)
            ).all()
            if not rows:
                return BackfillResult(events, raised, last_block)
            for row in rows:
                observe(session, stored_event(row))
            raised += (session.scalar(select(func.count()).select_from(AmlAlert)) or 0) - before
            session.commit()
        events += len(rows)
        last = (rows[-1].block_number, rows[-1].log_index)
        last_block = rows[-1].block_number
        log.info("backfilled %d events up to block %d (%d new alerts)", events, last_block, raised)
