"""The collateral vault cannot be switched while it holds an open position: the market releases and
checks collateral through the current vault only, so an open position would be stranded."""

from market_support import USD, list_loan, listing


def test_an_open_position_blocks_the_switch(
    market, vault, collateral, TestCollateralVault, borrower, admin, err
):
    loan_id = list_loan(
        market, listing(collateral_token=collateral, collateral_amount=5_000 * USD), borrower
    ).return_value
    successor = TestCollateralVault.deploy(market, {"from": admin})
    with err("CollateralVaultInUse", vault, 1):
        market.setCollateralVault(successor, {"from": admin})
    before = collateral.balanceOf(borrower)
    market.cancel(loan_id, {"from": borrower})
    assert collateral.balanceOf(borrower) - before == 5_000 * USD  # released by the vault that holds it
    market.setCollateralVault(successor, {"from": admin})
    assert market.collateralVault() == successor


def test_a_repaid_borrower_gets_the_collateral_back(
    market, vault, collateral, TestCollateralVault, borrower, lenders, admin, err
):
    loan_id = list_loan(
        market, listing(collateral_token=collateral, collateral_amount=5_000 * USD), borrower
    ).return_value
    for lender in lenders[:4]:
        market.fund(loan_id, 2_500 * USD, {"from": lender})
    market.drawdown(loan_id, {"from": borrower})
    with err("CollateralVaultInUse", vault, 1):
        market.setCollateralVault(TestCollateralVault.deploy(market, {"from": admin}), {"from": admin})
    before = collateral.balanceOf(borrower)
    market.repay(loan_id, 10**12, {"from": borrower})
    assert collateral.balanceOf(borrower) - before == 5_000 * USD
