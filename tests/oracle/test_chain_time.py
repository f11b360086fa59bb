"""Chain time decides when a report is ready, and a report held back says why, once."""

from __future__ import annotations

import logging
import re

from prometheus_client import generate_latest

from tests.oracle.conftest import borrower
from tests.support.anvil import rpc


def _messages(caplog, text: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if text in r.getMessage()]


def test_a_report_ahead_of_chain_time_is_held_logged_once_with_its_lead_and_released(system, caplog):
    caplog.set_level(logging.INFO, logger="oracle.aggregator")
    agg = system.aggregator()
    chain_now = agg.chain_time()[0]
    rid = system.report(borrower(120), as_of=chain_now + 120)
    for _ in range(3):  # three polls, one line
        assert agg.run_until_idle() == ["idle"]
    (held,) = _messages(caplog, "holding report")
    assert rid in held and borrower(120) in held
    lead = int(re.search(r"is (\d+) s ahead of chain time", held).group(1))
    assert 110 <= lead <= 120  # the node's clock moved on a little between the two reads
    metrics = generate_latest(agg.registry).decode()
    assert "oracle_reports_held 1.0" in metrics
    assert system.feed.status(rid) == "pending" and not system.batch_events()

    rpc(system.anvil.url, "evm_increaseTime", [300])
    rpc(system.anvil.url, "evm_mine")
    assert "confirmed" in agg.run_until_idle()
    (released,) = _messages(caplog, "released: chain time reached its asOf")
    assert rid in released
    assert len(_messages(caplog, "holding report")) == 1
    assert "oracle_reports_held 0.0" in generate_latest(agg.registry).decode()


def test_readiness_is_the_latest_block_time_where_blocks_do_not_follow_transactions(system, caplog):
    """On a network that makes blocks at its own pace the pending block's time is a guess: a report
    waits for a block at or after its asOf. On an automining node (anvil) the batch's own transaction
    makes the block, stamped with the node's clock, so that clock decides there."""
    caplog.set_level(logging.INFO, logger="oracle.aggregator")
    agg = system.aggregator()
    assert agg.chain.automine() is True  # anvil
    rpc(system.anvil.url, "evm_increaseTime", [30])  # the node's clock moves on, no block is made
    latest = system.now()
    rid = system.report(borrower(121), as_of=latest + 10)

    agg.chain.client._automine = False  # as on a network with its own block times
    assert agg.run_until_idle() == ["idle"]
    (held,) = _messages(caplog, "holding report")
    assert "the latest block's time" in held and f"chain time {latest} " in held
    assert system.feed.status(rid) == "pending"

    agg.chain.client._automine = True
    assert "confirmed" in agg.run_until_idle()
    record = system.chain().record_of(borrower(121))
    assert record["asOf"] == latest + 10
