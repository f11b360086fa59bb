"""The auto-invest keeper (`python -m backend.market.keeper`) against the real deployment on anvil: it
allocates a new listing to the matching mandates in the next block, in queue order, and after a SIGKILL
and a restart it never funds a loan twice from one lender."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from eth_utils import keccak
from web3.exceptions import ContractCustomError

from backend.core.settings import ROOT
from backend.risk.offers import OFFER_FIELDS, sign_offer
from tests.support.chain import deployed_chain  # noqa: F401
from tests.support.credit import attest, publish_credit_record
from tests.support.offers import AGREEMENT_HASH

USD = 10**6
DAY = 86_400
ZERO = "0x" + "00" * 20
pytestmark = pytest.mark.timeout(180)


@pytest.fixture
def chain(deployed_chain):  # noqa: F811
    snapshot = deployed_chain.snapshot()
    yield deployed_chain
    deployed_chain.revert(snapshot)


def send(chain, fn, sender: str):
    receipt = chain.w3.eth.wait_for_transaction_receipt(fn.transact({"from": sender, "gas": 3_000_000}))
    assert receipt["status"] == 1
    return receipt


def join(chain, lender: str, per_loan: int, grade: int = 2) -> None:
    """A KYC'd lender (risk class 5) deposits 5 x `per_loan` and sets a mandate for `grade`."""
    auto, token = chain.contract("AutoInvest"), chain.contract("MockStablecoin")
    attest(chain, lender, keccak(text=f"person:{uuid.uuid4()}"), risk_class=5)
    send(chain, token.functions.mint(lender, per_loan * 5), lender)
    send(chain, token.functions.approve(auto.address, per_loan * 5), lender)
    send(chain, auto.functions.deposit(per_loan * 5), lender)
    mandate = (1 << (grade - 1), 0, 365, per_loan, per_loan * 3, 0, True)
    send(chain, auto.functions.setMandate(mandate), lender)


def list_loan(chain, borrower: str, principal: int, grade: int = 2) -> tuple[int, int]:
    """Lists `principal` for `borrower` (attested, with a fresh credit record) within a signed offer;
    returns (loan id, block number)."""
    market = chain.contract("LoanMarket")
    attest(chain, borrower, keccak(text=f"person:{uuid.uuid4()}"))
    publish_credit_record(chain, borrower, grade)
    offer = {
        "borrower": borrower,
        "maxPrincipal": principal,
        "maxPeriods": 6,
        "periodLength": 30 * DAY,
        "grade": grade,
        "aprBps": market.functions.gradeTerms(grade).call()[0],
        "collateralToken": ZERO,
        "minCollateral": 0,
        "expiry": chain.now() + DAY,
        "nonce": int(uuid.uuid4()),
    }
    signature = sign_offer(offer, chain.chain_id, market.address, chain.key("offerSigner"))
    params = (principal, 0, 6, 30 * DAY, chain.now() + 3 * DAY, ZERO, 0)
    fields = tuple(offer[f] for f in OFFER_FIELDS)
    receipt = send(chain, market.functions.list(params, fields, signature, AGREEMENT_HASH), borrower)
    loan_id = market.events.LoanListed().process_receipt(receipt)[0]["args"]["loanId"]
    return loan_id, receipt["blockNumber"]


def start_keeper(chain, state_path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PEERLEND_")}
    env.update(
        {
            "PEERLEND_ENV": "test",
            "PEERLEND_RPC_URL": chain.rpc_url,
            "PEERLEND_MANIFEST_PATH": str(chain.manifest_path),
            "PEERLEND_BUILD_DIR": str(chain.build_dir),
            "PEERLEND_KEEPER_PRIVATE_KEY": chain.key("user11"),
            "PEERLEND_KEEPER_STATE_PATH": str(state_path),
            "PEERLEND_KEEPER_POLL_SECONDS": "0.1",
        }
    )
    return subprocess.Popen(
        [sys.executable, "-m", "backend.market.keeper"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def allocations(chain, loan_id: int) -> list[dict]:
    auto = chain.contract("AutoInvest")
    return [
        dict(e["args"]) | {"block": e["blockNumber"]}
        for e in auto.events.Allocated().get_logs(from_block=0, argument_filters={"loanId": loan_id})
    ]


def wait_for(predicate, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_the_keeper_funds_a_listing_from_mandates_in_the_next_block_and_never_twice(chain, tmp_path):
    acc = chain.accounts
    first, second, borrower = acc["user3"].address, acc["user4"].address, acc["user5"].address
    join(chain, first, 1_000 * USD)
    join(chain, second, 500 * USD)
    auto, market = chain.contract("AutoInvest"), chain.contract("LoanMarket")
    state = tmp_path / "keeper.json"
    keeper = start_keeper(chain, state)
    try:
        wait_for(state.exists)  # it has read up to the head
        loan_id, listed_at = list_loan(chain, borrower, 3_000 * USD)
        funded = wait_for(lambda: allocations(chain, loan_id))
        # both mandates, in queue order (deposit order), in the block after the listing
        assert [(e["lender"], e["amount"]) for e in funded] == [(first, 1_000 * USD), (second, 500 * USD)]
        assert {e["block"] for e in funded} == {listed_at + 1}
        keeper.send_signal(signal.SIGKILL)
        keeper.wait(10)

        # Killed and restarted from a cursor before the listing (as if it died before saving it): it reads
        # the listing again, and the contract's ledger of allocations keeps it from funding it twice.
        state.write_text(json.dumps({**json.loads(state.read_text()), "cursor": listed_at - 1}))
        keeper = start_keeper(chain, state)
        wait_for(lambda: json.loads(state.read_text())["cursor"] >= listed_at + 1)
        time.sleep(1)
        assert len(allocations(chain, loan_id)) == 2
        assert market.functions.getLoan(loan_id).call()[6] == 1_500 * USD
        # the contract refuses outright to fund it twice from the same mandates
        nothing_allocated = "0x" + keccak(text="NothingAllocated(uint256)")[:4].hex()
        with pytest.raises(ContractCustomError, match=nothing_allocated):
            auto.functions.allocate(loan_id, [first, second]).call({"from": borrower})

        # a later listing is still allocated after the restart
        next_id, next_at = list_loan(chain, acc["user6"].address, 2_000 * USD)
        later = wait_for(lambda: allocations(chain, next_id))
        assert [e["lender"] for e in later] == [first, second]
        assert {e["block"] for e in later} == {next_at + 1}
    finally:
        keeper.send_signal(signal.SIGTERM)
        keeper.wait(10)
