"""Vintage curves: per grade and month of drawdown, the cumulative default and loss share of the cohort's
drawn principal after each calendar month on book."""

from __future__ import annotations

import calendar

from backend.disclosure.service import platform_disclosure
from tests.backend.disclosure.book_story import DAY, DEFAULTED_AT, RECOVERED, USD, store

JUNE_5 = calendar.timegm((2027, 6, 5, 0, 0, 0))


def _vintages(session, at, since=None):
    store(session, at, since)
    return {(v.grade, v.cohort): v for v in platform_disclosure(session).vintages}


def test_cohorts_are_by_grade_and_month_of_drawdown(session):
    vintages = _vintages(session, JUNE_5)
    assert sorted(vintages) == [("A", "2027-01"), ("B", "2027-01"), ("E", "2027-01")]
    b = vintages[("B", "2027-01")]
    assert (b.loans, b.principal) == (2, 1_500 * USD)


def test_a_cell_per_month_from_drawdown_to_now(session):
    cells = _vintages(session, JUNE_5)[("E", "2027-01")].cells
    assert [c.months_on_book for c in cells] == [0, 1, 2, 3, 4, 5]


def test_the_default_shows_from_the_month_it_happened_and_stays(session):
    # loan 3 (grade E, drawn in January) was defaulted in May: four months after its drawdown's month
    cells = _vintages(session, JUNE_5)[("E", "2027-01")].cells
    assert [c.defaulted for c in cells] == [0, 0, 0, 0, 2_000 * USD, 2_000 * USD]
    assert [c.loss for c in cells] == [0, 0, 0, 0, 2_000 * USD - RECOVERED, 2_000 * USD - RECOVERED]
    may = cells[4]
    assert (may.default_share.numerator, may.default_share.denominator, may.default_share.bps) == (
        2_000 * USD,
        2_000 * USD,
        10_000,
    )
    assert may.loss_share.bps == 6_000


def test_a_cohort_without_defaults_stays_at_zero(session):
    cells = _vintages(session, JUNE_5)[("B", "2027-01")].cells
    assert all(c.defaulted == 0 and c.loss == 0 and c.default_share.bps == 0 for c in cells)


def test_the_loss_before_recoveries_is_the_whole_default_principal(session):
    cells = _vintages(session, DEFAULTED_AT + 1)[("E", "2027-01")].cells
    assert (cells[-1].defaulted, cells[-1].loss) == (2_000 * USD, 2_000 * USD)
    after = _vintages(session, DEFAULTED_AT + 3 * DAY, since=DEFAULTED_AT + 1)  # the index moved on
    assert after[("E", "2027-01")].cells[-1].loss == 2_000 * USD - RECOVERED
