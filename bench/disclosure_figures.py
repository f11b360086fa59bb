"""Disclosure computation time over a book of N loans: the platform figures at the index's latest block,
a month's snapshot (its document as canonical JSON and the SHA-256 that is anchored), and the month's
regulator export of daily positions, read from a chain index built by the real projections.

    .venv/bin/python bench/disclosure_figures.py [--loans 100,1000,10000] [--repeat 3]

For each N a fresh SQLite file (WAL) holds N loans of N/10 borrowers over seven grades, drawn one a day
from January 2027 and repaid monthly; every fifth stops paying after its third installment (so the book
has loans in M1, M2 and M3) and every tenth of those is marked defaulted after 95 days. Every event is
stored as the indexer stores it (the figures fold the events themselves, so no projection is run). The
figures are taken at January 2, 2028; the snapshot and the export are June 2027's. Times are the median
of `--repeat` runs of the service functions (the fold over the stored events, the figures, rendering),
without HTTP. Prints one JSON document.
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
from backend.chain.indexer.models import ChainBlock, ChainCheckpoint, ChainEvent  # noqa: E402
from backend.db.base import Base  # noqa: E402
from backend.db.models_registry import import_all_models  # noqa: E402
from backend.db.session import create_db_engine, make_sessionmaker  # noqa: E402
from backend.disclosure.canonical import canonical_bytes, sha256_hex  # noqa: E402
from backend.disclosure.exports import build_export  # noqa: E402
from backend.disclosure.service import month_document, platform_disclosure  # noqa: E402
from backend.loans.annuity import annuity_installment  # noqa: E402
from backend.loans.note_ids import note_id  # noqa: E402

USD = 10**6
DAY = 86_400
PERIOD = 30 * DAY
T0 = int(datetime(2027, 1, 1, tzinfo=UTC).timestamp())
AS_OF = int(datetime(2028, 1, 2, tzinfo=UTC).timestamp())


def address(label: str) -> str:
    return to_checksum_address(keccak(text=label)[-20:])


MARKET = address("bench:market")
LENDERS = [address(f"bench:lender:{i}") for i in range(20)]


def events(loans: int) -> list[DecodedEvent]:
    out: list[DecodedEvent] = []
    block = 1_000

    def emit(t: int, event: str, **args: object) -> None:
        nonlocal block
        block += 1
        out.append(
            DecodedEvent(
                contract="LoanMarket",
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

    stream: list[tuple[int, str, dict]] = []
    for loan in range(1, loans + 1):
        t = T0 + (loan * DAY) % (200 * DAY) + loan
        borrower = address(f"bench:borrower:{loan % max(1, loans // 10)}")
        principal, apr, periods = 2_000 * USD + loan, 800 + 200 * (loan % 7), 12
        installment = annuity_installment(principal, apr, periods, PERIOD)
        first_due = t + PERIOD
        stream.append(
            (
                t,
                "LoanListed",
                {
                    "loanId": loan,
                    "borrower": borrower,
                    "grade": 1 + loan % 7,
                    "principal": principal,
                    "minFill": 0,
                    "aprBps": apr,
                    "numPeriods": periods,
                    "periodLength": PERIOD,
                    "listingDeadline": t + 7 * DAY,
                },
            )
        )
        for i, lender in enumerate((LENDERS[loan % 20], LENDERS[(loan + 7) % 20])):
            amount = principal // 2 if i == 0 else principal - principal // 2
            stream.append(
                (
                    t + 1 + i,
                    "LoanFunded",
                    {"loanId": loan, "noteId": note_id(loan, i), "lender": lender, "amount": amount},
                )
            )
        stream.append(
            (
                t + 3,
                "LoanDrawn",
                {
                    "loanId": loan,
                    "borrower": borrower,
                    "principal": principal,
                    "originationFee": principal // 100,
                    "installment": installment,
                    "firstDueDate": first_due,
                    "servicingFeeBps": 500,
                    "reserveShareBps": 1_000,
                    "lateFeeBpsPerDay": 10,
                },
            )
        )
        late = loan % 5 == 0
        balance = principal
        for period in range(1, periods + 1):
            due = first_due + (period - 1) * PERIOD
            if due >= AS_OF or (late and period > 3):
                break
            interest = balance * apr * PERIOD // (10_000 * 365 * DAY)
            part = min(balance, installment - interest)
            balance -= part
            stream.append(
                (
                    due,
                    "LoanRepaid",
                    {
                        "loanId": loan,
                        "payer": borrower,
                        "lateFee": 0,
                        "interest": interest,
                        "principal": part,
                        "reserveShare": -(-interest // 10),
                        "servicingFee": -(-interest // 20),
                    },
                )
            )
        if late and loan % 10 == 0:
            defaulted_at = first_due + 3 * PERIOD + 95 * DAY
            if defaulted_at < AS_OF:
                stream.append(
                    (
                        defaulted_at,
                        "LoanDefaulted",
                        {
                            "loanId": loan,
                            "principalOutstanding": balance,
                            "interestUnpaid": 0,
                            "lateFeeUnpaid": 0,
                        },
                    )
                )
    for t, event, args in sorted(stream, key=lambda row: row[0]):
        emit(t, event, **args)
    return out


def build(path: Path, loans: int) -> tuple[object, float, int]:
    engine = create_db_engine(f"sqlite:///{path}")
    import_all_models()
    Base.metadata.create_all(engine)
    factory = make_sessionmaker(engine)
    started = time.perf_counter()
    stream = events(loans)
    with factory() as session:
        # The figures fold the stored events themselves (backend/disclosure/book.py): no projection needed.
        session.execute(
            insert(ChainBlock),
            [{"number": e.block_number, "hash": e.block_hash, "timestamp": e.timestamp} for e in stream],
        )
        session.execute(
            insert(ChainEvent),
            [
                {
                    "block_number": e.block_number,
                    "block_hash": e.block_hash,
                    "block_timestamp": e.timestamp,
                    "tx_hash": e.tx_hash,
                    "log_index": e.log_index,
                    "address": e.address,
                    "contract": e.contract,
                    "event": e.event,
                    "args": json.dumps(e.args),
                }
                for e in stream
            ],
        )
        last = 10**7
        session.execute(insert(ChainBlock).values(number=last, hash="0x" + "ff" * 32, timestamp=AS_OF))
        session.execute(insert(ChainCheckpoint).values(name="main", chain_id=31337, last_block=last))
        session.commit()
    return factory, time.perf_counter() - started, len(stream)


def timed(fn, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return round(statistics.median(runs) * 1000, 1)


def snapshot(session) -> str:
    return sha256_hex(canonical_bytes(month_document(session, 2027, 6, 31337)))


def measure(loans: int, repeat: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        factory, build_seconds, stored = build(Path(tmp) / "bench.db", loans)
        with factory() as session:  # type: ignore[operator]
            figures = platform_disclosure(session)
            assert figures.volume.cumulative.loans == loans
            tiers = {t.name: t.loans for t in figures.delinquency.tiers}
            document = canonical_bytes(month_document(session, 2027, 6, 31337))
            return {
                "loans": loans,
                "events": stored,
                "index_build_seconds": round(build_seconds, 1),
                "platform_figures_ms": timed(lambda: platform_disclosure(session), repeat),
                "monthly_snapshot_ms": timed(lambda: snapshot(session), repeat),
                "positions_export_ms": timed(
                    lambda: build_export(session, "positions", "2027-06", 31337).render("csv"), repeat
                ),
                "snapshot_bytes": len(document),
                "overdue_loans": tiers,
                "defaults": figures.defaults.loans,
                "vintages": len(figures.vintages),
            }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loans", default="100,1000,10000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    sizes = [int(n) for n in args.loans.split(",") if n.strip()]
    print(json.dumps({"by_loans": [measure(n, args.repeat) for n in sizes]}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
