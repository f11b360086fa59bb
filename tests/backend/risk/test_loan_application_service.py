"""What the risk service decides on a loan application: the scorecard's band, then the anti-fraud and
credit-policy rules (KYC, velocity, shared identity, income, the borrower's loans here), which only ever
make a decision stricter; an approval is priced and queued for the credit oracle, nothing else is."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from threading import Barrier

import pytest
from sqlalchemy import select

from backend.risk import service
from backend.risk.config import USDC
from backend.risk.models import ApplicationGate, CreditReport, LoanApplication
from backend.risk.reports import reasons_hash
from backend.risk.scorecard import GRADE_LETTERS
from tests.backend.factories.clock import CHAIN_NOW, DAY, NOW
from tests.backend.factories.identity import kyc_application, same_identity, submission
from tests.backend.factories.read_models import chain_block, loan
from tests.backend.factories.risk import DECLINED_TERMS, loan_application, loan_request
from tests.backend.factories.wallets import wallet as new_wallet


@pytest.fixture(autouse=True)
def indexed_chain(session):
    """The index's clock: credit reports are dated on it, and loans fall due by it."""
    chain_block(session, CHAIN_NOW)
    session.commit()


@pytest.fixture
def borrower(session, app_settings):
    """A new wallet whose KYC application is `status` (None: it never applied), for `body`."""

    def borrower(status: str | None = "approved", body: dict | None = None, **hashes) -> str:
        wallet = new_wallet()
        if status:
            kyc_application(session, app_settings, wallet, status, body, **hashes)
            session.commit()
        return wallet

    return borrower


@pytest.fixture
def apply(session, scorecard, risk_settings, app_settings):
    def apply(wallet: str, **terms) -> LoanApplication:
        return service.submit(session, scorecard, risk_settings, wallet, loan_request(**terms), app_settings)

    return apply


def report_of(session, app) -> CreditReport | None:
    return session.scalar(select(CreditReport).where(CreditReport.application_id == app.id))


def rules(app) -> list[tuple[str, str]]:
    return [(h["rule_id"], h["action"]) for h in app.fraud_hits]


# ------------------------------------------------------------------------------------------ the decision


def test_a_good_applicant_is_approved_priced_and_queued_for_the_oracle(session, borrower, apply):
    me = borrower()
    app = apply(me)
    assert (app.status, app.decision, app.wallet, app.fraud_hits) == ("approved", "approve", me, [])
    assert GRADE_LETTERS[app.grade - 1] in "ABC" and 0 < app.pd_bps < 1240
    assert (
        app.offer["principal"] == 2_000 * USDC and app.offer["apr_bps"] > 0 and app.offer["installment"] > 0
    )
    report = report_of(session, app)
    assert report is not None and report.status == "pending" and report.origin == "application"
    assert (report.borrower, report.score, report.grade) == (me, app.score, app.grade)
    assert (report.pd_bps, report.model_version, report.as_of) == (app.pd_bps, app.model_version, CHAIN_NOW)
    assert report.reasons_hash == reasons_hash([r["code"] for r in app.reason_codes])
    assert report.reasons_hash.startswith("0x") and len(report.reasons_hash) == 66
    # no chain here: the offer waits to be signed, and says why
    assert (app.signed_offer["status"], app.signed_offer["reason"]) == ("unavailable", "chain-not-configured")


def test_a_declined_application_gets_its_reasons_and_never_reaches_the_oracle(session, borrower, apply):
    app = apply(borrower(), **DECLINED_TERMS)
    assert (app.status, app.decision, app.offer) == ("declined", "decline", None)
    assert app.grade >= 6 and app.signed_offer is None
    assert "Checking account balance below 0 DM" in [r["text"] for r in app.reason_codes]
    assert app.reason_codes == sorted(app.reason_codes, key=lambda r: -r["points_lost"])
    assert report_of(session, app) is None


@pytest.mark.parametrize("kyc", [None, "in_review", "rejected"])
def test_a_wallet_without_approved_kyc_is_declined_and_not_reported(session, borrower, apply, kyc):
    app = apply(borrower(kyc))
    assert app.status == "declined" and rules(app) == [("kyc_not_approved", "decline")]
    assert report_of(session, app) is None


# ------------------------------------------------------------------------------------------ loans here


