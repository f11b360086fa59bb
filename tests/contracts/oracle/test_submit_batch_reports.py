"""CreditOracle.submitBatch: per-report checks revert the whole batch with exact errors."""

import pytest
from brownie.exceptions import VirtualMachineError
from brownie import chain
from helpers.builders import report
from helpers.chain_time import pin_next_block_time
from helpers.eip712 import report_tuple, sign_batch
from helpers.oracle import submit

ZERO = "0x" + "00" * 20


def test_zero_borrower_reverts(oracle, oracle_keys, reverts_with, accounts):
    with reverts_with("InvalidBorrower"):
        submit(oracle, oracle_keys[:2], accounts[4], 1, [report(ZERO)])


def test_grade_zero_reverts(oracle, oracle_keys, reverts_with, accounts):
    with reverts_with("InvalidGrade", accounts[5], 0):
        submit(oracle, oracle_keys[:2], accounts[4], 1, [report(accounts[5], grade=0)])


def test_grade_eight_reverts(oracle, oracle_keys, reverts_with, accounts):
    with reverts_with("InvalidGrade", accounts[5], 8):
        submit(oracle, oracle_keys[:2], accounts[4], 1, [report(accounts[5], grade=8)])


def test_grades_a_to_g_accepted(oracle, oracle_keys, accounts):
    reports = [report(accounts[10 + g], grade=g) for g in range(1, 8)]
    submit(oracle, oracle_keys[:2], accounts[4], 1, reports)
    assert [oracle.recordOf(r["borrower"]).dict()["grade"] for r in reports] == list(range(1, 8))


def test_pd_above_10000_reverts(oracle, oracle_keys, reverts_with, accounts):
    with reverts_with("InvalidPd", accounts[5], 10001):
        submit(oracle, oracle_keys[:2], accounts[4], 1, [report(accounts[5], pdBps=10001)])


def test_pd_10000_accepted(oracle, oracle_keys, accounts):
    submit(oracle, oracle_keys[:2], accounts[4], 1, [report(accounts[5], pdBps=10000)])
    assert oracle.recordOf(accounts[5]).dict()["pdBps"] == 10000


def test_as_of_in_future_reverts(oracle, oracle_keys, reverts_with, accounts):
    reports = [report(accounts[5])]
    now = pin_next_block_time(5)
    reports[0]["asOf"] = now + 1
    with reverts_with("AsOfInFuture", accounts[5], now + 1, now):
        submit(oracle, oracle_keys[:2], accounts[4], 1, reports, deadline=now + 100)


def test_as_of_zero_reverts_as_not_increasing(oracle, oracle_keys, reverts_with, accounts):
    with reverts_with("AsOfNotIncreasing", accounts[5], 0, 0):
        submit(oracle, oracle_keys[:2], accounts[4], 1, [report(accounts[5], as_of=0)])


def test_as_of_going_backwards_reverts(oracle, oracle_keys, reverts_with, accounts):
    now = chain.time()
    submit(oracle, oracle_keys[:2], accounts[4], 1, [report(accounts[5], as_of=now - 50)])
    with reverts_with("AsOfNotIncreasing", accounts[5], now - 60, now - 50):
        submit(oracle, oracle_keys[:2], accounts[4], 2, [report(accounts[5], as_of=now - 60)])


def test_as_of_repeated_reverts(oracle, oracle_keys, reverts_with, accounts):
    now = chain.time()
    submit(oracle, oracle_keys[:2], accounts[4], 1, [report(accounts[5], as_of=now - 50)])
    with reverts_with("AsOfNotIncreasing", accounts[5], now - 50, now - 50):
        submit(oracle, oracle_keys[:2], accounts[4], 2, [report(accounts[5], as_of=now - 50, score=1)])


def test_same_borrower_twice_with_same_as_of_reverts(oracle, oracle_keys, reverts_with, accounts):
    now = chain.time()
    reports = [report(accounts[5], as_of=now - 50), report(accounts[5], as_of=now - 50, score=1)]
    with reverts_with("AsOfNotIncreasing", accounts[5], now - 50, now - 50):
        submit(oracle, oracle_keys[:2], accounts[4], 1, reports)


def test_invalid_report_reverts_whole_batch(oracle, oracle_keys, reverts_with, accounts):
    reports = [report(accounts[5]), report(accounts[6]), report(accounts[7], grade=9)]
    with reverts_with("InvalidGrade", accounts[7], 9):
        submit(oracle, oracle_keys[:2], accounts[4], 1, reports)
    assert oracle.recordOf(accounts[5]).dict()["asOf"] == 0
    assert oracle.lastRound() == 0


def test_first_failing_report_decides_error(oracle, oracle_keys, reverts_with, accounts):
    reports = [report(accounts[5], pdBps=20000), report(accounts[6], grade=0)]
    with reverts_with("InvalidPd", accounts[5], 20000):
        submit(oracle, oracle_keys[:2], accounts[4], 1, reports)


def _assert_rejected_as_non_canonical(call):
    """The report check rejects the encoding itself (a revert without data, as the ABI decoder
    gives) before the signatures, which were made over the canonical values, are looked at."""
    with pytest.raises(VirtualMachineError) as info:
        call()
    assert info.value.revert_msg is None


def _raw_submit(oracle, sender, round_, deadline, reports, signatures, patch):
    """Sends submitBatch calldata with one 32-byte word replaced (a non-canonical encoding)."""
    data = bytearray(bytes.fromhex(oracle.submitBatch.encode_input(
        round_, deadline, [report_tuple(r) for r in reports], signatures)[2:]))
    offset, value = patch
    data[offset:offset + 32] = value.to_bytes(32, "big")
    return sender.transfer(oracle, 0, data="0x" + data.hex())


def _report_word_offset(field_index):
    # selector + (round, deadline, reports offset, signatures offset) + reports length
    return 4 + 5 * 32 + field_index * 32


def test_dirty_score_encoding_reverts(oracle, oracle_keys, accounts):
    reports = [report(accounts[5], score=700)]
    deadline = chain.time() + 3600
    dirty = (1 << 16) | 700
    signatures = sign_batch(oracle_keys[:2], oracle, 1, deadline, reports)
    _assert_rejected_as_non_canonical(
        lambda: _raw_submit(oracle, accounts[4], 1, deadline, reports, signatures, (_report_word_offset(1), dirty))
    )
    assert oracle.lastRound() == 0


def test_dirty_model_version_encoding_reverts(oracle, oracle_keys, accounts):
    reports = [report(accounts[5], modelVersion=3)]
    deadline = chain.time() + 3600
    signatures = sign_batch(oracle_keys[:2], oracle, 1, deadline, reports)
    _assert_rejected_as_non_canonical(
        lambda: _raw_submit(
            oracle, accounts[4], 1, deadline, reports, signatures, (_report_word_offset(4), (1 << 200) | 3)
        )
    )
    assert oracle.lastRound() == 0


def test_dirty_borrower_encoding_reverts(oracle, oracle_keys, accounts):
    reports = [report(accounts[5])]
    deadline = chain.time() + 3600
    signatures = sign_batch(oracle_keys[:2], oracle, 1, deadline, reports)
    dirty = (1 << 200) | int(str(accounts[5]), 16)
    _assert_rejected_as_non_canonical(
        lambda: _raw_submit(oracle, accounts[4], 1, deadline, reports, signatures, (_report_word_offset(0), dirty))
    )
    assert oracle.lastRound() == 0
