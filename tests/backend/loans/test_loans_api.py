"""The loans API over HTTP: query parameters, units and problems, and portfolio and transactions for their
owner only (what the book, the portfolio and the activity hold: test_loan_book_service.py,
test_portfolio_service.py)."""

from __future__ import annotations

import httpx
from eth_account import Account

from tests.backend.loans.lifecycle import ADDED, BORROWER, FEES, LENDER_A, PLEDGED
from tests.support.server import auth_headers, create_operator_key, siwe_login

LENDER_A_ACCOUNT = Account.from_key((0xA11CE + 2).to_bytes(32, "big"))
STRANGER = Account.from_key((0xBAD).to_bytes(32, "big"))


def test_each_query_parameter_reaches_its_filter(loans_server):
    # what each filter and order selects: test_loan_book_service.py
    everything = httpx.get(f"{loans_server}/v2/loans").json()
    assert [i["loanId"] for i in everything["items"]] == [3, 2, 1] and everything["nextCursor"] is None
    query = (
        f"status=defaulted&grade=2&grade=5&term=12&minRateBps=1000&maxRateBps=1500&borrower={BORROWER}"
        "&sort=rate&limit=10"
    )
    assert [i["loanId"] for i in httpx.get(f"{loans_server}/v2/loans?{query}").json()["items"]] == [1]
    assert httpx.get(f"{loans_server}/v2/loans?borrower={BORROWER.lower()}").json()["items"][0]["loanId"] == 1
    item = everything["items"][2]  # amounts are decimal strings
    assert item["outstandingPrincipal"] == str(int(item["principal"]) - int(item["principalRepaid"]))


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


def test_a_loans_detail_is_in_the_apis_units_and_a_missing_one_is_a_problem(loans_server):
    # the schedule, repayments, delinquency and chain figures themselves: test_loan_book_service.py
    loan = httpx.get(f"{loans_server}/v2/loans/1").json()
    assert loan["status"] == "defaulted" and len(loan["schedule"]) == 12
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
    assert reply.headers["content-type"].startswith("application/problem+json")
    # times are ISO 8601 UTC; the chain's figures are null without a chain, and say why
    assert loan["listedAt"].endswith("Z") and loan["schedule"][0]["dueAt"].endswith("Z")
    assert loan["chain"]["amountDue"] is None and loan["chain"]["error"] == "no chain configured"
    assert httpx.get(f"{loans_server}/v2/loans/2").json()["chain"]["payoff"] == "0"  # expired: owes nothing


def test_the_next_cursor_leads_to_the_next_page_and_belongs_to_its_order(loans_server):
    first = httpx.get(f"{loans_server}/v2/loans", params={"sort": "rate", "limit": 1}).json()
    second = httpx.get(
        f"{loans_server}/v2/loans", params={"sort": "rate", "limit": 1, "cursor": first["nextCursor"]}
    ).json()
    assert [i["loanId"] for i in first["items"] + second["items"]] == [2, 1]
    # a cursor of one sort is refused by another
    reply = httpx.get(f"{loans_server}/v2/loans", params={"cursor": first["nextCursor"]})
    assert reply.status_code == 422 and reply.json()["type"] == "invalid-cursor"


def test_portfolio_is_readable_by_its_wallet_and_operators_only(loans_server):
    # what the portfolio adds up: test_portfolio_service.py
    url = f"{loans_server}/v2/wallets/{LENDER_A}/portfolio"
    assert httpx.get(url).status_code == 401
    stranger = siwe_login(loans_server, STRANGER)
    assert httpx.get(url, headers=auth_headers(stranger)).status_code == 403
    own = httpx.get(url, headers=auth_headers(siwe_login(loans_server, LENDER_A_ACCOUNT)))
    assert own.status_code == 200
    body = own.json()
    assert body["invested"] == "600000000" and [h["loanId"] for h in body["holdings"]] == [1, 2]
    # lower-case path: the same wallet, for its owner and no one else
    lower = url.replace(LENDER_A, LENDER_A.lower())
    assert httpx.get(lower, headers=auth_headers(stranger)).status_code == 403
    assert httpx.get(lower, headers={"Authorization": own.request.headers["Authorization"]}).json() == body
    compliance = create_operator_key(loans_server, "compliance")
    assert httpx.get(url, headers={"X-API-Key": compliance}).json() == body
    oracle_key = create_operator_key(loans_server, "oracle")
    assert httpx.get(url, headers={"X-API-Key": oracle_key}).status_code == 403


def test_transactions_are_owner_only(loans_server):
    # their order, kinds and pages: test_portfolio_service.py
    url = f"{loans_server}/v2/wallets/{LENDER_A}/transactions"
    token = siwe_login(loans_server, LENDER_A_ACCOUNT)
    items = httpx.get(url, headers=auth_headers(token)).json()["items"]
    assert [i["kind"] for i in items] == ["transfer_out", "refund", "fund", "claim", "fund"]
    claims = httpx.get(f"{url}?kind=claim", headers=auth_headers(token)).json()["items"]
    assert [c["amount"] for c in claims] == ["52000000"]
    stranger = siwe_login(loans_server, STRANGER)
    assert httpx.get(url, headers=auth_headers(stranger)).status_code == 403
