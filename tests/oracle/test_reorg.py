"""Reorgs against a real anvil: a confirmed batch whose block a reorg removes is sent again, once.

anvil_reorg(depth, []) replaces the last `depth` blocks with empty ones (the transactions in them are not
put back in the pool); evm_revert goes back to a snapshot. Either way the chain loses the batch, as a
reorg on a real network can (where the transaction may also come back on its own: then it is awaited).
"""

from __future__ import annotations

import pytest

from oracle.signing import ScoreBatch, order_signatures, sign_batch
from oracle.store import RoundStore
from tests.oracle.chain_truth import duplicates, mined, published, reorg_out, rounds
from tests.oracle.conftest import borrower
from tests.support.anvil import rpc


def _confirmed(agg):
    return [r for r in agg.store.rounds() if r.state == "confirmed"]


def _land_other_round(system, number: int, who: str) -> None:
    """Another submitter lands round `number` with someone else's report (signed by two real signers)."""
    chain = system.chain()
    report = {
        "borrower": who,
        "score": 650,
        "grade": 3,
        "pdBps": 500,
        "modelVersion": 1,
        "asOf": system.now() - 30,
        "reasonsHash": "0x" + "02" * 32,
    }
    batch = ScoreBatch.build(number, system.now() + 600, [report])
    sigs = order_signatures(
        [
            (a.address, sign_batch(batch, chain.chain_id, chain.address, a.key))
            for a in system.signer_accounts[:2]
        ]
    )
    key = "0x" + bytes(system.deployer.key).hex()
    sent = chain.sign_submission(batch, sigs, key, gas=500_000)
    chain.broadcast(sent.raw)
    assert mined(chain, sent.tx_hash).succeeded


@pytest.mark.parametrize("how", ["anvil_reorg", "evm_revert"])
def test_a_confirmed_batch_a_reorg_removed_is_sent_again_once(system, how):
    snapshot = rpc(system.anvil.url, "evm_snapshot")
    rid = system.report(borrower(100), score=640)
    agg = system.aggregator()
    assert "confirmed" in agg.run_until_idle()
    (first,) = _confirmed(agg)
    assert system.feed.status(rid) == "submitted"

    if how == "anvil_reorg":
        reorg_out(system.anvil.url, first.block_number)
    else:
        assert rpc(system.anvil.url, "evm_revert", [snapshot])
    assert system.chain().record_of(borrower(100))["grade"] == 0  # the borrower has no record now
    assert system.chain().last_round() == 0 and published(system.anvil.url, system.address) == []

    assert "confirmed" in agg.run_until_idle()
    again = agg.store.get(first.id)
    assert (again.state, again.reorgs, again.round, again.tx_hash) == ("confirmed", 1, 1, first.tx_hash)
    assert again.sends == 2  # recorded once before the first send, once before the second
    record = system.chain().record_of(borrower(100))
    assert (record["score"], record["grade"]) == (640, 2)
    assert agg.run_until_idle() == ["idle"]
    on_chain = published(system.anvil.url, system.address)
    assert [(p.borrower, p.round) for p in on_chain] == [(borrower(100), 1)]
    assert rounds(system.anvil.url, system.address) == [1]


def test_a_reorged_batch_whose_round_was_consumed_goes_out_in_a_new_round(system):
    rid = system.report(borrower(101), score=660)
    agg = system.aggregator()
    assert "confirmed" in agg.run_until_idle()
    (first,) = _confirmed(agg)
    reorg_out(system.anvil.url, first.block_number)
    _land_other_round(system, first.round, borrower(102))  # round 1 is now someone else's
    assert system.chain().last_round() == first.round

    outcomes = agg.run_until_idle()
    assert "confirmed" in outcomes and "rebuilt" in outcomes
    old = agg.store.get(first.id)
    assert old.state in ("failed", "abandoned") and old.reorgs == 1
    (resent,) = _confirmed(agg)
    assert resent.resend and resent.round == first.round + 1 and resent.report_ids == [rid]
    assert resent.tx_hash != first.tx_hash
    on_chain = published(system.anvil.url, system.address)
    mine = [p for p in on_chain if p.borrower == borrower(101)]
    assert len(mine) == 1 and (mine[0].round, mine[0].score) == (first.round + 1, 660)
    assert duplicates(rounds(system.anvil.url, system.address)) == {}
    assert system.feed.reports[rid]["round"] == first.round + 1  # the service is told the new round
    assert agg.run_until_idle() == ["idle"]
    assert len(published(system.anvil.url, system.address)) == 2


def test_an_aggregator_restarted_after_a_reorg_reconciles_at_start_up(system):
    system.report(borrower(103))
    agg = system.aggregator("restart.db")
    assert "confirmed" in agg.run_until_idle()
    (first,) = _confirmed(agg)
    agg.store.close()
    reorg_out(system.anvil.url, first.block_number)  # while no aggregator runs

    restarted = system.aggregator("restart.db")
    assert restarted.reconcile() == [first.round]
    assert "confirmed" in restarted.run_until_idle()
    assert restarted.run_until_idle() == ["idle"]
    assert [p.borrower for p in published(system.anvil.url, system.address)] == [borrower(103)]


def test_a_quiet_or_growing_head_reopens_nothing(system):
    system.report(borrower(104))
    agg = system.aggregator(reorg_window=2)
    assert "confirmed" in agg.run_until_idle()
    assert agg.reconcile() == []  # head unchanged since the last look
    for _ in range(4):
        rpc(system.anvil.url, "evm_mine")
    assert agg.reconcile() == []  # the head moved, nothing was removed


