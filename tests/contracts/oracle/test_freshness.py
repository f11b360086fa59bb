"""CreditOracle.isFresh: a record counts for new loans while younger than maxAge."""

from brownie import chain
from helpers.builders import report
from helpers.chain_time import mine_at, pin_next_block_time
from helpers.oracle import submit

DAY = 24 * 3600


def _scored_at(oracle, keys, sender, borrower):
    now = pin_next_block_time()
    submit(oracle, keys, sender, 1, [report(borrower, as_of=now - 100)], deadline=now + 100)
    return now - 100


def test_no_record_is_not_fresh(oracle, accounts):
    assert not oracle.isFresh(accounts[5])


def test_new_record_is_fresh(oracle, oracle_keys, accounts):
    _scored_at(oracle, oracle_keys[:2], accounts[4], accounts[5])
    assert oracle.isFresh(accounts[5])


def test_record_stale_at_max_age(oracle, oracle_keys, accounts):
    as_of = _scored_at(oracle, oracle_keys[:2], accounts[4], accounts[5])
    mine_at(as_of + 30 * DAY - 1)
    assert oracle.isFresh(accounts[5])
    mine_at(as_of + 30 * DAY)
    assert not oracle.isFresh(accounts[5])


def test_refresh_makes_record_fresh_again(oracle, oracle_keys, accounts):
    _scored_at(oracle, oracle_keys[:2], accounts[4], accounts[5])
    chain.sleep(31 * DAY)
    chain.mine()
    assert not oracle.isFresh(accounts[5])
    submit(oracle, oracle_keys[:2], accounts[4], 2, [report(accounts[5])])
    assert oracle.isFresh(accounts[5])


def test_shorter_max_age_applies_to_existing_records(oracle, oracle_keys, governor, accounts):
    as_of = _scored_at(oracle, oracle_keys[:2], accounts[4], accounts[5])
    mine_at(as_of + 2 * DAY)
    assert oracle.isFresh(accounts[5])
    oracle.setMaxAge(DAY, {"from": governor})
    assert not oracle.isFresh(accounts[5])
    oracle.setMaxAge(3 * DAY, {"from": governor})
    assert oracle.isFresh(accounts[5])
