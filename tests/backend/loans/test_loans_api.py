"""Loans API: filters, detail with schedule and repayments, portfolio and transactions (owner only)."""

from __future__ import annotations

import httpx
from eth_account import Account

from tests.backend.loans.lifecycle import ADDED, FEES, LENDER_A, PLEDGED
from tests.support.server import auth_headers, create_operator_key, siwe_login

LENDER_A_ACCOUNT = Account.from_key((0xA11CE + 2).to_bytes(32, "big"))
STRANGER = Account.from_key((0xBAD).to_bytes(32, "big"))


def test_list_and_filter_loans(loans_server):
    items = httpx.get(f"{loans_server}/v2/loans").json()["items"]
    assert [i["loanId"] for i in items] == [3, 2, 1]
    assert [i["loanId"] for i in httpx.get(f"{loans_server}/v2/loans?status=listed").json()["items"]] == [3]
    assert [i["loanId"] for i in httpx.get(f"{loans_server}/v2/loans?grade=2&grade=5").json()["items"]] == [
        2,
        1,
    ]
    assert [i["loanId"] for i in httpx.get(f"{loans_server}/v2/loans?term=24").json()["items"]] == [3]
    page = httpx.get(f"{loans_server}/v2/loans?minRateBps=1000&maxRateBps=1500").json()
    assert [i["loanId"] for i in page["items"]] == [1] and page["nextCursor"] is None
    assert [i["loanId"] for i in httpx.get(f"{loans_server}/v2/loans?sort=rate").json()["items"]] == [2, 1, 3]


def test_invalid_filters_are_problems(loans_server):
    for query in (
        "grade=9",
        "status=bogus",
        "borrower=0x123",
        "limit=0",
        "minRateBps=9223372036854775808",
        "term=9223372036854775808",
        "cursor=garbage",
        "limit=9223372036854775808",
    ):
        reply = httpx.get(f"{loans_server}/v2/loans?{query}")
        assert reply.status_code == 422 and reply.headers["content-type"].startswith(
            "application/problem+json"
        )


def test_loan_detail_has_schedule_and_repayments(loans_server):
    loan = httpx.get(f"{loans_server}/v2/loans/1").json()
    assert loan["status"] == "defaulted" and len(loan["schedule"]) == 12
    assert sum(int(r["principal"]) for r in loan["schedule"]) == int(loan["principal"])
    assert [r["paid"] for r in loan["schedule"][:2]] == [True, False]
    assert [r["principal"] for r in loan["repayments"]] == ["78985775", "79000000"]
    # collateral in the token's own units, beyond 2^63 (a decimal string, exact in JavaScript too); the fees
    # fixed for the loan at drawdown
    assert loan["collateralAmount"] == str(PLEDGED + ADDED)
    fees = (loan["servicingFeeBps"], loan["reserveShareBps"], loan["lateFeeBpsPerDay"])
    assert fees == tuple(FEES.values())
    assert httpx.get(f"{loans_server}/v2/loans/2").json()["expiryReason"] == 1
    reply = httpx.get(f"{loans_server}/v2/loans/99")
    assert reply.status_code == 404 and reply.json()["status"] == 404
    # times are ISO 8601 UTC; the chain's figures are null without a chain, and say why
    assert loan["listedAt"].endswith("Z") and loan["schedule"][0]["dueAt"].endswith("Z")
    assert loan["chain"]["amountDue"] is None and loan["chain"]["error"] == "no chain configured"
    assert httpx.get(f"{loans_server}/v2/loans/2").json()["chain"]["payoff"] == "0"  # expired: owes nothing


def test_loans_page_by_cursor(loans_server):
    for sort in ("newest", "rate", "amount"):
        everything = httpx.get(f"{loans_server}/v2/loans", params={"sort": sort}).json()["items"]
        seen, cursor = [], None
        while True:
            params = {"sort": sort, "limit": 1, **({"cursor": cursor} if cursor else {})}
            page = httpx.get(f"{loans_server}/v2/loans", params=params).json()
            seen += [i["loanId"] for i in page["items"]]
            cursor = page["nextCursor"]
            if cursor is None:
                break
        assert seen == [i["loanId"] for i in everything]
    # a cursor of one sort is refused by another
    first = httpx.get(f"{loans_server}/v2/loans", params={"sort": "rate", "limit": 1}).json()
    reply = httpx.get(f"{loans_server}/v2/loans", params={"cursor": first["nextCursor"]})
    assert reply.status_code == 422 and reply.json()["type"] == "invalid-cursor"


def test_outstanding_principal_is_what_the_index_knows(loans_server):
    for item in httpx.get(f"{loans_server}/v2/loans").json()["items"]:
        drawn = item["status"] in ("active", "defaulted")
        expected = int(item["principal"]) - int(item["principalRepaid"]) if drawn else 0
        assert item["outstandingPrincipal"] == str(expected)


def test_portfolio_is_readable_by_its_wallet_and_operators_only(loans_server):
    url = f"{loans_server}/v2/wallets/{LENDER_A}/portfolio"
    assert httpx.get(url).status_code == 401
    stranger = siwe_login(loans_server, STRANGER)
    assert httpx.get(url, headers=auth_headers(stranger)).status_code == 403
    own = httpx.get(url, headers=auth_headers(siwe_login(loans_server, LENDER_A_ACCOUNT)))
    assert own.status_code == 200
    body = own.json()
    assert body["invested"] == "600000000" and body["received"] == "52000000" and int(body["losses"]) > 0
    assert [h["loanId"] for h in body["holdings"]] == [1, 2]
    # lower-case path: the same wallet
    assert (
        httpx.get(url.lower().replace("http://", "http://"), headers=auth_headers(stranger)).status_code
        == 403
    )
    compliance = create_operator_key(loans_server, "compliance")
    assert httpx.get(url, headers={"X-API-Key": compliance}).json() == body
    oracle_key = create_operator_key(loans_server, "oracle")
    assert httpx.get(url, headers={"X-API-Key": oracle_key}).status_code == 403


def test_transactions_are_owner_only_and_newest_first(loans_server):
    url = f"{loans_server}/v2/wallets/{LENDER_A}/transactions"
    token = siwe_login(loans_server, LENDER_A_ACCOUNT)
    items = httpx.get(url, headers=auth_headers(token)).json()["items"]
    assert [i["kind"] for i in items] == ["transfer_out", "refund", "fund", "claim", "fund"]
    claims = httpx.get(f"{url}?kind=claim", headers=auth_headers(token)).json()["items"]
    assert [c["amount"] for c in claims] == ["52000000"]
    pages, cursor = [], None
    while True:
        page = httpx.get(
            url, params={"limit": 2, **({"cursor": cursor} if cursor else {})}, headers=auth_headers(token)
        )
        pages += [i["kind"] for i in page.json()["items"]]
        cursor = page.json()["nextCursor"]
        if cursor is None:
            break
    assert pages == [i["kind"] for i in items]
    stranger = siwe_login(loans_server, STRANGER)
    assert httpx.get(url, headers=auth_headers(stranger)).status_code == 403
