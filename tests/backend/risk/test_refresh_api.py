"""Refreshing on-chain credit records near maxAge over real HTTP: who is re-scored, who lapses and why."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from backend.kyc.models import KycApplication
from backend.oracle_feed.models import RefreshRequest
from backend.risk.models import CreditReport, LoanApplication
from backend.risk.reports import reasons_hash
from tests.backend.risk.risk_support import (
    BAD_ATTRIBUTES,
    Borrower,
    add_indexed_loan,
    application,
    operator,
)

PROBLEM = "application/problem+json"
DECLINED_BODY = application(
    amount=9_000 * 10**6, term_months=48, purpose="education", attributes=BAD_ATTRIBUTES
)


@pytest.fixture(scope="module")
def oracle(live_server) -> httpx.Client:
    return operator(live_server, "oracle")


def _approved(live_server, **kyc) -> tuple[Borrower, dict]:
    me = Borrower(live_server, **kyc)
    app = me.apply(application()).json()
    assert app["status"] == "approved", app
    return me, app


def _reports(live_server, wallet: str) -> list[CreditReport]:
    with live_server.session() as s:
        rows = s.scalars(
            select(CreditReport).where(CreditReport.borrower == wallet).order_by(CreditReport.id)
        )
        return list(rows)


def _published(live_server, wallet: str) -> None:
    """What the oracle and the indexer leave behind once the record is on-chain."""
    with live_server.session() as s:
        for report in s.scalars(select(CreditReport).where(CreditReport.borrower == wallet)):
            report.status = "confirmed"
        s.commit()


def _refresh(oracle: httpx.Client, *wallets: str) -> dict:
    reply = oracle.post("/v2/oracle/reports/refresh", json={"borrowers": list(wallets)})
    assert reply.status_code == 200, reply.text
    return {r["borrower"]: r for r in reply.json()["results"]}


def test_a_published_record_is_re_scored_into_a_new_pending_report(live_server, oracle):
    me, app = _approved(live_server)
    _published(live_server, me.address)
    [first] = _reports(live_server, me.address)

    result = _refresh(oracle, me.address.lower())[me.address]  # any case in, checksummed out

    assert result["outcome"] == "reported", result
    reports = _reports(live_server, me.address)
    assert [r.id for r in reports][:-1] == [first.id]
    fresh = reports[-1]
    assert result["reportId"] == fresh.id and fresh.status == "pending" and fresh.origin == "refresh"
    assert fresh.application_id == app["id"] and fresh.as_of > first.as_of
    # Same inputs, same model: the same score, grade, PD and reasons as the application got.
    assert (fresh.score, fresh.grade, fresh.pd_bps, fresh.model_version) == (
        app["score"],
        app["grade"],
        app["pdBps"],
        app["modelVersion"],
    )
    assert fresh.reasons_hash == first.reasons_hash == reasons_hash([r["code"] for r in app["reasons"]])
    with live_server.session() as s:
        row = s.get(RefreshRequest, me.address)
        assert (row.requests, row.status, row.outcome, row.report_id) == (1, "done", "reported", fresh.id)


def test_a_record_already_on_its_way_is_not_queued_twice(live_server, oracle):
    me, _ = _approved(live_server)
    [pending] = _reports(live_server, me.address)
    assert pending.status == "pending"
    for attempt in (1, 2):
        result = _refresh(oracle, me.address, me.address)[me.address]
        assert (result["outcome"], result["reportId"]) == ("waiting", pending.id)
        assert [r.id for r in _reports(live_server, me.address)] == [pending.id]
        with live_server.session() as s:
            assert s.get(RefreshRequest, me.address).requests == attempt  # duplicates count once


def test_concurrent_refreshes_of_one_borrower_queue_one_report(live_server, oracle):
    me, _ = _approved(live_server)
    _published(live_server, me.address)
    barrier = threading.Barrier(6)

    def ask(_: int) -> httpx.Response:
        barrier.wait()
        return oracle.post("/v2/oracle/reports/refresh", json={"borrowers": [me.address]})

    with ThreadPoolExecutor(6) as pool:
        replies = list(pool.map(ask, range(6)))
    assert [r.status_code for r in replies] == [200] * 6, [r.text for r in replies]
    outcomes = sorted(r.json()["results"][0]["outcome"] for r in replies)
    assert outcomes == ["reported"] + ["waiting"] * 5
    refreshes = [r for r in _reports(live_server, me.address) if r.origin == "refresh"]
    assert len(refreshes) == 1 and refreshes[0].status == "pending"
    with live_server.session() as s:
        assert s.get(RefreshRequest, me.address).requests == 6


def test_without_an_approved_application_the_record_lapses(live_server, oracle):
    declined = Borrower(live_server)
    app = declined.apply(DECLINED_BODY).json()
    assert app["status"] == "declined"
    stranger = Borrower(live_server)
    results = _refresh(oracle, declined.address, stranger.address)
    assert results[declined.address]["detail"].startswith(
        f"the latest loan application ({app['id']}) is declined"
    )
    assert results[stranger.address]["detail"] == "no approved loan application to re-score"
    for wallet in (declined.address, stranger.address):
        assert results[wallet]["outcome"] == "lapsed" and results[wallet]["reportId"] is None
        assert _reports(live_server, wallet) == []


def test_a_decline_after_the_approval_is_not_overridden_by_a_refresh(live_server, oracle):
    me, _ = _approved(live_server)
    _published(live_server, me.address)
    later = me.apply(DECLINED_BODY).json()
    assert later["status"] == "declined"
    result = _refresh(oracle, me.address)[me.address]
    assert result["outcome"] == "lapsed" and f"({later['id']}) is declined" in result["detail"]
    assert [r.origin for r in _reports(live_server, me.address)] == ["application"]


def test_kyc_no_longer_approved_lets_the_record_lapse(live_server, oracle):
    me, _ = _approved(live_server)
    _published(live_server, me.address)
    with live_server.session() as s:
        for kyc in s.scalars(select(KycApplication).where(KycApplication.wallet == me.address)):
            kyc.status = "revoked"
        s.commit()
    result = _refresh(oracle, me.address)[me.address]
    assert result["outcome"] == "lapsed" and "identity verification is revoked" in result["detail"]
    assert [r.origin for r in _reports(live_server, me.address)] == ["application"]


@pytest.mark.parametrize("status,due_days_ago", [("defaulted", None), ("active", 40)])
def test_a_default_or_a_late_loan_since_approval_lets_the_record_lapse(
    live_server, oracle, status, due_days_ago
):
    me, _ = _approved(live_server)
    _published(live_server, me.address)
    loan_id = add_indexed_loan(live_server, me.address, status, due_days_ago=due_days_ago)
    result = _refresh(oracle, me.address)[me.address]
    assert result["outcome"] == "lapsed" and result["detail"].startswith("re-scored decline")
    assert f"platform_repayment: loan #{loan_id}" in result["detail"]
    assert len(_reports(live_server, me.address)) == 1


def test_an_application_older_than_the_policy_limit_is_not_re_scored(live_server, oracle):
    me, app = _approved(live_server)
    _published(live_server, me.address)
    with live_server.session() as s:
        row = s.get(LoanApplication, app["id"])
        row.created_at = row.created_at - timedelta(days=181)
        s.commit()
    result = _refresh(oracle, me.address)[me.address]
    assert result["outcome"] == "lapsed" and "181 days old, over 180" in result["detail"]
    assert len(_reports(live_server, me.address)) == 1


def test_a_review_that_would_fire_again_is_not_skipped_by_a_refresh(live_server, oracle):
    first = Borrower(live_server)
    with live_server.session() as s:
        phone = s.scalar(select(KycApplication.phone_hash).where(KycApplication.wallet == first.address))
    shared = Borrower(live_server, phone_hash=phone)
    app = shared.apply(application()).json()
    assert app["status"] == "review"
    reviewer = operator(live_server, "reviewer")
    approved = reviewer.post(
        f"/v2/risk/reviews/{app['id']}", json={"decision": "approve", "note": "siblings"}
    )
    assert approved.status_code == 200, approved.text
    _published(live_server, shared.address)

    result = _refresh(oracle, shared.address)[shared.address]

    assert result["outcome"] == "lapsed" and result["detail"].startswith("re-scored review")
    assert "shared_contact" in result["detail"]  # the anti-fraud rule that fired again, by name
    assert len(_reports(live_server, shared.address)) == 1


def test_a_credit_band_a_reviewer_accepted_is_refreshed(live_server, oracle):
    me = Borrower(live_server)
    attributes = {
        **application()["attributes"],
        "status_of_existing_checking_account": BAD_ATTRIBUTES["status_of_existing_checking_account"],
        "credit_history": BAD_ATTRIBUTES["credit_history"],
    }
    app = me.apply(application(attributes=attributes)).json()
    assert app["status"] == "review" and app["gradeLetter"] == "E"  # the PD band alone asks for review
    reviewer = operator(live_server, "reviewer")
    assert reviewer.post(
        f"/v2/risk/reviews/{app['id']}", json={"decision": "approve", "note": "ok"}
    ).is_success
    _published(live_server, me.address)

    result = _refresh(oracle, me.address)[me.address]

    assert result["outcome"] == "reported", result
    fresh = _reports(live_server, me.address)[-1]
    assert (fresh.origin, fresh.grade, fresh.pd_bps) == ("refresh", app["grade"], app["pdBps"])


def test_refresh_is_for_the_oracle_role_and_refuses_what_is_not_an_address(live_server, oracle):
    me, _ = _approved(live_server)
    body = {"borrowers": [me.address]}
    assert httpx.post(f"{live_server}/v2/oracle/reports/refresh", json=body).status_code == 401
    for role in ("reviewer", "admin"):
        reply = operator(live_server, role).post("/v2/oracle/reports/refresh", json=body)
        assert reply.status_code == 403 and reply.headers["content-type"].startswith(PROBLEM)
    bad = oracle.post("/v2/oracle/reports/refresh", json={"borrowers": [me.address, "0x1234", "nope"]})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith(PROBLEM)
    assert sorted(e["loc"][-1] for e in bad.json()["errors"]) == [1, 2]  # the two that are not addresses
    too_many = oracle.post("/v2/oracle/reports/refresh", json={"borrowers": [me.address] * 1001})
    assert too_many.status_code == 422
    with live_server.session() as s:
        assert s.get(RefreshRequest, me.address) is None  # refused requests leave nothing behind
