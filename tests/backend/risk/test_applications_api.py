"""Loan applications over real HTTP: validation problems, what a decision answers, ownership, retries and
races (the decision rules: test_loan_application_service.py)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from backend.risk.config import USDC
from tests.backend.risk.risk_support import BAD_ATTRIBUTES, Borrower, application

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
        ({"repayment_source": "lottery"}, "body.repaymentSource", "salary"),
        ({"repayment_source": 3}, "body.repaymentSource", "salary"),
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
    assert {"body.amount", "body.termMonths", "body.purpose", "body.monthlyIncome"} <= set(_error_locs(body))


def test_several_range_errors_come_back_in_one_problem(borrower):
    body = _problem(borrower.apply(application(amount=1, term_months=999, attributes={"housing": "boat"})))
    assert {"body.amount", "body.termMonths", "body.attributes.housing"} <= set(_error_locs(body))


def test_amounts_sent_as_json_numbers_are_refused(borrower):
    body = _problem(borrower.apply({**application(), "amount": 2_000 * USDC}))
    assert _error_locs(body) == ["body.amount"]


def test_applying_requires_a_signed_in_wallet(live_server):
    import httpx

    _problem(httpx.post(f"{live_server}/v2/loan-applications", json=application()), 401)


def test_an_approval_answers_with_the_offer_and_not_the_rules_that_fired(live_server):
    # the decision, the pricing and the oracle queue: test_loan_application_service.py
    me = Borrower(live_server)
    reply = me.apply(application())
    assert reply.status_code == 201, reply.text
    app = reply.json()
    assert app["status"] == "approved" and app["wallet"] == me.address
    assert app["gradeLetter"] in "ABC" and app["gradeLetter"] == "ABCDEFG"[app["grade"] - 1]
    offer = app["offer"]
    assert offer["principal"] == str(2_000 * USDC) and offer["aprBps"] > 0 and int(offer["installment"]) > 0
    assert "fraud_hits" not in app and "fraudHits" not in app  # borrowers do not see which rule fired
    assert app["signedOffer"]["status"] == "unavailable"  # no chain here


def test_the_repayment_source_is_kept_with_the_application_and_optional(live_server):
    me = Borrower(live_server)
    stated = me.apply(application(repayment_source="pension"))
    assert stated.status_code == 201, stated.text
    assert stated.json()["repaymentSource"] == "pension"
    fetched = me.http.get(f"/v2/loan-applications/{stated.json()['id']}")
    assert fetched.json()["repaymentSource"] == "pension"
    unstated = Borrower(live_server).apply(application())
    assert unstated.status_code == 201 and unstated.json()["repaymentSource"] is None


def test_a_decline_answers_with_the_reasons_and_no_offer(live_server):
    me = Borrower(live_server)
    reply = me.apply(
        application(amount=9_000 * USDC, term_months=48, purpose="education", attributes=dict(BAD_ATTRIBUTES))
    )
    assert reply.status_code == 201, reply.text
    app = reply.json()
    assert app["status"] == "declined" and app["offer"] is None and app["signedOffer"] is None
    assert app["reasons"] and all(set(r) == {"code", "text", "pointsLost"} for r in app["reasons"])
    assert "Checking account balance below 0 DM" in [r["text"] for r in app["reasons"]]


def test_own_applications_only(live_server):
    alice, mallory = Borrower(live_server), Borrower(live_server)
    mine = alice.apply().json()
    assert alice.http.get(f"/v2/loan-applications/{mine['id']}").json()["id"] == mine["id"]
    assert [a["id"] for a in alice.http.get("/v2/loan-applications").json()["items"]] == [mine["id"]]
    _problem(mallory.http.get(f"/v2/loan-applications/{mine['id']}"), 404)
    _problem(mallory.http.get("/v2/loan-applications/00000000-0000-0000-0000-000000000000"), 404)
    assert mallory.http.get("/v2/loan-applications").json() == {"items": [], "nextCursor": None}


def test_idempotency_key_replays_instead_of_applying_twice(live_server):
    me = Borrower(live_server)
    key = "loan-application-retry-1"
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
