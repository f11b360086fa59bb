"""Gas of auto-invest: a deposit (first, and again), a mandate set by transaction, an allocation that
funds one and three lenders, a reinvestment of one note's repayment and a withdrawal; writes
reports/gas-auto-invest.json. The allocation's cost per lender is its marginal figure: each lender funded
writes its ledger, its exposure, the per-loan mark and the market's note."""

import json
import os

from market_support import DAY, USD, list_loan, listing, note_id, pay_amount_due, sleep

ALL = 0b1111111


def test_auto_invest_gas(auto, market, lens, borrowers, lenders, admin):
    gas = {}
    market.setMaxOpenLoansPerBorrower(5, {"from": admin})
    mandate = (ALL, 0, 400, 1_000 * USD, 5_000 * USD, 0, True)
    tx = auto.setMandate(mandate, {"from": lenders[0]})
    gas["AutoInvest.setMandate"] = tx.gas_used
    tx = auto.deposit(10_000 * USD, {"from": lenders[0]})
    gas["AutoInvest.deposit/first"] = tx.gas_used
    tx = auto.deposit(1_000 * USD, {"from": lenders[0]})
    gas["AutoInvest.deposit/again"] = tx.gas_used
    for lender in lenders[1:3]:
        auto.setMandate(mandate, {"from": lender})
        auto.deposit(10_000 * USD, {"from": lender})

    one = list_loan(market, listing(principal=5_000 * USD), borrowers[0]).return_value
    tx = auto.allocate(one, [lenders[0]], {"from": admin})
    gas["AutoInvest.allocate/1lender"] = tx.gas_used
    three = list_loan(market, listing(principal=5_000 * USD), borrowers[1]).return_value
    queue = sorted(lenders[:3], key=auto.turnOf)
    tx = auto.allocate(three, queue, {"from": admin})
    gas["AutoInvest.allocate/3lenders"] = tx.gas_used
    gas["AutoInvest.allocate/marginalPerLender"] = (
        gas["AutoInvest.allocate/3lenders"] - gas["AutoInvest.allocate/1lender"]
    ) // 2

    market.fund(one, 4_000 * USD, {"from": lenders[5]})
    market.drawdown(one, {"from": borrowers[0]})
    sleep(30 * DAY)
    pay_amount_due(market, lens, one, borrowers[0])
    tx = auto.reinvest([note_id(one, 0)], {"from": lenders[0]})
    gas["AutoInvest.reinvest/1note"] = tx.gas_used
    tx = auto.withdraw(500 * USD, {"from": lenders[0]})
    gas["AutoInvest.withdraw"] = tx.gas_used

    os.makedirs("reports", exist_ok=True)
    with open("reports/gas-auto-invest.json", "w") as f:
        json.dump({"gas": gas}, f, indent=2, sort_keys=True)
    print()
    for k, v in sorted(gas.items()):
        print(f"{k:48s} {v:>9,d}")
    assert gas["AutoInvest.allocate/marginalPerLender"] > 0
