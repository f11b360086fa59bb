"""The loan market's annuity rule in Python, rounding for rounding (contracts/lending/AnnuityMath.sol).

Rate per period r = aprBps / 10000 * periodLength / 365 days in ray, rounded up; installment
A = ceil(P * r * (1+r)^n / ((1+r)^n - 1)) with (1+r)^n a ray power rounded down at every product;
period k charges ceil(B * r) on the scheduled balance B and min(A - interest, B) principal, and the
last period pays the whole balance.

Pure integer arithmetic with no imports, so the Brownie environment (contract tests) uses it as well
as the service (indexer), the end-to-end tests and the demo.
"""

from __future__ import annotations

from typing import NamedTuple

RAY = 10**27
BPS = 10_000
YEAR = 365 * 86_400


class Installment(NamedTuple):
    period: int  # 1-based
    due: int
    payment: int
    interest: int
    principal: int
    balance: int  # scheduled balance after this installment


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def rate_per_period(apr_bps: int, period_length: int) -> int:
    return _ceil_div(apr_bps * (RAY // BPS) * period_length, YEAR)


def _rpow(x: int, n: int) -> int:
    z = RAY
    while n:
        if n & 1:
            z = z * x // RAY
        n >>= 1
        if n:  # the last squaring is never used
            x = x * x // RAY
    return z


def installment(principal: int, rate: int, periods: int) -> int:
    """The level installment at `rate` per period (ray)."""
    if rate == 0:
        return _ceil_div(principal, periods)
    growth = _rpow(RAY + rate, periods)
    return _ceil_div(principal * _ceil_div(rate * growth, growth - RAY), RAY)


def annuity_installment(principal: int, apr_bps: int, periods: int, period_length: int) -> int:
    return installment(principal, rate_per_period(apr_bps, period_length), periods)


def annuity_schedule(
    principal: int,
    apr_bps: int,
    periods: int,
    period_length: int,
    first_due: int,
    installment_amount: int | None = None,
) -> list[Installment]:
    """The contractual schedule; `installment_amount` defaults to the rule's (pass the one a LoanDrawn
    event states to follow the chain exactly)."""
    rate = rate_per_period(apr_bps, period_length)
    amount = installment(principal, rate, periods) if installment_amount is None else installment_amount
    rows, balance = [], principal
    for k in range(1, periods + 1):
        interest = _ceil_div(balance * rate, RAY)
        part = balance if k == periods else min(max(amount - interest, 0), balance)
        balance -= part
        rows.append(
            Installment(k, first_due + (k - 1) * period_length, interest + part, interest, part, balance)
        )
    return rows


def restructured_schedule(
    balance: int,
    apr_bps: int,
    period_length: int,
    base_period: int,
    num_periods: int,
    first_due: int,
    installment_amount: int,
    first_charges: int,
) -> list[Installment]:
    """The schedule a restructuring puts in force (RestructureSchedule.rows, LoanMarketLens.schedule):
    installments base_period + 1 .. num_periods on `balance`, the first due at `first_due` and one every
    period after. Each principal part is the schedule's step (one period's interest on the scheduled
    balance); only the first row's interest differs: it carries `first_charges`, the late fees and
    interest unpaid at the restructuring and the interest that accrues to the first due date (the
    holiday's interest among it)."""
    rate = rate_per_period(apr_bps, period_length)
    rows, b = [], balance
    for k in range(base_period + 1, num_periods + 1):
        interest = _ceil_div(b * rate, RAY)
        part = b if k >= num_periods else min(max(installment_amount - interest, 0), b)
        if k == base_period + 1:
            interest = first_charges
        b -= part
        due = first_due + (k - base_period - 1) * period_length
        rows.append(Installment(k, due, interest + part, interest, part, b))
    return rows
