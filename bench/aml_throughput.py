"""AML monitoring throughput: events per second through the indexer's projections with and without the
AML rules, and through a backfill (the rules alone over stored events).

    .venv/bin/python bench/aml_throughput.py [--events 10000] [--people 200] [--range-size 2000]

The event stream is synthetic but shaped as the decoder shapes real ones, and seeded (the same stream
every run): people with one to three wallets attested, loans listed and funded in pieces (now and then
a large or a structured burst), repayments (some by third parties), claims, note sales, and stablecoin
transfers between customers and outside addresses. Each range of `--range-size` events is one
transaction, as the indexer commits a range, into a fresh SQLite file (WAL). Prints one JSON document.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from eth_utils import keccak, to_checksum_address  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from backend.aml import observers as aml_observers  # noqa: E402
from backend.aml.backfill import backfill  # noqa: E402
from backend.aml.models import AmlAlert  # noqa: E402
from backend.chain.indexer.decoders import DecodedEvent  # noqa: E402
from backend.chain.indexer.models import ChainEvent  # noqa: E402
from backend.chain.indexer.registry import Projections  # noqa: E402
from backend.db.base import Base  # noqa: E402
from backend.db.models_registry import import_all_models  # noqa: E402
from backend.db.session import create_db_engine, make_sessionmaker  # noqa: E402
from backend.loans.note_ids import note_id  # noqa: E402
from backend.projections import PROJECTIONS  # noqa: E402

USD = 10**6
DAY = 86_400
ZERO = "0x" + "00" * 20


def address(label: str) -> str:
    return to_checksum_address(keccak(text=label)[-20:])


MARKET, TOKEN = address("bench:market"), address("bench:token")


def stream(count: int, people: int, seed: int = 7) -> list[DecodedEvent]:
    rng = random.Random(seed)  # noqa: S311 - a benchmark's reproducible workload
    events: list[DecodedEvent] = []
    block, now = 1_000, 1_900_000_000

    def emit(contract: str, event: str, emitter: str = MARKET, **args: object) -> None:
        nonlocal block, now
        block += 1
        now += rng.randint(5, 600)
        events.append(
            DecodedEvent(
                contract=contract,
                event=event,
                address=emitter,
                args=args,
                block_number=block,
                block_hash="0x" + f"{block:064x}",
                log_index=0,
                tx_hash="0x" + f"{block:064x}",
                timestamp=now,
            )
        )

    wallets: list[list[str]] = []
    for p in range(people):
        mine = [address(f"bench:person:{p}:{w}") for w in range(rng.choice((1, 1, 1, 2, 3)))]
        wallets.append(mine)
        for w in mine:
            emit(
                "IdentityRegistry",
                "IdentityAttested",
                wallet=w,
                attester=ZERO,
                level=2,
                riskClass=5,
                jurisdiction=566 if rng.random() < 0.02 else rng.choice((156, 276)),
                expiresAt=now + 365 * DAY,
                commitment="0x" + "11" * 32,
                subject="0x" + keccak(text=f"bench:subject:{p}").hex(),
                entity=False,
            )
    outside = [address(f"bench:outside:{i}") for i in range(max(4, people // 20))]
    loans: list[tuple[int, str, list[tuple[int, str]]]] = []
    while len(events) < count:
        roll = rng.random()
        person = rng.randrange(people)
        wallet = rng.choice(wallets[person])
        if roll < 0.08 or not loans:
            loan_id = len(loans) + 1
            emit(
                "LoanMarket",
                "LoanListed",
                loanId=loan_id,
                borrower=wallet,
                grade=1,
                principal=rng.randint(1, 50) * 1_000 * USD,
                minFill=0,
                aprBps=880,
                numPeriods=12,
                periodLength=30 * DAY,
                listingDeadline=now + 7 * DAY,
            )
            loans.append((loan_id, wallet, []))
        elif roll < 0.40:
            loan_id, borrower, notes = rng.choice(loans)
            amount = 60_000 * USD if rng.random() < 0.01 else rng.randint(1, 200) * 100 * USD
            note = note_id(loan_id, len(notes))
            notes.append((note, wallet))
            emit("LoanMarket", "LoanFunded", loanId=loan_id, noteId=note, lender=wallet, amount=amount)
        elif roll < 0.55:
            loan_id, borrower, _ = rng.choice(loans)
            payer = borrower if rng.random() < 0.9 else wallet
            amount = rng.randint(1, 50) * 100 * USD
            emit(
                "LoanMarket",
                "LoanRepaid",
                loanId=loan_id,
                payer=payer,
                lateFee=0,
                interest=amount // 10,
                principal=amount - amount // 10,
                reserveShare=0,
                servicingFee=0,
            )
        elif roll < 0.70:
            loan_id, _, notes = rng.choice(loans)
            if notes:
                note, holder = rng.choice(notes)
                emit(
                    "LoanMarket",
                    "Claimed",
                    noteId=note,
                    holder=holder,
                    amount=rng.randint(1, 300) * 100 * USD,
                )
        elif roll < 0.75:
            loan_id, _, notes = rng.choice(loans)
            if notes:
                note, seller = rng.choice(notes)
                buyer = rng.choice(rng.choice(wallets))
                emit(
                    "LoanMarket",
                    "NoteSold",
                    noteId=note,
                    seller=seller,
                    buyer=buyer,
                    price=rng.randint(1, 200) * 100 * USD,
                    fee=0,
                    sellerEarned=0,
                )
        else:
            sender, receiver = (
                (wallet, rng.choice(outside)) if rng.random() < 0.5 else (rng.choice(outside), wallet)
            )
            value = rng.randint(1, 300) * 100 * USD
            emit(
                "MockStablecoin",
                "Transfer",
                emitter=TOKEN,
                **{"from": sender, "to": receiver, "value": value},
            )
    return events[:count]


def without_aml() -> Projections:
    baseline = Projections()
    baseline.register(dict(PROJECTIONS.handlers), PROJECTIONS.read_models)
    others = {
        key: [o for o in observers if o.__module__ != aml_observers.__name__]
        for key, observers in PROJECTIONS.observers.items()
    }
    for key, observers in others.items():
        for observer in observers:
            baseline.observe({key: observer})
    return baseline


def index(directory: Path, name: str, events: list[DecodedEvent], projections: Projections, range_size: int):
    engine = create_db_engine(f"sqlite:///{directory / name}.db")
    Base.metadata.create_all(engine)
    sessions = make_sessionmaker(engine)
    started = time.perf_counter()
    for i in range(0, len(events), range_size):
        chunk = events[i : i + range_size]
        with sessions() as session:
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
                    for e in chunk
                ],
            )
            for e in chunk:
                projections.apply(session, e)
            session.commit()
    return engine, sessions, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--range-size", type=int, default=2000)
    args = parser.parse_args()
    import_all_models()
    events = stream(args.events, args.people)
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        base_engine, _, base_seconds = index(directory, "baseline", events, without_aml(), args.range_size)
        base_engine.dispose()
        engine, sessions, seconds = index(directory, "aml", events, PROJECTIONS, args.range_size)
        with sessions() as session:
            alerts = dict(session.execute(select(AmlAlert.rule, func.count()).group_by(AmlAlert.rule)).all())
        started = time.perf_counter()
        replay = backfill(sessions, 0, page=args.range_size)
        backfill_seconds = time.perf_counter() - started
        engine.dispose()
    print(
        json.dumps(
            {
                "events": len(events),
                "people": args.people,
                "range_size": args.range_size,
                "events_per_second": round(len(events) / seconds, 1),
                "events_per_second_without_aml": round(len(events) / base_seconds, 1),
                "aml_overhead_ratio": round(seconds / base_seconds, 2),
                "alerts": alerts,
                "backfill_events_per_second": round(replay.events / backfill_seconds, 1),
                "backfill_new_alerts": replay.alerts,
                "database": "sqlite (WAL)",
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
