"""An approved loan application carries the risk service's signed EIP-712 LoanOffer: checked against the
deployed LoanMarket (its own digest, a listing with the offer, refusals of tampered ones), returned the
same on every read, and never a 500 when the chain is out of reach."""

from __future__ import annotations

import uuid

import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak
from web3.exceptions import ContractCustomError, ContractLogicError
from web3.logs import DISCARD

from backend.risk import signed_offers
from backend.risk.config import USDC, RiskSettings
from backend.risk.models import LoanApplication
from backend.risk.offers import OFFER_FIELDS
from tests.backend.risk.risk_support import Borrower, application, operator
from tests.support.chain import deployed_chain  # noqa: F401
from tests.support.credit import attest, publish_credit_record
from tests.support.offers import AGREEMENT_HASH

ZERO_ADDRESS = "0x" + "00" * 20
DAY = 86_400


@pytest.fixture(scope="module")
def chain_server(module_server_factory, deployed_chain):  # noqa: F811
    return module_server_factory(rate_limit_enabled=False, **deployed_chain.server_settings())


@pytest.fixture(scope="module")
def market(deployed_chain):  # noqa: F811
    return deployed_chain.contract("LoanMarket")


@pytest.fixture
def isolated(deployed_chain):  # noqa: F811
    snapshot = deployed_chain.snapshot()
    yield deployed_chain
    deployed_chain.revert(snapshot)


def approved(server, account=None, **overrides) -> tuple[Borrower, dict]:
    borrower = Borrower(server, account=account)
    reply = borrower.apply(application(**overrides))
    assert reply.status_code == 201, reply.text
    app = reply.json()
    assert app["status"] == "approved", app
    return borrower, app


def offer_struct(typed: dict) -> tuple:
    message = typed["message"]
    return tuple(int(message[f]) if f == "nonce" else message[f] for f in OFFER_FIELDS)


def send(chain, fn, sender: str):
    """Sends from an unlocked anvil account; returns the receipt (status checked by the caller)."""
    return chain.w3.eth.wait_for_transaction_receipt(fn.transact({"from": sender, "gas": 3_000_000}))


# ------------------------------------------------------------------------------------------ the offer


def test_approval_returns_the_signed_offer_with_the_markets_digest(chain_server, deployed_chain, market):  # noqa: F811
    borrower, app = approved(chain_server)
    signed = app["signedOffer"]
    assert signed["status"] == "signed", signed
    typed, quoted = signed["typedData"], app["offer"]
    message = typed["message"]
    assert typed["primaryType"] == "LoanOffer"
    assert typed["domain"] == {
        "name": "PeerLend LoanMarket",
        "version": "1",
        "chainId": deployed_chain.chain_id,
        "verifyingContract": market.address,
    }
    assert (message["borrower"], message["maxPrincipal"], message["maxPeriods"]) == (
        borrower.address,
        int(quoted["principal"]),
        quoted["termMonths"],
    )
    assert (message["grade"], message["aprBps"]) == (quoted["grade"], quoted["aprBps"])
    assert message["aprBps"] == market.functions.gradeTerms(message["grade"]).call()[0]
    assert message["periodLength"] == RiskSettings().offer_period_seconds == 30 * DAY
    assert message["minCollateral"] == 0 and message["collateralToken"] == ZERO_ADDRESS  # unsecured grade
    assert isinstance(message["nonce"], str) and int(message["nonce"]) == signed_offers.offer_nonce(app["id"])
    assert abs(message["expiry"] - (deployed_chain.now() + 7 * DAY)) < 120  # on the chain's clock

    # the typed data as returned hashes to what the contract computes, and the offer signer signed it
    onchain = market.functions.offerDigest(offer_struct(typed)).call()
    assert onchain.hex() == signed["digest"][2:]
    signable = encode_typed_data(full_message=typed)
    recovered = Account.recover_message(signable, signature=bytes.fromhex(signed["signature"][2:]))
    assert recovered == signed["signer"] == deployed_chain.manifest["accounts"]["offerSigner"]


def test_the_same_offer_comes_back_on_every_read(chain_server):
    borrower, app = approved(chain_server)
    again = borrower.http.get(f"/v2/loan-applications/{app['id']}")
    assert again.status_code == 200 and again.json()["signedOffer"] == app["signedOffer"]
    listed = borrower.http.get("/v2/loan-applications").json()["items"]
    assert [a["signedOffer"] for a in listed if a["id"] == app["id"]] == [app["signedOffer"]]
    _, other = approved(chain_server)
    assert (
        other["signedOffer"]["typedData"]["message"]["nonce"]
        != app["signedOffer"]["typedData"]["message"]["nonce"]
    )
    with chain_server.session() as session:
        row = session.get(LoanApplication, app["id"])
        assert row.offer_nonce == app["signedOffer"]["typedData"]["message"]["nonce"]


