"""addCollateral: the market tops up a position with more of its token. Exactly the amount is pulled
(fee-on-transfer refused); no price is needed and a pause does not block it, since a top-up only makes a
position safer; a top-up that refills a position a liquidation emptied counts it as open again."""

import pytest
from collateral_support import E18, MAX_UINT, THRESHOLD, USD

PRINCIPAL = 1000 * USD


@pytest.fixture
def loan(configured, pledge, market, admin):
    """Loan 1: 1 WETH pledged for $1,000 (LTV 50% at $2,000), drawn down."""
    pledge(1, E18, PRINCIPAL)
    market.setOutstanding(1, PRINCIPAL, {"from": admin})
    return 1


@pytest.fixture
def top_up(configured, market, weth, borrower):
    """top_up(loan_id, amount, sender=borrower, token=weth) mints, approves and adds through the market."""

    def _top_up(loan_id, amount, sender=None, token=None):
        sender = sender or borrower
        token = token or weth
        token.mint(sender, amount, {"from": sender})
        token.approve(configured, amount, {"from": sender})
        return market.addCollateral(loan_id, sender, amount, {"from": sender})

    return _top_up


def _held(vault, loan_id):
    return int(vault.positionOf(loan_id)[1])


def test_addCollateral_pullsExactlyTheAmount(configured, loan, top_up, weth, borrower):
    top_up(loan, E18 // 2)
    assert weth.balanceOf(configured) == E18 + E18 // 2
    assert weth.balanceOf(borrower) == 0
    assert _held(configured, loan) == E18 + E18 // 2
    assert configured.positionOf(loan)[0] == weth


def test_addCollateral_emitsCollateralAdded(configured, loan, top_up, weth, borrower):
    tx = top_up(loan, E18 // 2)
    assert tx.events["CollateralAdded"] == {
        "loanId": loan,
        "from": borrower,
        "token": weth,
        "amount": E18 // 2,
    }


def test_addCollateral_fromAnotherWallet_releasedToTheBorrower(
    configured, loan, top_up, market, weth, borrower, accounts
):
    helper = accounts[6]
    top_up(loan, E18, sender=helper)
    assert weth.balanceOf(helper) == 0
    market.release(loan, {"from": borrower})
    assert weth.balanceOf(borrower) == 2 * E18  # the position, top-up included, is the borrower's


def test_addCollateral_restoresHealth(configured, loan, top_up, feed, admin):
    feed.setPrice(1100 * 10**8, {"from": admin})  # LTV 90.9%: liquidatable
    assert configured.isLiquidatable(loan)
    top_up(loan, E18)
    assert configured.ltvBps(loan) == 4545  # $1,000 / $2,200
    assert configured.ltvBps(loan) < THRESHOLD
    assert not configured.isLiquidatable(loan)


def test_addCollateral_refillsEmptiedPositionAndCountsItOpen(
    configured, loan, top_up, market, feed, buyer, fund_buyer, admin
):
    feed.setPrice(500 * 10**8, {"from": admin})  # the collateral is worth less than the debt
    fund_buyer(10_000 * USD)
    configured.liquidate(loan, MAX_UINT, MAX_UINT, {"from": buyer})
    assert _held(configured, loan) == 0
    assert configured.openPositions() == 0
    top_up(loan, 3 * E18)
    assert _held(configured, loan) == 3 * E18
    assert configured.openPositions() == 1


def test_addCollateral_toHeldPositionKeepsCount(configured, loan, top_up):
    top_up(loan, E18)
    assert configured.openPositions() == 1


def test_addCollateral_worksWhilePaused(configured, loan, top_up, pauser):
    configured.pause({"from": pauser})
    top_up(loan, E18)
    assert _held(configured, loan) == 2 * E18


def test_addCollateral_needsNoPrice(configured, loan, top_up, feed, admin):
    feed.setPrice(0, {"from": admin})  # a dead feed blocks valuation, not a top-up
    top_up(loan, E18)
    assert _held(configured, loan) == 2 * E18


def test_addCollateral_feeOnTransferRefused(configured, pledge, market, fee_collateral, borrower, err):
    fot = fee_collateral
    # 1% of 99 base units rounds down to no fee, so this pledge goes through whole
    pledge(1, 99, 0, token=fot)
    fot.mint(borrower, E18, {"from": borrower})
    fot.approve(configured, E18, {"from": borrower})
    with err("FeeOnTransferNotSupported", fot.address, E18, E18 - E18 // 100):
        market.addCollateral(1, borrower, E18, {"from": borrower})
    assert _held(configured, 1) == 99
    assert fot.balanceOf(configured) == 99


def test_addCollateral_noPosition(configured, market, borrower, err):
    with err("NoPosition", 9):
        market.addCollateral(9, borrower, E18, {"from": borrower})


def test_addCollateral_releasedPositionRefused(configured, loan, market, borrower, err):
    market.release(loan, {"from": borrower})
    with err("NoPosition", loan):
        market.addCollateral(loan, borrower, E18, {"from": borrower})


def test_addCollateral_zeroAmount(configured, loan, market, borrower, err):
    with err("ZeroAmount"):
        market.addCollateral(loan, borrower, 0, {"from": borrower})


def test_addCollateral_amountTooLarge(configured, loan, top_up, err):
    # the position holds 1 WETH; the sum must still fit the stored uint96
    with err("AmountTooLarge", 2**96, 2**96 - 1):
        top_up(loan, 2**96 - E18)
    top_up(loan, 2**96 - 1 - E18)
    assert _held(configured, loan) == 2**96 - 1
