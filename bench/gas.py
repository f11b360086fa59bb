"""Gas section: run every contract gas test (tests/contracts/*/test_gas.py or test_<domain>_gas.py) and
merge the reports they write (reports/gas-*.json) into one `Contract.function[/case] -> gas` table with
the aims next to it; and the deployed size of every production contract against EIP-170.

A report is used only if this run wrote it (older files are listed as stale, not mixed in), so the
table never shows figures from code that is no longer there.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BROWNIE = ROOT / ".tools" / "brownie" / "bin" / "brownie"
REPORTS = ROOT / "reports"
EXPECTED_REPORTS = (
    "gas-identity-oracle.json",
    "gas-market.json",
    "gas-note-market.json",
    "gas-auto-invest.json",
    "gas-restructuring.json",
    "gas-collateral.json",
    "gas-integration.json",
)

# (pattern on the key, aim in gas, what the aim bounds). First match wins; checked in order.
AIMS: list[tuple[str, int, str]] = [
    (r"^CreditOracle\.submitBatch/100/refresh/perBorrower$", 8_000, "oracle refresh, per borrower @100"),
    (r"^CreditOracle\.submitBatch/100/first/perBorrower$", 27_000, "oracle first write, per borrower @100"),
    (
        r"^CreditOracle\.submitBatch/refresh/marginalPerBorrower$",
        8_000,
        "oracle refresh, marginal per borrower",
    ),
    (r"^CreditOracle\.submitBatch/first/marginalPerBorrower$", 27_000, "oracle first write, marginal"),
    # The hot paths may cost at most 3% more than before the market was split and its rules were enforced
    # on every path: fund 118,560, repay 101,794, claim 69,933, steady-state liquidation 148,147.
    (r"^LoanMarket\.fund/(first|later)$", 122_116, "fund, +3% at most"),
    (r"^LoanMarket\.repay(/|$)", 104_847, "repay, any note count, +3% at most"),
    (r"^LoanMarket\.claim/1note$", 72_030, "claim one note, +3% at most"),
    (r"^CollateralVault\.liquidate/partial$", 152_591, "steady-state liquidation, +3% at most"),
    (r"^CollateralVault\.liquidate(/|$)", 180_000, "liquidation"),
]
EIP170 = 24_576
SIZE_HEADROOM = 2_048  # every production contract keeps this much room for what comes next


def aim_for(
    key: str, file_aim: int | None = None, file_aims: dict | None = None
) -> tuple[int | None, str | None]:
    """The report's own aim for this key, else the table above, else the report's single aim."""
    if file_aims and isinstance(file_aims.get(key), int):
        return file_aims[key], "report's aim"
    for pattern, aim, label in AIMS:
        if re.search(pattern, key):
            return aim, label
    if file_aim is not None:
        return file_aim, "report's own aim"
    return None, None


def flatten_report(data: dict) -> tuple[dict[str, int], int | None, dict]:
    """Accepts the report shapes in use: a flat {key: gas} map, or {"gas": {key: gas}} with an optional
    "aim" (one number) or "aims" ({key: aim}). Values may also be {"total": gas} / {"gasUsed": gas}."""
    file_aim = data.get("aim") if isinstance(data.get("aim"), int) else None
    file_aims: dict = data["aims"] if isinstance(data.get("aims"), dict) else {}
    table = data["gas"] if isinstance(data.get("gas"), dict) else data
    out: dict[str, int] = {}
    for key, value in table.items():
        if isinstance(value, bool):
            continue
        if isinstance(value, int):
            out[key] = value
        elif isinstance(value, dict):
            for field in ("total", "gasUsed", "gas"):
                if isinstance(value.get(field), int):
                    out[key] = value[field]
                    break
    return out, file_aim, file_aims


def gas_tests() -> list[Path]:
    # test_gas.py, or test_<domain>_gas.py since contract test modules need unique basenames
    return sorted(
        {
            *(ROOT / "tests" / "contracts").glob("*/test_gas.py"),
            *(ROOT / "tests" / "contracts").glob("*/test_*_gas.py"),
        }
    )


def run_gas_test(path: Path, network: str, timeout: float) -> dict:
    env = dict(os.environ)
    env["PATH"] = f"{ROOT / 'node_modules' / '.bin'}:{env.get('PATH', '')}"
    started = time.monotonic()
    try:
        proc = subprocess.run(  # noqa: S603 - fixed argv, no shell
            [str(BROWNIE), "test", str(path.relative_to(ROOT)), "--network", network],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {
            "test": str(path.relative_to(ROOT)),
            "ok": False,
            "seconds": round(time.monotonic() - started, 1),
            "error": f"timed out after {timeout:.0f}s",
        }
    entry = {
        "test": str(path.relative_to(ROOT)),
        "ok": proc.returncode == 0,
        "seconds": round(time.monotonic() - started, 1),
    }
    if proc.returncode != 0:
        entry["error"] = f"exit {proc.returncode}: " + (proc.stdout[-1500:] + proc.stderr[-500:]).strip()
    return entry


def contract_sizes(build_dir: Path = ROOT / "build" / "contracts") -> dict[str, dict]:
    """Deployed bytecode of every production contract (not under contracts/test) against EIP-170."""
    sizes = {}
    for path in sorted(build_dir.glob("*.json")):
        build = json.loads(path.read_text())
        source = build.get("sourcePath", "")
        code = build.get("deployedBytecode") or ""
        if not source.startswith("contracts/") or source.startswith("contracts/test/") or not code:
            continue
        size = len(code) // 2
        sizes[build["contractName"]] = {
            "bytes": size,
            "headroom": EIP170 - size,
            "aim": f">= {SIZE_HEADROOM} bytes under {EIP170}",
            "within_aim": EIP170 - size >= SIZE_HEADROOM,
        }
    return dict(sorted(sizes.items(), key=lambda kv: -kv[1]["bytes"]))


def run(network: str = "peerlend-test", timeout_per_test: float = 300.0) -> dict:
    if not BROWNIE.exists():
        raise RuntimeError(f"{BROWNIE} missing: run `make bootstrap`")
    started = time.time()
    tests = [run_gas_test(p, network, timeout_per_test) for p in gas_tests()]
    figures: dict[str, dict] = {}
    sources: dict[str, str] = {}
    stale = []
    fresh = set()
    for report in sorted(REPORTS.glob("gas-*.json")):
        if report.stat().st_mtime < started:
            stale.append(report.name)
            continue
        fresh.add(report.name)
        table, file_aim, file_aims = flatten_report(json.loads(report.read_text()))
        for key, gas in table.items():
            aim, label = aim_for(key, file_aim, file_aims)
            entry: dict = {"gas": gas}
            if aim is not None:
                entry.update(aim=aim, aim_label=label, within_aim=gas <= aim)
            figures[key] = entry
            sources[key] = report.name
    missing = [name for name in EXPECTED_REPORTS if name not in fresh]
    result = {
        "figures": dict(sorted(figures.items())),
        "sizes": contract_sizes(),
        "tests": tests,
        "reports_stale": stale,
        "reports_missing": missing,
        "source": sources,
    }
    failed = [t["test"] for t in tests if not t["ok"]]
    problems = []
    if failed:
        problems.append(f"gas tests failed: {', '.join(failed)}")
    if missing:
        problems.append(f"reports not produced: {', '.join(missing)}")
    if not tests:
        problems.append("no contract gas test (tests/contracts/*/test_*gas.py) found")
    cramped = [name for name, s in result["sizes"].items() if not s["within_aim"]]
    if cramped:
        problems.append(f"contracts with less than {SIZE_HEADROOM} bytes under EIP-170: {', '.join(cramped)}")
    if problems:
        result["error"] = "; ".join(problems)
    return result
