"""The loan book as /metrics reports it: loans by status, active loans and their outstanding principal
by delinquency tier on the chain's clock, and the reserve's coverage of what is past due."""

from __future__ import annotations

import pytest

from backend.loans.metrics import loan_figures
from backend.loans.models import InstallmentView, LoanView
from tests.backend.factories.read_models import chain_block

DAY = 86_400
NOW = 1_900_000_000  # the latest indexed block's time


@pytest.fixture(autouse=True)
def indexed_chain(session):
    chain_block(session, NOW)


def _loan(session, loan_id: int, status: str, *, repaid: int = 0, next_due: int | None = None) -> None:
    session.add(
        LoanView(
            loan_id=loan_id,
            borrower="0x" + f"{loan_id:040x}",
            status=status,
            principal=1_000,
            principal_repaid=repaid,
            term=12,
            rate_bps=1_200,
            grade=2,
            listed_at=NOW - 90 * DAY,
            periods_paid=3,
            updated_block=1,
        )
    )
    if next_due is not None:  # installment 4 follows the 3 paid
        session.add(
            InstallmentView(
                loan_id=loan_id,
                period=4,
                due_at=next_due,
                payment=100,
                principal=80,
                interest=20,
                balance_after=0,
            )
        )


def _figures(session) -> dict[tuple[str, tuple], float]:
    return {(f.name, tuple(sorted(f.labels.items()))): f.value for f in loan_figures(session)}


def test_loans_by_status_and_delinquency_tier(session):
    _loan(session, 1, "active", repaid=200, next_due=NOW + 5 * DAY)  # current
    _loan(session, 2, "active", repaid=100, next_due=NOW - 10 * DAY)  # 10 days late: tier 1
    _loan(session, 3, "active", repaid=0, next_due=NOW - 45 * DAY)  # 45 days: tier 2
    _loan(session, 4, "active", repaid=0, next_due=NOW - 120 * DAY)  # 120 days: tier 3
    _loan(session, 5, "repaid", repaid=1_000)
    _loan(session, 6, "listed")
    session.commit()
    got = _figures(session)
    assert got[("peerlend_loans", (("status", "active"),))] == 4
    assert got[("peerlend_loans", (("status", "repaid"),))] == 1
    assert got[("peerlend_loans", (("status", "listed"),))] == 1
    active = {t: got[("peerlend_active_loans", (("tier", str(t)),))] for t in range(4)}
    assert active == {0: 1, 1: 1, 2: 1, 3: 1}
    principal = {t: got[("peerlend_principal_outstanding", (("tier", str(t)),))] for t in range(4)}
    assert principal == {0: 800, 1: 900, 2: 1_000, 3: 1_000}


def test_one_second_past_a_due_date_is_a_day_late(session):
    _loan(session, 1, "active", next_due=NOW - 1)
    session.commit()
    assert _figures(session)[("peerlend_active_loans", (("tier", "1"),))] == 1


def test_an_empty_book_reports_every_tier_at_zero(session):
    session.commit()
    got = _figures(session)
    assert all(got[("peerlend_active_loans", (("tier", str(t)),))] == 0 for t in range(4))
