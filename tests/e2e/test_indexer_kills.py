"""SIGKILL the indexer process (`python -m backend.chain.indexer`) mid-range, again and again, while the
chain grows and once reorgs; afterwards its read models equal the chain.

The indexer follows a CreditOracle that receives a batch per block (threshold-signed by the real signer
keys), in ranges of three blocks, so it is always part-way through a range when it is killed: each kill
comes right after a range was committed, while the next is being read, with the head further on.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from backend.chain.indexer.models import ChainCheckpoint, ChainEvent
from backend.db.session import create_db_engine, make_sessionmaker
from backend.oracle_feed.models import CreditRecordView, OracleRoundView
from demo.processes import IndexerProcess
from oracle.signing import ScoreBatch, order_signatures, sign_batch
from tests.oracle.chain_truth import BATCH_TOPIC, head, mined, published, reorg_out, rounds
from tests.oracle.conftest import OracleSystem, borrower, build_dir
from tests.support.anvil import Anvil, rpc

pytestmark = pytest.mark.timeout(420)
KILLS = 4  # each restart costs ~10 s of imports and migrations on two busy cores
BACKLOG_BLOCKS = 30  # ten ranges of three: more than the indexer gets through in one kill delay


@pytest.fixture(scope="module")
def chain():
    if build_dir() is None:
        pytest.skip("no CreditOracle build artifact (run `make compile`)")
    with Anvil() as node:
        yield node


class Batches:
    """Lands oracle batches straight on the contract, one per block, as a busy oracle would."""

    def __init__(self, system: OracleSystem):
        self.system = system
        self.chain = system.chain()
        self.key = "0x" + bytes(system.submitter.key).hex()
        self.count = 0
        self.base = system.now() - 50_000  # asOf = base + count: in the past, rising with every batch

    def land(self, reports: int = 2) -> None:
        now = self.system.now()
        items = [
            {
                "borrower": borrower(1000 + (self.count * reports + i) % 40),  # records get overwritten too
                "score": 500 + (self.count % 300),
                "grade": 3,
                "pdBps": 500,
                "modelVersion": 1,
                "asOf": self.base + self.count,
                "reasonsHash": "0x" + f"{self.count % 256:02x}" * 32,
            }
            for i in range(reports)
        ]
        batch = ScoreBatch.build(self.chain.last_round() + 1, now + 600, items)
        signatures = order_signatures(
            [
                (a.address, sign_batch(batch, self.chain.chain_id, self.chain.address, a.key))
                for a in self.system.signer_accounts[:2]
            ]
        )
        sent = self.chain.sign_submission(batch, signatures, self.key, gas=600_000)
        self.chain.broadcast(sent.raw)
        assert mined(self.chain, sent.tx_hash).succeeded
        self.count += 1


def test_indexer_sigkilled_mid_range_keeps_read_models_equal_to_the_chain(chain, tmp_path):
    system = OracleSystem(chain, tmp_path)
    try:
        _run(system, tmp_path)
    finally:
        system.close()


def _run(system: OracleSystem, tmp_path) -> None:
    rng = random.Random(6)  # noqa: S311 - kill timing, not cryptography
    batches = Batches(system)
    for _ in range(60):
        batches.land()
    manifest = tmp_path / "manifest.json"
    manifest.write_text(
        json.dumps(
            {
                "chainId": 31337,
                "deployBlock": 0,
                "contracts": {"CreditOracle": {"address": system.address, "block": 0}},
            }
        )
    )
    database_url = f"sqlite:///{tmp_path / 'service.db'}"
    indexer = IndexerProcess(
        system.anvil.url,
        manifest,
        database_url,
        build_dir=build_dir(),
        log_path=tmp_path / "indexer.log",
        poll_interval=0.05,
    )
    indexer.env["PEERLEND_INDEXER_RANGE_SIZE"] = "3"
    engine = create_db_engine(database_url)
    sessions = make_sessionmaker(engine)

    def checkpoint() -> int | None:
        try:
            with sessions() as s:
                cp = s.get(ChainCheckpoint, "main")
                return cp.last_block if cp else None
        except Exception:  # tables not migrated yet
            return None

    def wait_for_progress(after: int | None, timeout: float = 90) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            indexer.check_alive()
            cp = checkpoint()
            if cp is not None and (after is None or cp > after):
                return cp
            time.sleep(0.01)
        raise AssertionError(
            f"indexer made no progress past {after}:\n{indexer.log_path.read_text()[-3000:]}"
        )

    growing = threading.Event()
    growing.set()

    def grow() -> None:  # the chain keeps moving while the indexer is killed and restarted
        while growing.is_set():
            batches.land()
            time.sleep(0.25)

    grower: threading.Thread | None = None

    def pause_growth() -> None:
        nonlocal grower
        growing.clear()
        if grower is not None:
            grower.join()
        grower = None

    def resume_growth() -> None:
        nonlocal grower
        growing.set()
        grower = threading.Thread(target=grow, daemon=True)
        grower.start()

    def backlog() -> None:
        # While it is down the chain moves on by more ranges than a kill delay lets it index, so the
        # next kill always finds work left: a kill is mid-work by construction, not by timing luck.
        pause_growth()
        for _ in range(BACKLOG_BLOCKS):
            batches.land()
        resume_growth()

    kills = []
    try:
        indexer.__enter__()
        resume_growth()
        last = None
        attempts = 0
        while len(kills) < KILLS:
            attempts += 1
            assert attempts <= 4 * KILLS, f"no kill landed while work was left in {attempts} tries: {kills}"
            last = wait_for_progress(last)
            time.sleep(rng.uniform(0.0, 0.15))  # somewhere inside the next range
            tip = head(system.anvil.url)
            indexer.process.kill()
            indexer.process.wait(timeout=10)
            at_kill = checkpoint()
            if at_kill is None or at_kill >= tip:
                # It had caught up with the chain before the kill: that is no kill mid-work, so it does
                # not count; give it a backlog and try again.
                backlog()
                indexer.__enter__()
                last = checkpoint()
                continue
            kills.append({"checkpoint": at_kill, "head": tip})
            if len(kills) - 1 == KILLS // 2:  # and a reorg while it is down: its last blocks are replaced
                pause_growth()
                reorg_out(system.anvil.url, at_kill - 1)
                resume_growth()
            backlog()
            indexer.__enter__()  # restart on the same database
            last = checkpoint()
        pause_growth()
        final_head = head(system.anvil.url)
        deadline = time.monotonic() + 120
        while checkpoint() != final_head:
            indexer.check_alive()
            assert time.monotonic() < deadline, indexer.log_path.read_text()[-3000:]
            time.sleep(0.1)
        time.sleep(0.5)  # one more poll: nothing moves
        summary = _compare(system, sessions)
    finally:
        pause_growth()
        indexer.__exit__(None, None, None)
        engine.dispose()
    log = (tmp_path / "indexer.log").read_text()
    summary.update(kills=len(kills), batches=batches.count, head=final_head, reorgs=log.count("reorg: block"))
    summary["behind_at_kill"] = [k["head"] - k["checkpoint"] for k in kills]
    print(f"indexer SIGKILLed mid-range: {summary}")
    assert len(kills) == KILLS and summary["reorgs"] >= 1  # it noticed the reorg and rolled back


def _compare(system: OracleSystem, sessions) -> dict:
    url, address = system.anvil.url, system.address
    logs = rpc(url, "eth_getLogs", [{"address": address, "fromBlock": "0x0", "toBlock": "latest"}])
    chain_events = Counter((lg["blockHash"], int(lg["logIndex"], 16)) for lg in logs)
    with sessions() as s:
        stored = Counter(
            (e.block_hash, e.log_index)
            for e in s.scalars(select(ChainEvent).where(func.lower(ChainEvent.address) == address.lower()))
        )
        records = {r.borrower: r for r in s.scalars(select(CreditRecordView))}
        indexed_rounds = {r.round: r.tx_hash for r in s.scalars(select(OracleRoundView))}
        n_events = s.scalar(select(func.count()).select_from(ChainEvent))
    # events: none missing, none extra, none twice
    assert stored == chain_events, (
        f"missing {len(set(chain_events) - set(stored))}, extra {len(set(stored) - set(chain_events))}"
    )
    assert max(stored.values()) == 1
    # credit records: each equals the contract's own view of the borrower, and no other borrower is held
    borrowers = {p.borrower for p in published(url, address)}
    assert set(records) == borrowers
    contract = system.chain()
    for who in borrowers:
        on_chain = contract.record_of(who)
        row = records[who]
        assert (row.score, row.grade, row.pd_bps, row.model_version, row.as_of) == (
            on_chain["score"],
            on_chain["grade"],
            on_chain["pdBps"],
            on_chain["modelVersion"],
            on_chain["asOf"],
        ), who
    # rounds: the chain's, each once, in the transaction that carried it
    batch_logs = {
        int(lg["topics"][1], 16): lg["transactionHash"] for lg in logs if lg["topics"][0] == BATCH_TOPIC
    }
    assert sorted(indexed_rounds) == rounds(url, address)
    assert indexed_rounds == {r: batch_logs[r] for r in indexed_rounds}
    return {"events": n_events, "borrowers": len(borrowers), "rounds": len(indexed_rounds)}
