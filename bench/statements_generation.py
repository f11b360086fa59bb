"""Statement generation time for a wallet with N notes: a month's statement as JSON, CSV and PDF, and the
year's summary with its XIRR, read from a chain index built by the real projections.

    .venv/bin/python bench/statements_generation.py [--notes 10,100,500] [--repeat 3]

For each N a fresh SQLite file (WAL) holds N loans the wallet funds half of (another lender the rest),
each drawn in January and repaid in twelve monthly installments, the wallet claiming after each; every
event stored and projected as the indexer does. Times are the median of `--repeat` runs of the service
functions (database reads, ledger replay, rendering), without HTTP. Prints one JSON document.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from eth_utils import keccak, to_checksum_address  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from backend.chain.indexer.decoders import DecodedEvent  # noqa: E402
from backend.chain.indexer.models import ChainBlock, ChainEvent  # noqa: E402
from backend.db.base import Base  # noqa: E402
from backend.db.models_registry import import_all_models  # noqa: E402
from backend.db.session import create_db_engine, make_sessionmaker  # noqa: E402
from backend.loans.note_ids import note_id  # noqa: E402
from backend.projections import PROJECTIONS  # noqa: E402
from backend.statements import pdf, render, service  # noqa: E402
from backend.statements.config import StatementSettings  # noqa: E402

USD = 10**6
DAY = 86_400
RAY = 10**27


def address(label: str) -> str:
    return to_checksum_address(keccak(text=label)[-20:])


WALLET, OTHER, MARKET = address("bench:lender"), address("bench:other"), address("bench:market")


def month_start(month: int) -> int:
    return int(datetime(2027, month, 1, tzinfo=UTC).timestamp())


def events(loans: int) -> list[DecodedEvent]:
    out: list[DecodedEvent] = []
    block = 1_000

    def emit(t: int, event: str, contract: str = "LoanMarket", **args: object) -> None:
        nonlocal block
        block += 1
        out.append(
            DecodedEvent(
                contract=contract,
                event=event,
                address=MARKET,
                args=dict(args),
                block_number=block,
                block_hash=f"0x{block:064x}",
                log_index=0,
                tx_hash=f"0x{block:064x}",
                timestamp=t,
            )
        )

    acc = {}
    for loan in range(1, loans + 1):
        t = month_start(1) + loan * 60
        borrower = address(f"bench:borrower:{loan}")
        principal = 3_000 * USD + loan
        emit(
            t,
            "LoanListed",
            loanId=loan,
            borrower=borrower,
            grade=2,
            principal=principal,
            minFill=0,
            aprBps=1_200,
            numPeriods=12,
            periodLength=30 * DAY,
            listingDeadline=t + 7 * DAY,
        )
        emit(t + 1, "LoanFunded", loanId=loan, noteId=note_id(loan, 0), lender=WALLET, amount=principal // 2)
        emit(
            t + 2,
            "LoanFunded",
            loanId=loan,
            noteId=note_id(loan, 1),
            lender=OTHER,
            amount=principal - principal // 2,
        )
        emit(
            t + 3,
            "LoanDrawn",
            loanId=loan,
            borrower=borrower,
            principal=principal,
            originationFee=0,
            installment=principal // 12,
            firstDueDate=t + 30 * DAY,
            servicingFeeBps=100,
            reserveShareBps=1_000,
            lateFeeBpsPerDay=10,
        )
        acc[loan] = (principal, 0)
    for month in range(2, 13):
        for loan in range(1, loans + 1):
            principal, paid_acc = acc[loan]
            t = month_start(month) + loan * 60
            interest, part = principal // 100, principal // 12
            servicing, reserve = -(-interest // 100), -(-interest // 10)
            emit(
                t,
                "LoanRepaid",
                loanId=loan,
                payer=address(f"bench:borrower:{loan}"),
                lateFee=0,
                interest=interest,
                principal=part,
                reserveShare=reserve,
                servicingFee=servicing,
            )
            before = paid_acc
            paid_acc += (interest + part - servicing - reserve) * RAY // principal
            share = principal // 2
            emit(
                t + 1,
                "Claimed",
                noteId=note_id(loan, 0),
                holder=WALLET,
                amount=share * paid_acc // RAY - share * before // RAY,
            )
            acc[loan] = (principal, paid_acc)
    return out


def build(path: Path, loans: int) -> tuple[object, float]:
    engine = create_db_engine(f"sqlite:///{path}")
    import_all_models()
    Base.metadata.create_all(engine)
    factory = make_sessionmaker(engine)
    started = time.perf_counter()
    stream = events(loans)
    with factory() as session:
        for e in stream:
            session.execute(
                insert(ChainBlock).values(number=e.block_number, hash=e.block_hash, timestamp=e.timestamp)
            )
            session.execute(
                insert(ChainEvent).values(
                    block_number=e.block_number,
                    block_hash=e.block_hash,
                    block_timestamp=e.timestamp,
                    tx_hash=e.tx_hash,
                    log_index=e.log_index,
                    address=e.address,
                    contract=e.contract,
                    event=e.event,
                    args=json.dumps(e.args),
                )
            )
            PROJECTIONS.apply(session, e)
        session.execute(
            insert(ChainBlock).values(
                number=10**7,
                hash="0x" + "ff" * 32,
                timestamp=int(datetime(2028, 1, 2, tzinfo=UTC).timestamp()),
            )
        )
        session.commit()
    return factory, time.perf_counter() - started


def timed(fn, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return round(statistics.median(runs) * 1000, 1)


def measure(loans: int, repeat: int) -> dict:
    settings = StatementSettings()
    with tempfile.TemporaryDirectory() as tmp:
        factory, build_seconds = build(Path(tmp) / "bench.db", loans)
        with factory() as session:  # type: ignore[operator]
            statement = service.monthly_statement(session, settings, WALLET, 2027, 6)
            assert len(statement.notes) == loans and len(statement.entries) == 2 * loans
            return {
                "notes": loans,
                "index_build_seconds": round(build_seconds, 1),
                "monthly_json_ms": timed(
                    lambda: service.monthly_statement(session, settings, WALLET, 2027, 6), repeat
                ),
                "monthly_csv_ms": timed(
                    lambda: render.statement_csv(
                        service.monthly_statement(session, settings, WALLET, 2027, 6)
                    ),
                    repeat,
                ),
                "monthly_pdf_ms": timed(
                    lambda: pdf.monthly_pdf(service.monthly_statement(session, settings, WALLET, 2027, 6)),
                    repeat,
                ),
                "annual_with_xirr_ms": timed(
                    lambda: service.annual_summary(session, settings, WALLET, 2027), repeat
                ),
                "annual_cash_flows": len(service.annual_summary(session, settings, WALLET, 2027).cash_flows),
            }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", default="10,100,500")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    sizes = [int(n) for n in args.notes.split(",") if n.strip()]
    print(json.dumps({"by_notes": [measure(n, args.repeat) for n in sizes]}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
