"""Pause matrix: pause blocks new pledges only. Release, liquidation (of defaulted and of breached
loans) and every view keep working, so a crisis control never traps collateral or stops recovery."""

import pytest
from collateral_support import E18, MAX_UINT, USD


@pytest.fixture
def paused_with_loans(configured, pledge, market, feed, pauser, admin, fund_buyer):
    pledge(1, E18, 1000 * USD)  # will default
    pledge(2, E18, 1000 * USD)  # will breach the threshold
    pledge(3, E18, 1000 * USD)  # will be repaid
    for loan in (1, 2, 3):
        market.setOutstanding(loan, 1000 * USD, {"from": admin})
    market.setDefaulted(1, True, {"from": admin})
    fund_buyer(100_000 * USD)
    tx = configured.pause({"from": pauser})
    assert tx.events["Paused"]["account"] == pauser
    return configured


def test_paused_pledgeBlocked(paused_with_loans, pledge, err):
    with err("EnforcedPause"):
        pledge(4, E18, 100 * USD)


def test_paused_liquidationOfDefaultedLoanContinues(paused_with_loans, buyer):
    paused_with_loans.liquidate(1, E18 // 2, MAX_UINT, {"from": buyer})


def test_paused_liquidationOfBreachedLoanContinues(paused_with_loans, feed, buyer, admin):
    feed.setPrice(1100 * 10**8, {"from": admin})
    paused_with_loans.liquidate(2, E18 // 2, MAX_UINT, {"from": buyer})


def test_paused_releaseContinues(paused_with_loans, market, weth, borrower, admin):
    market.release(3, {"from": admin})
    assert weth.balanceOf(borrower) == E18


def test_paused_viewsWork(paused_with_loans, math_):
    assert paused_with_loans.collateralValue(1) == 2000 * USD
    assert paused_with_loans.ltvBps(1) == 5000
    assert paused_with_loans.isLiquidatable(1)
    # the $1,000 owed caps the sale at the least collateral that repays it, at its discounted value
    unit = math_.value(1, 2000 * 10**8, factor=9500)
    bought, payment = paused_with_loans.quoteLiquidation(1, E18)
    assert bought == math_.ceil(1000 * USD / unit)
    assert payment == math_.ceil(bought * unit)


def test_paused_governanceContinues(paused_with_loans, weth, feed, risk):
    from collateral_support import params

    paused_with_loans.configureCollateral(weth, params(feed, discount=1000), {"from": risk})
    paused_with_loans.setCollateralEnabled(weth, False, {"from": risk})


def test_unpause_restoresPledges(paused_with_loans, pledge, pauser):
    tx = paused_with_loans.unpause({"from": pauser})
    assert tx.events["Unpaused"]["account"] == pauser
    pledge(4, E18, 100 * USD)


def test_pause_twiceReverts(paused_with_loans, pauser, err):
    with err("EnforcedPause"):
        paused_with_loans.pause({"from": pauser})


def test_unpause_whenNotPausedReverts(configured, pauser, err):
    with err("ExpectedPause"):
        configured.unpause({"from": pauser})


def test_disabledCollateral_liquidationAndReleaseContinue(
    configured, pledge, market, weth, risk, buyer, fund_buyer, admin
):
    # Disabling a collateral type (e.g. a feed being retired) stops new pledges only.
    pledge(1, E18, 1000 * USD)
    pledge(2, E18, 1000 * USD)
    market.setOutstanding(1, 1000 * USD, {"from": admin})
    market.setDefaulted(1, True, {"from": admin})
    configured.setCollateralEnabled(weth, False, {"from": risk})
    fund_buyer(10_000 * USD)
    configured.liquidate(1, E18 // 2, MAX_UINT, {"from": buyer})
    market.release(2, {"from": admin})
