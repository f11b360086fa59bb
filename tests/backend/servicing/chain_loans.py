"""Drawn loans on the test deployment, made through the contracts as wallets would (the attester's
attestation, a credit record signed by two oracle signers, an offer signed by the offer signer), for the
scheduler's tests on a real chain."""

from __future__ import annotations

import uuid

from eth_utils import keccak

from backend.risk.offers import OFFER_FIELDS, sign_offer
from tests.support.chain import DeployedChain
from tests.support.credit import attest, publish_credit_record
from tests.support.offers import AGREEMENT_HASH

USD = 10**6
DAY = 86_400
ZERO = "0x" + "00" * 20


def send(chain: DeployedChain, fn, sender: str) -> dict:
    receipt = chain.w3.eth.wait_for_transaction_receipt(fn.transact({"from": sender, "gas": 3_000_000}))
    assert receipt["status"] == 1
    return receipt


def drawn_loan(chain: DeployedChain, borrower: str, lender: str, principal: int, periods: int = 3) -> int:
    """A loan of `borrower`, funded whole by `lender` and drawn now; returns its id."""
    market, token = chain.contract("LoanMarket"), chain.contract("MockStablecoin")
    attest(chain, borrower, keccak(text=f"person:{uuid.uuid4()}"))
    attest(chain, lender, keccak(text=f"person:{uuid.uuid4()}"), risk_class=5)
    publish_credit_record(chain, borrower, 2)
    offer = {
        "borrower": borrower,
        "maxPrincipal": principal,
        "maxPeriods": periods,
        "periodLength": 30 * DAY,
        "grade": 2,
        "aprBps": market.functions.gradeTerms(2).call()[0],
        "collateralToken": ZERO,
        "minCollateral": 0,
        "expiry": chain.now() + DAY,
        "nonce": int(uuid.uuid4()),
    }
    signature = sign_offer(offer, chain.chain_id, market.address, chain.key("offerSigner"))
    params = (principal, 0, periods, 30 * DAY, chain.now() + 3 * DAY, ZERO, 0)
    receipt = send(
        chain,
        market.functions.list(params, tuple(offer[f] for f in OFFER_FIELDS), signature, AGREEMENT_HASH),
        borrower,
    )
    loan_id = market.events.LoanListed().process_receipt(receipt)[0]["args"]["loanId"]
    send(chain, token.functions.mint(lender, principal), lender)
    send(chain, token.functions.approve(market.address, principal), lender)
    send(chain, market.functions.fund(loan_id, principal), lender)
    send(chain, market.functions.drawdown(loan_id), borrower)
    return loan_id


def schedule(chain: DeployedChain, loan_id: int) -> list[tuple[int, int]]:
    """(due date, amount) of each installment, from the market's lens."""
    return [(row[0], row[1]) for row in chain.contract("LoanMarketLens").functions.schedule(loan_id).call()]


def repay(chain: DeployedChain, borrower: str, loan_id: int, amount: int) -> None:
    market, token = chain.contract("LoanMarket"), chain.contract("MockStablecoin")
    send(chain, token.functions.mint(borrower, amount), borrower)
    send(chain, token.functions.approve(market.address, amount), borrower)
    send(chain, market.functions.repay(loan_id, amount), borrower)
