"""DisclosureRegistry.anchor: the publisher anchors a month's hash once the month has ended, once."""

from datetime import UTC, datetime

from brownie import web3
from disclosure_support import HASH, NOVEMBER_2026
from helpers.chain_time import latest_timestamp

OTHER = "0x" + "cd" * 32


def test_anchor_stores_the_hash_of_the_period(disclosure, publisher, after_november):
    disclosure.anchor(NOVEMBER_2026, HASH, {"from": publisher})
    assert disclosure.anchorOf(NOVEMBER_2026) == HASH


def test_anchor_emits_snapshot_anchored_with_the_publisher(disclosure, publisher, after_november):
    tx = disclosure.anchor(NOVEMBER_2026, HASH, {"from": publisher})
    assert tx.events["SnapshotAnchored"] == {
        "period": NOVEMBER_2026,
        "contentHash": HASH,
        "publisher": publisher,
    }


def test_a_period_is_indexed_in_the_event_so_a_verifier_can_filter_on_it(
    disclosure, publisher, after_november
):
    tx = disclosure.anchor(NOVEMBER_2026, HASH, {"from": publisher})
    [log] = web3.eth.get_transaction_receipt(tx.txid)["logs"]
    assert int(log["topics"][1].hex(), 16) == NOVEMBER_2026


def test_a_second_anchor_of_a_period_is_refused_with_the_first_hash(
    disclosure, publisher, reverts_with, after_november
):
    disclosure.anchor(NOVEMBER_2026, HASH, {"from": publisher})
    with reverts_with("PeriodAlreadyAnchored", NOVEMBER_2026, HASH):
        disclosure.anchor(NOVEMBER_2026, OTHER, {"from": publisher})
    assert disclosure.anchorOf(NOVEMBER_2026) == HASH


def test_the_same_hash_again_is_refused_too(disclosure, publisher, reverts_with, after_november):
    disclosure.anchor(NOVEMBER_2026, HASH, {"from": publisher})
    with reverts_with("PeriodAlreadyAnchored", NOVEMBER_2026, HASH):
        disclosure.anchor(NOVEMBER_2026, HASH, {"from": publisher})


def test_periods_are_anchored_independently(disclosure, publisher, after_november):
    disclosure.anchor(NOVEMBER_2026, HASH, {"from": publisher})
    disclosure.anchor(202610, OTHER, {"from": publisher})
    assert (disclosure.anchorOf(NOVEMBER_2026), disclosure.anchorOf(202610)) == (HASH, OTHER)
    assert disclosure.anchorOf(202609) == "0x" + "00" * 32


def test_a_zero_hash_is_refused(disclosure, publisher, reverts_with, after_november):
    with reverts_with("EmptyContentHash", NOVEMBER_2026):
        disclosure.anchor(NOVEMBER_2026, "0x" + "00" * 32, {"from": publisher})


def test_a_month_that_has_not_ended_is_refused_with_its_end(disclosure, publisher, reverts_with):
    # the month after the chain's clock: its end lies ahead whatever the clock says
    now = latest_timestamp()
    year, month = _month_of(now)
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    period = year * 100 + month
    with reverts_with("PeriodNotEnded", period, disclosure.periodEnd(period)):
        disclosure.anchor(period, HASH, {"from": publisher})


def test_a_month_may_be_anchored_from_the_first_second_after_it_not_before(
    disclosure, publisher, reverts_with
):
    period = 203001
    end = disclosure.periodEnd(period)
    # mined (a gas limit given, nothing estimated) in a block of January's last second
    _next_block_at(end - 1)
    with reverts_with("PeriodNotEnded", period, end):
        disclosure.anchor(period, HASH, {"from": publisher, "gas_limit": 200_000})
    _next_block_at(end)
    tx = disclosure.anchor(period, HASH, {"from": publisher, "gas_limit": 200_000})
    assert web3.eth.get_block(tx.block_number).timestamp == end
    assert disclosure.anchorOf(period) == HASH


def test_an_invalid_period_is_refused(disclosure, publisher, reverts_with, after_november):
    for period in (0, 202600, 202613, 196912, 1_000_001):
        with reverts_with("InvalidPeriod", period):
            disclosure.anchor(period, HASH, {"from": publisher})


def _month_of(timestamp):
    at = datetime.fromtimestamp(timestamp, UTC)
    return at.year, at.month


def _next_block_at(timestamp):
    web3.provider.make_request("evm_setNextBlockTimestamp", [timestamp])
