"""Loan applications over real HTTP: validation problems, decisions, ownership, oracle queue."""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from backend.risk.config import USDC
from backend.risk.models import CreditReport, LoanApplication
from tests.backend.risk.risk_support import BAD_ATTRIBUTES, Borrower, add_indexed_loan, application

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def borrower(live_server) -> Borrower:
    return Borrower(live_server)


def _problem(reply, status=422):
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"].startswith(PROBLEM)
    body = reply.json()
    assert body["status"] == status and body["title"] and body["type"]
    return body


def _error_locs(body) -> list[str]:
    return [".".join(str(p) for p in e["loc"]) for e in body["errors"]]


@pytest.mark.parametrize(
    "overrides,loc,fragment",
    [
        ({"amount": 50 * USDC}, "body.amount", "between"),
        ({"amount": 10**12 * USDC}, "body.amount", "between"),
        ({"amount": 0}, "body.amount", "between"),
        ({"amount": "lots"}, "body.amount", "decimal digits"),
        ({"amount": 2_000_000_000.0}, "body.amount", "decimal strings"),  # a float, refused
        ({"amount": [2_000]}, "body.amount", "decimal strings"),
        ({"term_months": 1}, "body.termMonths", "between 3 and 60"),
        ({"term_months": 120}, "body.termMonths", "between 3 and 60"),
        ({"purpose": "holiday"}, "body.purpose", "car_new"),
        ({"monthly_income": -1}, "body.monthlyIncome", "decimal digits"),
        ({"attributes": {"shoe_size": 44}}, "body.attributes.shoe_size", "unknown attribute"),
        ({"attributes": {"housing": "castle"}}, "body.attributes.housing", "must be one of"),
        ({"attributes": {"age_in_years": "forty"}}, "body.attributes.age_in_years", "finite number"),
        ({"attributes": {"age_in_years": True}}, "body.attributes.age_in_years", "finite number"),
        ({"attributes": {"credit_amount": 5000}}, "body.attributes.credit_amount", "set from the loan terms"),
        ({"collateral": "house"}, "body.collateral", "Extra inputs"),
    ],
)
def test_each_invalid_application_is_a_clear_problem(borrower, overrides, loc, fragment):
    body = _problem(borrower.apply(application(**overrides)))
    # the schema's shape: validation-error; the lending policy's limits: invalid-loan-application
    assert body["type"] in ("validation-error", "invalid-loan-application")
    match = [e for e in body["errors"] if ".".join(str(p) for p in e["loc"]) == loc]
    assert match, body["errors"]
    assert fragment in match[0]["msg"], match[0]["msg"]


def test_missing_required_fields_are_listed_together(borrower):
    body = _problem(borrower.apply({"attributes": {}}))
    assert {"body.amount", "body.termMonths", "body.purpose", "body.monthlyIncome"} <= set(
        _error_locs(body)
    )


def test_several_range_errors_come_back_in_one_problem(borrower):
    body = _problem(borrower.apply(application(amount=1, term_months=999, attributes={"housing": "boat"})))
    assert {"body.amount", "body.termMonths", "body.attributes.housing"} <= set(_error_locs(body))


def test_amounts_sent_as_json_numbers_are_refused(borrower):
    body = _problem(borrower.apply({**application(), "amount": 2_000 * USDC}))
    assert _error_locs(body) == ["body.amount"]


def test_applying_requires_a_signed_in_wallet(live_server):
    import httpx

    _problem(httpx.post(f"{live_server}/v2/loan-applications", json=application()), 401)


def test_good_applicant_is_approved_with_an_offer_and_queued_for_the_oracle(live_server):
    me = Borrower(live_server)
    reply = me.apply(application())
    assert reply.status_code == 201, reply.text
    app = reply.json()
    assert app["status"] == "approved" and app["wallet"] == me.address
    assert app["gradeLetter"] in "ABC" and 0 < app["pdBps"] < 1240
    offer = app["offer"]
    assert offer["principal"] == str(2_000 * USDC) and offer["aprBps"] > 0 and int(offer["installment"]) > 0
    assert "fraud_hits" not in app  # borrowers do not see which anti-fraud rule fired
    with live_server.session() as s:
        report = s.scalar(select(CreditReport).where(CreditReport.application_id == app["id"]))
        assert report is not None and report.status == "pending"
        assert report.borrower == me.address and report.score == app["score"] and report.grade == app["grade"]
        assert report.pd_bps == app["pdBps"] and report.model_version == app["modelVersion"]
        assert report.reasons_hash.startswith("0x") and len(report.reasons_hash) == 66


def test_declined_application_never_reaches_the_oracle_queue(live_server):
    me = Borrower(live_server)
    reply = me.apply(
        application(amount=9_000 * USDC, term_months=48, purpose="education", attributes=dict(BAD_ATTRIBUTES))
    )
    assert reply.status_code == 201, reply.text
    app = reply.json()
    assert app["status"] == "declined" and app["offer"] is None and app["grade"] >= 6
    texts = [r["text"] for r in app["reasons"]]
    assert "Checking account balance below 0 DM" in texts
    assert app["reasons"] == sorted(app["reasons"], key=lambda r: -r["pointsLost"])
    with live_server.session() as s:
        assert s.scalar(select(CreditReport).where(CreditReport.application_id == app["id"])) is None
        assert s.get(LoanApplication, app["id"]).decision == "decline"


