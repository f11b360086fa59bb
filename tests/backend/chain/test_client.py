"""ChainClient against a real anvil with the mock stablecoin deployed from its build artifact."""

import json
import pickle
import threading
import time

import httpx
import pytest
from eth_account import Account
from web3 import Web3

from backend.chain import ChainError, ChainUnavailable, ContractNotFound, ContractReverted
from backend.chain.abi import decode_revert, error_selectors, load_abi
from backend.chain.client import ChainClient
from backend.chain.errors import NonceConsumed, RpcError, RpcUnavailable, TransactionFailed
from backend.chain.manifest import load_manifest
from backend.core.settings import ROOT
from scripts.deployment.local_accounts import local_account
from tests.support.anvil import Anvil, free_port

BUILD = ROOT / "build" / "contracts"
pytestmark = pytest.mark.skipif(not (BUILD / "MockStablecoin.json").exists(), reason="run `make compile`")


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    with Anvil() as anvil:
        w3 = Web3(Web3.HTTPProvider(anvil.url))
        artifact = json.loads((BUILD / "MockStablecoin.json").read_text())
        deployer = local_account(0)
        factory = w3.eth.contract(abi=artifact["abi"], bytecode=artifact["bytecode"])
        nonce = w3.eth.get_transaction_count(deployer.address)
        tx = factory.constructor().build_transaction({"from": deployer.address, "nonce": nonce})
        receipt = w3.eth.wait_for_transaction_receipt(
            w3.eth.send_raw_transaction(deployer.sign_transaction(tx).raw_transaction)
        )
        manifest = {
            "chainId": 31337,
            "network": "test",
            "deployBlock": receipt["blockNumber"],
            "deployedAt": "2026-01-01T00:00:00Z",
            "contracts": {
                "MockStablecoin": {"address": receipt["contractAddress"], "block": receipt["blockNumber"]}
            },
            "roles": {},
            "parameters": {},
            "accounts": {"deployer": deployer.address},
        }
        path = tmp_path_factory.mktemp("manifest") / "31337.json"
        path.write_text(json.dumps(manifest))
        yield anvil, path


@pytest.fixture
def client(chain):
    anvil, manifest_path = chain
    return ChainClient(anvil.url, manifest_path, BUILD, tx_timeout=30, poll_interval=0.05)


def test_manifest_is_loaded(chain):
    manifest = load_manifest(chain[1])
    assert manifest.chain_id == 31337
    assert Web3.is_checksum_address(manifest.address("MockStablecoin"))
    assert manifest.start_block("MockStablecoin") == manifest.deploy_block
    with pytest.raises(ContractNotFound):
        manifest.address("LoanMarket")


def test_contract_reads(client):
    token = client.contract("MockStablecoin")
    assert client.call(token.functions.decimals()) == 6
    with pytest.raises(ContractNotFound):
        client.contract("NoSuchContract")


def test_transact_signs_locally_and_returns_the_receipt(client):
    token, user = client.contract("MockStablecoin"), local_account(7)
    before = client.call(token.functions.balanceOf(user.address))
    receipt = client.transact(token.functions.mint(user.address, 1_000_000), local_account(0).key.hex())
    assert receipt["status"] == 1
    assert client.call(token.functions.balanceOf(user.address)) == before + 1_000_000


