"""openPositions: how many positions hold collateral now (the market may switch vaults only at zero).
A pledge opens one; a liquidation that empties it or a release of a non-empty one closes it; a partial
liquidation, or a release of a position a liquidation already emptied, changes nothing."""

import pytest
from collateral_support import E18, MAX_UINT, USD

PRINCIPAL = 1000 * USD


@pytest.fixture
def two_loans(configured, pledge, market, fund_buyer, admin):
    """Loans 1 and 2, 1 WETH each for $1,000, drawn down; the buyer is funded."""
    for loan in (1, 2):
        pledge(loan, E18, PRINCIPAL)
        market.setOutstanding(loan, PRINCIPAL, {"from": admin})
    fund_buyer(100_000 * USD)
    return configured


def _empty_by_liquidation(vault, feed, buyer, admin, loan):
    """Sells all of `loan`'s collateral: at $500 it is worth less than the debt, so nothing is left."""
    feed.setPrice(500 * 10**8, {"from": admin})
    vault.liquidate(loan, MAX_UINT, MAX_UINT, {"from": buyer})
    assert vault.positionOf(loan)[1] == 0


def test_openPositions_zeroAtDeployment(vault):
    assert vault.openPositions() == 0


def test_openPositions_countsEachPledge(configured, pledge):
    pledge(1, E18, PRINCIPAL)
    assert configured.openPositions() == 1
    pledge(2, E18, PRINCIPAL)
    assert configured.openPositions() == 2


def test_openPositions_partialLiquidationKeepsCount(two_loans, feed, buyer, admin):
    feed.setPrice(1100 * 10**8, {"from": admin})
    two_loans.liquidate(1, E18 // 10, MAX_UINT, {"from": buyer})
    assert two_loans.openPositions() == 2


def test_openPositions_closingLiquidationWithSurplusKeepsCount(two_loans, feed, buyer, admin):
    # the payoff is repaid, and the surplus collateral stays in the position until the market releases it
    feed.setPrice(1100 * 10**8, {"from": admin})
    two_loans.liquidate(1, MAX_UINT, MAX_UINT, {"from": buyer})
    assert two_loans.positionOf(1)[1] > 0
    assert two_loans.openPositions() == 2


def test_openPositions_liquidationThatEmptiesPositionDecrements(two_loans, feed, buyer, admin):
    _empty_by_liquidation(two_loans, feed, buyer, admin, 1)
    assert two_loans.openPositions() == 1


def test_openPositions_releaseDecrements(two_loans, market, admin):
    market.release(1, {"from": admin})
    assert two_loans.openPositions() == 1


def test_openPositions_releaseOfEmptiedPositionDoesNotDecrementAgain(two_loans, market, feed, buyer, admin):
    _empty_by_liquidation(two_loans, feed, buyer, admin, 1)
    market.release(1, {"from": admin})
    assert two_loans.openPositions() == 1


def test_openPositions_releaseTwiceDecrementsOnce(two_loans, market, admin):
    market.release(1, {"from": admin})
    market.release(1, {"from": admin})
    assert two_loans.openPositions() == 1


def test_openPositions_releaseInsideClosingLiquidationDecrementsOnce(two_loans, market, feed, buyer, admin):
    market.setAutoRelease(True, {"from": admin})
    feed.setPrice(1100 * 10**8, {"from": admin})
    tx = two_loans.liquidate(1, MAX_UINT, MAX_UINT, {"from": buyer})
    assert "CollateralReleased" in tx.events
    assert two_loans.openPositions() == 1


def test_openPositions_backToZeroWhenEveryPositionCloses(two_loans, market, feed, buyer, admin):
    _empty_by_liquidation(two_loans, feed, buyer, admin, 1)
    market.release(2, {"from": admin})
    market.release(1, {"from": admin})
    assert two_loans.openPositions() == 0
