"""Gas of the market's entry points against the aims; writes reports/gas-market.json."""
import json
import os

import brownie
from market_support import DAY, USD, listing, sleep

AIMS = {
    "LoanMarket.fund/first": 125_000,
    "LoanMarket.fund/later": 125_000,
    "LoanMarket.repay/1note": 110_000,
    "LoanMarket.repay/500notes": 110_000,
    "LoanMarket.claim/1note": 70_000,
}


def test_gas(market, lens, token, note, borrowers, lenders, admin, outsider, accounts, reserve):
    gas = {}
    market.setMinTicket(1, {"from": admin})
    market.setMaxOpenLoansPerBorrower(5, {"from": admin})

    # warm the market's own token balance, as in a live market
    warm = market.list(listing(principal=1_000 * USD), {"from": borrowers[2]}).return_value
    market.fund(warm, 10 * USD, {"from": lenders[9]})

    # loan A: one note
    tx = market.list(listing(principal=1_000 * USD), {"from": borrowers[0]})
    gas["LoanMarket.list"] = tx.gas_used
    a = tx.return_value
    tx = market.fund(a, 1_000 * USD, {"from": lenders[0]})
    gas["LoanMarket.fund/first"] = tx.gas_used
    tx = market.drawdown(a, {"from": borrowers[0]})
    gas["LoanMarket.drawdown"] = tx.gas_used

    # loan B: 500 notes from 10 lenders
    b = market.list(listing(principal=500 * USD), {"from": borrowers[1]}).return_value
    tx = market.fund(b, USD, {"from": lenders[1]})
    gas["LoanMarket.fund/firstNoteOfLoan"] = tx.gas_used
    tx = market.fund(b, USD, {"from": lenders[2]})
    gas["LoanMarket.fund/later"] = tx.gas_used
    tx = market.fund(b, USD, {"from": lenders[1]})
    gas["LoanMarket.fund/laterSameLender"] = tx.gas_used
    for i in range(497):
        market.fund(b, USD, {"from": lenders[i % 10]})
    assert market.getLoan(b)["noteCount"] == 500
    market.drawdown(b, {"from": borrowers[1]})

    sleep(30 * DAY)
    tx = market.repay(a, lens.amountDue(a), {"from": borrowers[0]})
    gas["LoanMarket.repay/1note"] = tx.gas_used
    tx = market.repay(b, lens.amountDue(b), {"from": borrowers[1]})
    gas["LoanMarket.repay/500notes"] = tx.gas_used

    tx = market.claim(a << 32, {"from": lenders[0]})
    gas["LoanMarket.claim/1note"] = tx.gas_used
    ids = [(b << 32) | j for j in range(3, 500) if (j - 3) % 10 == 3][:10]
    tx = market.claimMany(ids, {"from": lenders[3]})
    gas["LoanMarket.claimMany/10notes"] = tx.gas_used

    sleep(30 * DAY)
    market.repay(a, lens.amountDue(a), {"from": borrowers[0]})
    tx = market.claim(a << 32, {"from": lenders[0]})
    gas["LoanMarket.claim/1note-again"] = tx.gas_used

    tx = market.sweepFees({"from": outsider})
    gas["LoanMarket.sweepFees"] = tx.gas_used

    sleep(121 * DAY)
    tx = market.markDefault(b, {"from": outsider})
    gas["LoanMarket.markDefault"] = tx.gas_used
    tx = market.coverFromReserve(b, {"from": outsider})
    gas["LoanMarket.coverFromReserve"] = tx.gas_used

    c = market.list(listing(principal=1_000 * USD), {"from": borrowers[0]}).return_value
    n = market.fund(c, 100 * USD, {"from": lenders[4]}).return_value
    tx = market.cancel(c, {"from": borrowers[0]})
    gas["LoanMarket.cancel"] = tx.gas_used
    tx = market.withdrawFunding(n, {"from": lenders[4]})
    gas["LoanMarket.withdrawFunding"] = tx.gas_used

    nid = (b << 32) | 0
    tx = note.transferFrom(lenders[1], lenders[9], nid, {"from": lenders[1]})
    gas["LoanNote.transferFrom"] = tx.gas_used

    os.makedirs("reports", exist_ok=True)
    with open("reports/gas-market.json", "w") as f:
        json.dump({"gas": gas, "aims": AIMS}, f, indent=2, sort_keys=True)
    print()
    for k, v in sorted(gas.items()):
        aim = AIMS.get(k)
        print(f"{k:38s} {v:>9,d}" + (f"   aim <= {aim:,d} {'OK' if v <= aim else 'OVER'}" if aim else ""))
    for k, aim in AIMS.items():
        assert gas[k] <= aim, f"{k}: {gas[k]} > {aim}"
