"""Indexer throughput on a real anvil: >= 10,000 MockStablecoin Transfer events, indexed from scratch.

    .venv/bin/python bench/indexer_throughput.py [--events 12000] [--range-size 2000] [--per-block 500]

Events are generated cheaply (JSON-RPC batches of eth_sendTransaction with automining off, `--per-block`
transactions per block); the figure is indexing only: eth_getLogs per range, headers in one JSON-RPC
batch, decoding, the raw event rows, the projections (two wallet-transaction rows per transfer) and the
checkpoint, into a fresh SQLite file. A rebuild of the read models from the stored events and an
idempotent re-run are timed too. Prints one JSON document.
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

from sqlalchemy import func, select  # noqa: E402

from backend import projections  # noqa: E402
from backend.chain.indexer.decoders import EventDecoder  # noqa: E402
from backend.chain.indexer.follower import Indexer  # noqa: E402
from backend.chain.indexer.models import ChainBlock, ChainCheckpoint, ChainEvent  # noqa: E402
from backend.chain.indexer.rpc import RpcClient  # noqa: E402
from backend.db.base import Base  # noqa: E402
from backend.db.session import create_db_engine, make_sessionmaker  # noqa: E402
from backend.loans.models import WalletTransactionView  # noqa: E402
from backend.projections import ALL_READ_MODELS, PROJECTIONS  # noqa: E402
from tests.backend.chain.indexer.token_flow import (  # noqa: E402
    BUILD,
    Rpc,
    deploy,
    mine_calls,
    mint_call,
    token_manifest,
    transfer_call,
)
from tests.support.anvil import Anvil  # noqa: E402

TABLES = [ChainCheckpoint.__table__, ChainBlock.__table__, ChainEvent.__table__] + [
    m.__table__ for m in ALL_READ_MODELS
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=12_000)
    parser.add_argument("--range-size", type=int, default=2000)
    parser.add_argument("--per-block", type=int, default=500)
    args = parser.parse_args()

    with Anvil(extra_args=["--block-base-fee-per-gas", "0"]) as anvil, tempfile.TemporaryDirectory() as tmp:
        rpc = Rpc(anvil.url)
        accounts = rpc.accounts()
        token = deploy(rpc, "MockStablecoin", accounts[0])
        start_block = int(rpc("eth_blockNumber"), 16)
        holders = accounts[1:11]
        t0 = time.perf_counter()
        calls = [mint_call(token, accounts[0], h, 10**15) for h in holders]
        for i in range(args.events - len(calls)):
            sender = holders[i % len(holders)]
            calls.append(transfer_call(token, sender, holders[(i * 7 + 3) % len(holders)], 1 + i % 1000))
        mine_calls(rpc, calls, per_block=args.per_block)
        generate_seconds = time.perf_counter() - t0
        head = int(rpc("eth_blockNumber"), 16)

        engine = create_db_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        Base.metadata.create_all(engine, tables=TABLES)
        sessions = make_sessionmaker(engine)
        client = RpcClient(anvil.url)
        manifest = token_manifest(int(rpc("eth_chainId"), 16), token, start_block)
        indexer = Indexer(
            client,
            EventDecoder.from_manifest(manifest, BUILD),
            sessions,
            projections=PROJECTIONS,
            chain_id=manifest["chainId"],
            start_block=start_block,
            range_size=args.range_size,
            confirmations=0,
        )
        t0 = time.perf_counter()
        indexed = indexer.sync()
        index_seconds = time.perf_counter() - t0

        t0 = time.perf_counter()
        again = Indexer(
            client,
            indexer.decoder,
            sessions,
            projections=PROJECTIONS,
            chain_id=manifest["chainId"],
            start_block=start_block,
            range_size=args.range_size,
            confirmations=0,
        ).sync()
        rerun_seconds = time.perf_counter() - t0

        with sessions() as s:
            t0 = time.perf_counter()
            replayed = projections.rebuild(s)
            s.commit()
            rebuild_seconds = time.perf_counter() - t0
            rows = s.scalar(select(func.count()).select_from(WalletTransactionView))
        client.close()
        engine.dispose()

    print(
        json.dumps(
            {
                "events": indexed,
                "blocks": head - start_block,
                "range_size": args.range_size,
                "transactions_per_block": args.per_block,
                "index_seconds": round(index_seconds, 2),
                "events_per_second": round(indexed / index_seconds, 1),
                "wallet_transaction_rows": rows,
                "rerun_new_events": again,
                "rerun_seconds": round(rerun_seconds, 3),
                "rebuild_events": replayed,
                "rebuild_seconds": round(rebuild_seconds, 2),
                "rebuild_events_per_second": round(replayed / rebuild_seconds, 1),
                "generate_seconds": round(generate_seconds, 2),
                "database": "sqlite (WAL)",
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