@pytest.mark.parametrize(
    ("status", "first_due_days_ago", "reason"),
    [
        ("defaulted", 60, "defaulted on this platform"),
        ("active", 3, "on this platform is 3 days past due"),
    ],
)
def test_a_default_or_a_late_loan_here_declines_a_new_application(
    session, borrower, apply, status, first_due_days_ago, reason
):
    me = borrower()
    late = loan(session, me, status, first_due_at=CHAIN_NOW - first_due_days_ago * DAY)
    session.commit()
    app = apply(me)
    assert (app.status, app.offer) == ("declined", None)
    assert rules(app) == [("platform_repayment", "decline")]
    assert f"loan #{late.loan_id} {reason}" in app.fraud_hits[0]["reason"]
    assert report_of(session, app) is None


def test_loans_paid_on_time_do_not_stand_in_the_way(session, borrower, apply):
    me = borrower()
    loan(session, me, "active", first_due_at=CHAIN_NOW + 10 * DAY)  # the next due date is still ahead
    loan(session, me, "active", first_due_at=CHAIN_NOW - 40 * DAY, periods_paid=2)  # paid ahead of time
    loan(session, me, "repaid", periods_paid=12)
    session.commit()
    assert apply(me).status == "approved"


def test_another_borrowers_default_is_not_held_against_this_one(session, borrower, apply):
    loan(session, borrower(), "defaulted")
    session.commit()
    assert apply(borrower()).status == "approved"


# ------------------------------------------------------------------------------------------ anti-fraud


def test_wallet_velocity_sends_to_review_then_declines(borrower, apply):
    me = borrower()
    statuses = [apply(me).status for _ in range(7)]
    assert statuses == ["approved"] * 3 + ["review"] * 3 + ["declined"]


def test_velocity_counts_only_the_window(session, scorecard, borrower, apply):
    me = borrower()
    for hours in (25, 26, 30, 48, 72, 100):  # six earlier applications, all over 24 hours ago
        loan_application(session, scorecard, me, created_at=NOW - timedelta(hours=hours))
    loan_application(session, scorecard, me, created_at=NOW - timedelta(hours=23))
    session.commit()
    assert apply(me).fraud_hits == []
    assert rules(apply(me)) == []
    assert rules(apply(me)) == [("velocity_wallet", "review")]  # 3 inside the window now


def test_one_persons_applications_are_counted_across_wallets(borrower, apply):
    person = submission()
    first = borrower(body=person)
    for _ in range(3):
        apply(first)
    twin = borrower(body=same_identity(person))
    app = apply(twin)
    assert rules(app) == [("velocity_identity", "review"), ("shared_identity", "review")]
    assert app.status == "review" and "3 earlier applications by this person" in app.fraud_hits[0]["reason"]


def test_an_identity_verified_for_another_wallet_goes_to_review(borrower, apply):
    person = submission()
    borrower(body=person)
    twin = borrower(body=same_identity(person))
    app = apply(twin)
    assert app.status == "review" and rules(app) == [("shared_identity", "review")]


def test_contact_details_shared_with_another_wallet_go_to_review(borrower, apply):
    first = submission()
    borrower(body=first)
    sibling = borrower(body={**submission(), "phone": first["phone"]})
    app = apply(sibling)
    assert app.status == "review" and rules(app) == [("shared_contact", "review")]
    assert "1 other wallet" in app.fraud_hits[0]["reason"]


def test_an_income_inconsistent_with_the_job_goes_to_review(borrower, apply):
    attributes = {**loan_request().attributes, "job": "unemployed/ unskilled - non-resident"}
    app = apply(borrower(), monthly_income=60_000 * USDC, attributes=attributes)
    assert app.status == "review" and rules(app) == [("income_job_mismatch", "review")]


# ------------------------------------------------------------------------------------------ gates


def test_each_application_passes_its_wallets_gate_and_its_persons(session, borrower, apply):
    person = submission()
    me = borrower(body=person)
    apply(me)
    apply(me)
    identity = session.scalar(select(LoanApplication.identity_hash).where(LoanApplication.wallet == me))
    gates = dict(session.execute(select(ApplicationGate.subject, ApplicationGate.applications)).all())
    assert gates == {f"wallet:{me}": 2, f"identity:{identity}": 2}


def test_concurrent_applications_cannot_slip_past_the_velocity_limits(
    sessions, scorecard, risk_settings, app_settings, borrower
):
    # seven applications of one wallet at once, each in its own transaction: each counts the ones
    # committed before it, as one after another do
    me = borrower()
    start = Barrier(7)

    def apply_together(_: int) -> str:
        start.wait()
        with sessions() as own:
            app = service.submit(own, scorecard, risk_settings, me, loan_request(), app_settings)
            return app.status

    with ThreadPoolExecutor(max_workers=7) as pool:
        statuses = sorted(pool.map(apply_together, range(7)))
    assert statuses == ["approved"] * 3 + ["declined"] + ["review"] * 3
