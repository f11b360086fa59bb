"""The demo's restructuring phases: a borrower in difficulty asks for a new schedule, the note holders of
two thirds of the principal adopt it on-chain, and the loan is repaid on it.

Rosa (a strong file) borrows 6,000 over 6 months from Lena (half), Omar (a third) and Kim (a sixth).
She pays the first installment, misses the second and, 10 days late, proposes two more installments and
a one-month payment holiday. Lena approves by transaction; the platform's attempt to execute with her
half alone is refused on-chain (below two thirds). Omar signs the approval's typed data the API hands out
and the platform submits it; with five sixths approving, anyone executes. Kim never votes and keeps her
share. The loan is current at once; its first new installment is paid three days late, the rest on
their due dates, and the lenders claim what the new schedule paid.

Everything goes through the API (the restructuring read model, the approval typed data) and the wallets'
own transactions to the market.
"""

from __future__ import annotations

from typing import Any

from eth_account import Account
from eth_account.messages import encode_typed_data

from backend.chain.errors import ContractReverted
from demo import people
from demo.api import ApiError
from demo.chain import DAY, USD
from demo.lifecycle import (
    TIMED_TX_GAS,
    Lifecycle,
    Loan,
    _event,
    apply_for_loan,
    approve,
    await_credit_records,
    claim_all,
    delinquency,
    draw_down,
    faucet,
    fund,
    list_loan,
    onboard,
    repay_on_due_date,
    schedule_of,
    sweep_fees,
    usd,
    wait_until,
)

PRINCIPAL = 6_000 * USD
EXTRA_PERIODS, HOLIDAY_PERIODS = 2, 1
POCKET_MONEY = 2_500 * USD  # what Rosa has beside the loan: interest and the late fee come out of it
SHARES = {"Lena": 3, "Omar": 2, "Kim": 1}  # sixths of the principal


def restructure_rosas_loan(ctx: Lifecycle) -> None:
    ctx.headline("13. Restructuring: a new schedule proposed by the borrower, adopted by two thirds")
    chain = ctx.chain
    rosa = onboard(ctx, "Rosa", "borrower", people.CAUTIOUS_BORROWER)
    app = apply_for_loan(ctx, rosa, PRINCIPAL, 6, "car_used", 15_000 * USD, people.STRONG_APPLICANT)
    await_credit_records(ctx, {"Rosa": app})
    loan = list_loan(ctx, "R", rosa, app)
    ctx.loans.pop("R")  # told apart from loans A and B in the summary, as loans C and N are
    state: dict[str, Any] = {"loan": loan, "payments": []}
    ctx.restructuring["R"] = state
    for name, sixths in SHARES.items():
        amount = loan.principal * sixths // 6
        faucet(ctx, ctx.actors[name], amount)
        fund(ctx, loan, ctx.actors[name], amount)
    draw_down(ctx, loan)
    state["drawnAt"] = loan.drawn_at
    faucet(ctx, rosa, POCKET_MONEY)
    _pay_row(ctx, state, 1)
    chain.advance_to(loan.schedule[1]["due"] + 10 * DAY)
    delinquency(ctx, loan)

    proposal_id = _propose(ctx, state)
    lena, omar, platform = (ctx.actors[n] for n in ("Lena", "Omar", "Platform"))
    chain.send(
        chain.market.functions.approveRestructure(loan.loan_id, proposal_id, [loan.notes["Lena"]]),
        lena.account,
    )
    view = _await_view(ctx, loan, lambda v: int(v["approvedPrincipal"]) == loan.funded_by["Lena"])
    ctx.say(
        f"Lena approved for her note: {usd(int(view['approvedPrincipal']))} of {usd(int(view['funded']))} "
        f"(two thirds is {usd(int(view['requiredPrincipal']))})"
    )
    try:
        chain.send(
            chain.market.functions.executeRestructure(loan.loan_id, view["approvingNoteIds"]),
            platform.account,
        )
    except ContractReverted as refused:
        state["refused"] = (refused.error_name, tuple(refused.args))
        ctx.say(f"the platform's execution with Lena's half alone was refused on-chain: {refused.error_name}")
    else:
        raise RuntimeError("executed below two thirds of the principal")

    _approve_by_signature(ctx, state, omar, proposal_id)
    view = _await_view(ctx, loan, lambda v: v["executable"])
    receipt = chain.send(
        chain.market.functions.executeRestructure(loan.loan_id, view["approvingNoteIds"]), platform.account
    )
    executed = _event(chain.market, "RestructureExecuted", receipt)
    state["executed"] = executed
    state["executedAt"] = chain.w3.eth.get_block(receipt["blockNumber"])["timestamp"]
    loan.schedule = schedule_of(ctx, loan)  # the new schedule, from its base on
    ctx.say(
        f"executed with {usd(executed['approvedPrincipal'])} approving (Kim did not vote): "
        f"{executed['numPeriods'] - executed['basePeriod']} installments of {usd(executed['installment'])} "
        f"on {usd(executed['baseBalance'])}, the first on day "
        f"{(executed['firstDueDate'] - ctx.t0) / DAY:.0f} after a month's holiday, carrying "
        f"{usd(executed['firstCharges'])} of interest and late fees; maturity moves to day "
        f"{(executed['maturity'] - ctx.t0) / DAY:.0f}"
    )
    delinquency(ctx, loan)
    chain.advance_to(executed["firstDueDate"] + 3 * DAY)
    delinquency(ctx, loan)


