"""The demo's AML phase: a structuring case worked to a freeze by two compliance officers.

Nora (a strong file) lists a 50,000 loan. Rex, one person with two wallets (the same identity submitted
twice, so KYC sends the second to review for the duplicate), funds it in four pieces of 12,500 within
minutes: each below the 50,000 large-transaction threshold, together at it. The indexer's AML rules
raise a structuring alert about the person, across both wallets; one compliance officer proposes a
freeze, a second approves it (the first cannot), and both wallets are frozen on-chain through the
compliance key. The case's report is exported, signed.
"""

from __future__ import annotations

import time

from demo import people
from demo.api import Api
from demo.chain import USD
from demo.lifecycle import (
    Lifecycle,
    apply_for_loan,
    await_credit_records,
    faucet,
    fund,
    list_loan,
    onboard,
    usd,
    wait_until,
)

TICKET = 12_500 * USD
PRINCIPAL = 4 * TICKET  # 50,000: exactly the large-transaction threshold, in four fundings below it


def structuring_case(ctx: Lifecycle) -> None:
    ctx.headline("12. AML: a structuring case, frozen on-chain by two compliance officers")
    officer = ctx.operator["compliance"]
    created = ctx.admin.post(
        "/v2/admin/api-keys", {"name": f"demo-compliance-2-{int(time.time())}", "roles": ["compliance"]}
    )
    second = ctx.operator["compliance-2"] = Api.operator(ctx.stack.api_url, created["key"])

    nora = onboard(ctx, "Nora", "borrower", people.CAUTIOUS_BORROWER)
    rex_identity = people.kyc_submission("Rex Testperson")
    rex = [
        onboard(ctx, "Rex", "lender", people.AGGRESSIVE_INVESTOR, submission=rex_identity),
        onboard(ctx, "Rex-2", "lender", people.AGGRESSIVE_INVESTOR, submission=rex_identity),
    ]
    app = apply_for_loan(ctx, nora, PRINCIPAL, 12, "car_used", 15_000 * USD, people.STRONG_APPLICANT)
    await_credit_records(ctx, {"Nora": app})
    loan = list_loan(ctx, "N", nora, app)
    ctx.loans.pop("N")  # told apart from the loan book's summary, as loan C is
    for wallet in rex:
        faucet(ctx, wallet, 2 * TICKET)
    for wallet in (rex[0], rex[1], rex[0], rex[1]):
        fund(ctx, loan, wallet, TICKET)
    ctx.say(
        f"Rex funded {usd(PRINCIPAL)} of loan #{loan.loan_id} in four fundings of {usd(TICKET)}, two wallets"
    )

    wallets = {w.address for w in rex}

    def raised() -> dict | None:
        items = officer.get("/v2/aml/alerts", params={"rule": "structuring"})["items"]
        return next((a for a in items if a["wallet"] in wallets), None)

    alert = wait_until(raised, 60, "the indexer's structuring alert")
    ctx.say(
        f"AML alert #{alert['id']} structuring (score {alert['score']}): "
        f"{len(alert['transactions'])} fundings totalling {usd(int(alert['amount']))} within 24 hours "
        f"from {len(alert['details']['wallets'])} wallets of one person -> case #{alert['caseId']}"
    )
    case_id = alert["caseId"]
    proposal = officer.post(
        f"/v2/aml/cases/{case_id}/dispositions",
        {"action": "freeze", "reason": "Deposits split below the reporting threshold across two wallets."},
        expect=(201,),
    )
    own = officer.request(
        "POST",
        f"/v2/aml/dispositions/{proposal['id']}/approve",
        json={"reason": "approving my own proposal"},
        expect=(403,),
    )
    ctx.say(f"officer 1 proposed a freeze; approving it alone is refused ({own['type']})")
    approved = second.post(
        f"/v2/aml/dispositions/{proposal['id']}/approve",
        {"reason": "Pattern confirmed; freeze both wallets."},
    )
    registry = ctx.chain.registry.functions
    for wallet in rex:
        frozen = ctx.chain.call(registry.isFrozen(wallet.address))
        ctx.say(
            f"officer 2 approved: {wallet.name} {wallet.address} frozen on-chain: {frozen} "
            f"(tx {approved['outcome'].get(wallet.address)})"
        )
    export = second.http.get(f"/v2/aml/cases/{case_id}/report", params={"format": "json"})
    export.raise_for_status()
    ctx.say(
        f"case #{case_id} report exported: {len(export.content)} bytes, SHA-256 "
        f"{export.headers['X-Report-SHA256'][:16]}..., signed by {export.headers['X-Report-Signer']}"
    )
    ctx.aml = {"case": case_id, "alert": alert, "wallets": sorted(wallets), "loan": loan.loan_id}
