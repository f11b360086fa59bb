"""Gas of the market's entry points against the aims; writes reports/gas-market.json.

The hot paths may cost at most 3% more than they did before the market was split and its rules were
enforced on every path (the figures in TURN_1), whatever those rules add: a frozen holder is refused
at claim, which costs one more cold storage read in the identity registry.
"""

import json
import os

from market_support import DAY, USD, list_loan, listing, note_id, sleep

TURN_1 = {"fund": 118_560, "repay": 101_794, "claim": 69_933}
AIMS = {
    "LoanMarket.fund/first": TURN_1["fund"] * 103 // 100,
    "LoanMarket.fund/later": TURN_1["fund"] * 103 // 100,
    "LoanMarket.repay/1note": TURN_1["repay"] * 103 // 100,
    "LoanMarket.repay/500notes": TURN_1["repay"] * 103 // 100,
    "LoanMarket.claim/1note": TURN_1["claim"] * 103 // 100,
}


def test_gas(market, lens, token, note, borrowers, lenders, admin, outsider, accounts, reserve):
    gas = {}
    market.setMinTicket(1, {"from": admin})
    market.setMaxOpenLoansPerBorrower(5, {"from": admin})

    # warm the market's own token balance, as in a live market
    warm = list_loan(market, listing(principal=1_000 * USD), borrowers[2]).return_value
    market.fund(warm, 10 * USD, {"from": lenders[9]})

    # loan A: one note
    tx = list_loan(market, listing(principal=1_000 * USD), borrowers[0])
    gas["LoanMarket.list"] = tx.gas_used
    a = tx.return_value
    tx = market.fund(a, 1_000 * USD, {"from": lenders[0]})
    gas["LoanMarket.fund/first"] = tx.gas_used
    tx = market.drawdown(a, {"from": borrowers[0]})
    gas["LoanMarket.drawdown"] = tx.gas_used

    # loan B: 500 notes from 10 lenders
    b = list_loan(market, listing(principal=500 * USD), borrowers[1]).return_value
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

    tx = market.claim(note_id(a, 0), {"from": lenders[0]})
    gas["LoanMarket.claim/1note"] = tx.gas_used
    ids = [note_id(b, j) for j in range(3, 500) if (j - 3) % 10 == 3][:10]
    tx = market.claimMany(ids, {"from": lenders[3]})
    gas["LoanMarket.claimMany/10notes"] = tx.gas_used

    sleep(30 * DAY)
    market.repay(a, lens.amountDue(a), {"from": borrowers[0]})
    tx = market.claim(note_id(a, 0), {"from": lenders[0]})
    gas["LoanMarket.claim/1note-again"] = tx.gas_used

    tx = market.sweepFees({"from": outsider})
    gas["LoanMarket.sweepFees"] = tx.gas_used

    sleep(121 * DAY)
    tx = market.markDefault(b, {"from": outsider})
    gas["LoanMarket.markDefault"] = tx.gas_used
    tx = market.coverFromReserve(b, {"from": outsider})
    gas["LoanMarket.coverFromReserve"] = tx.gas_used

    c = list_loan(market, listing(principal=1_000 * USD), borrowers[0]).return_value
    n = market.fund(c, 100 * USD, {"from": lenders[4]}).return_value
    tx = market.cancel(c, {"from": borrowers[0]})
    gas["LoanMarket.cancel"] = tx.gas_used
    tx = market.withdrawFunding(n, {"from": lenders[4]})
    gas["LoanMarket.withdrawFunding"] = tx.gas_used

    nid = note_id(b, 0)
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
    # repay costs the same whatever the number of notes (accumulator distribution)
    assert abs(gas["LoanMarket.repay/500notes"] - gas["LoanMarket.repay/1note"]) < 3_000