def repay_on_the_new_schedule(ctx: Lifecycle) -> None:
    ctx.headline("14. The restructured loan repaid on its new schedule")
    chain, state = ctx.chain, ctx.restructuring["R"]
    loan: Loan = state["loan"]
    due = _pay(ctx, state, chain.now() + 60)  # what makes the loan current, three days late
    ctx.say(f"Rosa paid what was due three days late: {usd(due)}; current again")
    for row in loan.schedule[1:]:
        _pay(ctx, state, row["due"], row["amount"])
    status = chain.call(chain.market.functions.getLoan(loan.loan_id))[4]
    ctx.say(
        f"Rosa paid the other {len(loan.schedule) - 1} installments on their due dates: loan "
        f"#{loan.loan_id} is {('Repaid' if status == 3 else f'status {status}')}"
    )
    claim_all(ctx, loan)
    sweep_fees(ctx, ctx.actors["Platform"])


# ------------------------------------------------------------------------------------------ steps


def _pay_row(ctx: Lifecycle, state: dict, k: int) -> None:
    loan = state["loan"]
    repay_on_due_date(ctx, loan, k)
    state["payments"].append((loan.schedule[k - 1]["due"], loan.schedule[k - 1]["amount"]))


def _pay(ctx: Lifecycle, state: dict, at: int, amount: int | None = None) -> int:
    """Rosa pays `amount` (default: the lens's amount due, read for the payment's own block) in a block at
    `at`; the market pulls no more than the payoff. Returns what she offered."""
    chain, loan = ctx.chain, state["loan"]
    approve(ctx, loan.borrower, chain.token, chain.market.address, chain.balance(loan.borrower.address))
    chain.next_block_at(at)
    if amount is None:
        amount = chain.lens.functions.amountDue(loan.loan_id).call(block_identifier="pending")
    chain.send(chain.market.functions.repay(loan.loan_id, amount), loan.borrower.account, gas=TIMED_TX_GAS)
    state["payments"].append((at, amount))
    return amount


def _propose(ctx: Lifecycle, state: dict) -> int:
    chain, loan = ctx.chain, state["loan"]
    expiry = chain.now() + 14 * DAY
    receipt = chain.send(
        chain.market.functions.proposeRestructure(loan.loan_id, EXTRA_PERIODS, HOLIDAY_PERIODS, expiry),
        loan.borrower.account,
    )
    proposal_id = _event(chain.market, "RestructureProposed", receipt)["proposalId"]
    state["proposalId"] = proposal_id
    ctx.say(
        f"Rosa proposed restructuring #{proposal_id}: {EXTRA_PERIODS} more installments and a payment "
        f"holiday of {HOLIDAY_PERIODS} month, open for approval for 14 days"
    )
    view = _await_view(ctx, loan, lambda v: v["proposal"] and v["proposal"]["proposalId"] == proposal_id)
    preview = view["preview"]["schedule"] or []
    state["preview"] = preview
    if preview:
        ctx.say(
            f"the API previews the new schedule: {len(preview)} installments, the first "
            f"{usd(int(preview[0]['payment']))}, then {usd(int(preview[1]['payment']))}"
        )
    return proposal_id


def _approve_by_signature(ctx: Lifecycle, state: dict, holder, proposal_id: int) -> None:
    """`holder` signs the approval typed data the API hands out; the platform submits it (anyone may)."""
    chain, loan = ctx.chain, state["loan"]
    assert holder.api is not None
    typed = holder.api.post(
        f"/v2/loans/{loan.loan_id}/restructuring/approvals/typed-data",
        {"holder": holder.address},
        expect=(200,),
    )
    if typed["proposalId"] != proposal_id:
        raise RuntimeError(f"typed data for proposal {typed['proposalId']}, not {proposal_id}")
    signature = Account.sign_message(encode_typed_data(full_message=typed["typedData"]), holder.account.key)
    chain.send(
        chain.market.functions.approveRestructureBySig(
            holder.address,
            loan.loan_id,
            proposal_id,
            typed["noteIds"],
            typed["deadline"],
            signature.signature,
        ),
        ctx.actors["Platform"].account,
    )
    ctx.say(
        f"{holder.name} signed the approval the API handed out (nonce {typed['nonce']}, valid until "
        f"{typed['deadline']}); the platform submitted it"
    )


def _await_view(ctx: Lifecycle, loan: Loan, ready) -> dict:
    """The API's restructuring view of `loan` once the indexer shows what `ready` looks for."""
    api = ctx.actors["Rosa"].api
    assert api is not None

    def view() -> dict | None:
        try:
            body = api.get(f"/v2/loans/{loan.loan_id}/restructuring")
        except ApiError as error:
            if error.status == 404:  # the indexer has not reached the loan's listing yet
                return None
            raise
        return body if ready(body) else None

    return wait_until(view, 30, "the indexer to show the restructuring", interval=0.25)
