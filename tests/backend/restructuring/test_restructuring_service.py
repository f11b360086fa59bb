"""A loan's restructuring as the service reads it from the index: approvals by principal counted as the
contract counts them, the two-thirds threshold, expiry on the chain's clock, and the loan book's schedule,
periods paid and delinquency after execution (tests/backend/restructuring/story.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backend import projections
from backend.core.problems import Problem
from backend.loans import service as loans
from backend.loans.annuity import restructured_schedule
from backend.loans.models import InstallmentView, LoanView
from backend.restructuring import service
from backend.restructuring.models import RestructureApprovalView, RestructureProposalView
from backend.restructuring.schemas import ApprovalTypedDataIn
from tests.backend.restructuring.story import (
    APR,
    DAY,
    LOAN,
    NOTES,
    PERIOD,
    T0,
    USD,
    A,
    B,
    C,
    D,
    approve,
    drawn_and_late,
    propose,
    store,
    tick,
    transfer,
)

PROPOSED_AT = T0 + 2 * PERIOD + 10 * DAY


@pytest.fixture
def voted():
    """Proposed; A and B approve; B sells its note to D."""
    s = drawn_and_late()
    propose(s, PROPOSED_AT)
    approve(s, PROPOSED_AT + 60, A, NOTES[A])
    approve(s, PROPOSED_AT + 120, B, NOTES[B])
    transfer(s, PROPOSED_AT + 180, B, D, NOTES[B])
    return s


def test_a_sold_notes_approval_does_not_count(session, app_settings, voted):
    store(session, voted.events)
    out = service.restructuring(session, app_settings, LOAN)
    assert (
        out.proposal.status == "open"
        and out.proposal.extra_periods == 2
        and out.proposal.holiday_periods == 2
    )
    assert out.funded == 3_000 * USD and out.required_principal == 2_000 * USD
    assert out.approved_principal == 1_000 * USD and not out.executable
    assert out.approving_note_ids == [NOTES[A]]
    assert [(a.note_id, a.holder, a.counts) for a in out.approvals] == [
        (NOTES[A], A, True),
        (NOTES[B], B, False),
    ]
    assert out.preview is not None and out.preview.error == "no chain configured"


def test_the_new_holders_approval_reaches_two_thirds(session, app_settings, voted):
    approve(voted, PROPOSED_AT + 240, D, NOTES[B])
    store(session, voted.events)
    out = service.restructuring(session, app_settings, LOAN)
    assert out.approved_principal == 2_000 * USD and out.executable
    assert out.approving_note_ids == [NOTES[A], NOTES[B]]
    assert [(a.holder, a.counts) for a in out.approvals] == [(A, True), (D, True)]  # D's replaced B's


def test_an_open_proposal_expires_on_the_chains_clock(session, app_settings, voted):
    approve(voted, PROPOSED_AT + 240, D, NOTES[B])
    store(session, voted.events)
    tick(session, PROPOSED_AT + 7 * DAY + 1)
    out = service.restructuring(session, app_settings, LOAN)
    assert out.proposal.status == "expired" and not out.executable and out.preview is None


def test_a_withdrawn_proposal_is_history_once_another_is_made(session, app_settings):
    s = drawn_and_late()
    propose(s, PROPOSED_AT)
    approve(s, PROPOSED_AT + 60, A, NOTES[A])
    s.add(PROPOSED_AT + 120, "LoanMarket", "RestructureWithdrawn", loanId=LOAN, proposalId=1)
    propose(s, PROPOSED_AT + 180, proposal_id=2, extra=6, holiday=0)
    store(session, s.events)
    out = service.restructuring(session, app_settings, LOAN)
    assert out.proposal.proposal_id == 2 and out.approved_principal == 0 and out.approvals == []
    assert [(p.proposal_id, p.status) for p in out.history] == [(1, "withdrawn")]


def test_execution_puts_the_new_schedule_in_the_loan_book(session, app_settings, voted):
    approve(voted, PROPOSED_AT + 240, D, NOTES[B])
    terms = voted.execute(PROPOSED_AT + 300, 1, 2, 2, 2_000 * USD)
    store(session, voted.events)

    out = service.restructuring(session, app_settings, LOAN)
    assert out.proposal.status == "executed" and out.preview is None
    assert out.proposal.terms.num_periods == 14 and out.proposal.terms.base_period == 2
    assert int(out.proposal.terms.first_due_at.timestamp()) == terms["firstDueDate"] == T0 + 5 * PERIOD

    loan = session.get(LoanView, LOAN)
    assert (loan.term, loan.installment, loan.schedule_base_period, loan.restructurings) == (
        14,
        terms["installment"],
        2,
        1,
    )
    assert loan.periods_paid == 2  # everything before the base is in the new schedule's first installment
    rows = list(
        session.scalars(select(InstallmentView).where(InstallmentView.loan_id == LOAN).order_by("period"))
    )
    assert [r.period for r in rows] == list(range(1, 15))
    new = restructured_schedule(
        terms["baseBalance"],
        APR,
        PERIOD,
        2,
        14,
        terms["firstDueDate"],
        terms["installment"],
        terms["firstCharges"],
    )
    assert [(r.due_at, r.payment, r.interest, r.principal) for r in rows[2:]] == [
        (n.due, n.payment, n.interest, n.principal) for n in new
    ]
    # the new rows are the model's schedule row for row
    assert [r.payment for r in rows[2:]] == [row["amount"] for row in voted.model.schedule[2:]]


def test_delinquency_runs_against_the_new_schedule(session, app_settings, voted):
    approve(voted, PROPOSED_AT + 240, D, NOTES[B])
    terms = voted.execute(PROPOSED_AT + 300, 1, 2, 2, 2_000 * USD)
    store(session, voted.events)
    detail = loans.loan_detail(session, app_settings, LOAN)
    assert detail.delinquency.days_past_due == 0 and detail.delinquency.tier == 0  # cured by the new schedule
    assert int(detail.delinquency.next_due_at.timestamp()) == terms["firstDueDate"]
    assert detail.restructurings == 1 and detail.term == 14

    tick(session, terms["firstDueDate"] + 3 * DAY + 1)
    detail = loans.loan_detail(session, app_settings, LOAN)
    model = voted.model.accrued(terms["firstDueDate"] + 3 * DAY + 1, 10)
    assert detail.delinquency.days_past_due == 4 == model.days_past_due(terms["firstDueDate"] + 3 * DAY + 1)
    assert detail.delinquency.tier == 1


def test_repayments_after_execution_count_installments_from_the_base(session, app_settings, voted):
    approve(voted, PROPOSED_AT + 240, D, NOTES[B])
    terms = voted.execute(PROPOSED_AT + 300, 1, 2, 2, 2_000 * USD)
    first = terms["firstDueDate"]
    for k in (0, 1):  # the first two new installments, each on its due date
        row = voted.model.schedule[2 + k]
        voted.repay(first + k * PERIOD, row["amount"])
    store(session, voted.events)
    assert session.get(LoanView, LOAN).periods_paid == 4
    tick(session, first + 2 * PERIOD + DAY)
    detail = loans.loan_detail(session, app_settings, LOAN)
    assert detail.delinquency.days_past_due == 1


def test_a_rebuild_gives_the_same_tables(session, app_settings, voted):
    approve(voted, PROPOSED_AT + 240, D, NOTES[B])
    voted.execute(PROPOSED_AT + 300, 1, 2, 2, 2_000 * USD)
    store(session, voted.events)

    def dump():
        out = []
        for model in (RestructureProposalView, RestructureApprovalView, InstallmentView, LoanView):
            for row in session.scalars(select(model)):
                out.append({c.key: getattr(row, c.key) for c in model.__table__.columns})
        return sorted(out, key=repr)

    before = dump()
    projections.rebuild(session)
    session.commit()
    assert dump() == before


def test_typed_data_needs_a_holder_of_the_loan_and_a_chain(session, app_settings, voted):
    store(session, voted.events)
    with pytest.raises(Problem) as refused:
        service.approval_typed_data(session, app_settings, LOAN, ApprovalTypedDataIn(holder=B))  # sold it
    assert refused.value.status == 422 and refused.value.type == "not-a-note-holder"
    with pytest.raises(Problem) as refused:
        service.approval_typed_data(session, app_settings, LOAN, ApprovalTypedDataIn(holder=C))
    assert refused.value.status == 409 and refused.value.type == "chain-not-configured"
    with pytest.raises(Problem) as refused:
        service.restructuring(session, app_settings, 999)
    assert refused.value.status == 404
