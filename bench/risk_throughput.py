"""Scoring throughput of the credit scorecard, printed as JSON on stdout.

    .venv/bin/python -m bench.risk_throughput [--rows 20000] [--http/--no-http]

- in-process: the plain-Python scorer on German Credit rows, one application per call and whole lists
  (`Scorecard.score_many`), as the service runs it (no numpy, no solver);
- over HTTP (a uvicorn subprocess, 1 worker, SQLite, rate limits off; client on the same machine):
  `POST /v2/risk/score/batch` with 1 and with 1,000 applications per request, and the full loan
  application path `POST /v2/loan-applications` (score, anti-fraud, decision, offer, row + audit
  written). Client and server share the CPU, so HTTP figures are a floor.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backend.risk.config import DEFAULT_MODEL_DIR, USDC  # noqa: E402
from backend.risk.scorecard import Scorecard  # noqa: E402

GERMAN = ROOT / "data" / "german_credit" / "german_credit.csv"


def german_rows(card: Scorecard) -> list[dict]:
    numeric = {f.name for f in card.features if f.type == "numerical"}
    with open(GERMAN, newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [{k: (float(v) if k in numeric else v) for k, v in r.items() if k in card.by_name} for r in rows]


def in_process(card: Scorecard, rows: list[dict], n: int) -> dict:
    sample = (rows * (n // len(rows) + 1))[:n]
    latencies = []
    t0 = time.perf_counter()
    for r in sample[: min(n, 5000)]:
        s = time.perf_counter()
        card.score(r)
        latencies.append(time.perf_counter() - s)
    single_elapsed = time.perf_counter() - t0
    t0 = time.perf_counter()
    card.score_many(sample)
    batch_elapsed = time.perf_counter() - t0
    latencies.sort()
    return {
        "single": {
            "calls": len(latencies),
            "per_second": round(len(latencies) / single_elapsed),
            "p50_us": round(latencies[len(latencies) // 2] * 1e6, 1),
            "p99_us": round(latencies[int(len(latencies) * 0.99)] * 1e6, 1),
        },
        "batch": {
            "rows": len(sample),
            "seconds": round(batch_elapsed, 3),
            "per_second": round(len(sample) / batch_elapsed),
        },
    }


def _timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        s = time.perf_counter()
        fn()
        out.append(time.perf_counter() - s)
    return out


def over_http(card: Scorecard, rows: list[dict]) -> dict:
    import httpx
    from eth_account import Account

    from bench.api import ApiServer
    from tests.support.server import siwe_login

    items = [{"ref": str(i), "attributes": r} for i, r in enumerate(rows)]
    out: dict = {}
    with ApiServer() as server:
        http = httpx.Client(base_url=server.url, timeout=60, headers={"X-API-Key": server.operator_key()})

        def post(body):
            reply = http.post("/v2/risk/score/batch", json=body)
            reply.raise_for_status()
            return reply

        one = {"items": items[:1]}
        post(one)  # warm-up
        lat = sorted(_timed(lambda: post(one), 300))
        out["batch_endpoint_1_application"] = {
            "requests": len(lat),
            "per_second": round(len(lat) / sum(lat)),
            "p50_ms": round(lat[len(lat) // 2] * 1e3, 2),
            "p99_ms": round(lat[int(len(lat) * 0.99)] * 1e3, 2),
        }
        thousand = {"items": items[:1000]}
        lat = _timed(lambda: post(thousand), 10)
        out["batch_endpoint_1000_applications"] = {
            "requests": len(lat),
            "median_ms": round(statistics.median(lat) * 1e3, 1),
            "applications_per_second": round(1000 / statistics.median(lat)),
        }

        account = Account.create()
        wallet = httpx.Client(
            base_url=server.url,
            timeout=60,
            headers={"Authorization": f"Bearer {siwe_login(server.url, account)}"},
        )
        body = {  # README "API conventions": camelCase keys, base-unit amounts as decimal strings
            "amount": str(2_000 * USDC),
            "termMonths": 12,
            "purpose": "car_used",
            "monthlyIncome": str(4_000 * USDC),
            "attributes": {
                k: v for k, v in rows[0].items() if k not in ("credit_amount", "duration_in_month", "purpose")
            },
        }

        def apply():
            reply = wallet.post("/v2/loan-applications", json=body)
            assert reply.status_code == 201, reply.text

        apply()
        lat = sorted(_timed(apply, 200))
        out["loan_application_full_path"] = {
            "requests": len(lat),
            "per_second": round(len(lat) / sum(lat)),
            "p50_ms": round(lat[len(lat) // 2] * 1e3, 2),
            "p99_ms": round(lat[int(len(lat) * 0.99)] * 1e3, 2),
            "note": "sequential; includes KYC lookup, velocity counts, decision, offer, DB write and audit",
        }
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000, help="rows for the in-process batch")
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP measurements")
    args = parser.parse_args()
    card = Scorecard.load(DEFAULT_MODEL_DIR)
    rows = german_rows(card)
    result = {
        "model": f"{card.name} v{card.version}",
        "features": len(card.features),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "in_process": in_process(card, rows, args.rows),
    }
    if not args.no_http:
        try:
            result["http"] = over_http(card, rows)
        except Exception as exc:
            result["http_error"] = repr(exc)
    json.dump(result, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
