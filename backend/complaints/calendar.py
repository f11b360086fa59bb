"""Business days: Monday to Friday (UTC) that are not configured holidays.

A deadline n business days after a moment is that moment's time of day on the n-th business day after
its date; a complaint filed on a weekend or holiday starts its clock at 00:00 of the next business day.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta


def is_business_day(day: date, holidays: Collection[date] = ()) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_business_days(moment: datetime, days: int, holidays: Collection[date] = ()) -> datetime:
    """The deadline `days` business days after `moment` (aware, UTC)."""
    moment = moment.astimezone(UTC)
    if not is_business_day(moment.date(), holidays):
        day = moment.date()
        while not is_business_day(day, holidays):
            day += timedelta(days=1)
        moment = datetime.combine(day, time(0, 0), tzinfo=UTC)
    day, counted = moment.date(), 0
    while counted < days:
        day += timedelta(days=1)
        if is_business_day(day, holidays):
            counted += 1
    return datetime.combine(day, moment.timetz())
