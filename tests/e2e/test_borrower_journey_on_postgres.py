"""The service over HTTP on a real PostgreSQL server, wired to the local chain: sign-in, KYC with its
on-chain attestation, a loan application decided and queued for the oracle with its signed offer,
a review, a refresh of the credit record, a listing on-chain with the signed offer and sign-out. The
rest of the service suite runs on SQLite; this checks that the same code paths hold on the database
production uses."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from web3.logs import DISCARD

from backend.core.models import AuditLog
from backend.kyc.models import KycApplication
from backend.risk.models import CreditReport
from tests.backend.kyc.kyc_support import Operators, Wallet, submission
from tests.backend.risk.risk_support import BAD_ATTRIBUTES, application
from tests.support.credit import publish_credit_record
from tests.support.offers import AGREEMENT_HASH
from tests.support.server import auth_headers

PROBLEM = "application/problem+json"
ZERO = "0x" + "00" * 20


def _applied(server) -> tuple[Wallet, dict]:
    wallet, body = Wallet(server), submission()
    wallet.answer()
    reply = wallet.apply(body)
    assert reply.status_code == 201, reply.text
    assert reply.json()["status"] == "approved" and reply.json()["attestation"]["status"] == "attested"
    return wallet, body


def _list_with_the_offer(chain, wallet: Wallet, app: dict) -> dict:
    """The wallet lists on-chain with the offer the API returned (after the oracle's record of its grade
    is published); returns the LoanListed event's arguments."""
    market = chain.contract("LoanMarket")
    offer = app["signedOffer"]
    message = offer["typedData"]["message"]
    struct = tuple(int(v) if k == "nonce" else v for k, v in message.items())
    assert market.functions.offerDigest(struct).call().hex() == offer["digest"][2:]
    publish_credit_record(chain, wallet.address, app["grade"], score=app["score"])
    chain.w3.provider.make_request("anvil_setBalance", [wallet.address, hex(10**18)])
    assert message["collateralToken"] == ZERO  # the profile's grade lists unsecured
    deadline = chain.now() + 86_400
    params = (message["maxPrincipal"], 0, message["maxPeriods"], message["periodLength"], deadline, ZERO, 0)
    fn = market.functions.list(params, struct, bytes.fromhex(offer["signature"][2:]), AGREEMENT_HASH)
    w3 = chain.w3
    nonce = w3.eth.get_transaction_count(wallet.address)
    tx = fn.build_transaction({"from": wallet.address, "nonce": nonce, "chainId": chain.chain_id})
    raw = wallet.account.sign_transaction(tx).raw_transaction
    receipt = w3.eth.wait_for_transaction_receipt(w3.eth.send_raw_transaction(raw))
    assert receipt["status"] == 1
    return dict(market.events.LoanListed().process_receipt(receipt, errors=DISCARD)[0]["args"])


def test_borrower_journey_on_postgres(server_factory, postgres_url, deployed_chain):
    # No snapshot to revert to: reverting would take back the attester's transactions, whose nonces
    # this process's chain client has counted (the next test's attestation would wait behind a gap).
    server = server_factory(
        rate_limit_enabled=False, database_url=postgres_url, **deployed_chain.server_settings()
    )
    assert server.database_url.startswith("postgresql")
    ops = Operators(server)
    alice, identity = _applied(server)

    # Approved at once and queued for the oracle; PII only as ciphertext.
    approved = alice.http.post("/v2/loan-applications", json=application())
    assert approved.status_code == 201, approved.text
    app = approved.json()
    assert app["status"] == "approved"
    with server.session() as s:
        kyc = s.scalars(select(KycApplication).where(KycApplication.wallet == alice.address)).one()
        for personal in ("full_name", "national_id_number", "phone", "bank_card_number"):
            assert identity[personal] not in kyc.pii_ciphertext
        registry = deployed_chain.contract("IdentityRegistry")
        assert "0x" + registry.functions.identityOf(alice.address).call()[7].hex() == kyc.subject
        report = s.scalars(select(CreditReport).where(CreditReport.application_id == app["id"])).one()
        assert (report.status, report.origin, report.borrower) == ("pending", "application", alice.address)

    # The oracle's refresh sees the report still on its way, then re-scores once it is published.
    oracle = ops.http("oracle")
    waiting = oracle.post("/v2/oracle/reports/refresh", json={"borrowers": [alice.address]}).json()
    assert waiting["results"][0]["outcome"] == "waiting"
    acked = oracle.post(
        "/v2/oracle/reports/ack",
        json={"acks": [{"id": report.id, "status": "submitted", "round": 1, "txHash": "0x" + "ab" * 32}]},
    )
    assert acked.json()["results"][0]["applied"] is True
    with server.session() as s:
        s.get(CreditReport, report.id).status = "confirmed"
        s.commit()
    fresh = oracle.post("/v2/oracle/reports/refresh", json={"borrowers": [alice.address]}).json()
    assert fresh["results"][0]["outcome"] == "reported", fresh
    pending = oracle.get("/v2/oracle/reports", params={"status": "pending"}).json()["items"]
    assert [(i["borrower"], i["score"]) for i in pending] == [(alice.address, app["score"])]

    # A later declined application never reaches the queue (and would stop the next refresh); a bad
    # body is a problem, not a 500.
    body = application(amount=9_000 * 10**6, term_months=48, purpose="education", attributes=BAD_ATTRIBUTES)
    declined = alice.http.post("/v2/loan-applications", json=body).json()
    assert declined["status"] == "declined"
    invalid = alice.http.post("/v2/loan-applications", json={**application(), "termMonths": 0})
    assert invalid.status_code == 422 and invalid.headers["content-type"].startswith(PROBLEM)

    # Object-level authorization holds on this database too.
    mallory = Wallet(server)
    assert mallory.http.get(f"/v2/loan-applications/{app['id']}").status_code == 404

    # The signed offer is stored (JSON on PostgreSQL) and read back the same; the wallet lists with it.
    assert app["signedOffer"]["status"] == "signed", app["signedOffer"]
    assert alice.http.get(f"/v2/loan-applications/{app['id']}").json()["signedOffer"] == app["signedOffer"]
    listed = _list_with_the_offer(deployed_chain, alice, app)
    assert (listed["borrower"], listed["grade"]) == (alice.address, app["grade"])

    # Sign-out revokes this session only; every step above was audited.
    token = alice.http.headers["Authorization"].split()[1]
    assert httpx.post(f"{server}/v2/auth/signout", headers=auth_headers(token)).status_code == 204
    assert alice.http.get("/v2/loan-applications").status_code == 401
    with server.session() as s:
        actions = set(s.scalars(select(AuditLog.action).where(AuditLog.actor == f"wallet:{alice.address}")))
    assert {"risk.application.approved", "risk.application.declined"} <= actions
