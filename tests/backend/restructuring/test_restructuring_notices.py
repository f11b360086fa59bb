"""Lenders hear of a restructuring as the indexer folds its events: each holder of a note of the loan is
told of the proposal and of its execution once, with its own share, whoever holds the note by then."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from backend import projections
from backend.notifications.models import Notification
from backend.restructuring import notices
from tests.backend.restructuring.story import (
    DAY,
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
    transfer,
)

PROPOSED_AT = T0 + 2 * PERIOD + 10 * DAY


def _notices(session, kind: str) -> list[Notification]:
    return list(
        session.scalars(select(Notification).where(Notification.kind == kind).order_by(Notification.id))
    )


def test_each_holder_hears_of_the_proposal_and_the_execution_once(session):
    s = drawn_and_late()
    propose(s, PROPOSED_AT)
    approve(s, PROPOSED_AT + 60, A, NOTES[A])
    approve(s, PROPOSED_AT + 120, B, NOTES[B])
    transfer(s, PROPOSED_AT + 180, B, D, NOTES[B])
    approve(s, PROPOSED_AT + 240, D, NOTES[B])
    terms = s.execute(PROPOSED_AT + 300, 1, 2, 2, 2_000 * USD)
    store(session, s.events)
    session.commit()

    proposed = _notices(session, "restructure_proposed")
    assert Counter(n.recipient for n in proposed) == {A: 1, B: 1, C: 1}  # B still held its note then
    assert all(n.data["sharePrincipal"] == str(1_000 * USD) for n in proposed)
    assert "2 more installments and a payment holiday of 2 periods" in proposed[0].body

    executed = _notices(session, "restructure_executed")
    assert Counter(n.recipient for n in executed) == {A: 1, C: 1, D: 1}  # B sold to D before it took effect
    assert {n.data["firstDueDate"] for n in executed} == {terms["firstDueDate"]}
    assert all(n.data["installment"] == str(terms["installment"]) for n in executed)


def test_an_event_observed_again_or_rebuilt_tells_no_one_twice(session):
    s = drawn_and_late()
    propose(s, PROPOSED_AT)
    proposal = s.events[-1]
    store(session, s.events)
    notices.proposed(session, proposal)  # the same event observed again, as a range read twice would
    session.commit()
    assert len(_notices(session, "restructure_proposed")) == 3
    projections.rebuild(session)  # a reorg's rollback replays the handlers, never the observers
    session.commit()
    assert len(_notices(session, "restructure_proposed")) == 3
