"""Oracle end-to-end latency on a real anvil: pending report at the service -> on-chain record.

    .venv/bin/python bench/oracle_latency.py [--trials 15] [--loop-trials 6] [--poll 2.0] [--batch 100]

Real CreditOracle (3 signers, threshold 2), three signer nodes over HTTP, the aggregator on its own
SQLite store, and an in-memory service feed over HTTP. Three figures:
  processing  report created -> receipt, with the aggregator stepped right away (no polling wait)
  loop        report created -> receipt with the aggregator running its loop (`--poll` seconds), as deployed
  batch       `--batch` reports in one round: latency and gas per report
Needs the CreditOracle build artifact (`make compile`). Prints one JSON document.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# First, even when an installed .pth already lists the root: run as a file, this script's own folder
# leads sys.path, and bench/scripts.py would shadow the top-level `scripts` package.
sys.path.insert(0, str(ROOT))

from tests.oracle.conftest import OracleSystem, borrower, build_dir  # noqa: E402
from tests.support.anvil import Anvil  # noqa: E402


def summary(values: list[float]) -> dict:
    ordered = sorted(values)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=15)
    parser.add_argument("--loop-trials", type=int, default=6)
    parser.add_argument("--poll", type=float, default=2.0)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    if build_dir() is None:
        raise SystemExit("no CreditOracle build artifact: run `make compile`")

    with Anvil() as anvil, tempfile.TemporaryDirectory() as tmp:
        system = OracleSystem(anvil, Path(tmp))
        try:
            agg = system.aggregator()
            processing = []
            for i in range(args.trials):
                started = time.perf_counter()
                rid = system.report(borrower(10_000 + i))
                agg.run_until_idle()
                assert system.feed.status(rid) == "submitted"
                processing.append(time.perf_counter() - started)

            loop = []
            stop = threading.Event()
            runner = threading.Thread(target=agg.run, args=(stop, args.poll), daemon=True)
            runner.start()
            for i in range(args.loop_trials):
                time.sleep(args.poll * 0.37)  # land at different points of the polling cycle
                started = time.perf_counter()
                rid = system.report(borrower(20_000 + i))
                while system.feed.status(rid) == "pending":
                    time.sleep(0.01)
                loop.append(time.perf_counter() - started)
            stop.set()
            runner.join(timeout=30)

            ids = [system.report(borrower(30_000 + i)) for i in range(args.batch)]
            started = time.perf_counter()
            agg.run_until_idle()
            batch_seconds = time.perf_counter() - started
            assert all(system.feed.status(i) == "submitted" for i in ids)
            last = [r for r in agg.store.rounds(1)][0]
            receipt = system.chain().receipt(last.tx_hash)
        finally:
            system.close()

    print(
        json.dumps(
            {
                "setup": "3 signer nodes (threshold 2), aggregator, CreditOracle on anvil (automine)",
                "processing": summary(processing),
                "loop": {**summary(loop), "poll_interval_s": args.poll},
                "batch": {
                    "reports": args.batch,
                    "seconds": round(batch_seconds, 2),
                    "gas_used": receipt["gasUsed"],
                    "gas_per_report": receipt["gasUsed"] // args.batch,
                },
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
