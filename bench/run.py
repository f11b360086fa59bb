"""`make bench`: gas per operation, API throughput and latency, model quality, indexer and oracle figures.

    .venv/bin/python -m bench.run [--sections gas,api,model,indexer,aml,oracle,collections] [--requests 2000]
                                  [--concurrency 16]

`--sections soak` (not in the default run) holds the API under mixed load for `--soak-seconds` (300)
and reports its memory growth.

Writes bench/results.json and prints a table. Each section runs isolated: one that fails records its
error in results.json and the others still run; the exit code is 1 if any section failed. Every
section has a time cap so the whole run stays under 15 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # also runnable as `python bench/run.py`
    sys.path.insert(0, str(ROOT))

from bench import api, gas, model, scripts, soak  # noqa: E402
from bench.report import print_table  # noqa: E402

RESULTS = ROOT / "bench" / "results.json"
SECTIONS = (
    "gas",
    "api",
    "model",
    "risk",
    "indexer",
    "aml",
    "oracle",
    "reminders",
    "statements",
    "collections",
    "disclosure",
)
# Asked for by name only: minutes long.
OPTIONAL_SECTIONS = ("soak",)


def _section_runners(args: argparse.Namespace) -> dict:
    return {
        "gas": lambda: gas.run(network=args.network, timeout_per_test=args.gas_timeout),
        "api": lambda: api.run(
            requests=args.requests, concurrency=args.concurrency, time_cap=args.api_time_cap
        ),
        "model": model.run,
        "risk": lambda: scripts.run_script("risk_throughput.py", timeout=args.script_timeout),
        "indexer": lambda: scripts.run_script("indexer_throughput.py", timeout=args.script_timeout),
        "aml": lambda: scripts.run_script("aml_throughput.py", timeout=args.script_timeout),
        "oracle": lambda: scripts.run_script("oracle_latency.py", timeout=args.script_timeout),
        "reminders": lambda: scripts.run_script("reminders_throughput.py", timeout=args.script_timeout),
        "statements": lambda: scripts.run_script("statements_generation.py", timeout=args.script_timeout),
        "collections": lambda: scripts.run_script("collections_throughput.py", timeout=args.script_timeout),
        "disclosure": lambda: scripts.run_script("disclosure_figures.py", timeout=args.script_timeout),
        "soak": lambda: soak.run(duration=args.soak_seconds),
    }


def run_section(name: str, runner) -> dict:
    started = time.monotonic()
    try:
        result = runner()
        if not isinstance(result, dict):
            result = {"value": result}
    except Exception as exc:
        result = {"error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc(limit=6)}
    result["seconds"] = round(time.monotonic() - started, 1)
    result["ok"] = "error" not in result
    return result


def main(argv: list[str] | None = None) -> int:
    # `timeout` in toolchain/bench.sh sends SIGTERM: leave through the context managers, so the API
    # server and the bench scripts started as subprocesses are stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sections", default=",".join(SECTIONS), help="comma-separated subset of " + ",".join(SECTIONS)
    )
    parser.add_argument("--requests", type=int, default=2000, help="requests per endpoint (default 2000)")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--api-time-cap", type=float, default=90.0, help="seconds per endpoint")
    parser.add_argument("--network", default=os.environ.get("TEST_NETWORK", "peerlend-test"))
    parser.add_argument("--gas-timeout", type=float, default=300.0, help="seconds per gas test file")
    parser.add_argument("--script-timeout", type=float, default=240.0, help="seconds per bench script")
    parser.add_argument("--soak-seconds", type=float, default=300.0, help="length of the soak section")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    wanted = [s.strip() for s in args.sections.split(",") if s.strip()]
    unknown = sorted(set(wanted) - set(SECTIONS) - set(OPTIONAL_SECTIONS))
    if unknown:
        parser.error(f"unknown sections {unknown}")
    runners = _section_runners(args)
    started = time.monotonic()
    results: dict = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "sections": {},
    }
    for name in wanted:
        print(f"[bench] {name} ...", flush=True)
        results["sections"][name] = section = run_section(name, runners[name])
        state = "ok" if section["ok"] else f"FAILED: {section['error'][:200]}"
        print(f"[bench] {name} done in {section['seconds']}s: {state}", flush=True)
        # Written after every section, so an interrupted run still leaves what it measured.
        results["seconds"] = round(time.monotonic() - started, 1)
        args.output.write_text(json.dumps(results, indent=2, default=str) + "\n")
    failed = [n for n, s in results["sections"].items() if not s["ok"]]
    results["failed_sections"] = failed
    results["seconds"] = round(time.monotonic() - started, 1)
    args.output.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print_table(results)
    print(
        f"\nwritten to {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}"
        f" in {results['seconds']}s"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
