"""CreditOracle events -> chain_credit_records, chain_oracle_rounds."""

from __future__ import annotations

from sqlalchemy.orm import Session

from backend.chain.indexer.decoders import DecodedEvent
from backend.chain.indexer.read_models import CreditRecordView, OracleRoundView


def record_updated(session: Session, e: DecodedEvent) -> None:
    a = e.args
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


HANDLERS = {
    ("CreditOracle", "CreditRecordUpdated"): record_updated,
    ("CreditOracle", "BatchSubmitted"): batch_submitted,
}
