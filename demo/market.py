"""The demo's lender liquidity: an auto-invest mandate that funds a listing, and a note sold mid-loan.

Both run against the deployed contracts with the wallets' own keys, as a front end would send them.
"""

from __future__ import annotations

import time

from demo.chain import DAY
from demo.lifecycle import Actor, Lifecycle, Loan, _event, approve, faucet, usd

KEEPER_WAIT_SECONDS = 10.0
DIVERSIFICATION = 5  # the default 20% share: a ticket of X needs 5 X deposited


def open_mandate(ctx: Lifecycle, lender: Actor, offer: dict, ticket: int) -> tuple:
    """`lender` deposits into AutoInvest and signs up for loans like `offer` (its grade, at least its APR, at
    most its term) with `ticket` per loan. Returns the mandate."""
    chain = ctx.chain
    auto = chain.auto_invest
    grade, apr, term_days = offer["grade"], offer["aprBps"], offer["termMonths"] * 30
    deposit = ticket * DIVERSIFICATION
    faucet(ctx, lender, deposit)
    approve(ctx, lender, chain.token, auto.address, deposit)
    chain.send(auto.functions.deposit(deposit), lender.account)
    mandate = (1 << (grade - 1), apr, term_days, ticket, ticket * 2, 0, True)
    chain.send(auto.functions.setMandate(mandate), lender.account)
    ctx.say(
        f"{lender.name} deposited {usd(deposit)} into AutoInvest (its own balance, no pool) with a mandate: "
        f"grade {'ABCDEFG'[grade - 1]}, at least {apr / 100:.2f}%, at most {term_days} days, "
        f"{usd(ticket)} per loan, {usd(ticket * 2)} per borrower"
    )
    return mandate


def await_allocation(ctx: Lifecycle, lender: Actor, loan: Loan) -> int:
    """The platform's keeper allocates a new listing to the matching mandates in the next block; where no
    keeper runs, the demo allocates (anyone may). Returns the lender's note id."""
    chain = ctx.chain
    auto = chain.auto_invest
    deadline = time.monotonic() + KEEPER_WAIT_SECONDS

    def allocated_yet() -> bool:
        return chain.call(auto.functions.allocated(loan.loan_id, lender.address))

    while time.monotonic() < deadline and not allocated_yet():
        time.sleep(0.25)
    if allocated_yet():
        by = "the keeper"
        logs = auto.events.Allocated().get_logs(
            from_block=max(0, chain.w3.eth.block_number - 50), argument_filters={"lender": lender.address}
        )
        allocated = dict(logs[-1]["args"])
    else:
        by = "the demo (no keeper running)"
        receipt = chain.send(auto.functions.allocate(loan.loan_id, [lender.address]), lender.account)
        allocated = _event(auto, "Allocated", receipt)
    note_id = allocated["noteId"]
    loan.notes[lender.name] = note_id
    loan.funded_by[lender.name] = allocated["amount"]
    ctx.say(
        f"{by} allocated loan #{loan.loan_id} to {lender.name}'s mandate: {usd(allocated['amount'])}, "
        f"note minted to {lender.name}"
    )
    return note_id


def reinvest(ctx: Lifecycle, lender: Actor, loan: Loan) -> int:
    """The mandate's lender claims what its note earned back into its AutoInvest balance."""
    chain = ctx.chain
    receipt = chain.send(chain.auto_invest.functions.reinvest([loan.notes[lender.name]]), lender.account)
    amount = _event(chain.auto_invest, "Reinvested", receipt)["amount"]
    balance = chain.call(chain.auto_invest.functions.accountOf(lender.address))[4]
    ctx.say(
        f"{lender.name} reinvested {usd(amount)} from loan #{loan.loan_id} into the mandate "
        f"(uninvested balance {usd(balance)})"
    )
    return amount


def sell_note(ctx: Lifecycle, loan: Loan, seller: Actor, buyer: Actor) -> dict:
    """`seller` offers its note of `loan` at par for a week; `buyer` reads the quote and buys it. The seller
    gets the price less the resale fee plus what the note earned unclaimed; later repayments go to the
    buyer."""
    chain = ctx.chain
    note_id = loan.notes[seller.name]
    chain.w3.provider.make_request("evm_mine", [])  # quote at a fresh block's time
    quote = chain.call(chain.lens.functions.quote(note_id, 1))
    par, price_cap = quote[2], quote[8]
    price = min(par, price_cap)
    chain.send(chain.market.functions.offerNote(note_id, price, chain.now() + 7 * DAY), seller.account)
    quote = chain.call(chain.lens.functions.quote(note_id, price))
    ctx.say(
        f"{seller.name} offered note {note_id:#x} at {usd(price)} ({quote[3] / 100:.2f}% of par, "
        f"yield to maturity {quote[4] / 100:.2f}%, {quote[9]} installments left, {quote[5]} days past due)"
    )
    faucet(ctx, buyer, price)
    approve(ctx, buyer, chain.token, chain.market.address, price)
    receipt = chain.send(chain.market.functions.buyNote(note_id, price, False), buyer.account)
    sold = _event(chain.market, "NoteSold", receipt)
    del loan.notes[seller.name]
    loan.notes[buyer.name] = note_id
    received = sold["price"] - sold["fee"] + sold["sellerEarned"]
    ctx.say(
        f"{buyer.name} bought it: {seller.name} received {usd(received)}"
        f" (price {usd(sold['price'])}, fee {usd(sold['fee'])}, earned before the sale "
        f"{usd(sold['sellerEarned'])}); later repayments go to {buyer.name} (gas {receipt['gasUsed']:,})"
    )
    return sold