def test_wallet_without_approved_kyc_is_declined_and_not_reported(live_server):
    for kyc in (None, "in_review"):
        me = Borrower(live_server, kyc=kyc)
        app = me.apply().json()
        assert app["status"] == "declined"
        with live_server.session() as s:
            row = s.get(LoanApplication, app["id"])
            assert [h["rule_id"] for h in row.fraud_hits] == ["kyc_not_approved"]
            assert s.scalar(select(CreditReport).where(CreditReport.application_id == app["id"])) is None


@pytest.mark.parametrize(
    "status,due_days_ago,reason",
    [
        ("defaulted", None, "defaulted on this platform"),
        ("active", 3, "on this platform is 3 days past due"),
    ],
)
def test_a_default_or_a_late_loan_here_declines_a_new_application(live_server, status, due_days_ago, reason):
    me = Borrower(live_server)
    loan_id = add_indexed_loan(live_server, me.address, status, due_days_ago=due_days_ago)
    app = me.apply().json()
    assert app["status"] == "declined" and app["offer"] is None
    with live_server.session() as s:
        row = s.get(LoanApplication, app["id"])
        assert [(h["rule_id"], h["action"]) for h in row.fraud_hits] == [("platform_repayment", "decline")]
        assert f"loan #{loan_id} {reason}" in row.fraud_hits[0]["reason"]
        assert s.scalar(select(CreditReport).where(CreditReport.application_id == app["id"])) is None


def test_a_loan_paid_on_time_does_not_stand_in_the_way(live_server):
    me = Borrower(live_server)
    add_indexed_loan(live_server, me.address, "active", due_days_ago=-10)  # next due date still ahead
    add_indexed_loan(live_server, me.address, "repaid")
    assert me.apply().json()["status"] == "approved"


def test_own_applications_only(live_server):
    alice, mallory = Borrower(live_server), Borrower(live_server)
    mine = alice.apply().json()
    assert alice.http.get(f"/v2/loan-applications/{mine['id']}").json()["id"] == mine["id"]
    assert [a["id"] for a in alice.http.get("/v2/loan-applications").json()["items"]] == [mine["id"]]
    _problem(mallory.http.get(f"/v2/loan-applications/{mine['id']}"), 404)
    _problem(mallory.http.get(f"/v2/loan-applications/{uuid.uuid4()}"), 404)
    assert mallory.http.get("/v2/loan-applications").json() == {"items": [], "nextCursor": None}


def test_idempotency_key_replays_instead_of_applying_twice(live_server):
    me = Borrower(live_server)
    key = str(uuid.uuid4())
    first = me.apply(application(), **{"Idempotency-Key": key})
    second = me.apply(application(), **{"Idempotency-Key": key})
    for _ in range(5):  # "still being processed" (409 + Retry-After) is a valid answer: retry as told
        if second.status_code != 409:
            break
        time.sleep(float(second.headers.get("Retry-After", "1")))
        second = me.apply(application(), **{"Idempotency-Key": key})
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert len(me.http.get("/v2/loan-applications").json()["items"]) == 1
    conflict = me.apply(application(amount=3_000 * USDC), **{"Idempotency-Key": key})
    assert conflict.status_code in (409, 422) and conflict.headers["content-type"].startswith(PROBLEM)


def test_wallet_velocity_sends_to_review_then_declines(live_server):
    me = Borrower(live_server)
    statuses = [me.apply().json()["status"] for _ in range(7)]
    assert statuses[:3] == ["approved"] * 3
    assert statuses[3:6] == ["review"] * 3
    assert statuses[6] == "declined"


def test_identity_shared_with_another_wallet_goes_to_review(live_server):
    shared = "ab" * 32
    Borrower(live_server, national_id_hash=shared)
    twin = Borrower(live_server, national_id_hash=shared)
    app = twin.apply().json()
    assert app["status"] == "review"


def test_income_inconsistent_with_job_goes_to_review(live_server):
    me = Borrower(live_server)
    attrs = dict(application()["attributes"], job="unemployed/ unskilled - non-resident")
    app = me.apply(application(monthly_income=60_000 * USDC, attributes=attrs)).json()
    assert app["status"] == "review"


def test_concurrent_applications_cannot_slip_past_velocity_limits(live_server):
    # seven applications from one wallet at once: each must count the ones committed before it, as
    # sequential ones do (3 approved, 3 to review, 1 declined), and none may fail
    me = Borrower(live_server)
    start = threading.Barrier(7)

    def apply_together():
        start.wait()
        return me.apply()

    with ThreadPoolExecutor(max_workers=7) as pool:
        replies = list(pool.map(lambda _: apply_together(), range(7)))
    assert [r.status_code for r in replies] == [201] * 7, [r.text for r in replies if r.status_code != 201]
    statuses = sorted(r.json()["status"] for r in replies)
    assert statuses == ["approved"] * 3 + ["declined"] + ["review"] * 3
