"""Parameter changes of the deployed system pass through the timelock's delay, and only through it."""

import pytest
from web3 import Web3
from web3.exceptions import ContractLogicError

ZERO_BYTES32 = b"\x00" * 32


def send(w3, account, fn):
    tx = fn.build_transaction(
        {"from": account.address, "nonce": w3.eth.get_transaction_count(account.address)}
    )
    signed = account.sign_transaction(tx)
    receipt = w3.eth.wait_for_transaction_receipt(w3.eth.send_raw_transaction(signed.raw_transaction))
    return receipt


@pytest.fixture
def isolated(deployed_chain):
    snapshot = deployed_chain.snapshot()
    yield deployed_chain
    deployed_chain.revert(snapshot)


def test_risk_parameter_change_waits_for_the_delay(isolated):
    chain = isolated
    w3, deployer = chain.w3, chain.accounts["deployer"]
    market, timelock = chain.contract("LoanMarket"), chain.contract("PeerLendTimelock")
    delay = timelock.functions.getMinDelay().call()
    assert delay == chain.manifest["parameters"]["PeerLendTimelock"]["minDelay"] > 0
    call = market.functions.setLateFeeBpsPerDay(20)._encode_transaction_data()
    salt = Web3.keccak(text="late-fee-20")
    args = (market.address, 0, call, ZERO_BYTES32, salt)

    late_fee = 3  # index of lateFeeBpsPerDay in LoanMarket.config()
    assert (
        market.functions.config().call()[late_fee]
        == chain.manifest["parameters"]["LoanMarket"]["lateFeeBpsPerDay"]
    )
    send(w3, deployer, timelock.functions.schedule(*args, delay))
    with pytest.raises(ContractLogicError):  # TimelockUnexpectedOperationState: not ready yet
        timelock.functions.execute(*args).call({"from": chain.accounts["user0"].address})
    chain.mine(seconds=delay - 5)
    with pytest.raises(ContractLogicError):  # still 5 seconds early
        timelock.functions.execute(*args).call({"from": chain.accounts["user0"].address})
    assert market.functions.config().call()[late_fee] == 10

    chain.mine(seconds=6)
    # Executors are open: anyone may execute once the delay has passed.
    receipt = send(w3, chain.accounts["user0"], timelock.functions.execute(*args))
    assert receipt.status == 1
    assert market.functions.config().call()[late_fee] == 20


def test_direct_parameter_change_is_refused(isolated):
    chain = isolated
    market = chain.contract("LoanMarket")
    with pytest.raises(ContractLogicError):
        market.functions.setLateFeeBpsPerDay(20).call({"from": chain.accounts["deployer"].address})


def test_schedule_by_a_non_proposer_is_refused(isolated):
    chain = isolated
    market, timelock = chain.contract("LoanMarket"), chain.contract("PeerLendTimelock")
    call = market.functions.setLateFeeBpsPerDay(20)._encode_transaction_data()
    delay = timelock.functions.getMinDelay().call()
    with pytest.raises(ContractLogicError):
        timelock.functions.schedule(market.address, 0, call, ZERO_BYTES32, ZERO_BYTES32, delay).call(
            {"from": chain.accounts["user0"].address}
        )
