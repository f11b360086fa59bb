"""The demo's disclosure: the platform figures anyone may read, the last ended month's snapshot anchored
on-chain and verified with `peerlend disclosure verify`, a loan's anonymised disclosure, and a regulator's
signed export of the month, taken twice to show it is the same bytes.

Everything goes through the public API (the regulator with an operator key of role `regulator`), and the
verification through the documented command, which reads the chain itself.
"""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from demo.api import Api
from demo.lifecycle import Lifecycle, usd, wait_until
from demo.statements import await_index

ROOT = Path(__file__).resolve().parents[1]


def last_ended_month(now: int) -> str:
    at = datetime.fromtimestamp(now, UTC)
    year, month = (at.year - 1, 12) if at.month == 1 else (at.year, at.month - 1)
    return f"{year:04d}-{month:02d}"


def _bps(ratio: dict[str, Any]) -> str:
    return "n/a" if ratio["bps"] is None else f"{ratio['bps'] / 100:.2f}%"


def figure_lines(f: dict[str, Any]) -> list[str]:
    tiers = ", ".join(
        f"{t['name']} {t['loans']} ({usd(int(t['principal']))})" for t in f["delinquency"]["tiers"]
    )
    d, r, fees = f["defaults"], f["reserve"], f["fees"]
    return [
        f"as of {f['asOf']} (block {f['lastBlock']}): volume {f['volume']['cumulative']['loans']} loans, "
        f"{usd(int(f['volume']['cumulative']['principal']))}; last 30 days "
        f"{usd(int(f['volume']['last30Days']['principal']))}",
        f"borrowers {f['borrowers']['persons']} ({f['borrowers']['wallets']} wallets), lenders "
        f"{f['lenders']['persons']} ({f['lenders']['wallets']} wallets); outstanding "
        f"{f['outstanding']['loans']} loans, {usd(int(f['outstanding']['principal']))}; top-"
        f"{f['concentration']['top']} concentration {_bps(f['concentration']['share'])}",
        f"overdue {usd(int(f['delinquency']['overdue']['principal']))} "
        f"({_bps(f['delinquency']['overdueRate'])}): {tiers}",
        f"defaults {d['loans']}, {usd(int(d['principal']))} (rate {_bps(d['defaultRate'])}); credit loss "
        f"{usd(int(d['creditLoss']))} (loss rate {_bps(d['lossRate'])}); lenders' loss "
        f"{usd(int(d['lenderLoss']))}",
        f"reserve fund {usd(int(r['balance'] or 0))}, coverage {_bps(r['coverage'])} of overdue principal; "
        f"fees {usd(int(fees['total']))}; resales {f['secondaryMarket']['cumulative']['sales']}, "
        f"{usd(int(f['secondaryMarket']['cumulative']['volume']))}; vintages {len(f['vintages'])} cohorts",
    ]


def verify_command(ctx: Lifecycle, period: str, registry: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "backend.cli",
        "disclosure",
        "verify",
        period,
        "--api",
        ctx.stack.api_url,
        "--rpc",
        ctx.stack.rpc_url,
        "--registry",
        registry,
    ]


def disclose(ctx: Lifecycle) -> None:
    ctx.headline(
        "16. Disclosure: platform figures, the month's anchored snapshot, a loan, a regulator export"
    )
    public = Api(ctx.stack.api_url)
    created = ctx.admin.post(
        "/v2/admin/api-keys",
        {"name": f"demo-regulator-{int(time.time())}", "roles": ["regulator"]},
        expect=(201,),
    )
    regulator = Api.operator(ctx.stack.api_url, created["key"])
    ctx.operator["regulator"] = regulator
    try:
        await_index(ctx, public)
        platform = public.get("/v2/disclosure/platform")
        for line in figure_lines(platform):
            ctx.say(f"platform: {line}")

        period = last_ended_month(ctx.chain.now())
        passed = ctx.admin.post("/v2/disclosure/snapshots/publish")  # what the worker does, once, now
        ctx.say(f"publishing pass: stored {passed['computed'] or '-'}, anchored now {passed['sent'] or '-'}")

        def anchored() -> dict | None:
            snapshot = public.get(f"/v2/disclosure/snapshots/{period}")
            return snapshot if snapshot["status"] == "anchored" else None

        snapshot = wait_until(anchored, 60, f"the {period} snapshot's anchor indexed", interval=0.5)
        anchor = snapshot["anchor"]
        ctx.say(
            f"snapshot {period}: sha256 {snapshot['sha256'][:16]}..., anchored by {anchor['publisher']} in "
            f"tx {anchor['txHash']} (block {anchor['blockNumber']}) on registry {anchor['registry']}"
        )
        command = verify_command(ctx, period, anchor["registry"])
        ctx.say(f"$ peerlend disclosure verify {period} --api {ctx.stack.api_url} --rpc {ctx.stack.rpc_url}")
        done = subprocess.run(  # noqa: S603 - a fixed argv: this interpreter and our CLI
            command, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
        )
        for line in done.stdout.splitlines():
            ctx.say(f"  {line}")

        loan_a = ctx.loans["A"]
        loan = public.get(f"/v2/disclosure/loans/{loan_a.loan_id}")
        b, y = loan["borrower"], loan["expectedYield"]
        ctx.say(
            f"loan #{loan['loanId']} ({loan['grade']}, {loan['status']}): purpose {loan['purpose']}, "
            f"repayment source {loan['repaymentSource'] or 'not stated'}; expected yield "
            f"{y['netAprBps']} bps net of {y['aprBps']}; borrower aged {b['ageBand']}, income "
            f"{b['incomeBand']}, region {b['region']}, "
            f"{b['employment']}, {b['existingDebts']}, {len(b['otherLoans'])} other loans; "
            f"{loan['riskNotice']['version']}, {loan['legalStatement']['version']}"
        )

        path = f"/v2/disclosure/exports/loans/{period}"
        first = regulator.http.get(path, params={"format": "csv"})
        second = regulator.http.get(path, params={"format": "csv"})
        first.raise_for_status()
        second.raise_for_status()
        h, rows = first.headers, len(first.content.splitlines()) - 1
        ctx.say(
            f"regulator export {h['x-export-schema']} for {period}: {rows} rows, "
            f"sha256 {h['x-export-sha256'][:16]}..., signed by {h['x-export-signer']}; taken twice: "
            f"{'the same bytes' if first.content == second.content else 'DIFFERENT BYTES'}"
        )
        ctx.disclosure = {  # type: ignore[attr-defined]
            "platform": platform,
            "period": period,
            "published": passed,
            "snapshot": snapshot,
            "verify": {"returncode": done.returncode, "stdout": done.stdout, "stderr": done.stderr},
            "loan": loan,
            "export": {
                "first": first.content,
                "second": second.content,
                "headers": dict(first.headers),
                "signature_again": second.headers["x-export-signature"],
            },
        }
    finally:
        public.close()
