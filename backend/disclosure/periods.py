"""Months ("2026-11"), their bounds on the chain's clock (UTC), and calendar-month arithmetic.

A period is written yyyy-mm in the API and yyyymm (uint32) on-chain. Its end is the first second of the
next month: what happened in blocks timestamped before it belongs to the month.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime

DAY = 86_400
_PERIOD = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")


def parse_period(text: str) -> tuple[int, int]:
    """(year, month) of "yyyy-mm"; ValueError for anything else."""
    match = _PERIOD.match(text)
    if not match or int(match.group(1)) < 1970:
        raise ValueError(f"a period is a month written yyyy-mm (1970 or later), not {text!r}")
    return int(match.group(1)), int(match.group(2))


def period_name(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def period_code(year: int, month: int) -> int:
    """The yyyymm the DisclosureRegistry anchors under."""
    return year * 100 + month


def from_code(code: int) -> tuple[int, int]:
    return code // 100, code % 100


def month_start(year: int, month: int) -> int:
    return calendar.timegm((year, month, 1, 0, 0, 0))


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def period_end(year: int, month: int) -> int:
    """The first second after the month (DisclosureRegistry.periodEnd). Counted from the month's own
    start, so that December 9999 has an end although year 10000 has no date in Python."""
    return month_start(year, month) + calendar.monthrange(year, month)[1] * DAY


def month_of(timestamp: int) -> tuple[int, int]:
    at = datetime.fromtimestamp(timestamp, UTC)
    return at.year, at.month


def months_between(start: tuple[int, int], end: tuple[int, int]) -> int:
    """Whole calendar months from `start` to `end` (0 for the same month)."""
    return (end[0] - start[0]) * 12 + end[1] - start[1]


def day_ends(year: int, month: int) -> list[int]:
    """The end (first second of the next day) of every day of the month, in order."""
    start, days = month_start(year, month), calendar.monthrange(year, month)[1]
    return [start + (d + 1) * DAY for d in range(days)]
