"""The chain's clock as the index knows it, and the reminder windows measured on it.

Reminders are counted in UTC days: the reminder "T-n" of an installment opens at 00:00 UTC n days before
the day its due date falls on, and stays applicable until the next one opens; "T-0" until the due day ends.
With the offsets 7, 3, 1, 0 the windows are [day-7, day-3), [day-3, day-1), [day-1, day), [day, day+1).
At any chain time at most one reminder of an installment is applicable: the latest one that has opened.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.chain.indexer.models import ChainBlock, ChainCheckpoint

DAY = 86_400


def chain_now(session: Session) -> int | None:
    """The timestamp of the latest indexed block; None before anything is indexed (never the wall clock:
    after `make demo` the chain runs months ahead of it)."""
    checkpoint = session.get(ChainCheckpoint, "main")
    if checkpoint is not None:
        at = session.scalar(select(ChainBlock.timestamp).where(ChainBlock.number == checkpoint.last_block))
        if at is not None:
            return int(at)
    latest = session.scalar(select(ChainBlock.timestamp).order_by(ChainBlock.number.desc()).limit(1))
    return int(latest) if latest is not None else None


def day_start(timestamp: int) -> int:
    return timestamp - timestamp % DAY


def windows(due_at: int, offsets: Sequence[int]) -> list[tuple[int, int, int]]:
    """(offset, opens, closes) of each reminder of an installment due at `due_at`, earliest first."""
    ordered = sorted(offsets, reverse=True)
    due_day = day_start(due_at)
    opens = [due_day - o * DAY for o in ordered]
    closes = [*opens[1:], due_day + DAY] if ordered[-1] == 0 else [*opens[1:], due_day]
    return list(zip(ordered, opens, closes, strict=True))


def applicable(due_at: int, now: int, offsets: Sequence[int]) -> int | None:
    """The offset of the reminder applicable at `now`, or None (too early, or past the due day)."""
    for offset, opens, closes in windows(due_at, offsets):
        if opens <= now < closes:
            return offset
    return None
