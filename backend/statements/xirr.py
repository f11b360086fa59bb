"""XIRR: the annual rate at which a wallet's dated cash flows have a net present value of zero.

    sum_i amount_i * (1 + r) ** (-(t_i - t_0) / YEAR) = 0

with `t` in chain seconds and a year of 365 days (the convention spreadsheets use for XIRR). The rate is
found on the integer grid of basis points by bisection, each step's NPV evaluated in `Decimal` at 50
significant digits, so the answer is the floor of the root in bps (rounded down: a return is never shown
higher than the flows earned), not a float's approximation of it. An NPV within 10^-40 of the flows' size
counts as zero, so a root that falls on a whole bps (10 % exactly) is not lost to the last digit of a
logarithm.

The root is bracketed on [-9,999, 1,000,000] bps, narrowed first to a few bps around a float estimate
when the exact NPV confirms the sign change there (a handful of Decimal evaluations instead of twenty).
Flows of one sign, or no sign change of the NPV over the bracket, have no rate: None. Flows whose NPV
changes sign more than once (money put in again after money came out) can have several rates; the
bisection reports one of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, localcontext

YEAR_SECONDS = 365 * 86_400
MIN_BPS = -9_999  # -99.99 %: (1 + r) stays positive
MAX_BPS = 1_000_000  # +10,000 % a year
_PRECISION = 50
_TOLERANCE = Decimal("1e-40")


def _npv(flows: Sequence[tuple[int, int]], bps: int) -> Decimal:
    """NPV of (seconds since the first flow, amount) at `bps` a year, in the caller's Decimal context."""
    log_growth = (Decimal(10_000 + bps) / Decimal(10_000)).ln()
    total = Decimal(0)
    for offset, amount in flows:
        if offset == 0:
            total += amount
        else:
            total += Decimal(amount) * (-(log_growth * offset) / YEAR_SECONDS).exp()
    return total


def _float_guess(flows: Sequence[tuple[int, int]]) -> int | None:
    """The root in bps by float bisection: only a starting bracket, checked in Decimal before use."""
    scale = max(abs(a) for _, a in flows)

    def npv(rate: float) -> float:
        return float(sum(a / scale * (1 + rate) ** (-t / YEAR_SECONDS) for t, a in flows))

    try:
        lo, hi = MIN_BPS / 10_000, MAX_BPS / 10_000
        low_sign = npv(lo) > 0
        for _ in range(80):
            mid = (lo + hi) / 2
            if (npv(mid) > 0) == low_sign:
                lo = mid
            else:
                hi = mid
        return int(lo * 10_000 // 1)
    except (OverflowError, ZeroDivisionError):
        return None


def xirr_bps(flows: Sequence[tuple[int, int]]) -> int | None:
    """floor(XIRR) in bps of (unix seconds, amount) flows (negative: paid in), or None if it has none."""
    dated = sorted((t, a) for t, a in flows if a != 0)
    if not dated or all(a > 0 for _, a in dated) or all(a < 0 for _, a in dated):
        return None
    start = dated[0][0]
    relative = [(t - start, a) for t, a in dated]
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        tolerance = Decimal(sum(abs(a) for _, a in dated)) * _TOLERANCE
        lo, hi = MIN_BPS, MAX_BPS
        npv_lo, npv_hi = _npv(relative, lo), _npv(relative, hi)
        if abs(npv_lo) <= tolerance:
            return lo
        if abs(npv_hi) <= tolerance:
            return hi
        if (npv_lo > 0) == (npv_hi > 0):
            return None
        guess = _float_guess(relative)
        if guess is not None:
            # a narrow bracket around the float root, kept only if the exact NPV changes sign across it
            near_lo, near_hi = max(lo, guess - 2), min(hi, guess + 3)
            at_lo, at_hi = _npv(relative, near_lo), _npv(relative, near_hi)
            if abs(at_lo) <= tolerance:
                return near_lo
            if (at_lo > 0) == (npv_lo > 0) and (at_hi > 0) != (npv_lo > 0) and abs(at_hi) > tolerance:
                lo, hi, npv_lo = near_lo, near_hi, at_lo
        # invariant: the NPV has opposite signs at lo and hi, so a root lies in [lo, hi)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            npv_mid = _npv(relative, mid)
            if abs(npv_mid) <= tolerance:
                return mid
            if (npv_mid > 0) == (npv_lo > 0):
                lo, npv_lo = mid, npv_mid
            else:
                hi = mid
        return lo
