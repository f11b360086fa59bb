"""Collections: how many late loans per second the collections pass works, for N late loans.

    .venv/bin/python bench/collections_throughput.py [--loans 2000]

N active loans of 12 monthly installments, all with their first installment unpaid, in a fresh SQLite
file (WAL) migrated to head. The chain's clock is a block index of one block a day. Passes, each timed:
`open` (5 days late: a case, its tier entry, its SLA and the borrower's notice per loan), `rerun` (the
same chain time again: nothing to do, every key already recorded), `tier` (35 days late: the 31-90 tier,
its SLA and formal notice), `cure` (half the loans paid both installments then due: those cases closed
cured from the replayed repayments). One transaction per `commit_every` (500) loans. Prints one JSON
document; `casesPerSecond` is over the three passes that do work.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from eth_utils import keccak, to_checksum_address  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from backend.chain.indexer.models import ChainBlock, ChainCheckpoint  # noqa: E402
from backend.collections.config import CollectionsSettings  # noqa: E402
from backend.collections.models import CollectionCase  # noqa: E402
from backend.collections.service import process  # noqa: E402
from backend.core.settings import Settings  # noqa: E402
from backend.db.migrate import upgrade  # noqa: E402
from backend.db.session import create_db_engine, make_sessionmaker  # noqa: E402
from backend.loans.annuity import annuity_installment, annuity_schedule  # noqa: E402
from backend.loans.models import InstallmentView, LoanView, RepaymentView  # noqa: E402
from backend.servicing.clock import DAY, day_start  # noqa: E402

USD = 10**6
MONTH = 30 * DAY
START = 1_900_000_000 - 1_900_000_000 % DAY  # the chain's day 0, midnight UTC
FIRST_DUE = START + 12 * 3600


def _block(session, number: int, timestamp: int) -> None:
    digest = "0x" + f"{number:064x}"
    session.add(ChainBlock(number=number, hash=digest, timestamp=timestamp))
    checkpoint = session.get(ChainCheckpoint, "main")
    if checkpoint is None:
        session.add(ChainCheckpoint(name="main", chain_id=31337, last_block=number, last_block_hash=digest))
    else:
        checkpoint.last_block, checkpoint.last_block_hash = number, digest


def _seed(sessions, loans: int) -> list:
    installment = annuity_installment(1_000 * USD, 1_200, 12, MONTH)
    rows = annuity_schedule(1_000 * USD, 1_200, 12, MONTH, FIRST_DUE, installment)
    with sessions() as session:
        for day in range(0, 6):
            _block(session, day + 1, START + day * DAY + 13 * 3600)
        for i in range(1, loans + 1):
            session.add(
                LoanView(
                    loan_id=i,
                    borrower=to_checksum_address(keccak(text=f"bench:late:{i}")[-20:]),
                    status="active",
                    principal=1_000 * USD,
                    term=12,
                    period_seconds=MONTH,
                    rate_bps=1_200,
                    grade=4,
                    funded=1_000 * USD,
                    lenders=1,
                    listed_at=FIRST_DUE - MONTH - 3 * DAY,
                    drawn_at=FIRST_DUE - MONTH,
                    installment=installment,
                    periods_paid=0,
                    updated_block=1,
                )
            )
            for r in rows:
                session.add(
                    InstallmentView(
                        loan_id=i,
                        period=r.period,
                        due_at=r.due,
                        payment=r.payment,
                        principal=r.principal,
                        interest=r.interest,
                        balance_after=r.balance,
                    )
                )
        session.commit()
    return rows


def _timed(sessions, options: CollectionsSettings, loans: int) -> dict:
    started = time.perf_counter()
    with sessions() as session:
        result = process(session, options)
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 3),
        "loansPerSecond": round(result.evaluated / seconds, 1) if seconds else None,
        "evaluated": result.evaluated,
        "opened": result.opened,
        "tierChanges": result.tier_changes,
        "notices": result.notices,
        "cured": result.cured,
    }


def run(loans: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'collections.db'}"
        upgrade("head", Settings(env="test", database_url=url))
        engine = create_db_engine(url)
        sessions = make_sessionmaker(engine)
        options = CollectionsSettings()
        rows = _seed(sessions, loans)
        passes = {"open": _timed(sessions, options, loans), "rerun": _timed(sessions, options, loans)}
        with sessions() as session:
            for day in range(6, 36):
                _block(session, day + 1, START + day * DAY + 13 * 3600)
            session.commit()
        passes["tier"] = _timed(sessions, options, loans)
        with sessions() as session:
            paid_at = START + 36 * DAY + 12 * 3600
            _block(session, 37, paid_at)
            for i in range(1, loans + 1, 2):  # every other borrower pays both installments now due
                session.add(
                    RepaymentView(
                        block_number=37,
                        log_index=i,
                        loan_id=i,
                        payer="0x" + "00" * 20,
                        amount=rows[0].payment + rows[1].payment,
                        interest=rows[0].interest + rows[1].interest,
                        principal=rows[0].principal + rows[1].principal,
                        fees=0,
                        timestamp=paid_at,
                        tx_hash="0x" + f"{i:064x}",
                    )
                )
                loan = session.get(LoanView, i)
                assert loan is not None
                loan.periods_paid, loan.principal_repaid = 2, rows[0].principal + rows[1].principal
            _block(session, 38, day_start(paid_at) + DAY + 3600)
            session.commit()
        passes["cure"] = _timed(sessions, options, loans)
        with sessions() as session:
            states = dict(
                session.execute(
                    select(CollectionCase.state, func.count()).group_by(CollectionCase.state)
                ).all()
            )
        engine.dispose()
    work = [p for name, p in passes.items() if name != "rerun"]
    total = sum(p["seconds"] for p in work)
    return {
        "loans": loans,
        "casesPerSecond": round(sum(p["evaluated"] for p in work) / total, 1) if total else None,
        "passes": passes,
        "cases": {k: int(v) for k, v in states.items()},
        "commitEvery": options.commit_every,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loans", type=int, default=2_000)
    args = parser.parse_args()
    print(json.dumps(run(args.loans), indent=2))


if __name__ == "__main__":
    main()
