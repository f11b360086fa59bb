"""Delinquency as the API reports it follows LoanMarket.days_past_due: principal-covered installments."""

from __future__ import annotations

from backend.loans.annuity import annuity_installment, annuity_schedule
from backend.loans.models import InstallmentView, LoanView
from backend.loans.projections import periods_covered
from backend.loans.service import delinquency

DAY = 86_400
PRINCIPAL, APR_BPS, PERIODS, PERIOD = 10_000_000_000, 900, 12, 30 * DAY
DRAWN_AT = 1_800_000_000


def _schedule() -> list[InstallmentView]:
    inst = annuity_installment(PRINCIPAL, APR_BPS, PERIODS, PERIOD)
    return [
        InstallmentView(
            loan_id=1,
            period=r[0],
            due_at=r[1],
            payment=r[2],
            interest=r[3],
            principal=r[4],
            balance_after=r[5],
        )
        for r in annuity_schedule(PRINCIPAL, APR_BPS, PERIODS, PERIOD, DRAWN_AT + PERIOD, inst)
    ]


def _loan(principal_repaid: int) -> LoanView:
    schedule = _schedule()
    paid = periods_covered([s.balance_after for s in schedule], PRINCIPAL - principal_repaid)
    return LoanView(
        loan_id=1, status="active", principal=PRINCIPAL, principal_repaid=principal_repaid, periods_paid=paid
    )


def test_installment_counts_as_paid_once_principal_reaches_its_balance():
    rows = _schedule()
    assert periods_covered([r.balance_after for r in rows], PRINCIPAL) == 0
    assert periods_covered([r.balance_after for r in rows], rows[0].balance_after) == 1
    assert periods_covered([r.balance_after for r in rows], rows[0].balance_after + 1) == 0
    assert periods_covered([r.balance_after for r in rows], rows[2].balance_after - 5) == 3
    assert periods_covered([r.balance_after for r in rows], 0) == PERIODS


def test_late_exact_installment_leaves_the_installment_short():
    # a payment of exactly one installment a day late pays a day more interest, so less principal
    rows = _schedule()
    extra_interest = PRINCIPAL * APR_BPS // 10_000 // 365
    loan = _loan(principal_repaid=rows[0].principal - extra_interest)
    assert loan.periods_paid == 0
    now = rows[0].due_at + DAY + 1
    assert delinquency(loan, rows, now).days_past_due == 2  # rounded up, as on-chain


def test_days_run_from_the_first_missed_installment_after_paid_ones():
    rows = _schedule()
    loan = _loan(principal_repaid=rows[0].principal)
    now = rows[2].due_at + 5 * DAY - 60
    d = delinquency(loan, rows, now)
    assert (d.days_past_due, d.tier, int(d.next_due_at.timestamp())) == (35, 2, rows[1].due_at)


def test_current_loan_and_closed_loan():
    rows = _schedule()
    assert delinquency(_loan(principal_repaid=0), rows, rows[0].due_at).days_past_due == 0
    closed = _loan(principal_repaid=PRINCIPAL)
    closed.status = "repaid"
    assert delinquency(closed, rows, rows[-1].due_at + 100 * DAY) is None
