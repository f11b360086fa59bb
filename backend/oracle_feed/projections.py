"""CreditOracle events -> chain_credit_records, chain_oracle_rounds.

`submitBatch` emits one `CreditRecordsUpdated(round, records)` per batch, `records` packing 64 bytes per
report (borrower 20, score 2, grade 1, pdBps 2, modelVersion 2, asOf 5, reasonsHash 32, big-endian);
the per-borrower `CreditRecordUpdated` is handled too, for contracts that emit it.
"""

from __future__ import annotations

from eth_utils import to_checksum_address
from sqlalchemy.orm import Session

from backend.chain.indexer.decoders import DecodedEvent
from backend.chain.indexer.registry import Handler, HandlerKey
from backend.oracle_feed.models import CreditRecordView, OracleRoundView

RECORD_BYTES = 64


def unpack_records(records: str, round_: int) -> list[dict]:
    """The packed `records` of CreditRecordsUpdated as CreditRecordUpdated-shaped argument dicts."""
    blob = bytes.fromhex(records[2:] if records.startswith("0x") else records)
    if len(blob) % RECORD_BYTES:
        raise ValueError(f"records length {len(blob)} is not a multiple of {RECORD_BYTES}")
    out = []
    for i in range(0, len(blob), RECORD_BYTES):
        r = blob[i : i + RECORD_BYTES]
        out.append(
            {
                "borrower": to_checksum_address(r[0:20]),
                "round": round_,
                "score": int.from_bytes(r[20:22], "big"),
                "grade": r[22],
                "pdBps": int.from_bytes(r[23:25], "big"),
                "modelVersion": int.from_bytes(r[25:27], "big"),
                "asOf": int.from_bytes(r[27:32], "big"),
                "reasonsHash": "0x" + r[32:64].hex(),
            }
        )
    return out


def record_updates(e: DecodedEvent) -> list[dict]:
    """Per-borrower record updates carried by a CreditOracle event (empty for other events)."""
    if e.contract != "CreditOracle":
        return []
    if e.event == "CreditRecordUpdated":
        return [e.args]
    if e.event == "CreditRecordsUpdated":
        return unpack_records(e.args["records"], e.args["round"])
    return []


def records_updated(session: Session, e: DecodedEvent) -> None:
    for a in record_updates(e):
        _store_record(session, e, a)


def record_updated(session: Session, e: DecodedEvent) -> None:
    _store_record(session, e, e.args)


def _store_record(session: Session, e: DecodedEvent, a: dict) -> None:
    row = session.get(CreditRecordView, a["borrower"])
    if row is None:
        row = CreditRecordView(borrower=a["borrower"])
        session.add(row)
    row.score, row.grade, row.pd_bps, row.model_version = (
        a["score"],
        a["grade"],
        a["pdBps"],
        a["modelVersion"],
    )
    row.as_of, row.reasons_hash, row.round = a["asOf"], a["reasonsHash"], a["round"]
    row.updated_block, row.tx_hash = e.block_number, e.tx_hash


def batch_submitted(session: Session, e: DecodedEvent) -> None:
    a = e.args
    session.merge(
        OracleRoundView(
            round=a["round"],
            reports=a["reports"],
            submitter=a["submitter"],
            tx_hash=e.tx_hash,
            block_number=e.block_number,
            timestamp=e.timestamp,
        )
    )


HANDLERS: dict[HandlerKey, Handler] = {
    ("CreditOracle", "CreditRecordUpdated"): record_updated,
    ("CreditOracle", "CreditRecordsUpdated"): records_updated,
    ("CreditOracle", "BatchSubmitted"): batch_submitted,
}
