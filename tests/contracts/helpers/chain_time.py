"""Control of block time, for reverts that carry `block.timestamp` as an argument."""

from brownie import web3


def latest_timestamp():
    return web3.eth.get_block("latest").timestamp


def pin_next_block_time(seconds_after_latest=1):
    """Fixes the timestamp of the next mined block (anvil `evm_setNextBlockTimestamp`) and returns it."""
    ts = latest_timestamp() + seconds_after_latest
    web3.provider.make_request("evm_setNextBlockTimestamp", [ts])
    return ts


def mine_at(timestamp):
    """Mines one empty block at exactly `timestamp`."""
    web3.provider.make_request("evm_setNextBlockTimestamp", [timestamp])
    web3.provider.make_request("evm_mine", [])
