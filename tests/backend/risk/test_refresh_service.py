"""Refreshing on-chain credit records near maxAge (oracle_feed.service.refresh, policy in risk/refresh.py):
who is re-scored into a new report, who waits for the report on its way, who lapses and why."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backend.kyc.models import KycApplication
from backend.oracle_feed import service as feed
from backend.oracle_feed.models import RefreshRequest
from backend.risk import service
from backend.risk.models import CreditReport, LoanApplication
from backend.risk.reports import reasons_hash
from backend.risk.scorecard import GRADE_LETTERS
from tests.backend.factories.clock import CHAIN_NOW, DAY
from tests.backend.factories.identity import kyc_application, submission
from tests.backend.factories.read_models import chain_block, loan
from tests.backend.factories.risk import DECLINED_TERMS, REVIEW_BAND_ATTRIBUTES, loan_request
from tests.backend.factories.wallets import wallet as new_wallet

REVIEWER = "operator:reviewer-1"


@pytest.fixture(autouse=True)
def indexed_chain(session):
    chain_block(session, CHAIN_NOW)
    session.commit()


@pytest.fixture
def borrower(session, app_settings):
    def borrower(body: dict | None = None) -> str:
        wallet = new_wallet()
        kyc_application(session, app_settings, wallet, "approved", body)
        session.commit()
        return wallet

    return borrower


@pytest.fixture
def apply(session, scorecard, risk_settings, app_settings):
    def apply(wallet: str, **terms) -> LoanApplication:
        return service.submit(session, scorecard, risk_settings, wallet, loan_request(**terms), app_settings)

    return apply


@pytest.fixture
def refresh(session, scorecard, risk_settings):
    def refresh(*wallets: str) -> dict:
        return {r.borrower: r for r in feed.refresh(session, scorecard, risk_settings, list(wallets))}

    return refresh


@pytest.fixture
def approved(borrower, apply):
    """A borrower with an approved application."""

    def approved(**kyc) -> tuple[str, LoanApplication]:
        me = borrower(**kyc)
        app = apply(me)
        assert app.status == "approved", app.decision_reasons
        return me, app

    return approved


def reports(session, wallet: str) -> list[CreditReport]:
    return list(
        session.scalars(select(CreditReport).where(CreditReport.borrower == wallet).order_by(CreditReport.id))
    )


def published(session, wallet: str) -> None:
    """What the oracle and the indexer leave behind once the record is on-chain."""
    for report in reports(session, wallet):
        report.status = "confirmed"
    session.commit()


def review(session, app_settings, risk_settings, app) -> None:
    service.review(session, app.id, "approve", "accepted", REVIEWER, app_settings, risk_settings)


def test_a_published_record_is_re_scored_into_a_new_pending_report(session, approved, refresh):
    me, app = approved()
    published(session, me)
    [first] = reports(session, me)

    result = refresh(me)[me]

    assert result.outcome == "reported", result
    everything = reports(session, me)
    assert [r.id for r in everything][:-1] == [first.id]
    fresh = everything[-1]
    assert result.report_id == fresh.id and fresh.status == "pending" and fresh.origin == "refresh"
    assert fresh.application_id == app.id and fresh.as_of > first.as_of
    # Same inputs, same model: the same score, grade, PD and reasons as the application got.
    assert (fresh.score, fresh.grade, fresh.pd_bps, fresh.model_version) == (
        app.score,
        app.grade,
        app.pd_bps,
        app.model_version,
    )
    assert fresh.reasons_hash == first.reasons_hash == reasons_hash([r["code"] for r in app.reason_codes])
    assert f"grade {GRADE_LETTERS[app.grade - 1]}" in result.detail
    row = session.get(RefreshRequest, me)
    assert (row.requests, row.status, row.outcome, row.report_id) == (1, "done", "reported", fresh.id)


def test_a_record_already_on_its_way_is_not_queued_twice(session, approved, refresh):
    me, _ = approved()
    [pending] = reports(session, me)
    assert pending.status == "pending"
    for attempt in (1, 2):
        result = refresh(me)[me]
        assert (result.outcome, result.report_id) == ("waiting", pending.id)
        assert result.detail == f"report {pending.id} is pending already"
        assert [r.id for r in reports(session, me)] == [pending.id]
        assert session.get(RefreshRequest, me).requests == attempt


def test_without_an_approved_application_the_record_lapses(session, borrower, apply, refresh):
    declined = borrower()
    app = apply(declined, **DECLINED_TERMS)
    assert app.status == "declined"
    stranger = new_wallet()
    results = refresh(declined, stranger)
    assert results[declined].detail.startswith(f"the latest loan application ({app.id}) is declined")
    assert results[stranger].detail == "no approved loan application to re-score"
    for wallet in (declined, stranger):
        assert results[wallet].outcome == "lapsed" and results[wallet].report_id is None
        assert reports(session, wallet) == []
        assert session.get(RefreshRequest, wallet).outcome == "lapsed"


def test_a_decline_after_the_approval_is_not_overridden_by_a_refresh(session, approved, apply, refresh):
    me, _ = approved()
    published(session, me)
    later = apply(me, **DECLINED_TERMS)
    assert later.status == "declined"
    result = refresh(me)[me]
    assert result.outcome == "lapsed" and f"({later.id}) is declined" in result.detail
    assert [r.origin for r in reports(session, me)] == ["application"]


def test_kyc_no_longer_approved_lets_the_record_lapse(session, approved, refresh):
    me, _ = approved()
    published(session, me)
    for kyc in session.scalars(select(KycApplication).where(KycApplication.wallet == me)):
        kyc.status = "revoked"
    session.commit()
    result = refresh(me)[me]
    assert result.outcome == "lapsed" and "identity verification is revoked" in result.detail
    assert [r.origin for r in reports(session, me)] == ["application"]


@pytest.mark.parametrize(("status", "first_due_days_ago"), [("defaulted", 60), ("active", 40)])
def test_a_default_or_a_late_loan_since_approval_lets_the_record_lapse(
    session, approved, refresh, status, first_due_days_ago
):
    me, _ = approved()
    published(session, me)
    late = loan(session, me, status, first_due_at=CHAIN_NOW - first_due_days_ago * DAY)
    session.commit()
    result = refresh(me)[me]
    assert result.outcome == "lapsed" and result.detail.startswith("re-scored decline")
    assert f"platform_repayment: loan #{late.loan_id}" in result.detail
    assert len(reports(session, me)) == 1


def test_an_application_older_than_the_policy_limit_is_not_re_scored(session, approved, refresh, clock):
    me, _ = approved()
    published(session, me)
    clock.advance(days=181)
    result = refresh(me)[me]
    assert result.outcome == "lapsed" and "181 days old, over 180" in result.detail
    assert len(reports(session, me)) == 1


def test_an_application_inside_the_policy_limit_is_re_scored(session, approved, refresh, clock):
    me, _ = approved()
    published(session, me)
    clock.advance(days=179)
    assert refresh(me)[me].outcome == "reported"


def test_a_review_that_would_fire_again_is_not_skipped_by_a_refresh(
    session, app_settings, risk_settings, borrower, apply, refresh
):
    first = submission()
    borrower(first)
    shared = borrower({**submission(), "phone": first["phone"]})
    app = apply(shared)
    assert app.status == "review"
    review(session, app_settings, risk_settings, app)
    published(session, shared)

    result = refresh(shared)[shared]

    assert result.outcome == "lapsed" and result.detail.startswith("re-scored review")
    assert "shared_contact" in result.detail  # the anti-fraud rule that fired again, by name
    assert len(reports(session, shared)) == 1


def test_a_credit_band_a_reviewer_accepted_is_refreshed(
    session, app_settings, risk_settings, borrower, apply, refresh
):
    me = borrower()
    app = apply(me, attributes=REVIEW_BAND_ATTRIBUTES)
    assert app.status == "review" and GRADE_LETTERS[app.grade - 1] == "E" and app.fraud_hits == []
    review(session, app_settings, risk_settings, app)
    published(session, me)

    result = refresh(me)[me]

    assert result.outcome == "reported", result
    fresh = reports(session, me)[-1]
    assert (fresh.origin, fresh.grade, fresh.pd_bps) == ("refresh", app.grade, app.pd_bps)
