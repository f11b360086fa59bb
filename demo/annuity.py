"""The contractual schedule by the rule ILoanMarket documents, for when the deployment has no
LoanMarketLens: rate per period r = aprBps / 10000 * periodLength / 365 days in ray, rounded up;
installment A = ceil(P * r * (1+r)^n / ((1+r)^n - 1)) with (1+r)^n rounded down; period k charges
ceil(B * r) interest on the scheduled balance B and min(A - interest, B) principal; the last period
pays the whole remaining balance."""

from __future__ import annotations

RAY = 10**27
BPS = 10_000
YEAR = 365 * 86_400


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def rate_per_period(apr_bps: int, period: int) -> int:
    return _ceil_div(apr_bps * (RAY // BPS) * period, YEAR)


def _rpow(x: int, n: int) -> int:
    z = RAY
    while n > 0:
        if n & 1:
            z = z * x // RAY
        n >>= 1
        if n > 0:
            x = x * x // RAY
    return z


def installment(principal: int, r: int, n: int) -> int:
    if r == 0:
        return _ceil_div(principal, n)
    x = _rpow(RAY + r, n)
    factor = _ceil_div(r * x, x - RAY)
    return _ceil_div(principal * factor, RAY)


def schedule(principal: int, apr_bps: int, period: int, n: int, start: int) -> list[dict]:
    r = rate_per_period(apr_bps, period)
    amount = installment(principal, r, n)
    balance, rows = principal, []
    for k in range(1, n + 1):
        interest = _ceil_div(balance * r, RAY)
        part = balance if k >= n else min(max(amount - interest, 0), balance)
        balance -= part
        rows.append(
            {
                "k": k,
                "due": start + k * period,
                "amount": interest + part,
                "interest": interest,
                "principal": part,
            }
        )
    return rows
