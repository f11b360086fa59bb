"""CreditRecordsUpdated: 64 packed bytes per report, unpacked into per-borrower records."""

from backend.chain.indexer.decoders import DecodedEvent
from backend.oracle_feed.projections import record_updates, unpack_records

BORROWER = "0x90F79bf6EB2c4f870365E785982E1f101E93b906"


def _pack(borrower: str, score: int, grade: int, pd: int, model: int, as_of: int, reasons: bytes) -> bytes:
    return (
        bytes.fromhex(borrower[2:])
        + score.to_bytes(2, "big")
        + bytes([grade])
        + pd.to_bytes(2, "big")
        + model.to_bytes(2, "big")
        + as_of.to_bytes(5, "big")
        + reasons
    )


def test_unpack_records():
    blob = _pack(BORROWER, 712, 2, 350, 3, 1_800_000_000, b"\xab" * 32) + _pack(
        BORROWER, 1, 7, 10_000, 65535, 2**40 - 1, b"\x00" * 32
    )
    first, second = unpack_records("0x" + blob.hex(), 9)
    assert first == {
        "borrower": BORROWER,
        "round": 9,
        "score": 712,
        "grade": 2,
        "pdBps": 350,
        "modelVersion": 3,
        "asOf": 1_800_000_000,
        "reasonsHash": "0x" + "ab" * 32,
    }
    assert (second["grade"], second["pdBps"], second["modelVersion"], second["asOf"]) == (
        7,
        10_000,
        65535,
        2**40 - 1,
    )


def test_record_updates_from_either_event_form():
    blob = _pack(BORROWER, 700, 3, 500, 1, 1_700_000_000, b"\x01" * 32)
    packed = DecodedEvent(
        "CreditOracle",
        "CreditRecordsUpdated",
        BORROWER,
        {"round": 4, "records": "0x" + blob.hex()},
        1,
        "0x" + "00" * 32,
        0,
        "0x" + "00" * 32,
    )
    single = DecodedEvent(
        "CreditOracle",
        "CreditRecordUpdated",
        BORROWER,
        record_updates(packed)[0],
        1,
        "0x" + "00" * 32,
        1,
        "0x" + "00" * 32,
    )
    assert record_updates(single) == record_updates(packed)
    assert record_updates(DecodedEvent("MockStablecoin", "Transfer", BORROWER, {}, 1, "0x", 0, "0x")) == []
