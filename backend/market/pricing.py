"""Indicative figures of an offer from the index: the note's share of the installments still to come (net
of the servicing fee and reserve share on interest, as lenders receive them), and the annual yield to
maturity a price buys, in the contract's convention (NotePricing: the rate per period that discounts
the remaining payments to the price, times periods per year). Integer arithmetic throughout; the
on-chain quote (`GET /v2/market/notes/{noteId}/quote`) is the exact figure a purchase is checked against.
"""

from __future__ import annotations

from collections.abc import Sequence

from backend.loans.models import InstallmentView, LoanView

BPS = 10_000
SCALE = 10**18
YEAR = 365 * 86_400
MIN_YIELD_BPS, MAX_YIELD_BPS = -5_000, 1_000_000  # NotePricing's bisection bounds


def note_cash_flows(loan: LoanView, schedule: Sequence[InstallmentView], share: int) -> list[int]:
    """The note's part of each installment not yet paid, interest net of the fees fixed at drawdown."""
    keep = BPS - loan.servicing_fee_bps - loan.reserve_share_bps
    flows = []
    for row in schedule[loan.periods_paid :]:
        net = row.principal + row.interest * keep // BPS
        flows.append(net * share // loan.principal if loan.principal else 0)
    return flows


def _present_value(flows: Sequence[int], rate_per_period: int) -> int:
    """Sum of flows[k] / (1 + r)^(k+1), r in 1e18 fixed point."""
    pv, factor = 0, SCALE
    for flow in flows:
        factor = factor * (SCALE + rate_per_period) // SCALE
        if factor <= 0:
            return 0
        pv += flow * SCALE // factor
    return pv


def yield_bps(flows: Sequence[int], price: int, period_seconds: int) -> int | None:
    """Annual yield to maturity in bps at `price`, or None when there is nothing left to receive."""
    if not flows or price <= 0 or period_seconds <= 0:
        return None
    periods_per_year = YEAR / period_seconds
    lo, hi = MIN_YIELD_BPS, MAX_YIELD_BPS
    for _ in range(40):  # bps resolution over the bounds
        if hi - lo <= 1:
            break
        mid = (lo + hi) // 2
        rate = int(mid * SCALE / BPS / periods_per_year)
        if _present_value(flows, rate) > price:
            lo = mid  # paying less than the value: the yield is higher
        else:
            hi = mid
    return lo
