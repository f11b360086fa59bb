"""SIGKILL of real oracle processes mid-work: nothing is lost, nothing is submitted twice.

Three signer nodes (`python -m oracle.node`) and the aggregator (`python -m oracle.aggregator`) run as
processes against a real CreditOracle on anvil and the fake service feed; the kill harness
(tests/oracle/kill_harness.py) stands in for an entry point where a kill must land between two exact
steps. Afterwards the chain is the judge: every report is on-chain exactly once, no round number
appears twice, and the aggregator's store and the feed agree with it.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from demo.processes import _free_port_run
from oracle.store import RoundStore
from tests.oracle.chain_truth import duplicates, published, rounds
from tests.oracle.conftest import BANDS, OracleSystem, borrower, build_dir
from tests.oracle.fake_service import API_KEY
from tests.support.anvil import ROOT

pytestmark = pytest.mark.timeout(420)

STARTUP_TIMEOUT = 60  # seconds; a Python process with web3 takes ~5 s to start on two busy cores


class OracleProcs:
    """Nodes and aggregator as processes on one CreditOracle, each with its own log (appended)."""

    def __init__(self, system: OracleSystem, tmp: Path):
        self.system, self.tmp = system, tmp
        manifest = tmp / "manifest.json"
        manifest.write_text(
            json.dumps(
                {
                    "chainId": 31337,
                    "deployBlock": 0,
                    "contracts": {"CreditOracle": {"address": system.address, "block": 0}},
                }
            )
        )
        self.base_port = _free_port_run(3)
        self.node_urls = [f"http://127.0.0.1:{self.base_port + i}" for i in range(3)]
        self.store_path = tmp / "aggregator.db"
        self.env = {
            **os.environ,
            "PEERLEND_ORACLE_ENV": "test",
            "PEERLEND_ORACLE_RPC_URL": system.anvil.url,
            "PEERLEND_ORACLE_MANIFEST_PATH": str(manifest),
            "PEERLEND_ORACLE_BUILD_DIR": str(build_dir()),
            "PEERLEND_ORACLE_SERVICE_URL": system.feed_server.url,
            "PEERLEND_ORACLE_API_KEY": API_KEY,
            "PEERLEND_ORACLE_NODE_HOST": "127.0.0.1",
            "PEERLEND_ORACLE_NODE_BASE_PORT": str(self.base_port),
            "PEERLEND_ORACLE_NODE_URLS": json.dumps(self.node_urls),
            "PEERLEND_ORACLE_STORE_PATH": str(self.store_path),
            "PEERLEND_ORACLE_POLL_INTERVAL_SECONDS": "0.2",
            "PEERLEND_ORACLE_RECEIPT_TIMEOUT_SECONDS": "10",
            "PEERLEND_ORACLE_HTTP_TIMEOUT_SECONDS": "5",
            "PEERLEND_ORACLE_GRADE_PD_BANDS_BPS": json.dumps(list(BANDS)),
            "PEERLEND_ORACLE_ALLOWED_MODEL_VERSIONS": "[1, 2]",
        }
        self.procs: dict[str, subprocess.Popen] = {}
        self.kills: Counter = Counter()

    def _spawn(self, name: str, argv: list[str], extra: dict[str, str]) -> subprocess.Popen:
        log = (self.tmp / f"{name}.log").open("a")
        log.write(f"---- start {' '.join(argv)} at {time.time():.3f}\n")
        log.flush()
        proc = subprocess.Popen(  # noqa: S603 - fixed argv
            [sys.executable, *argv], cwd=ROOT, env={**self.env, **extra}, stdout=log, stderr=subprocess.STDOUT
        )
        self.procs[name] = proc
        return proc

    def start_node(self, i: int, die_after_sign: bool = False, wait: bool = True) -> subprocess.Popen:
        key = "0x" + bytes(self.system.signer_accounts[i - 1].key).hex()
        extra = {
            "PEERLEND_ORACLE_PRIVATE_KEY": key,
            "PEERLEND_ORACLE_NODE_STORE_PATH": str(self.tmp / f"node-{i}.db"),
        }
        argv = ["-m", "oracle.node", "--index", str(i)]
        if die_after_sign:
            argv = ["-m", "tests.oracle.kill_harness", "node", "--index", str(i), "--die-after-sign"]
        proc = self._spawn(f"node-{i}", argv, extra)
        if wait:
            self.wait_healthy(i)
        return proc

    def wait_healthy(self, i: int) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.procs[f"node-{i}"].poll() is not None:
                raise RuntimeError(f"node {i} exited:\n{self.log(f'node-{i}')}")
            try:
                if httpx.get(f"{self.node_urls[i - 1]}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"node {i} not up:\n{self.log(f'node-{i}')}")

    def start_aggregator(self, die_at: str | None = None) -> subprocess.Popen:
        key = "0x" + bytes(self.system.submitter.key).hex()
        extra = {
            "PEERLEND_ORACLE_SUBMITTER_PRIVATE_KEY": key,
            "PEERLEND_ORACLE_METRICS_PORT": str(_free_port_run(1)),
        }
        argv = ["-m", "oracle.aggregator"]
        if die_at:
            argv = ["-m", "tests.oracle.kill_harness", "aggregator", "--die-at", die_at]
        self.metrics_url = f"http://127.0.0.1:{extra['PEERLEND_ORACLE_METRICS_PORT']}/metrics"
        return self._spawn("aggregator", argv, extra)

    def wait_aggregator(self) -> None:
        """Until the aggregator serves its metrics, which it does right before its loop starts."""
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.procs["aggregator"].poll() is not None:
                raise RuntimeError(f"aggregator exited:\n{self.log('aggregator')}")
            try:
                if httpx.get(self.metrics_url, timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"aggregator not up:\n{self.log('aggregator')}")

    def kill(self, name: str) -> None:
        proc = self.procs[name]
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
            self.kills[name.split("-")[0]] += 1

    def log(self, name: str) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text()[-4000:] if path.exists() else ""

    def logs(self) -> str:
        return "\n".join(f"--- {name}\n{self.log(name)}" for name in sorted(self.procs))

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture
def procs(oracle_anvil, tmp_path):
    system = OracleSystem(oracle_anvil, tmp_path)
    running = OracleProcs(system, tmp_path)
    yield running
    running.stop()
    system.close()


def wait_until(predicate, timeout: float, what: str, procs: OracleProcs) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}\n{procs.logs()}")


def statuses(system: OracleSystem) -> Counter:
    return Counter(r["status"] for r in system.feed.reports.values())


def assert_chain_and_stores_agree(procs: OracleProcs, report_ids: list[str]) -> dict:
    """Every report on-chain exactly once, no round twice, nothing active left, the feed told."""
    system = procs.system
    on_chain = published(system.anvil.url, system.address)
    landed = Counter((p.borrower, p.as_of) for p in on_chain)
    expected = {(system.feed.reports[i]["borrower"], system.feed.reports[i]["asOf"]) for i in report_ids}
    assert set(landed) == expected, f"missing {expected - set(landed)}, extra {set(landed) - expected}"
    assert duplicates(landed.elements()) == {}, "a report landed twice"
    numbers = rounds(system.anvil.url, system.address)
    assert duplicates(numbers) == {} and numbers == sorted(numbers)
    assert all(system.feed.status(i) == "submitted" for i in report_ids), statuses(system)
    store = RoundStore(procs.store_path)
    try:
        assert store.active() is None
        confirmed = [r for r in store.rounds(limit=10_000) if r.state == "confirmed"]
        assert sorted(r.round for r in confirmed) == numbers  # the store agrees with the chain
        assert {r.tx_hash for r in confirmed} == {p.tx_hash for p in on_chain}
        states = Counter(r.state for r in store.rounds(limit=10_000))
    finally:
        store.close()
    return {"reports": len(report_ids), "rounds": len(numbers), "round_states": dict(states)}


@pytest.mark.parametrize("step", ["before_broadcast", "after_broadcast", "after_confirm"])
def test_aggregator_sigkilled_between_sending_a_batch_and_recording_its_confirmation(procs, step):
    system = procs.system
    ids = [system.report(borrower(200 + i), score=600 + i) for i in range(3)]
    for i in (1, 2, 3):
        procs.start_node(i, wait=False)
    for i in (1, 2, 3):
        procs.wait_healthy(i)
    doomed = procs.start_aggregator(die_at=step)
    assert doomed.wait(timeout=STARTUP_TIMEOUT + 30) == -signal.SIGKILL, procs.logs()

    store = RoundStore(procs.store_path)
    kept = store.rounds()
    assert len(kept) == 1, f"{[(r.round, r.state, r.error) for r in kept]}\n{procs.logs()}"
    (recorded,) = kept
    store.close()
    # what the kill left: the transaction recorded before anything was sent, the chain ahead of the store
    assert recorded.tx_hash and recorded.raw_tx and recorded.sends == 1
    assert recorded.state == ("confirmed" if step == "after_confirm" else "submitted")
    assert system.chain().last_round() == (0 if step == "before_broadcast" else 1)
    assert all(system.feed.status(i) == "pending" for i in ids)  # nobody was told

    procs.start_aggregator()  # the real entry point on the same store
    wait_until(lambda: all(system.feed.status(i) == "submitted" for i in ids), 90, "the acks", procs)
    summary = assert_chain_and_stores_agree(procs, ids)
    assert rounds(system.anvil.url, system.address) == [recorded.round]
    assert [p.tx_hash for p in published(system.anvil.url, system.address)] == [recorded.tx_hash] * 3
    print(f"SIGKILL at {step}: {summary}")


def test_signer_nodes_sigkilled_mid_round_sign_the_same_batch_after_restart(procs):
    system = procs.system
    ids = [system.report(borrower(210 + i)) for i in range(2)]
    doomed = [
        procs.start_node(1, die_after_sign=True, wait=False),
        procs.start_node(2, die_after_sign=True, wait=False),
    ]
    procs.start_node(3, wait=False)
    for i in (1, 2, 3):
        procs.wait_healthy(i)
    procs.start_aggregator()
    for proc in doomed:  # each signed round 1, recorded it, and died before answering
        assert proc.wait(timeout=STARTUP_TIMEOUT + 30) == -signal.SIGKILL, procs.logs()
    time.sleep(1.0)  # the aggregator retries with one signature of two: nothing may go out
    assert system.chain().last_round() == 0 and statuses(system) == Counter({"pending": 2})
    store = RoundStore(procs.store_path)
    assert store.active().state == "built" and store.active().round == 1
    store.close()

    procs.start_node(1)
    procs.start_node(2)
    wait_until(lambda: all(system.feed.status(i) == "submitted" for i in ids), 90, "the acks", procs)
    summary = assert_chain_and_stores_agree(procs, ids)
    # the restarted nodes signed round 1 again: the very batch they had recorded, so no new round
    assert rounds(system.anvil.url, system.address) == [1]
    print(f"2 of 3 nodes SIGKILLed after signing: {summary}")


def test_random_sigkills_of_aggregator_and_nodes_during_a_workload(procs):
    """Reports arrive steadily (one every 1.2 s) while the aggregator and a random node are SIGKILLed in
    turn, each a random 0.3-2.5 s after the last victim was back up, and restarted. One node is down at
    a time, so rounds keep landing through the kills (two nodes down is the exact-step test's case);
    the aggregator is killed whatever it is doing."""
    system = procs.system
    rng = random.Random(14)  # noqa: S311 - kill timing, not cryptography
    for i in (1, 2, 3):
        procs.start_node(i, wait=False)
    for i in (1, 2, 3):
        procs.wait_healthy(i)
    procs.start_aggregator()
    procs.wait_aggregator()
    ids: list[str] = []
    killing = threading.Event()
    killing.set()

    def feed() -> None:
        while killing.is_set():
            ids.append(system.report(borrower(300 + len(ids)), score=500 + len(ids)))
            time.sleep(1.2)

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    started = time.monotonic()
    in_flight: Counter = Counter()  # what the store held at each aggregator kill
    for turn in range(10):
        time.sleep(rng.uniform(0.3, 2.5))
        if turn % 2 == 0:
            procs.kill("aggregator")
            store = RoundStore(procs.store_path)
            active = store.active()
            store.close()
            in_flight[active.state if active else "idle"] += 1
            procs.start_aggregator()
            procs.wait_aggregator()
        else:
            node = rng.choice((1, 2, 3))
            procs.kill(f"node-{node}")
            procs.start_node(node)
    killing.clear()
    feeder.join()
    landed_while_killing = len(rounds(system.anvil.url, system.address))
    wait_until(lambda: all(system.feed.status(i) == "submitted" for i in ids), 120, "every report", procs)
    settled = time.monotonic() - started
    procs.stop()  # SIGTERM: the store is read as the aggregator left it
    summary = assert_chain_and_stores_agree(procs, ids)
    summary.update(
        kills=dict(procs.kills),
        aggregator_killed_with=dict(in_flight),
        rounds_landed_during_kills=landed_while_killing,
        seconds=round(settled, 1),
    )
    print(f"random SIGKILLs: {summary}")
    assert procs.kills == Counter({"aggregator": 5, "node": 5})
    assert landed_while_killing >= 3  # the oracle kept working through the kills
