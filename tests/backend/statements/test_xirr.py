"""XIRR against cases worked by hand (365-day years; bps rounded down)."""

from __future__ import annotations

from backend.statements.xirr import xirr_bps

YEAR = 365 * 86_400
T = 1_800_000_000  # any start: only the differences of the times count


def test_a_tenth_more_a_year_later_is_ten_percent_exactly():
    assert xirr_bps([(T, -1_000_000_000), (T + YEAR, 1_100_000_000)]) == 1_000


def test_half_a_year_at_five_percent_compounds_to_ten_point_two_five():
    # (1 + r) ** 0.5 = 1.05  =>  r = 10.25 %
    assert xirr_bps([(T, -1_000), (T + YEAR // 2, 1_050)]) == 1_025


def test_two_years_of_flows_solve_the_quadratic():
    # -1000 + 500 x + 605 x^2 = 0, x = 1 / (1 + r): x = (-500 + sqrt(2,670,000)) / 1210 = 0.93720...
    # r = 1 / x - 1 = 6.700 %, floor 670 bps
    assert xirr_bps([(T, -1_000), (T + YEAR, 500), (T + 2 * YEAR, 605)]) == 670


def test_a_loss_is_a_negative_rate_and_the_order_of_the_flows_given_does_not_matter():
    assert xirr_bps([(T + YEAR, 900), (T, -1_000)]) == -1_000


def test_the_rate_is_rounded_down_not_to_the_nearest_bps():
    # 1.10999 a year: 1,099.9 bps -> 1,099
    assert xirr_bps([(T, -100_000), (T + YEAR, 110_999)]) == 1_099


def test_flows_of_one_sign_or_none_have_no_rate():
    assert xirr_bps([]) is None
    assert xirr_bps([(T, 1_000), (T + YEAR, 5)]) is None
    assert xirr_bps([(T, -1_000), (T + YEAR, 0)]) is None


def test_a_monthly_annuity_at_twelve_percent_nominal_is_its_effective_rate():
    # 12 monthly payments on 1,000 at 1 % a month (30.4167-day months stand in by 365/12 days)
    payment = 1_000 * 0.01 / (1 - 1.01**-12)
    flows = [(T, -1_000_000_000)] + [(T + k * YEAR // 12, round(payment * 1_000_000)) for k in range(1, 13)]
    assert xirr_bps(flows) == 1_268  # (1.01 ** 12 - 1) = 12.6825 %
