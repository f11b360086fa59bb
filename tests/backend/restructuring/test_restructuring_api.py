"""The restructuring API over HTTP: its keys, units and problems (what the figures mean:
test_restructuring_service.py; against a real chain: tests/e2e/test_restructuring.py)."""

from __future__ import annotations

import httpx
import pytest

from tests.backend.restructuring.story import (
    LOAN,
    NOTES,
    PERIOD,
    T0,
    USD,
    A,
    B,
    approve,
    drawn_and_late,
    propose,
    store,
)

PROPOSED_AT = T0 + 2 * PERIOD + 10 * 86_400


@pytest.fixture(scope="module")
def server(module_server_factory):
    server = module_server_factory(rate_limit_enabled=False)
    s = drawn_and_late()
    propose(s, PROPOSED_AT)
    approve(s, PROPOSED_AT + 60, A, NOTES[A])
    with server.session() as session:
        store(session, s.events)
    return server


def test_the_restructuring_of_a_loan_in_the_apis_units(server):
    r = httpx.get(f"{server}/v2/loans/{LOAN}/restructuring")
    assert r.status_code == 200
    body = r.json()
    assert body["loanId"] == LOAN
    assert body["requiredPrincipal"] == str(2_000 * USD) and body["approvedPrincipal"] == str(1_000 * USD)
    assert body["executable"] is False and body["approvingNoteIds"] == [NOTES[A]]
    proposal = body["proposal"]
    assert proposal["status"] == "open" and proposal["expiry"].endswith("Z") and proposal["terms"] is None
    assert body["approvals"][0]["share"] == str(1_000 * USD) and body["approvals"][0]["counts"] is True
    assert body["preview"]["error"] == "no chain configured" and body["calls"] is None


def test_unknown_loans_and_bad_ids_are_problems(server):
    r = httpx.get(f"{server}/v2/loans/999/restructuring")
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")
    assert httpx.get(f"{server}/v2/loans/-1/restructuring").status_code == 422
    assert httpx.get(f"{server}/v2/loans/x/restructuring").status_code == 422


def test_typed_data_refuses_what_it_cannot_sign_for(server):
    url = f"{server}/v2/loans/{LOAN}/restructuring/approvals/typed-data"
    bad = httpx.post(url, json={"holder": "0x123"})
    assert bad.status_code == 422 and bad.json()["type"] == "validation-error"
    extra = httpx.post(url, json={"holder": A, "nonce": "1"})
    assert extra.status_code == 422  # unknown keys are refused
    stranger = httpx.post(url, json={"holder": "0x" + "12" * 20})
    assert stranger.status_code == 422 and stranger.json()["type"] == "not-a-note-holder"
    no_chain = httpx.post(url, json={"holder": B.lower()})  # a holder, as a lowercase address
    assert no_chain.status_code == 409 and no_chain.json()["type"] == "chain-not-configured"
    missing = httpx.post(f"{server}/v2/loans/999/restructuring/approvals/typed-data", json={"holder": A})
    assert missing.status_code == 404
