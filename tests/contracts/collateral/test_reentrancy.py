"""A hostile collateral token (contracts/test/hostile) that calls back into the vault during a transfer
meets the lock."""

from collateral_support import E18, MAX_UINT, USD


def test_liquidate_reentryFromCollateralTransferRefused(
    configured, pledge, market, reentrant_collateral, admin, buyer, fund_buyer, err
):
    tok = reentrant_collateral
    pledge(1, E18, 1000 * USD, token=tok)
    market.setOutstanding(1, 1000 * USD, {"from": admin})
    market.setDefaulted(1, True, {"from": admin})
    fund_buyer(10_000 * USD)
    # during the collateral transfer to the buyer, try to buy again
    tok.arm(configured, configured.liquidate.encode_input(1, E18 // 10, MAX_UINT), {"from": admin})
    with err("ReentrancyGuardReentrantCall"):
        configured.liquidate(1, E18 // 10, MAX_UINT, {"from": buyer})
    assert configured.positionOf(1)[1] == E18


def test_pledge_reentryFromCollateralTransferRefused(
    configured, market, reentrant_collateral, admin, borrower, err
):
    tok = reentrant_collateral
    tok.mint(borrower, 2 * E18, {"from": admin})
    tok.approve(configured, 2 * E18, {"from": borrower})
    # a liquidation attempted from inside the pledge's token pull meets the same lock
    tok.arm(configured, configured.liquidate.encode_input(1, 1, MAX_UINT), {"from": admin})
    with err("ReentrancyGuardReentrantCall"):
        market.pledge(1, borrower, tok, E18, 100 * USD, 1, {"from": borrower})


def test_addCollateral_reentryFromCollateralTransferRefused(
    configured, pledge, market, reentrant_collateral, admin, borrower, err
):
    tok = reentrant_collateral
    pledge(1, E18, 1000 * USD, token=tok)
    market.setOutstanding(1, 1000 * USD, {"from": admin})
    market.setDefaulted(1, True, {"from": admin})
    tok.mint(borrower, E18, {"from": admin})
    tok.approve(configured, E18, {"from": borrower})
    # a liquidation attempted from inside the top-up's token pull meets the lock
    tok.arm(configured, configured.liquidate.encode_input(1, 1, MAX_UINT), {"from": admin})
    with err("ReentrancyGuardReentrantCall"):
        market.addCollateral(1, borrower, E18, {"from": borrower})
    assert configured.positionOf(1)[1] == E18
