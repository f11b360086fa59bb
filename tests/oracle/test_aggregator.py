"""Aggregator and nodes against a real CreditOracle on anvil: threshold, outages, crashes, isolation."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from backend.chain.errors import ContractReverted
from oracle.chain import refused_borrower
from oracle.signing import ScoreBatch, order_signatures, sign_batch
from oracle.store import RoundStore
from tests.oracle.conftest import borrower


class Crash(Exception):
    pass


def _crash(_round):
    raise Crash()


def test_pending_report_is_signed_by_threshold_and_lands_on_chain(system):
    rid = system.report(borrower(1), score=712, grade=2, pd=350)
    agg = system.aggregator()
    assert "confirmed" in agg.run_until_idle()
    record = system.chain().record_of(borrower(1))
    assert (record["score"], record["grade"], record["pdBps"]) == (712, 2, 350)
    assert system.feed.status(rid) == "submitted"
    assert system.chain().last_round() == 1
    assert agg.run_until_idle() == ["idle"]  # nothing left, nothing resubmitted
    assert len(system.batch_events()) == 1


def test_one_node_down_still_meets_threshold(system):
    system.stop_node(0)
    system.report(borrower(2))
    assert "confirmed" in system.aggregator().run_until_idle()
    assert system.chain().record_of(borrower(2))["grade"] == 2


def test_two_nodes_down_submits_nothing_and_resumes(system):
    system.stop_node(0)
    system.stop_node(2)
    rid = system.report(borrower(3))
    agg = system.aggregator()
    assert agg.run_until_idle()[-1] == "waiting"
    assert agg.run_until_idle()[-1] == "waiting"
    assert system.chain().last_round() == 0 and system.feed.status(rid) == "pending"
    system.start_node(2)
    assert "confirmed" in agg.run_until_idle()
    assert system.feed.status(rid) == "submitted" and len(system.batch_events()) == 1


@pytest.mark.parametrize("hook", ["after_sign", "before_broadcast", "after_broadcast", "after_confirm"])
def test_crash_then_restart_submits_exactly_once(system, hook):
    rid = system.report(borrower(4))
    first = system.aggregator("crash.db")
    first.hooks[hook] = _crash
    with pytest.raises(Crash):
        first.run_until_idle()
    restarted = system.aggregator("crash.db")  # a fresh process on the same store
    restarted.run_until_idle()
    assert restarted.run_until_idle() == ["idle"]
    assert len(system.batch_events()) == 1
    assert system.chain().last_round() == 1
    assert system.feed.status(rid) == "submitted"
    assert system.chain().record_of(borrower(4))["grade"] == 2


def test_report_refused_by_nodes_is_rejected_with_reason_and_others_land(system):
    good = system.report(borrower(5), grade=3, pd=500)
    bad = system.report(borrower(6), grade=1, pd=5000)  # grade A with a grade F probability of default
    assert "confirmed" in system.aggregator().run_until_idle()
    assert system.feed.status(good) == "submitted"
    assert system.feed.status(bad) == "rejected"
    reason = system.feed.reports[bad]["reason"]
    assert "inconsistent" in reason
    assert system.chain().record_of(borrower(6))["grade"] == 0


def test_report_the_chain_rejects_is_isolated_by_its_custom_error(system):
    """A signed round whose report the contract refuses (AsOfNotIncreasing) loses that report only."""
    chain = system.chain()
    ok_id = system.report(borrower(7))
    dup_a = system.report(borrower(8), as_of=system.now() - 10)
    agg = system.aggregator()
    reports = [system.feed.reports[i] for i in (ok_id, dup_a)]
    # a second report of borrower 8 with an older asOf, placed in the same batch by a faulty builder
    older = {**reports[1], "asOf": reports[1]["asOf"] - 100}
    batch = ScoreBatch.build(1, system.now() + 600, reports + [older])
    sigs = {
        a.address: "0x" + sign_batch(batch, chain.chain_id, chain.address, a.key).hex()
        for a in system.signer_accounts[:2]
    }
    rnd = agg.store.create(batch, [ok_id, dup_a, "forged-older"])
    agg.store.set_signed(rnd.id, sigs)
    outcomes = agg.run_until_idle()
    assert "confirmed" in outcomes
    rejected = {a["report_id"]: a["reason"] for a in agg.store.acks() if a["status"] == "rejected"}
    assert set(rejected) == {"forged-older", dup_a} and all(
        "AsOfNotIncreasing" in r for r in rejected.values()
    )
    assert system.feed.status(ok_id) == "submitted"
    assert chain.record_of(borrower(7))["grade"] == 2


def test_a_report_with_a_grade_out_of_range_is_isolated_by_its_borrower(system):
    """InvalidReportGrade names the borrower, so the aggregator drops that one report and lands the rest."""
    chain = system.chain()
    ok_id = system.report(borrower(17))
    bad_id = system.report(borrower(18))
    agg = system.aggregator()
    good, bad = (system.feed.reports[i] for i in (ok_id, bad_id))
    batch = ScoreBatch.build(chain.last_round() + 1, system.now() + 600, [good, {**bad, "grade": 8}])
    signatures = order_signatures(
        [
            (a.address, sign_batch(batch, chain.chain_id, chain.address, a.key))
            for a in system.signer_accounts[:2]
        ]
    )
    with pytest.raises(ContractReverted) as err:
        chain.simulate(batch, signatures, system.submitter.address)
    assert (err.value.error_name, refused_borrower(err.value)) == ("InvalidReportGrade", borrower(18))

    rnd = agg.store.create(batch, [ok_id, bad_id])
    agg.store.set_signed(
        rnd.id,
        {
            a.address: "0x" + sign_batch(batch, chain.chain_id, chain.address, a.key).hex()
            for a in system.signer_accounts[:2]
        },
    )
    assert "confirmed" in agg.run_until_idle()
    rejected = {a["report_id"]: a["reason"] for a in agg.store.acks() if a["status"] == "rejected"}
    assert list(rejected) == [bad_id] and "InvalidReportGrade" in rejected[bad_id]
    assert chain.record_of(borrower(17))["grade"] == 2 and chain.record_of(borrower(18))["grade"] == 0


def test_forged_and_replayed_batches_are_rejected_on_chain(system):
    chain = system.chain()
    system.report(borrower(9))
    agg = system.aggregator()
    agg.run_until_idle()
    report = system.feed.reports["r1"]
    forged = ScoreBatch.build(2, system.now() + 600, [{**report, "asOf": report["asOf"] + 1, "score": 999}])
    outsiders = [system.deployer, system.submitter]
    forged_sigs = order_signatures(
        [(a.address, sign_batch(forged, chain.chain_id, chain.address, a.key)) for a in outsiders]
    )
    with pytest.raises(ContractReverted) as err:
        chain.simulate(forged, forged_sigs, system.submitter.address)
    assert err.value.error_name in ("SignerNotAuthorized", "BelowThreshold")
    # the confirmed batch and its genuine signatures, submitted again
    confirmed = [r for r in agg.store.rounds() if r.state == "confirmed"][0]
    replay_sigs = order_signatures([(s, bytes.fromhex(h[2:])) for s, h in confirmed.signatures.items()])
    with pytest.raises(ContractReverted) as err:
        chain.simulate(confirmed.batch, replay_sigs, system.submitter.address)
    assert err.value.error_name == "StaleRound"
    # the same batch on another contract address (domain) does not verify either
    genuine = [
        sign_batch(forged, chain.chain_id, "0x" + "11" * 20, a.key) for a in system.signer_accounts[:2]
    ]
    with pytest.raises(ContractReverted) as err:
        chain.simulate(
            forged,
            order_signatures(
                list(zip([a.address for a in system.signer_accounts[:2]], genuine, strict=True))
            ),
            system.submitter.address,
        )
    assert err.value.error_name in ("SignerNotAuthorized", "SignersNotAscending", "BelowThreshold")


def test_service_outage_loses_nothing(system):
    rid = system.report(borrower(10))
    agg = system.aggregator()
    system.feed.down = True
    assert agg.run_until_idle() == ["idle"]
    system.feed.down = False
    assert "confirmed" in agg.run_until_idle()
    assert system.feed.status(rid) == "submitted"


def test_ack_outage_after_confirmation_is_retried(system):
    rid = system.report(borrower(11))
    agg = system.aggregator()

    def outage(_round):
        system.feed.down = True

    agg.hooks["after_confirm"] = outage
    assert "confirmed" in agg.run_until_idle()
    assert system.feed.status(rid) == "pending" and agg.store.unsent_acks()
    system.feed.down = False
    assert agg.run_until_idle() == ["idle"]
    assert system.feed.status(rid) == "submitted" and len(system.batch_events()) == 1


def test_superseded_and_stale_reports_are_rejected_before_signing(system):
    old = system.report(borrower(12), as_of=system.now() - 500)
    new = system.report(borrower(12), as_of=system.now() - 100)
    agg = system.aggregator()
    agg.run_until_idle()
    assert system.feed.status(new) == "submitted"
    assert system.feed.status(old) == "rejected" and "superseded" in system.feed.reports[old]["reason"]
    stale = system.report(borrower(12), as_of=system.now() - 200)
    agg.run_until_idle()
    assert system.feed.status(stale) == "rejected"


def test_records_near_max_age_are_sent_for_refresh(system):
    system.report(borrower(13), as_of=system.now() - 29 * 86400)  # maxAge is 30 days
    system.report(borrower(14))  # fresh
    agg = system.aggregator(refresh_margin=2 * 86400)
    agg.run_until_idle()  # lands both, then (idle) looks for records near maxAge
    agg.run_until_idle()
    assert system.feed.refresh_requests == [[borrower(13)]]
    agg._last_refresh = 0
    assert agg.maybe_refresh() == []  # asked once, not again within the hour


def test_a_lapsing_record_is_asked_about_daily_and_others_hourly(system):
    now = [time.time()]
    system.report(borrower(15), as_of=system.now() - 29 * 86400)
    system.report(borrower(16), as_of=system.now() - 29 * 86400 + 10)
    system.feed.refresh_outcomes = {borrower(16): "reported"}  # borrower 15: "lapsed"
    agg = system.aggregator(refresh_margin=2 * 86400, store_clock=lambda: now[0])
    agg.run_until_idle()
    agg.run_until_idle()
    assert system.feed.refresh_requests == [[borrower(15), borrower(16)]]

    def ask_after(hours: float) -> list[str]:
        now[0] += hours * 3600
        agg._last_refresh = 0
        return agg.maybe_refresh()

    assert ask_after(0.5) == []
    assert ask_after(1.5) == [borrower(16)]  # its new report has not landed: ask again
    assert ask_after(23) == [borrower(15), borrower(16)]


def test_a_store_written_before_refresh_scheduling_gains_the_column(tmp_path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE borrowers"
            " (borrower TEXT PRIMARY KEY, as_of INTEGER NOT NULL, refresh_requested_at REAL)"
        )
        db.execute("INSERT INTO borrowers VALUES ('0xabc', 100, NULL)")
    store = RoundStore(path)
    try:
        assert store.borrowers_due(cutoff_as_of=200) == ["0xabc"]
        store.mark_refresh_requested({"0xabc": 3600})
        assert store.borrowers_due(cutoff_as_of=200) == []
    finally:
        store.close()


def test_batch_over_the_gas_budget_is_halved_and_everything_lands(system):
    ids = [system.report(borrower(40 + i)) for i in range(4)]
    agg = system.aggregator(gas_fraction=0.004)  # ~120k gas of a 30M block: room for about two reports
    for _ in range(5):
        agg.run_until_idle()
    assert all(system.feed.status(i) == "submitted" for i in ids)
    assert len(system.batch_events()) >= 2


def test_undecodable_revert_bisects_down_to_the_culprit(system):
    ids = [system.report(borrower(50 + i)) for i in range(4)]
    agg = system.aggregator()
    rnd = agg.build_round()
    assert agg._handle_revert(rnd, ContractReverted(None, data="0x")) == "rebuilt"
    half = agg.store.active()
    assert half.report_ids == ids[:2] and half.round > rnd.round
    single = agg.store.create(
        ScoreBatch.build(half.round + 1, half.deadline, half.batch.reports[:1]), ids[:1], replaces=half.id
    )
    undecodable = ContractReverted(None, data="0xdeadbeef", selector="deadbeef")
    assert agg._handle_revert(single, undecodable) == "abandoned"
    assert [(a["report_id"], a["status"]) for a in agg.store.acks()] == [(ids[0], "rejected")]
    assert "reverted" in agg.store.acks()[0]["reason"]


def test_metrics_report_rounds_and_pending(system):
    from prometheus_client import generate_latest

    system.report(borrower(60))
    agg = system.aggregator()
    agg.run_until_idle()
    text = generate_latest(agg.registry).decode()
    assert "oracle_last_round 1.0" in text
    assert 'oracle_rounds_total{outcome="confirmed"} 1.0' in text
    assert "oracle_reports_pending 0.0" in text and "oracle_report_latency_seconds_count 1.0" in text


def test_report_ahead_of_chain_time_waits_pending_until_the_chain_catches_up(system):
    from tests.support.anvil import rpc

    rid = system.report(borrower(70), as_of=system.now() + 120)
    agg = system.aggregator()
    assert agg.run_until_idle() == ["idle"]
    assert system.feed.status(rid) == "pending" and not system.batch_events()
    rpc(system.anvil.url, "evm_increaseTime", [300])
    rpc(system.anvil.url, "evm_mine")
    assert "confirmed" in agg.run_until_idle()
    assert system.feed.status(rid) == "submitted"


def test_rpc_outage_mid_round_loses_nothing_and_resumes(system):
    from web3 import Web3

    from tests.support.anvil import free_port

    rid = system.report(borrower(80))
    agg = system.aggregator()
    rnd = agg.build_round()
    live = agg.chain.client.w3.provider
    agg.chain.client.w3.provider = Web3.HTTPProvider(f"http://127.0.0.1:{free_port()}")  # the node goes away
    stop = threading.Event()
    runner = threading.Thread(target=agg.run, args=(stop, 0.05))
    runner.start()
    time.sleep(1.0)
    stop.set()
    runner.join(timeout=30)
    assert agg.metrics.failures.labels("ChainUnavailable")._value.get() >= 1
    assert agg.store.active().id == rnd.id and system.feed.status(rid) == "pending"
    agg.chain.client.w3.provider = live
    assert "confirmed" in agg.run_until_idle()
    assert system.feed.status(rid) == "submitted" and len(system.batch_events()) == 1
