import pytest
from market_support import DAY, GRADES, RAY, USD, installment, rate_per_period, schedule_rows


def test_installment_matches_reference_model(market, lens, drawn):
    loan = market.getLoan(drawn)
    r = rate_per_period(GRADES[2][0], 30 * DAY)
    assert loan["installment"] == installment(10_000 * USD, r, 12)
    # 9% APR, 12 x 30 days on 10,000 USD: about 874 USD per installment
    assert 873 * USD < loan["installment"] < 876 * USD


def test_schedule_view_is_the_contractual_annuity(market, lens, drawn):
    rows = lens.schedule(drawn)
    loan = market.getLoan(drawn)
    expected = schedule_rows(10_000 * USD, GRADES[2][0], 30 * DAY, 12)
    assert len(rows) == 12
    for k, (row, (i, p)) in enumerate(zip(rows, expected, strict=False), start=1):
        assert row["dueDate"] == loan["drawnAt"] + k * 30 * DAY
        assert row["interest"] == i and row["principal"] == p and row["amount"] == i + p
    assert sum(r["principal"] for r in rows) == 10_000 * USD
    # equal installments except the last, which absorbs rounding
    assert len({r["amount"] for r in rows[:-1]}) == 1
    assert abs(rows[-1]["amount"] - rows[0]["amount"]) <= 12


def test_schedule_preview_before_drawdown(market, lens, listed):
    rows = lens.schedule(listed)
    assert sum(r["principal"] for r in rows) == 10_000 * USD


@pytest.mark.parametrize(
    "principal,apr,length,n",
    [
        (1, 900, 30 * DAY, 12),
        (10**6, 0, 30 * DAY, 7),
        (40_000 * USD, 10_000, 365 * DAY, 10),
        (12_345_678, 3_600, DAY, 360),
        (5_000 * USD, 1, 7 * DAY, 52),
    ],
)
def test_schedule_repays_exactly_the_principal_and_never_less_interest(principal, apr, length, n):
    rows = schedule_rows(principal, apr, length, n)
    assert sum(p for _, p in rows) == principal
    r = rate_per_period(apr, length)
    # interest parts are rounded up on the running balance: never below the exact value
    b = principal
    for i, p in rows:
        assert i * RAY >= b * r
        b -= p


def test_lens_total_scheduled(lens, drawn):
    rows = lens.schedule(drawn)
    assert lens.totalScheduled(drawn) == sum(r["amount"] for r in rows)


def test_schedule_unknown_loan_reverts(lens, err):
    with err("UnknownLoan", 42):
        lens.schedule(42)
