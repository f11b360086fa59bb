"""Refreshing on-chain credit records near maxAge over real HTTP: the request and its answer, races between
aggregators, and who may ask (the policy: test_refresh_service.py)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import select

from backend.oracle_feed.models import RefreshRequest
from backend.risk.models import CreditReport
from tests.backend.risk.risk_support import Borrower, application, operator

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def oracle(live_server) -> httpx.Client:
    return operator(live_server, "oracle")


def _approved(live_server) -> tuple[Borrower, dict]:
    me = Borrower(live_server)
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


def test_a_refresh_answers_each_borrower_checksummed_with_its_outcome(live_server, oracle):
    # who is re-scored, who waits and who lapses: test_refresh_service.py
    me, _ = _approved(live_server)
    _published(live_server, me.address)
    reply = oracle.post("/v2/oracle/reports/refresh", json={"borrowers": [me.address.lower()]})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["queued"] == [me.address]  # any case in, checksummed out
    [result] = body["results"]
    assert (result["borrower"], result["outcome"]) == (me.address, "reported")
    assert result["reportId"] == _reports(live_server, me.address)[-1].id and result["detail"]


def test_a_borrower_named_twice_in_one_request_is_asked_about_once(live_server, oracle):
    me, _ = _approved(live_server)
    [pending] = _reports(live_server, me.address)
    for attempt in (1, 2):
        result = _refresh(oracle, me.address, me.address.lower())[me.address]
        assert (result["outcome"], result["reportId"]) == ("waiting", pending.id)
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
