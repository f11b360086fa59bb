"""The demo's statements and complaint: a lender reads her monthly statements and her annual return, then
files a complaint that the platform's reviewer works to a resolution she accepts.

Everything goes through the public API: the lender signed in with SIWE, the reviewer with an operator key.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from demo.api import Api
from demo.lifecycle import DAY, Lifecycle, usd, wait_until


def months_between(start: int, end: int) -> list[tuple[int, int]]:
    """Every calendar month (UTC) from the one holding `start` to the one holding `end`."""
    first, last = datetime.fromtimestamp(start, UTC), datetime.fromtimestamp(end, UTC)
    year, month, months = first.year, first.month, []
    while (year, month) <= (last.year, last.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def await_index(ctx: Lifecycle, api: Api) -> None:
    head = ctx.chain.w3.eth.block_number
    wait_until(
        lambda: (api.get("/v2/loans", params={"limit": 1}).get("indexedBlock") or 0) >= head,
        60,
        "the indexer to reach the chain's head",
        interval=0.5,
    )


def statement_line(s: dict[str, Any]) -> str:
    t, p = s["totals"], s["positions"]

    def a(value: str) -> str:
        return usd(int(value))

    return (
        f"{s['period']}: principal {a(p['openingPrincipal'])} -> {a(p['closingPrincipal'])}; funded "
        f"{a(t['funded'])}; repaid principal {a(t['principalRepaid'])}, interest {a(t['interest'])}, "
        f"late fees {a(t['fees'])}; recovered {a(t['recoveries'])}; lost {a(t['losses'])}; claimed "
        f"{a(t['claimed'])}; sold {a(t['sold'])}{'' if s['final'] else ' (provisional)'}"
    )


def statements_and_complaint(ctx: Lifecycle) -> None:
    ctx.headline("15. Statements and a complaint: a lender's months and year, a complaint worked to its end")
    lena = ctx.actors["Lena"]
    api = Api.sign_in(ctx.stack.api_url, lena.account)  # a fresh token: the story has run for a while
    reviewer = ctx.operator["reviewer"]
    try:
        await_index(ctx, api)
        base = f"/v2/wallets/{lena.address}/statements"
        start = (ctx.t0 or ctx.chain.now()) - 7 * DAY
        monthly = {}
        for year, month in months_between(start, ctx.chain.now()):
            period = f"{year:04d}-{month:02d}"
            monthly[period] = api.get(f"{base}/{period}")
            ctx.say(f"Lena's statement {statement_line(monthly[period])}")
        annual = {}
        for year in sorted({y for y, _ in months_between(start, ctx.chain.now())}):
            summary = api.get(f"{base}/annual/{year}")
            annual[year] = summary
            rate = summary["xirrBps"]
            ctx.say(
                f"Lena's {year}: {len(summary['cashFlows'])} cash flows, net annualised return (XIRR) "
                f"{'n/a' if rate is None else f'{rate / 100:.2f}% ({rate} bps)'}, closing principal "
                f"{usd(int(summary['positions']['closingPrincipal']))}"
            )
        loan_b = ctx.loans["B"]
        filed = api.post(
            "/v2/complaints",
            {
                "category": "repayment",
                "loanId": loan_b.loan_id,
                "text": "I was not told that the reserve fund would cover only part of loan B.",
            },
            expect=(201,),
            idempotent=True,
        )
        ctx.say(
            f"Lena filed complaint {filed['id'][:8]} about loan #{loan_b.loan_id}: to be acknowledged by "
            f"{filed['sla']['acknowledgeBy']}, resolved by {filed['sla']['resolveBy']}"
        )
        path = f"/v2/admin/complaints/{filed['id']}"
        reviewer.post(f"{path}/acknowledge")
        reviewer.post(f"{path}/responses", {"text": "We are reviewing the cover notice sent for loan B."})
        resolved = reviewer.post(
            f"{path}/resolution",
            {
                "outcome": "partially_upheld",
                "text": "The notice was late; the cover followed the fund's rules.",
            },
        )
        closed = api.post(f"/v2/complaints/{filed['id']}/accept", {"text": "Thank you."})
        figures = api.get("/v2/complaints/figures")
        ctx.say(
            f"reviewer acknowledged, responded and resolved it ({resolved['outcome']}); Lena accepted: "
            f"{closed['status']}. Published: {figures['received']} received, {figures['resolved']} resolved, "
            f"median resolution {figures['medianResolutionSeconds']} s"
        )
        ctx.statements = {"monthly": monthly, "annual": annual, "complaint": closed, "figures": figures}  # type: ignore[attr-defined]
    finally:
        api.close()
