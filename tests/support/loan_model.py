"""What a test expects of one loan, from its terms and the rules written in ILoanMarket and
ILoanMarketRestructuring: accrual (interest per second on the principal outstanding, late fees per
second), the payment waterfall, days past due, the accumulator distribution to notes, and the schedule a
restructuring puts in force. Computed on the test's side, never read back from the contract it checks.

Pure Python (the annuity rule from backend/loans/annuity.py), so the Brownie contract tests and the
end-to-end tests (tests/e2e/lifecycle_model.py) share it.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass, field

from backend.loans.annuity import annuity_schedule, installment, rate_per_period

RAY = 10**27
BPS = 10_000
DAY = 86_400


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def annuity_rows(principal: int, apr_bps: int, period: int, n: int, start: int) -> list[dict]:
    """The schedule by the contract's rule, shaped as the demo shows it to the borrower."""
    return [
        {"k": r.period, "due": r.due, "amount": r.payment, "interest": r.interest, "principal": r.principal}
        for r in annuity_schedule(principal, apr_bps, n, period, start + period)
    ]


@dataclass
class LoanModel:
    """One loan as the rules say it evolves. `schedule` holds a row per installment, period k at index
    k - 1: the drawdown schedule's, and after a restructuring the new schedule's from its base on."""

    funded: int
    shares: dict[str, int]  # holder -> principal share
    schedule: list[dict]
    apr_bps: int
    period: int
    drawn_at: int  # the schedule's anchor: due date k is at drawn_at + k * period (moves on restructuring)
    acc: int = 0  # accPerShare, ray
    checkpoint: dict[str, int] = field(default_factory=dict)
    # state for the accrual model
    principal_out: int = 0
    sched_balance: int = 0
    interest_unpaid: int = 0
    interest_not_due: int = 0
    late_fee: int = 0
    last_accrual: int = 0
    due_periods: int = 0
    # (principal outstanding before it, payment) per collateral sale, in order
    recoveries: list[tuple[int, int]] = field(default_factory=list)
    covered: int | None = None  # what the reserve fund's rule says it covers
    # the schedule in force after a restructuring (None: the drawdown schedule's)
    num_periods: int | None = None
    inst: int | None = None
    base_balance: int | None = None
    base_period: int = 0

    @classmethod
    def drawn(cls, principal: int, shares: dict[str, int], apr_bps: int, period: int, n: int, drawn_at: int):
        model = cls(
            funded=principal,
            shares=dict(shares),
            schedule=annuity_rows(principal, apr_bps, period, n, drawn_at),
            apr_bps=apr_bps,
            period=period,
            drawn_at=drawn_at,
        )
        model.principal_out = model.sched_balance = principal
        model.last_accrual = drawn_at
        return model

    @property
    def rate(self) -> int:
        return rate_per_period(self.apr_bps, self.period)

    @property
    def n(self) -> int:
        return self.num_periods if self.num_periods is not None else len(self.schedule)

    @property
    def installment(self) -> int:
        return self.inst if self.inst is not None else self.schedule[0]["amount"]

    @property
    def maturity(self) -> int:
        return self.drawn_at + self.n * self.period

    def credit_lenders(self, amount: int) -> None:
        self.acc += amount * RAY // self.funded

    def claims(self) -> dict[str, int]:
        """ILoanMarket: a note has claimed floor(share * checkpoint / 1e27) in total and can claim
        floor(share * accPerShare / 1e27) minus that."""
        out = {}
        for holder, share in self.shares.items():
            out[holder] = share * self.acc // RAY - share * self.checkpoint.get(holder, 0) // RAY
            self.checkpoint[holder] = self.acc
        return out

    # -- accrual per ILoanMarket (interest per second on principal outstanding, late fees per second)

    def _interest(self, elapsed: int) -> int:
        if self.principal_out == 0 or elapsed <= 0:
            return 0
        return ceil_div(self.principal_out * self.rate * elapsed, self.period * RAY)

    def overdue(self) -> int:
        due_interest = max(self.interest_unpaid - self.interest_not_due, 0)
        return due_interest + max(self.principal_out - self.sched_balance, 0)

    @staticmethod
    def _late(amount: int, bps: int, seconds: int) -> int:
        return ceil_div(amount * bps * seconds, BPS * DAY) if amount and bps and seconds > 0 else 0

    def _step(self, balance: int, k: int) -> int:
        """The schedule's principal step of period k on scheduled balance `balance`."""
        interest = ceil_div(balance * self.rate, RAY)
        return balance if k >= self.n else min(max(self.installment - interest, 0), balance)

    def accrue(self, now: int, late_bps: int) -> None:
        if now <= self.last_accrual:
            return
        n = self.n
        t = self.last_accrual
        # a holiday can put the anchor ahead of now: no due date has passed since
        passed = (now - self.drawn_at) // self.period if now > self.drawn_at else 0
        due_now = max(min(passed, n), self.due_periods)
        fee = self.late_fee + self._late(self.overdue(), late_bps, now - t)
        for k in range(self.due_periods + 1, due_now + 1):
            due = self.drawn_at + k * self.period
            before = self.overdue()
            self.interest_unpaid += self._interest(due - t)
            self.interest_not_due = 0
            self.sched_balance -= self._step(self.sched_balance, k)
            fee += self._late(self.overdue() - before, late_bps, now - due)
            t = due
        self.due_periods = due_now
        if t < self.maturity:
            accrued = self._interest(min(now, self.maturity) - t)
            self.interest_unpaid += accrued
            self.interest_not_due += accrued
        self.late_fee = fee
        self.last_accrual = now

    def accrued(self, now: int, late_bps: int) -> LoanModel:
        """A copy accrued to `now`: what a view at `now` sees. The model itself accrues only where the
        chain stores an accrual, since each stored accrual rounds its own segment."""
        copy = deepcopy(self)
        copy.accrue(now, late_bps)
        return copy

    def apply(self, amount: int) -> tuple[int, int, int]:
        late = min(amount, self.late_fee)
        interest = min(amount - late, self.interest_unpaid)
        principal = amount - late - interest
        self.late_fee -= late
        self.interest_unpaid -= interest
        self.principal_out -= principal
        self.interest_not_due = min(self.interest_not_due, self.interest_unpaid)
        return late, interest, principal

    def payoff(self) -> int:
        return self.late_fee + self.interest_unpaid + self.principal_out

    def amount_due(self) -> int:
        """LoanMarketLens.amountDue of a drawn loan."""
        if self.overdue() == 0 and self.late_fee == 0:
            return 0
        return self.late_fee + self.interest_unpaid + max(self.principal_out - self.sched_balance, 0)

    def days_past_due(self, now: int) -> int:
        """Whole days (rounded up) from the oldest unpaid due date of the schedule in force."""
        if self.overdue() == 0:
            return 0
        k = self.due_periods
        if self.principal_out > self.sched_balance:
            b = self.funded if self.base_balance is None else self.base_balance
            k = self.base_period
            while self.principal_out <= b:
                k += 1
                b -= self._step(b, k)
        due = self.drawn_at + k * self.period
        return ceil_div(now - due, DAY) if now > due else 0

    # -- restructuring per ILoanMarketRestructuring

    def restructure(self, now: int, extra: int, holiday: int) -> dict:
        """The loan (accrued to `now`) re-based on the new schedule: everything outstanding repaid over the
        installments not yet due plus `extra`, the first `holiday` periods after the next due date; unpaid
        late fees and interest fall due with it. Returns the new terms as RestructureExecuted states them."""
        due = self.due_periods
        passed = (now - self.drawn_at) // self.period if now > self.drawn_at else 0
        passed = max(passed, due)
        self.drawn_at += (passed - due + holiday) * self.period
        first_due = self.drawn_at + (due + 1) * self.period
        self.num_periods = self.n + extra
        self.inst = installment(self.principal_out, self.rate, self.num_periods - due)
        self.sched_balance = self.principal_out
        self.base_balance, self.base_period = self.principal_out, due
        first_charges = self.late_fee + self.interest_unpaid + self._interest(first_due - now)
        self.interest_not_due = self.interest_unpaid
        rows = []
        b = self.principal_out
        for k in range(due + 1, self.num_periods + 1):
            interest = ceil_div(b * self.rate, RAY)
            part = self._step(b, k)
            if k == due + 1:
                interest = first_charges
            b -= part
            due_at = self.drawn_at + k * self.period
            rows.append(
                {"k": k, "due": due_at, "amount": interest + part, "interest": interest, "principal": part}
            )
        self.schedule = self.schedule[:due] + rows
        return {
            "basePeriod": due,
            "baseBalance": self.principal_out,
            "numPeriods": self.num_periods,
            "installment": self.inst,
            "firstDueDate": first_due,
            "maturity": self.maturity,
            "firstCharges": first_charges,
        }
