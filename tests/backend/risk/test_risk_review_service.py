"""The risk reviewer's decisions: an approval queues the score for the oracle, a decline keeps it off,
and an application leaves the queue once decided, for good."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from backend.core.problems import Problem
from backend.risk import service
from backend.risk.models import CreditReport
from tests.backend.factories.clock import CHAIN_NOW, NOW
from tests.backend.factories.read_models import chain_block
from tests.backend.factories.risk import loan_application
from tests.backend.factories.wallets import wallet as new_wallet

REVIEWER = "operator:reviewer-1"


@pytest.fixture(autouse=True)
def indexed_chain(session):
    chain_block(session, CHAIN_NOW)
    session.commit()


@pytest.fixture
def in_review(session, scorecard):
    """An application the rules sent to a reviewer (shared contact details, say), with its offer."""

    def in_review(**columns):
        app = loan_application(session, scorecard, new_wallet(), "review", **columns)
        session.commit()
        return app

    return in_review


@pytest.fixture
def decide(session, app_settings, risk_settings):
    def decide(app_id: str, outcome: str, note: str = "checked"):
        return service.review(session, app_id, outcome, note, REVIEWER, app_settings, risk_settings)

    return decide


def report_of(session, app_id: str) -> CreditReport | None:
    return session.scalar(select(CreditReport).where(CreditReport.application_id == app_id))


def queue(session) -> list[str]:
    return [a.id for a in service.review_queue(session, 200, 0)]


def refused(decide, *args) -> Problem:
    with pytest.raises(Problem) as caught:
        decide(*args)
    return caught.value


def test_an_approval_queues_the_score_for_the_oracle_and_leaves_the_queue(session, in_review, decide):
    app = in_review()
    assert queue(session) == [app.id]
    decided = decide(app.id, "approve", "same household")
    assert (decided.status, decided.reviewed_by, decided.review_note) == (
        "approved",
        REVIEWER,
        "same household",
    )
    report = report_of(session, app.id)
    assert (report.status, report.borrower, report.as_of) == ("pending", app.wallet, CHAIN_NOW)
    assert decided.signed_offer["status"] == "unavailable"  # signed once a chain is there
    assert queue(session) == []
    problem = refused(decide, app.id, "decline")
    assert (problem.status, problem.type) == (409, "loan-application-not-in-review")


def test_a_decline_keeps_the_application_off_the_oracle_queue(session, in_review, decide):
    app = in_review()
    assert decide(app.id, "decline", "synthetic id").status == "declined"
    assert report_of(session, app.id) is None and queue(session) == []
    assert refused(decide, app.id, "approve").type == "loan-application-not-in-review"


def test_an_application_without_an_offer_can_only_be_declined(session, in_review, decide):
    app = in_review(offer=None)
    assert refused(decide, app.id, "approve").type == "loan-application-no-offer"
    assert decide(app.id, "decline").status == "declined"


def test_the_queue_is_oldest_first_and_unknown_applications_are_not_found(session, in_review, decide):
    newer = in_review(created_at=NOW)
    older = in_review(created_at=NOW - timedelta(hours=1))
    assert queue(session) == [older.id, newer.id]
    problem = refused(decide, "no-such-application", "approve")
    assert (problem.status, problem.type) == (404, "loan-application-not-found")
