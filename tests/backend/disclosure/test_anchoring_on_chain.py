"""Monthly snapshots anchored on the real deployment: the disclosure worker as its own process beside the
real indexer process and a live API, on anvil whose clock is moved past month ends. Every ended month is
anchored exactly once, the API names the anchoring transaction, `peerlend disclosure verify` checks it all
against the chain, a changed document fails it, and a worker killed while its anchor waits for a block
sends nothing twice."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from eth_utils import keccak
from sqlalchemy import select, update

from backend.chain.outbox import OutboxEntry
from backend.disclosure.config import DisclosureSettings
from backend.disclosure.models import AnchorView, DisclosureSnapshot
from backend.disclosure.periods import month_of, next_month, period_code, period_end, period_name
from backend.disclosure.service import ANCHOR_PURPOSE
from backend.disclosure.verify import verify
from demo.processes import IndexerProcess
from tests.backend.notifications.processes import WorkerProcess
from tests.support.anvil import rpc
from tests.support.chain import DeployedChain
from tests.support.cli import run_peerlend
from tests.support.server import RunningServer

pytestmark = pytest.mark.timeout(240)
ANCHORED = "0x" + keccak(text="SnapshotAnchored(uint32,bytes32,address)").hex()
PUBLISHER = DisclosureSettings(env="test").publisher


@dataclass
class Platform:
    chain: DeployedChain
    server: RunningServer
    indexer: IndexerProcess
    worker: WorkerProcess
    registry: str

    def mine_at(self, timestamp: int) -> None:
        rpc(self.chain.rpc_url, "evm_mine", [timestamp])

    def wait_for(self, what: str, predicate: Callable[[], object], timeout: float = 60) -> object:
        deadline = time.monotonic() + timeout
        while not (value := predicate()):
            self.indexer.check_alive()
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}:\n{self.worker.log()}")
            time.sleep(0.05)
        return value

    def anchors(self) -> dict[int, AnchorView]:
        with self.server.session() as s:
            return {a.period: a for a in s.scalars(select(AnchorView))}

    def logs(self, code: int) -> list[dict]:
        topics = [ANCHORED, "0x" + f"{code:064x}"]
        query = {"address": self.registry, "fromBlock": "0x0", "toBlock": "latest", "topics": topics}
        return rpc(self.chain.rpc_url, "eth_getLogs", [query])

    def sends(self, code: int) -> list[OutboxEntry]:
        with self.server.session() as s:
            return list(
                s.scalars(
                    select(OutboxEntry).where(
                        OutboxEntry.purpose == ANCHOR_PURPOSE, OutboxEntry.object_id == str(code)
                    )
                )
            )

    def nonce(self, block: str) -> int:
        return int(rpc(self.chain.rpc_url, "eth_getTransactionCount", [PUBLISHER, block]), 16)


def _months(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    out, at = [], first
    while at <= last:
        out.append(at)
        at = next_month(*at)
    return out


@pytest.fixture(scope="module")
def platform(deployed_chain, module_server_factory, tmp_path_factory) -> Iterator[Platform]:
    chain = deployed_chain
    snapshot = chain.snapshot()
    directory: Path = tmp_path_factory.mktemp("disclosure-chain")
    server = module_server_factory(
        rate_limit_enabled=False, read_cache_interval_seconds=0.05, **chain.server_settings()
    )
    indexer = IndexerProcess(
        chain.rpc_url,
        chain.manifest_path,
        server.database_url,
        build_dir=chain.build_dir,
        log_path=directory / "indexer.log",
        poll_interval=0.1,
    )
    worker = WorkerProcess(
        "backend.disclosure.worker",
        server.database_url,
        0,
        directory / "disclosure.log",
        PEERLEND_RPC_URL=chain.rpc_url,
        PEERLEND_MANIFEST_PATH=str(chain.manifest_path),
        PEERLEND_BUILD_DIR=str(chain.build_dir),
        PEERLEND_CHAIN_ID=str(chain.chain_id),
        PEERLEND_DISCLOSURE_WORKER_POLL_SECONDS="0.1",
    )
    registry = chain.manifest["contracts"]["DisclosureRegistry"]["address"]
    try:
        with indexer:
            worker.start()
            yield Platform(chain, server, indexer, worker, registry)
    finally:
        worker.stop()
        rpc(chain.rpc_url, "evm_setAutomine", [True])
        chain.revert(snapshot)
        # anvil's clock goes back with the snapshot: bring it to real time for whoever runs next
        rpc(chain.rpc_url, "evm_mine", [max(chain.now() + 1, int(time.time()))])


def test_every_ended_month_is_stored_and_anchored_once_and_the_api_names_the_anchor(platform):
    first = month_of(platform.chain.w3.eth.get_block(platform.chain.manifest["deployBlock"])["timestamp"])
    now = month_of(platform.chain.now())
    platform.mine_at(period_end(*now) + 3_600)  # the current month ends
    due = _months(first, now)
    platform.wait_for("every ended month anchored", lambda: len(platform.anchors()) == len(due))
    anchors = platform.anchors()
    assert sorted(anchors) == [period_code(*m) for m in due]
    for month in due:
        code, name = period_code(*month), period_name(*month)
        [log] = platform.logs(code)  # exactly one anchor on-chain
        [send] = platform.sends(code)  # sent once
        assert send.tx_hash == log["transactionHash"] and send.sender == PUBLISHER
        snapshot = httpx.get(f"{platform.server}/v2/disclosure/snapshots/{name}", timeout=30).json()
        anchor = snapshot["anchor"]
        assert snapshot["status"] == "anchored" and anchor["contentHash"] == "0x" + snapshot["sha256"]
        assert (anchor["txHash"], anchor["blockNumber"]) == (
            log["transactionHash"],
            int(log["blockNumber"], 16),
        )
        assert anchor["registry"] == platform.registry and anchor["publisher"] == PUBLISHER
        assert snapshot["document"]["figures"]["asOf"].startswith(f"{next_month(*month)[0]:04d}-")
        result = verify(name, str(platform.server), platform.chain.rpc_url, platform.registry)
        assert result.ok, result.lines()
    # a later pass finds nothing to do: no second transaction of any month
    time.sleep(0.5)
    assert all(len(platform.sends(period_code(*m))) == 1 for m in due)


def test_the_verify_command_checks_the_month_against_the_chain(platform):
    month = month_of(platform.chain.now() - 7_200)  # the month just anchored
    name = period_name(*month)
    done = run_peerlend(
        "disclosure",
        "verify",
        name,
        "--api",
        str(platform.server),
        "--rpc",
        platform.chain.rpc_url,
        "--registry",
        platform.registry,
        database_url=platform.server.database_url,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().endswith(f"{name}: VERIFIED") and "FAIL" not in done.stdout


def test_a_document_changed_after_anchoring_does_not_verify(platform):
    month = month_of(platform.chain.now() - 7_200)
    code, name = period_code(*month), period_name(*month)
    with platform.server.session() as s:
        row = s.get(DisclosureSnapshot, code)
        original = (row.content, row.sha256)
        changed = row.content.replace('"lastBlock":', '"lastBlock":1', 1)
        assert changed != row.content
        from backend.disclosure.canonical import sha256_hex

        s.execute(
            update(DisclosureSnapshot)
            .where(DisclosureSnapshot.period == code)
            .values(content=changed, sha256=sha256_hex(changed.encode()))
        )
        s.commit()
    try:
        block = platform.chain.w3.eth.block_number
        platform.mine_at(platform.chain.now() + 1)  # the index moves: the API answers afresh
        platform.wait_for(
            "the API to serve the changed document",
            lambda: (
                httpx.get(f"{platform.server}/v2/disclosure/snapshots/{name}", timeout=30).json()["status"]
                == "conflict"
            ),
        )
        result = verify(name, str(platform.server), platform.chain.rpc_url, platform.registry)
        failed = [check for check, passed, _ in result.checks if not passed]
        assert not result.ok and block > 0
        assert failed == ["the anchored hash is the recomputed one", "the registry's anchorOf agrees"]
    finally:
        with platform.server.session() as s:
            s.execute(
                update(DisclosureSnapshot)
                .where(DisclosureSnapshot.period == code)
                .values(content=original[0], sha256=original[1])
            )
            s.commit()


def test_a_worker_killed_while_its_anchor_waits_for_a_block_sends_nothing_twice(platform):
    month = month_of(platform.chain.now())  # the month after the one the first test ended
    code = period_code(*month)
    rpc(platform.chain.rpc_url, "evm_setAutomine", [False])
    try:
        mined = platform.nonce("latest")
        platform.mine_at(period_end(*month) + 3_600)
        platform.wait_for("the anchor sent and waiting in the pool", lambda: platform.sends(code))
        platform.worker.kill()
        platform.worker.wait_killed()
        assert platform.nonce("pending") == mined + 1 and platform.logs(code) == []
        platform.worker.start()  # a new worker finds the transaction out and sends no other
        time.sleep(1.0)
        assert platform.nonce("pending") == mined + 1 and len(platform.sends(code)) == 1
    finally:
        rpc(platform.chain.rpc_url, "evm_setAutomine", [True])
    rpc(platform.chain.rpc_url, "evm_mine")
    platform.wait_for("the month anchored", lambda: code in platform.anchors())
    [log] = platform.logs(code)
    [send] = platform.sends(code)
    assert send.tx_hash == log["transactionHash"] and platform.nonce("latest") == mined + 1
    status = httpx.get(f"{platform.server}/v2/disclosure/snapshots/{period_name(*month)}", timeout=30).json()
    assert status["status"] == "anchored"
