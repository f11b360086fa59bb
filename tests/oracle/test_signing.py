"""EIP-712 batch encoding checked against an independent keccak/abi encoding of the interface spec."""

import pytest
from eth_abi import encode
from eth_account import Account
from eth_utils import keccak, to_bytes

from oracle.signing import ScoreBatch, batch_digest, order_signatures, recover_signer, sign_batch

CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
REPORT_TYPE = (
    "CreditReport(address borrower,uint16 score,uint8 grade,uint16 pdBps,uint16 modelVersion,"
    "uint40 asOf,bytes32 reasonsHash)"
)
BATCH_TYPE = "ScoreBatch(uint64 round,uint64 deadline,CreditReport[] reports)" + REPORT_TYPE


def _report(i: int) -> dict:
    return {
        "borrower": "0x" + f"{i + 1:040x}",
        "score": 600 + i,
        "grade": 1 + i % 7,
        "pdBps": 100 * (i + 1),
        "modelVersion": 3,
        "asOf": 1_700_000_000 + i,
        "reasonsHash": "0x" + keccak(text=f"reasons-{i}").hex(),
    }


def _manual_digest(batch: ScoreBatch, chain_id: int, contract: str) -> bytes:
    domain_type = keccak(
        text="EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    )
    domain = keccak(
        encode(
            ["bytes32", "bytes32", "bytes32", "uint256", "address"],
            [domain_type, keccak(text="PeerLend CreditOracle"), keccak(text="1"), chain_id, contract],
        )
    )
    report_hashes = b"".join(
        keccak(
            encode(
                ["bytes32", "address", "uint16", "uint8", "uint16", "uint16", "uint40", "bytes32"],
                [
                    keccak(text=REPORT_TYPE),
                    r.borrower,
                    r.score,
                    r.grade,
                    r.pdBps,
                    r.modelVersion,
                    r.asOf,
                    to_bytes(hexstr=r.reasonsHash),
                ],
            )
        )
        for r in batch.reports
    )
    struct = keccak(
        encode(
            ["bytes32", "uint64", "uint64", "bytes32"],
            [keccak(text=BATCH_TYPE), batch.round, batch.deadline, keccak(report_hashes)],
        )
    )
    return keccak(b"\x19\x01" + domain + struct)


def test_digest_matches_independent_encoding():
    for n in (0, 1, 5):
        batch = ScoreBatch.build(7, 1_800_000_000, [_report(i) for i in range(n)])
        assert batch_digest(batch, 31337, CONTRACT) == _manual_digest(batch, 31337, CONTRACT)


def test_digest_binds_chain_and_contract():
    batch = ScoreBatch.build(1, 2, [_report(0)])
    base = batch_digest(batch, 31337, CONTRACT)
    assert batch_digest(batch, 1, CONTRACT) != base
    assert batch_digest(batch, 31337, "0x" + "00" * 19 + "01") != base
    assert batch_digest(ScoreBatch.build(2, 2, [_report(0)]), 31337, CONTRACT) != base


def test_signature_recovers_signer():
    acct = Account.create()
    batch = ScoreBatch.build(3, 99, [_report(0), _report(1)])
    sig = sign_batch(batch, 31337, CONTRACT, acct.key)
    assert len(sig) == 65 and sig[64] in (27, 28)
    assert recover_signer(batch, 31337, CONTRACT, sig) == acct.address


def test_signatures_ordered_by_ascending_signer():
    signed = [
        ("0x" + "ff" * 20, b"c"),
        ("0x" + "01" * 20, b"a"),
        ("0x" + "0A" * 20, b"b"),
        ("0x" + "01" * 20, b"x"),
    ]
    assert order_signatures(signed) == [b"a", b"b", b"c"]


def test_batch_round_trips_through_json_dict():
    batch = ScoreBatch.build(3, 99, [_report(0)])
    assert ScoreBatch.from_dict(batch.to_dict()) == batch


def test_packed_records_are_the_event_layout():
    batch = ScoreBatch.build(3, 99, [_report(0), _report(1)])
    records = batch.packed_records()
    assert len(records) == 128
    r = batch.reports[1]
    chunk = records[64:]
    assert chunk[:20] == to_bytes(hexstr=r.borrower)
    assert int.from_bytes(chunk[20:22], "big") == r.score
    assert chunk[22] == r.grade
    assert int.from_bytes(chunk[23:25], "big") == r.pdBps
    assert int.from_bytes(chunk[25:27], "big") == r.modelVersion
    assert int.from_bytes(chunk[27:32], "big") == r.asOf
    assert chunk[32:] == to_bytes(hexstr=r.reasonsHash)


@pytest.mark.parametrize(
    ("field", "value"),
    [("score", 1 << 16), ("grade", 256), ("pdBps", -1), ("modelVersion", 70_000), ("asOf", 1 << 40)],
)
def test_report_field_wider_than_its_solidity_type_is_refused(field, value):
    with pytest.raises(ValueError, match=field):
        ScoreBatch.build(1, 99, [{**_report(0), field: value}])
