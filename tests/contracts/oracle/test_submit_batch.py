"""CreditOracle.submitBatch: accepted batches store records and emit the batch events."""

from brownie import chain
from helpers.builders import report
from helpers.eip712 import decode_records_payload
from helpers.oracle import record_dict, submit


def test_batch_stores_records(oracle, oracle_keys, accounts):
    reports = [report(accounts[5]), report(accounts[6], score=512, grade=5, pdBps=1200, modelVersion=4)]
    submit(oracle, oracle_keys[:2], accounts[4], 1, reports)
    for r in reports:
        assert oracle.recordOf(r["borrower"]).dict() == record_dict(r)


def test_batch_advances_last_round(oracle, oracle_keys, accounts):
    submit(oracle, oracle_keys[:2], accounts[4], 7, [report(accounts[5])])
    assert oracle.lastRound() == 7


def test_batch_emits_records_updated_with_packed_payload(oracle, oracle_keys, accounts):
    reports = [
        report(accounts[5]),
        report(accounts[6], score=65535, grade=7, pdBps=10000, modelVersion=65535),
    ]
    tx = submit(oracle, oracle_keys[:2], accounts[4], 3, reports)
    event = tx.events["CreditRecordsUpdated"]
    assert event["round"] == 3
    decoded = decode_records_payload(event["records"])
    assert [dict(d, borrower=d["borrower"].lower()) for d in decoded] == [
        dict(r, borrower=r["borrower"].lower()) for r in reports
    ]


def test_records_updated_topic_is_event_signature(oracle, oracle_keys, accounts):
    from eth_utils import keccak

    tx = submit(oracle, oracle_keys[:2], accounts[4], 1, [report(accounts[5])])
    log = [entry for entry in tx.logs if entry["address"] == oracle.address][0]
    assert bytes(log["topics"][0]) == keccak(text="CreditRecordsUpdated(uint64,bytes)")


def test_batch_emits_batch_submitted(oracle, oracle_keys, accounts):
    tx = submit(oracle, oracle_keys[:2], accounts[4], 2, [report(accounts[5]), report(accounts[6])])
    assert tx.events["BatchSubmitted"] == {"round": 2, "reports": 2, "submitter": accounts[4]}


def test_refresh_replaces_record(oracle, oracle_keys, accounts):
    now = chain.time()
    submit(oracle, oracle_keys[:2], accounts[4], 1, [report(accounts[5], as_of=now - 100)])
    newer = report(accounts[5], as_of=now - 50, score=640, grade=3, pdBps=400)
    submit(oracle, oracle_keys[:2], accounts[4], 2, [newer])
    assert oracle.recordOf(accounts[5]).dict() == record_dict(newer)


def test_same_borrower_twice_in_batch_with_increasing_as_of(oracle, oracle_keys, accounts):
    now = chain.time()
    older = report(accounts[5], as_of=now - 100, score=600)
    newer = report(accounts[5], as_of=now - 50, score=610)
    submit(oracle, oracle_keys[:2], accounts[4], 1, [older, newer])
    assert oracle.recordOf(accounts[5]).dict() == record_dict(newer)


def test_rounds_may_skip_numbers(oracle, oracle_keys, accounts):
    submit(oracle, oracle_keys[:2], accounts[4], 1, [report(accounts[5], as_of=chain.time() - 100)])
    submit(oracle, oracle_keys[:2], accounts[4], 1000, [report(accounts[5])])
    assert oracle.lastRound() == 1000


def test_anyone_may_submit(oracle, oracle_keys, stranger, accounts):
    submit(oracle, oracle_keys[:2], stranger, 1, [report(accounts[5])])
    assert oracle.recordOf(accounts[5]).dict()["grade"] == 2


def test_all_signers_may_sign(oracle, oracle_keys, accounts):
    submit(oracle, oracle_keys, accounts[4], 1, [report(accounts[5])])
    assert oracle.lastRound() == 1


def test_any_two_of_three_signers_suffice(oracle, oracle_keys, accounts):
    base = chain.time() - 100
    for round_, pair in enumerate(
        [oracle_keys[0:2], oracle_keys[1:3], [oracle_keys[0], oracle_keys[2]]], start=1
    ):
        submit(oracle, pair, accounts[4], round_, [report(accounts[5], as_of=base + round_)])
    assert oracle.lastRound() == 3


def test_deadline_is_inclusive(oracle, oracle_keys, accounts):
    from helpers.chain_time import pin_next_block_time

    now = pin_next_block_time()
    submit(oracle, oracle_keys[:2], accounts[4], 1, [report(accounts[5], as_of=now - 10)], deadline=now)
    assert oracle.lastRound() == 1


def test_as_of_equal_to_block_time_is_accepted(oracle, oracle_keys, accounts):
    from helpers.chain_time import pin_next_block_time

    reports = [report(accounts[5], as_of=0)]
    now = pin_next_block_time(5)
    reports[0]["asOf"] = now
    submit(oracle, oracle_keys[:2], accounts[4], 1, reports, deadline=now + 100)
    assert oracle.recordOf(accounts[5]).dict()["asOf"] == now


def test_unknown_borrower_has_empty_record(oracle, accounts):
    assert oracle.recordOf(accounts[5]).dict() == {
        "score": 0,
        "grade": 0,
        "pdBps": 0,
        "modelVersion": 0,
        "asOf": 0,
    }
    assert not oracle.isFresh(accounts[5])


def test_domain_separator_matches_eip712_domain(oracle):
    from eth_abi import encode
    from eth_utils import keccak

    domain_type = keccak(
        text="EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    )
    expected = keccak(
        encode(
            ["bytes32", "bytes32", "bytes32", "uint256", "address"],
            [domain_type, keccak(text="PeerLend CreditOracle"), keccak(text="1"), chain.id, oracle.address],
        )
    )
    assert oracle.DOMAIN_SEPARATOR() == "0x" + expected.hex()