def test_concurrent_transactions_from_one_sender_get_distinct_nonces(client):
    token, sender = client.contract("MockStablecoin"), local_account(1)
    errors: list[Exception] = []

    def mint(i: int) -> None:
        try:
            client.transact(token.functions.mint(local_account(8).address, i + 1), sender.key)
        except Exception as exc:  # collected: a failure must fail the test, not vanish in a thread
            errors.append(exc)

    start = client.call(token.functions.balanceOf(local_account(8).address))
    threads = [threading.Thread(target=mint, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert client.call(token.functions.balanceOf(local_account(8).address)) == start + sum(range(1, 7))


def test_revert_is_decoded_to_the_custom_error(client):
    token, poor = client.contract("MockStablecoin"), Account.create()
    rich = local_account(0)
    client.transact(token.functions.mint(rich.address, 10), rich.key)
    # A fresh account has no ether: estimate-gas fails first, with the contract's revert data.
    with pytest.raises(ContractReverted) as failure:
        client.transact(token.functions.transfer(poor.address, 10**30), rich.key)
    reverted = failure.value
    assert reverted.error_name == "ERC20InsufficientBalance"
    sender, balance, needed = reverted.args
    assert sender == rich.address and needed == 10**30 and balance < needed
    assert reverted.selector == "e450d38c"
    assert "ERC20InsufficientBalance" in str(reverted)


def test_mined_revert_is_decoded_by_replaying_the_call(client):
    token, rich = client.contract("MockStablecoin"), local_account(2)
    # A fixed gas limit skips estimation, so the failing transaction is mined with status 0.
    with pytest.raises(ContractReverted) as failure:
        client.transact(token.functions.transfer(local_account(3).address, 10**30), rich.key, gas=100_000)
    assert failure.value.error_name == "ERC20InsufficientBalance"
    assert failure.value.tx_hash and failure.value.tx_hash.startswith("0x")
    # The nonce was consumed by the mined failure; the next transaction still goes through.
    assert client.transact(token.functions.mint(rich.address, 1), rich.key)["status"] == 1


def test_reverted_exception_survives_pickling():
    original = ContractReverted(
        "ERC20InsufficientBalance", ("0xabc", 1, 2), selector="e450d38c", tx_hash="0x1"
    )
    copy = pickle.loads(pickle.dumps(original))  # noqa: S301 - our own bytes
    assert (copy.error_name, copy.args, copy.selector, copy.tx_hash) == (
        "ERC20InsufficientBalance",
        ("0xabc", 1, 2),
        "e450d38c",
        "0x1",
    )


def test_decode_revert_standard_errors():
    reason = "0x08c379a0" + (
        "0000000000000000000000000000000000000000000000000000000000000020"
        "0000000000000000000000000000000000000000000000000000000000000004"
        "6e6f706500000000000000000000000000000000000000000000000000000000"
    )
    assert decode_revert(reason)[:2] == ("Error", ("nope",))
    panic = "0x4e487b71" + "11".rjust(64, "0")
    assert decode_revert(panic)[:2] == ("Panic", (0x11,))
    assert decode_revert("0xdeadbeef") == (None, (), "deadbeef")
    assert decode_revert(None) == (None, (), None)
    selectors = error_selectors(load_abi(BUILD, "MockStablecoin"))
    assert selectors["e450d38c"]["name"] == "ERC20InsufficientBalance"


def test_unreachable_node_is_chain_unavailable(chain):
    client = ChainClient(f"http://127.0.0.1:{free_port()}", chain[1], BUILD, timeout=1)
    assert client.is_reachable() is False
    with pytest.raises(ChainUnavailable):
        client.block_number()
    with pytest.raises(ChainUnavailable):
        client.transact(
            client.contract("MockStablecoin").functions.mint(local_account(7).address, 1),
            local_account(0).key,
        )


def test_readyz_checks_the_configured_chain(server_factory, chain):
    anvil, manifest_path = chain
    server = server_factory(rpc_url=anvil.url, manifest_path=manifest_path)
    reply = httpx.get(f"{server}/readyz")
    assert reply.status_code == 200 and reply.json()["checks"]["chain"] == "ok"
    wrong = server_factory(rpc_url=anvil.url, chain_id=1, wait_ready=False)
    reply = httpx.get(f"{wrong}/readyz")
    assert reply.status_code == 503
    assert reply.json()["checks"]["chain"] == "chain id 31337 does not match configured 1"


def test_separate_clients_share_a_senders_nonces(chain):
    anvil, manifest_path = chain
    clients = [
        ChainClient(anvil.url, manifest_path, BUILD, tx_timeout=30, poll_interval=0.05) for _ in range(3)
    ]
    sender, receiver = local_account(4), local_account(9)
    token = clients[0].contract("MockStablecoin")
    start = clients[0].call(token.functions.balanceOf(receiver.address))
    errors: list[Exception] = []

    def mint(client: ChainClient) -> None:
        try:
            for _ in range(2):
                fn = client.contract("MockStablecoin").functions.mint(receiver.address, 1)
                client.transact(fn, sender.key)
        except Exception as exc:  # collected: a failure must fail the test, not vanish in a thread
            errors.append(exc)

    threads = [threading.Thread(target=mint, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert clients[0].call(token.functions.balanceOf(receiver.address)) == start + 6


def test_a_nonce_the_chain_lost_is_reused_instead_of_leaving_a_gap(chain):
    """A reorg (here: a snapshot revert) drops a mined transaction; once the short grace for a lagging
    node has passed, the next transaction takes the lost nonce and is mined, instead of waiting forever
    behind a nonce the chain never saw."""
    anvil, manifest_path = chain
    client = ChainClient(
        anvil.url, manifest_path, BUILD, tx_timeout=5, poll_interval=0.05, nonce_lag_grace=0.2
    )
    sender, receiver = local_account(5), local_account(10)
    token = client.contract("MockStablecoin")
    w3 = Web3(Web3.HTTPProvider(anvil.url))
    first = w3.eth.get_transaction_count(sender.address)
    snapshot = w3.provider.make_request("evm_snapshot", [])["result"]
    client.transact(token.functions.mint(receiver.address, 1), sender.key)
    assert w3.eth.get_transaction_count(sender.address) == first + 1
    assert w3.provider.make_request("evm_revert", [snapshot])["result"] is True
    assert w3.eth.get_transaction_count(sender.address) == first
    time.sleep(0.3)

    receipt = client.transact(token.functions.mint(receiver.address, 2), sender.key)

    assert receipt["status"] == 1
    assert w3.eth.get_transaction(receipt["transactionHash"])["nonce"] == first


def test_revert_is_decoded_with_the_manifests_merged_errors_abi(chain, tmp_path):
    """A client holding only the called function's ABI (no errors, no build artifacts) still names the
    revert: the manifest's `errors` carries every error the system can revert with (the token's here)."""
    anvil, manifest_path = chain
    manifest = json.loads(manifest_path.read_text())
    artifact = json.loads((BUILD / "MockStablecoin.json").read_text())
    manifest["errors"] = [e for e in artifact["abi"] if e["type"] == "error"]
    path = tmp_path / "31337.json"
    path.write_text(json.dumps(manifest))
    client = ChainClient(anvil.url, path, tmp_path / "no-build", tx_timeout=30)
    transfer_from = [e for e in artifact["abi"] if e.get("name") == "transferFrom"]
    token = client.w3.eth.contract(
        address=manifest["contracts"]["MockStablecoin"]["address"], abi=transfer_from
    )
    owner, spender = local_account(0), Account.create()
    with pytest.raises(ContractReverted) as failure:
        client.call(token.functions.transferFrom(owner.address, spender.address, 5))
    assert failure.value.error_name == "ERC20InsufficientAllowance"

    from backend.chain.identity import IdentityChainError
    from backend.chain.problems import chain_problem

    try:
        raise IdentityChainError("transferFrom: reverted") from failure.value
    except IdentityChainError as wrapped:
        problem = chain_problem(wrapped)
    body = problem.to_dict()
    assert problem.status == 409 and body["type"] == "contract-reverted"
    assert body["revert"]["error"] == "ERC20InsufficientAllowance"
    assert body["revert"]["args"][2] == "5" and body["revert"]["selector"] == failure.value.selector


def _rpc(anvil, method: str, params: list | None = None):
    return Web3(Web3.HTTPProvider(anvil.url)).provider.make_request(method, params or [])["result"]


def test_a_signed_transaction_is_known_by_its_hash_before_anything_is_sent(client):
    token, sender = client.contract("MockStablecoin"), local_account(11)
    before = client.confirmed_nonce(sender.address)
    sent = client.sign(token.functions.mint(sender.address, 1), sender.key)
    assert (sent.sender, sent.nonce, sent.chain_id) == (sender.address, before, 31337)
    assert client.receipt(sent.tx_hash) is None and client.transaction_known(sent.tx_hash) is False

    assert client.broadcast(sent.raw) == sent.tx_hash
    client.wait(sent.tx_hash)
    receipt = client.receipt(sent.tx_hash)
    assert receipt is not None and receipt.succeeded and receipt.tx_hash == sent.tx_hash
    assert client.block_hash(receipt.block_number) == receipt.block_hash
    assert client.transaction_known(sent.tx_hash) and client.confirmed_nonce(sender.address) == before + 1


def test_the_same_bytes_again_are_harmless_and_another_transactions_nonce_is_not(client):
    token, sender = client.contract("MockStablecoin"), local_account(12)
    first = client.sign(token.functions.mint(sender.address, 1), sender.key)
    # signed before the first is sent, so with the same nonce
    rival = client.sign(token.functions.mint(sender.address, 2), sender.key)
    assert rival.nonce == first.nonce and rival.tx_hash != first.tx_hash
    client.broadcast(first.raw)
    client.wait(first.tx_hash)

    assert client.broadcast(first.raw) == first.tx_hash  # mined already: these bytes used the nonce
    with pytest.raises(NonceConsumed) as failure:
        client.broadcast("0x" + rival.raw.hex())
    assert isinstance(failure.value, TransactionFailed) and rival.tx_hash in str(failure.value)
    assert client.receipt(rival.tx_hash) is None
    assert client.call(token.functions.balanceOf(sender.address)) == 1


def test_bytes_waiting_in_the_pool_sent_again_are_awaited_not_refused(chain, client):
    anvil, _ = chain
    token, sender = client.contract("MockStablecoin"), local_account(13)
    _rpc(anvil, "evm_setAutomine", [False])
    try:
        assert ChainClient(anvil.url, chain[1], BUILD).automine() is False
        sent = client.sign(token.functions.mint(sender.address, 1), sender.key)
        client.broadcast(sent.raw)
        assert client.broadcast(sent.raw) == sent.tx_hash
        assert client.transaction_known(sent.tx_hash) and client.receipt(sent.tx_hash) is None
        _rpc(anvil, "evm_mine")
    finally:
        _rpc(anvil, "evm_setAutomine", [True])
    receipt = client.receipt(sent.tx_hash)
    assert receipt is not None and receipt.block_number == client.head().number
    assert client.automine() is True


def test_head_and_block_hashes_follow_the_canonical_chain(chain, client):
    anvil, _ = chain
    head = client.head()
    assert client.block_hash(head.number) == head.hash and head.hash.startswith("0x")
    assert client.block_hash(head.number + 1000) is None
    snapshot = _rpc(anvil, "evm_snapshot")
    _rpc(anvil, "evm_mine")
    mined = client.head()
    assert mined.number == head.number + 1
    _rpc(anvil, "evm_revert", [snapshot])
    _rpc(anvil, "evm_mine", [mined.timestamp + 7])  # another block at the same height
    assert client.block_hash(mined.number) not in (None, mined.hash)


def test_now_is_the_pending_blocks_time_where_the_latest_block_stands_still(chain, client):
    anvil, _ = chain
    latest = client.latest_timestamp()
    _rpc(anvil, "evm_increaseTime", [3_600])  # the node's clock moves on, no block is made
    assert client.latest_timestamp() == latest
    assert client.now() >= latest + 3_600
    assert client.next_block_time() == client.now()


def test_gas_estimate_and_call_as_a_sender_decode_the_revert(client):
    token, poor, rich = client.contract("MockStablecoin"), Account.create(), local_account(0)
    transfer = token.functions.transfer(poor.address, 10**30)
    with pytest.raises(ContractReverted) as failure:
        client.estimate_gas(transfer, rich.address)
    assert failure.value.error_name == "ERC20InsufficientBalance" and failure.value.args[0] == rich.address
    with pytest.raises(ContractReverted) as replayed:
        client.call(transfer, "latest", sender=rich.address)
    assert replayed.value.args[0] == rich.address
    assert client.estimate_gas(token.functions.mint(poor.address, 1), rich.address) > 21_000
    assert client.gas_limit() == 30_000_000


def test_the_raw_transports_failures_are_chain_errors():
    assert issubclass(RpcUnavailable, ChainUnavailable) and issubclass(RpcError, ChainError)
    assert issubclass(NonceConsumed, TransactionFailed)
