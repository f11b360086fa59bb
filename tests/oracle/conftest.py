"""Oracle tests: a real anvil with CreditOracle deployed from the build artifacts, three signer nodes
and a fake service feed served over real HTTP in threads, and aggregators on a temporary store."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from eth_abi import encode
from eth_account import Account
from pydantic import SecretStr

from backend.chain.client import ChainClient
from backend.chain.manifest import Manifest, parse_manifest
from oracle.aggregator import Aggregator, NodeClient
from oracle.chain import OracleChain
from oracle.checks import Policy
from oracle.node import SignerNode, create_node_app
from oracle.service_client import ServiceClient
from oracle.store import RoundStore
from scripts.deployment.local_accounts import local_account
from tests.oracle.fake_service import API_KEY, FakeFeed
from tests.support.anvil import ROOT, Anvil, free_port, rpc
from tests.support.server import module_server_factory, server_factory  # noqa: F401

BANDS = (200, 400, 700, 1100, 1600, 2500, 10000)


def build_dir() -> Path | None:
    for candidate in (os.environ.get("PEERLEND_TEST_BUILD_DIR"), ROOT / "build" / "contracts"):
        if candidate and (Path(candidate) / "CreditOracle.json").exists():
            return Path(candidate)
    return None


class ServerThread:
    def __init__(self, app, port: int | None = None):
        self.app, self.port = app, port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = None

    def start(self) -> ServerThread:
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"
        )
        self.server = uvicorn.Server(config)
        thread = threading.Thread(target=self.server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 30  # generous: two cores shared with other suites
        while not self.server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("server did not start")
            time.sleep(0.02)
        self.thread = thread
        return self

    def stop(self) -> None:
        if self.server:
            self.server.should_exit = True
            self.thread.join(timeout=10)
            self.server = None


@pytest.fixture(scope="session")
def oracle_anvil():
    if build_dir() is None:
        pytest.skip("no CreditOracle build artifact (run `make compile`)")
    with Anvil() as node:
        yield node


class OracleSystem:
    """One fresh CreditOracle (signers = accounts 3, 4, 5; threshold 2) and everything around it."""

    def __init__(
        self,
        anvil: Anvil,
        tmp_path: Path,
        threshold: int = 2,
        max_age: int = 30 * 86400,
        service_url: str | None = None,
        api_key: str = API_KEY,
    ):
        self.anvil, self.tmp = anvil, tmp_path
        self.build = build_dir()
        self.deployer = local_account(0)
        self.signer_accounts = [local_account(i) for i in (3, 4, 5)]
        self.submitter = local_account(6)
        self.address = self._deploy(threshold, max_age)
        self.feed = FakeFeed()
        self.feed_server = ServerThread(self.feed.app()).start()
        self.service_url, self.api_key = service_url or self.feed_server.url, api_key
        self.nodes: list[SignerNode] = []
        self.node_servers: list[ServerThread] = []
        for acct in self.signer_accounts:
            node = SignerNode(
                SecretStr("0x" + acct.key.hex()),
                self.chain(),
                self.client(),
                Policy(pd_bands_bps=BANDS, allowed_model_versions=frozenset({1, 2})),
            )
            self.nodes.append(node)
            self.node_servers.append(ServerThread(create_node_app(node)).start())
        self._aggregators: list[Aggregator] = []

    def _deploy(self, threshold: int, max_age: int) -> str:
        art = json.loads((self.build / "CreditOracle.json").read_text())
        args = encode(
            ["address", "address[]", "uint8", "uint32"],
            [self.deployer.address, [a.address for a in self.signer_accounts], threshold, max_age],
        )
        code = art["bytecode"] if art["bytecode"].startswith("0x") else "0x" + art["bytecode"]
        tx = rpc(
            self.anvil.url,
            "eth_sendTransaction",
            [{"from": self.deployer.address, "data": code + args.hex(), "gas": hex(6_000_000)}],
        )
        deadline = time.monotonic() + 30
        while (receipt := rpc(self.anvil.url, "eth_getTransactionReceipt", [tx])) is None:
            if time.monotonic() > deadline:  # automine answers with the hash before the block exists
                raise RuntimeError("CreditOracle deployment not mined")
            time.sleep(0.05)
        return receipt["contractAddress"]

    def manifest(self) -> Manifest:
        """A deployment of CreditOracle alone, as the oracle's chain client reads one."""
        contracts = {"CreditOracle": {"address": self.address, "block": 0}}
        return parse_manifest({"chainId": 31337, "deployBlock": 0, "contracts": contracts})

    def chain(self) -> OracleChain:
        client = ChainClient(self.anvil.url, self.manifest(), self.build, poll_interval=0.05)
        return OracleChain(client, attempts=2, backoff=0.05)

    def client(self) -> ServiceClient:
        return ServiceClient(self.service_url, self.api_key, attempts=2, backoff=0.05)

    def aggregator(self, store_name: str = "agg.db", store_clock=time.time, **kwargs) -> Aggregator:
        kwargs.setdefault("receipt_timeout", 10)
        agg = Aggregator(
            self.chain(),
            self.client(),
            RoundStore(self.tmp / store_name, clock=store_clock),
            NodeClient([s.url for s in self.node_servers], timeout=20),
            SecretStr("0x" + self.submitter.key.hex()),
            **kwargs,
        )
        self._aggregators.append(agg)
        return agg

    def now(self) -> int:
        return int(rpc(self.anvil.url, "eth_getBlockByNumber", ["latest", False])["timestamp"], 16)

    def report(self, borrower: str, *, score=700, grade=2, pd=300, model=1, as_of=None, reasons=b"\x01" * 32):
        return self.feed.add(
            borrower=borrower,
            score=score,
            grade=grade,
            pdBps=pd,
            modelVersion=model,
            asOf=as_of if as_of is not None else self.now() - 60,
            reasonsHash="0x" + reasons.hex(),
        )

    def stop_node(self, i: int) -> None:
        self.node_servers[i].stop()

    def start_node(self, i: int) -> None:
        self.node_servers[i].start()

    def batch_events(self) -> list[dict]:
        topic = "0x" + __import__("eth_utils").keccak(text="BatchSubmitted(uint64,uint256,address)").hex()
        return rpc(
            self.anvil.url,
            "eth_getLogs",
            [{"address": self.address, "fromBlock": "0x0", "toBlock": "latest", "topics": [topic]}],
        )

    def close(self) -> None:
        for agg in self._aggregators:
            agg.nodes.close()
            agg.store.close()
        for server in self.node_servers:
            server.stop()
        self.feed_server.stop()


@pytest.fixture
def system(oracle_anvil, tmp_path):
    sys_ = OracleSystem(oracle_anvil, tmp_path)
    yield sys_
    sys_.close()


def borrower(i: int) -> str:
    return Account.from_key((0xB0B0 + i).to_bytes(32, "big")).address
