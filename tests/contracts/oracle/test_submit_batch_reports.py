"""CreditOracle.submitBatch: per-report checks revert the whole batch with exact errors."""

import pytest
from brownie import chain
from helpers.builders import report
from helpers.chain_time import pin_next_block_time
from helpers.eip712 import batch_digest, pack_reports, recover, sign_batch
from helpers.oracle import submit

ZERO = "0x" + "00" * 20


def test_zero_borrower_reverts(oracle, oracle_keys, reverts_with, accounts):
    with reverts_with("InvalidBorrower", ZERO):
        submit(oracle, oracle_keys[:2], accounts[4], 1, [report(ZERO)])


def test_grade_zero_reverts(oracle, oracle_keys, reverts_with, accounts):
    with reverts_with("InvalidReportGrade", accounts[5], 0):
        submit(oracle, oracle_keys[:2], accounts[4], 1, [report(accounts[5], grade=0)])


def test_grade_eight_reverts(oracle, oracle_keys, reverts_with, accounts):
    with reverts_with("InvalidReportGrade", accounts[5], 8):
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
    with reverts_with("InvalidReportGrade", accounts[7], 9):
        submit(oracle, oracle_keys[:2], accounts[4], 1, reports)
    assert oracle.recordOf(accounts[5]).dict()["asOf"] == 0
    assert oracle.lastRound() == 0


def test_first_failing_report_decides_error(oracle, oracle_keys, reverts_with, accounts):
    reports = [report(accounts[5], pdBps=20000), report(accounts[6], grade=0)]
    with reverts_with("InvalidPd", accounts[5], 20000):
        submit(oracle, oracle_keys[:2], accounts[4], 1, reports)


def _submit_records(oracle, keys, sender, signed_reports, records):
    """Submits `records` as they are, with signatures made over `signed_reports`."""
    deadline = chain.time() + 3600
    signatures = sign_batch(keys, oracle, 1, deadline, signed_reports)
    return oracle.submitBatch(1, deadline, records, signatures, {"from": sender})


@pytest.mark.parametrize("extra", [1, 32, 63])
def test_records_not_a_whole_number_of_reports_revert(oracle, oracle_keys, reverts_with, accounts, extra):
    reports = [report(accounts[5]), report(accounts[6])]
    records = pack_reports(reports)[: 64 + extra]
    with reverts_with("MalformedRecords", 64 + extra):
        _submit_records(oracle, oracle_keys[:2], accounts[4], reports, records)
    assert oracle.lastRound() == 0


def test_empty_records_revert(oracle, oracle_keys, reverts_with, accounts):
    with reverts_with("EmptyBatch"):
        _submit_records(oracle, oracle_keys[:2], accounts[4], [], b"")


def test_record_changed_after_signing_is_refused(oracle, oracle_keys, reverts_with, accounts):
    # the packed bytes are what the struct hashes are computed from: one byte of score changed
    # makes every signature recover to an address outside the signer set
    signed = [report(accounts[5], score=700)]
    tampered = [report(accounts[5], score=701)]
    deadline = chain.time() + 3600
    signatures = sign_batch(oracle_keys[:2], oracle, 1, deadline, signed)
    recovered = recover(batch_digest(oracle, 1, deadline, tampered), signatures[0])  # checked first
    with reverts_with("SignerNotAuthorized", recovered):
        oracle.submitBatch(1, deadline, pack_reports(tampered), signatures, {"from": accounts[4]})
    assert oracle.recordOf(accounts[5])["grade"] == 0
