"""DisclosureRegistry.periodEnd: the first second after a month, as the calendar has it."""

import calendar
from datetime import UTC, datetime

import pytest


def _next_month_start(year, month):
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return calendar.timegm(datetime(year, month, 1, tzinfo=UTC).utctimetuple())


@pytest.mark.parametrize(
    "year,month",
    [(1970, 1), (1999, 12), (2000, 2), (2024, 2), (2026, 11), (2026, 12), (2100, 2), (2400, 2), (9999, 11)],
)
def test_period_end_is_the_first_second_of_the_next_month(disclosure, year, month):
    assert disclosure.periodEnd(year * 100 + month) == _next_month_start(year, month)


def test_period_end_agrees_with_the_calendar_for_every_month_of_a_century(disclosure):
    # one call per year keeps it quick: every month of 2000..2099 through twelve eth_calls a year is
    # 1,200 calls; the first of each quarter covers leap and century rules as well
    for year in range(2000, 2100):
        for month in (1, 2, 3, 12):
            assert disclosure.periodEnd(year * 100 + month) == _next_month_start(year, month), (year, month)


@pytest.mark.parametrize("period", [0, 197001 - 1, 202600, 202613, 202699, 10_000_01])
def test_period_end_refuses_what_is_not_a_month(disclosure, reverts_with, period):
    with reverts_with("InvalidPeriod", period):
        disclosure.periodEnd(period)