def test_an_application_in_review_gets_its_offer_when_the_reviewer_approves(chain_server):
    shared = Borrower(chain_server)
    with chain_server.session() as session:
        from backend.kyc.models import KycApplication

        phone_hash = session.query(KycApplication.phone_hash).filter_by(wallet=shared.address).scalar()
    borrower = Borrower(chain_server, phone_hash=phone_hash)  # shared contact details: manual review
    app = borrower.apply(application()).json()
    assert app["status"] == "review" and app["signedOffer"] is None
    reply = operator(chain_server, "reviewer").post(
        f"/v2/risk/reviews/{app['id']}", json={"decision": "approve", "note": "same household"}
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["signedOffer"]["status"] == "signed"
    mine = borrower.http.get(f"/v2/loan-applications/{app['id']}").json()
    assert mine["signedOffer"] == reply.json()["signedOffer"]


# ------------------------------------------------------------------------------------------ on-chain


def test_a_listing_with_the_returned_offer_succeeds_and_tampered_ones_are_refused(
    chain_server, isolated, market
):
    chain = isolated
    account = chain.accounts["user10"]
    borrower, app = approved(chain_server, account=account)
    signed = app["signedOffer"]
    offer, signature = offer_struct(signed["typedData"]), bytes.fromhex(signed["signature"][2:])
    attest(chain, borrower.address, keccak(text=f"person:{uuid.uuid4()}"))
    publish_credit_record(chain, borrower.address, app["grade"])
    principal, periods = int(app["offer"]["principal"]), app["offer"]["termMonths"]
    params = (principal, 0, periods, 30 * DAY, chain.now() + 3 * DAY, ZERO_ADDRESS, 0)

    # tampered: more principal than signed -> the signature recovers to someone without the role
    i = OFFER_FIELDS.index("maxPrincipal")
    bigger = offer[:i] + (offer[i] * 2,) + offer[i + 1 :]
    with pytest.raises((ContractCustomError, ContractLogicError)) as refused:
        market.functions.list(params, bigger, signature, AGREEMENT_HASH).call({"from": borrower.address})
    assert _error(market, refused.value) == "OfferSignerNotAuthorized"
    # the genuine offer, but a listing outside it
    too_long = (principal, 0, periods + 1, 30 * DAY, params[4], ZERO_ADDRESS, 0)
    with pytest.raises((ContractCustomError, ContractLogicError)) as refused:
        market.functions.list(too_long, offer, signature, AGREEMENT_HASH).call({"from": borrower.address})
    assert _error(market, refused.value) == "ListingOutsideOffer"

    receipt = send(chain, market.functions.list(params, offer, signature, AGREEMENT_HASH), borrower.address)
    assert receipt["status"] == 1
    used = market.events.OfferUsed().process_receipt(receipt, errors=DISCARD)
    listed = market.events.LoanListed().process_receipt(receipt, errors=DISCARD)
    assert used[0]["args"]["nonce"] == int(signed["typedData"]["message"]["nonce"])
    assert (listed[0]["args"]["principal"], listed[0]["args"]["grade"]) == (principal, app["grade"])
    assert market.functions.offerUsed(borrower.address, offer[-1]).call() is True
    # once only
    with pytest.raises((ContractCustomError, ContractLogicError)) as refused:
        market.functions.list(params, offer, signature, AGREEMENT_HASH).call({"from": borrower.address})
    assert _error(market, refused.value) == "OfferAlreadyUsed"


def _error(market, exc: Exception) -> str | None:
    from backend.chain.abi import decode_revert, error_selectors, normalize_revert_data

    data = normalize_revert_data(getattr(exc, "data", None))
    return decode_revert(data, error_selectors(market.abi))[0]


def test_secured_grades_name_the_deployments_collateral_token(chain_server, deployed_chain):  # noqa: F811
    settings, risk = chain_server.settings, RiskSettings()
    app = LoanApplication(
        id=str(uuid.uuid4()),
        wallet=Account.create().address,
        status="approved",
        offer={"grade": 5, "apr_bps": 1720, "principal": 3_000 * USDC, "term_months": 6},
    )
    signed = signed_offers.sign(settings, risk, app)
    token = deployed_chain.manifest["parameters"]["CollateralVault"]["collateral"][0]["token"]
    assert signed["typed_data"]["message"]["collateralToken"] == token
    app.offer = {**app.offer, "grade": 2, "apr_bps": 1000}
    assert signed_offers.sign(settings, risk, app)["typed_data"]["message"]["collateralToken"] == ZERO_ADDRESS


def test_an_offer_priced_under_another_table_is_not_signed(chain_server):
    app = LoanApplication(
        id=str(uuid.uuid4()),
        wallet=Account.create().address,
        status="approved",
        offer={"grade": 2, "apr_bps": 999, "principal": 1_000 * USDC, "term_months": 6},
    )
    with pytest.raises(signed_offers.OfferUnavailable) as unavailable:
        signed_offers.sign(chain_server.settings, RiskSettings(), app)
    assert unavailable.value.reason == "pricing-changed"


# ------------------------------------------------------------------------------------------ no chain


def test_without_a_chain_the_offer_is_unavailable_not_an_error(live_server):
    borrower, app = approved(live_server)
    assert app["signedOffer"] == {
        **app["signedOffer"],
        "status": "unavailable",
        "reason": "chain-not-configured",
        "signature": None,
        "typedData": None,
    }
    again = borrower.http.get(f"/v2/loan-applications/{app['id']}")
    assert again.status_code == 200 and again.json()["signedOffer"]["status"] == "unavailable"


def test_an_unreachable_chain_is_retried_on_the_next_read(module_server_factory, deployed_chain, tmp_path):  # noqa: F811
    server = module_server_factory(  # not ready (its chain is down), but it serves
        rate_limit_enabled=False,
        wait_ready=False,
        **deployed_chain.server_settings(rpc_url="http://127.0.0.1:9"),
    )
    borrower, app = approved(server)
    assert app["signedOffer"]["status"] == "unavailable"
    assert app["signedOffer"]["reason"] == "chain-unavailable"

    server.settings.rpc_url = deployed_chain.rpc_url  # the node is back
    again = borrower.http.get(f"/v2/loan-applications/{app['id']}")
    assert again.status_code == 200, again.text
    signed = again.json()["signedOffer"]
    assert signed["status"] == "signed"
    assert borrower.http.get(f"/v2/loan-applications/{app['id']}").json()["signedOffer"] == signed