def test_a_batch_is_confirmed_only_after_the_configured_confirmations(system):
    rid = system.report(borrower(105))
    agg = system.aggregator(confirmations=2)
    assert agg.run_until_idle()[-1] == "pending"
    (rnd,) = [r for r in agg.store.rounds() if r.state == "submitted"]
    assert rnd.block_number is not None and system.chain().last_round() == 1
    assert system.feed.status(rid) == "pending"  # nothing acknowledged at 0 blocks on top
    rpc(system.anvil.url, "evm_mine")
    assert agg.run_until_idle()[-1] == "pending" and system.feed.status(rid) == "pending"
    rpc(system.anvil.url, "evm_mine")
    assert "confirmed" in agg.run_until_idle()
    assert system.feed.status(rid) == "submitted"
    assert agg.store.get(rnd.id).block_number == rnd.block_number


def test_a_batch_reorged_out_before_its_confirmations_is_sent_again_and_confirmed_once(system):
    rid = system.report(borrower(106))
    agg = system.aggregator(confirmations=1)
    assert agg.run_until_idle()[-1] == "pending"
    (rnd,) = [r for r in agg.store.rounds() if r.state == "submitted"]
    reorg_out(system.anvil.url, rnd.block_number)
    assert system.chain().last_round() == 0
    assert agg.run_until_idle()[-1] == "pending"  # not in the pool: the same bytes went out again
    assert system.chain().last_round() == 1 and system.feed.status(rid) == "pending"
    rpc(system.anvil.url, "evm_mine")
    assert "confirmed" in agg.run_until_idle()
    assert system.feed.status(rid) == "submitted"
    assert [p.borrower for p in published(system.anvil.url, system.address)] == [borrower(106)]
    assert agg.store.get(rnd.id).sends == 2


# -- nodes: re-sends and the round guard


def _payload(system, report_id: str, round_: int, resend: bool) -> dict:
    report = {
        k: v for k, v in system.feed.reports[report_id].items() if k not in ("status", "round", "reason")
    }
    return {"round": round_, "deadline": system.now() + 600, "resend": resend, "reports": [report]}


def test_a_node_signs_a_published_report_again_only_in_a_resend_the_chain_lacks(system):
    rid = system.report(borrower(107))
    system.feed.reports[rid]["status"] = "confirmed"  # what the service says once the batch landed
    node = system.nodes[0]
    refused = node.handle(_payload(system, rid, 1, resend=False))
    assert refused["signature"] is None and "service status is confirmed" in refused["refused"][0]["reasons"]
    assert node.handle(_payload(system, rid, 1, resend=True))["signature"]
    system.feed.reports[rid]["status"] = "rejected"
    assert node.handle(_payload(system, rid, 2, resend=True))["signature"] is None


def test_a_node_refuses_a_resend_of_a_report_the_chain_holds(system):
    rid = system.report(borrower(108))
    agg = system.aggregator()
    assert "confirmed" in agg.run_until_idle()
    answer = system.nodes[1].handle(_payload(system, rid, 2, resend=True))
    assert answer["signature"] is None
    assert any("not after the on-chain asOf" in r for r in answer["refused"][0]["reasons"])


def test_a_restarted_node_never_signs_a_different_batch_for_a_round_it_signed(system, tmp_path):
    from pydantic import SecretStr

    from oracle.checks import Policy
    from oracle.node import SignerNode
    from oracle.node_store import SignedRounds
    from tests.oracle.conftest import BANDS

    a = system.report(borrower(109))
    b = system.report(borrower(110))
    key = SecretStr("0x" + bytes(system.signer_accounts[0].key).hex())
    policy = Policy(pd_bands_bps=BANDS, allowed_model_versions=frozenset({1, 2}))

    def node() -> SignerNode:
        return SignerNode(key, system.chain(), system.client(), policy, SignedRounds(tmp_path / "node.db"))

    first = node()
    assert first.handle(_payload(system, a, 7, resend=False))["signature"]
    first._signed.close()  # the process dies here
    second = node()
    assert second.handle(_payload(system, a, 7, resend=False))["signature"]  # the same batch again: fine
    answer = second.handle(_payload(system, b, 7, resend=False))
    assert answer["signature"] is None and "already signed a different batch for round 7" in answer["error"]


def test_a_store_from_before_reorg_tracking_gains_its_columns(tmp_path):
    import sqlite3

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        db.executescript(
            "CREATE TABLE rounds (id INTEGER PRIMARY KEY AUTOINCREMENT, round INTEGER NOT NULL,"
            " deadline INTEGER NOT NULL, state TEXT NOT NULL, batch TEXT NOT NULL, report_ids TEXT NOT NULL,"
            " signatures TEXT NOT NULL DEFAULT '{}', tx_hash TEXT, raw_tx TEXT, nonce INTEGER, gas INTEGER,"
            " block_number INTEGER, error TEXT, first_seen REAL NOT NULL, created_at REAL NOT NULL,"
            " updated_at REAL NOT NULL);"
        )
    store = RoundStore(path)
    try:
        columns = {r["name"] for r in store._db.execute("PRAGMA table_info(rounds)")}
        assert {"block_hash", "resend", "reorgs", "sends", "last_sent_at", "confirmed_at"} <= columns
    finally:
        store.close()
