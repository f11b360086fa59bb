"""The annual summary: the year's totals are its months', and its XIRR is that of the wallet's own cash
flows with the closing position taken out at the latest indexed block (a year still running)."""

from __future__ import annotations

from backend.statements import service
from tests.backend.statements import test_monthly_statement as monthly
from tests.backend.statements.book import at
from tests.backend.statements.test_monthly_statement import ANA, BO, CY, MONTHS, SETTINGS

story = monthly.story  # the same fixture: the same book

FIGURES = ("funded", "refunded", "repayments", "interest", "fees", "recoveries", "losses", "claimed", "sold")


def _float_xirr(flows: list[tuple[int, int]]) -> float:
    t0 = min(t for t, _ in flows)

    def npv(rate: float) -> float:
        return sum(a * (1 + rate) ** (-(t - t0) / (365 * 86_400)) for t, a in flows)

    lo, hi = -0.9999, 100.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if (npv(mid) > 0) == (npv(lo) > 0):
            lo = mid
        else:
            hi = mid
    return lo


def test_the_years_totals_are_the_sum_of_its_months(session, story):
    for who in (ANA, BO, CY):
        year = service.annual_summary(session, SETTINGS, who, 2027)
        months = [service.monthly_statement(session, SETTINGS, who, y, m) for y, m in MONTHS]
        for name in FIGURES:
            assert getattr(year.totals, name) == sum(getattr(m.totals, name) for m in months), (who, name)
        assert year.positions.closing_principal == months[-1].positions.closing_principal
        assert year.positions.opening_principal == 0 and year.final is False


def test_the_buyers_xirr_is_that_of_the_price_paid_against_what_the_note_is_worth_now(session, story):
    summary = service.annual_summary(session, SETTINGS, CY, 2027)
    price = story.sale[0]
    worth = summary.positions.closing_principal + summary.positions.closing_unclaimed
    assert [(f.kind, f.amount) for f in summary.cash_flows] == [
        ("purchase", -price),
        ("closing_position", worth),
    ]
    assert summary.cash_flows[-1].at.timestamp() == at(2027, 8, 1)  # the index's clock: the year runs on
    expected = _float_xirr([(at(2027, 3, 20), -price), (at(2027, 8, 1), worth)])
    assert summary.xirr_bps is not None and abs(summary.xirr_bps - expected * 10_000) <= 1


def test_a_lenders_return_is_that_of_its_own_flows_its_write_off_recovered_after(session, story):
    summary = service.annual_summary(session, SETTINGS, ANA, 2027)
    flows = [(int(f.at.timestamp()), f.amount) for f in summary.cash_flows]
    paid_in = -sum(a for _, a in flows if a < 0)
    assert paid_in == summary.totals.funded
    assert sum(a for _, a in flows if a > 0) == (
        summary.totals.claimed
        + summary.totals.refunded
        + summary.positions.closing_principal
        + summary.positions.closing_unclaimed
    )
    assert summary.totals.losses > 0 and summary.totals.recovered_after_write_off == summary.totals.losses
    assert abs(summary.xirr_bps - _float_xirr(flows) * 10_000) <= 1
