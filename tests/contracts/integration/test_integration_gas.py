"""Gas of a liquidation through the real market and vault together (the collateral gas test measures
the vault against a market double); writes reports/gas-integration.json."""

import json
import os

from brownie import chain
from integration_support import DAY, MAX_UINT, USD, WETH, list_with_offer


def test_gas(lending, stablecoin, admin):
    market, vault, feed, weth = lending["market"], lending["vault"], lending["feed"], lending["weth"]
    borrower, lender, buyer = lending["borrower"], lending["lender"], lending["buyer"]
    gas = {}
    weth.approve(vault, MAX_UINT, {"from": borrower})
    stablecoin.approve(market, MAX_UINT, {"from": lender})
    stablecoin.approve(vault, MAX_UINT, {"from": buyer})
    market.setMaxOpenLoansPerBorrower(2, {"from": admin})
    loans = []
    for _ in range(2):  # the second loan's liquidations run with every contract already warm
        params = (10_000 * USD, 0, 6, 30 * DAY, chain.time() + 7 * DAY, weth.address, 5 * WETH)
        loan_id = list_with_offer(market, params, borrower).return_value
        market.fund(loan_id, 10_000 * USD, {"from": lender})
        market.drawdown(loan_id, {"from": borrower})
        loans.append(loan_id)
    chain.sleep(121 * DAY)
    feed.setPrice(3_000 * 10**8, {"from": buyer})
    for loan_id in loans:
        market.markDefault(loan_id, {"from": buyer})
    for label, loan_id in (("first", loans[0]), ("steady", loans[1])):
        tx = vault.liquidate(loan_id, WETH, MAX_UINT, {"from": buyer})
        gas[f"System.liquidate/partial/{label}"] = tx.gas_used
    tx = vault.liquidate(loans[1], MAX_UINT, MAX_UINT, {"from": buyer})
    gas["System.liquidate/closing+release"] = tx.gas_used
    os.makedirs("reports", exist_ok=True)
    with open("reports/gas-integration.json", "w") as f:
        json.dump({"gas": gas}, f, indent=2, sort_keys=True)
    print()
    for k, v in sorted(gas.items()):
        print(f"{k:40s} {v:>9,d}")
