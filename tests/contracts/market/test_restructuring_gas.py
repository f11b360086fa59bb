"""Gas of restructuring against its aims, and of the hot paths on a restructured loan; writes
reports/gas-restructuring.json.

Restructuring runs three fallbacks down (LoanMarket -> LoanMarketExt -> LoanMarketOrigination ->
LoanMarketRestructuring, ~2,700 gas each), which it can afford: it happens once in a loan's life. What
it must not do is make the hot paths dearer: a repay of a restructured loan reads nothing more than any
repay (the new schedule is the loan's own fields), so it is held to the same aim as every repay, and a
note transfer or purchase does no restructuring work at all (test_restructure_approve.py).

Each approval writes one fresh slot per note (the approver), so approving costs ~25,000 per note beyond
the call (and a signed one ~32,000 more: the signature check and a fresh nonce slot); execution reads one
approver and one note per note counted, accrues and re-bases the loan and writes the schedule's base (a
fresh slot).
"""

import json
import os

from helpers.chain_time import latest_timestamp
from market_support import DAY, USD, list_loan, listing, note_id, pay_amount_due, sleep
from restructuring_support import lender_key, propose, signed

# The cold paths' aims are what they cost when written (109,510; 69,131; 101,433; 151,704) plus ~10%.
AIMS = {
    "LoanMarket.proposeRestructure": 120_000,
    "LoanMarket.approveRestructure/1note": 76_000,
    "LoanMarket.approveRestructureBySig/1note": 112_000,
    "LoanMarket.executeRestructure/3of4notes": 167_000,
    "LoanMarket.repay/restructured": 104_847,  # the aim of every repay (bench/gas.py)
    "LoanMarket.repay/restructured/late": 104_847,
}


def test_restructuring_gas(market, lens, note, borrowers, lenders, admin, outsider):
    gas = {}
    market.setMaxOpenLoansPerBorrower(5, {"from": admin})
    # warm the market's own token balance, as in a live market
    warm = list_loan(market, listing(principal=1_000 * USD), borrowers[2]).return_value
    market.fund(warm, 100 * USD, {"from": lenders[9]})

    loan = list_loan(market, listing(principal=10_000 * USD), borrowers[0]).return_value
    for i in range(4):
        market.fund(loan, 2_500 * USD, {"from": lenders[i]})
    market.drawdown(loan, {"from": borrowers[0]})
    sleep(30 * DAY)
    pay_amount_due(market, lens, loan, borrowers[0])
    sleep(40 * DAY)  # installment 2 ten days late

    tx = market.proposeRestructure(loan, 2, 2, latest_timestamp() + 20 * DAY, {"from": borrowers[0]})
    gas["LoanMarket.proposeRestructure"] = tx.gas_used
    pid = tx.return_value
    tx = market.approveRestructure(loan, pid, [note_id(loan, 0)], {"from": lenders[0]})
    gas["LoanMarket.approveRestructure/1note"] = tx.gas_used
    deadline, sig = signed(market, loan, pid, 1)
    tx = market.approveRestructureBySig(
        lender_key(1).address, loan, pid, [note_id(loan, 1)], deadline, sig, {"from": outsider}
    )
    gas["LoanMarket.approveRestructureBySig/1note"] = tx.gas_used
    market.approveRestructure(loan, pid, [note_id(loan, 2)], {"from": lenders[2]})
    tx = market.executeRestructure(loan, [note_id(loan, i) for i in range(4)], {"from": outsider})
    gas["LoanMarket.executeRestructure/3of4notes"] = tx.gas_used
    assert tx.events["RestructureExecuted"]["approvedPrincipal"] == 7_500 * USD

    first_due = market.getLoan(loan)["drawnAt"] + (market.getLoan(loan)["duePeriods"] + 1) * 30 * DAY
    sleep(first_due - market.getLoan(loan)["lastAccrual"])
    tx = pay_amount_due(market, lens, loan, borrowers[0])
    gas["LoanMarket.repay/restructured"] = tx.gas_used
    sleep(30 * DAY + 5 * DAY)
    tx = pay_amount_due(market, lens, loan, borrowers[0])
    gas["LoanMarket.repay/restructured/late"] = tx.gas_used

    # a proposal on a second loan, withdrawn
    other = list_loan(market, listing(principal=1_000 * USD), borrowers[1]).return_value
    market.fund(other, 1_000 * USD, {"from": lenders[4]})
    market.drawdown(other, {"from": borrowers[1]})
    propose(market, other, borrowers[1], extra=1)
    tx = market.withdrawRestructure(other, {"from": borrowers[1]})
    gas["LoanMarket.withdrawRestructure"] = tx.gas_used

    os.makedirs("reports", exist_ok=True)
    with open("reports/gas-restructuring.json", "w") as f:
        json.dump({"gas": gas, "aims": AIMS}, f, indent=2, sort_keys=True)
    print()
    for k, v in sorted(gas.items()):
        aim = AIMS.get(k)
        print(f"{k:44s} {v:>9,d}" + (f"   aim <= {aim:,d} {'OK' if v <= aim else 'OVER'}" if aim else ""))
    for k, aim in AIMS.items():
        assert gas[k] <= aim, f"{k}: {gas[k]} > {aim}"
