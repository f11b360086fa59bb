"""pledge and release: LTV at listing by grade, input checks, fee-on-transfer refusal, release rules."""

import pytest
from collateral_support import E18, MAX_LTV, MAX_UINT, USD, params

ZERO = "0x0000000000000000000000000000000000000000"


def _pos(vault, loan_id):
    token, amount = vault.positionOf(loan_id)
    return token, int(amount)


def test_pledge_pullsCollateralAndRecordsPosition(configured, pledge, weth, borrower, market):
    tx = pledge(1, E18, 1000 * USD)
    assert weth.balanceOf(configured) == E18
    assert weth.balanceOf(borrower) == 0
    assert _pos(configured, 1) == (weth, E18)
    assert configured.borrowerOf(1) == borrower
    assert tx.events["CollateralPledged"] == {
        "loanId": 1,
        "borrower": borrower,
        "token": weth,
        "amount": E18,
        "value": 2000 * USD,
    }


@pytest.mark.parametrize("grade", range(1, 8))
def test_pledge_atGradeMaxLtvAccepted_aboveRefused(configured, pledge, market, weth, borrower, err, grade):
    max_principal = 2000 * USD * MAX_LTV[grade - 1] // 10_000
    with err("InsufficientCollateral", 1, 2000 * USD, max_principal + 1, MAX_LTV[grade - 1]):
        pledge(1, E18, max_principal + 1, grade=grade)
    # the failed attempt minted and approved already; pledge again at exactly the maximum
    pledge(1, E18, max_principal, grade=grade)
    assert _pos(configured, 1)[1] == E18


def test_pledge_valueRoundedDownForLtv(configured, pledge, feed, err):
    # 3 wei at $2000 is worth 0.000000000000006 USD: rounds down to zero, so any principal is refused.
    with err("InsufficientCollateral", 1, 0, 1, 7000):
        pledge(1, 3, 1)


def test_pledge_gradeWithZeroMaxLtvRefused(configured, pledge, weth, feed, risk, err):
    configured.configureCollateral(weth, params(feed, max_ltv=[7000, 0, 0, 0, 0, 0, 0]), {"from": risk})
    with err("InsufficientCollateral", 1, 2000 * USD, 1, 0):
        pledge(1, E18, 1, grade=2)


@pytest.mark.parametrize("grade", [0, 8, 255])
def test_pledge_invalidGrade(configured, pledge, err, grade):
    with err("InvalidGrade", grade):
        pledge(1, E18, USD, grade=grade)


def test_pledge_zeroAmount(configured, pledge, err):
    with err("ZeroAmount"):
        pledge(1, 0, 0)


def test_pledge_amountTooLarge(configured, pledge, err):
    with err("AmountTooLarge", 2**96, 2**96 - 1):
        pledge(1, 2**96, USD)


def test_pledge_zeroBorrower(configured, market, weth, borrower, err):
    with err("InvalidBorrower", ZERO):
        market.pledge(1, ZERO, weth, E18, USD, 1, {"from": borrower})


def test_pledge_positionExists(configured, pledge, err):
    pledge(1, E18, USD)
    with err("PositionExists", 1):
        pledge(1, E18, USD)


def test_pledge_unknownCollateral(configured, pledge, MockCollateralToken, admin, err):
    tok = MockCollateralToken.deploy("X", 18, {"from": admin})
    with err("CollateralNotEnabled", tok.address):
        pledge(1, E18, USD, token=tok)


def test_pledge_disabledCollateral(configured, pledge, weth, risk, err):
    configured.setCollateralEnabled(weth, False, {"from": risk})
    with err("CollateralNotEnabled", weth.address):
        pledge(1, E18, USD)


def test_pledge_feeOnTransferRefused(configured, pledge, fee_collateral, err):
    fot = fee_collateral
    with err("FeeOnTransferNotSupported", fot.address, E18, E18 - E18 // 100):
        pledge(1, E18, USD, token=fot)
    assert fot.balanceOf(configured) == 0


def test_pledge_withoutAllowanceReverts(configured, market, weth, borrower, err):
    weth.mint(borrower, E18, {"from": borrower})
    with err("ERC20InsufficientAllowance"):
        market.pledge(1, borrower, weth, E18, USD, 1, {"from": borrower})


def test_release_returnsAllToBorrower(configured, pledge, market, weth, borrower, stranger):
    pledge(1, E18, 1000 * USD)
    tx = market.release(1, {"from": stranger})
    assert weth.balanceOf(borrower) == E18
    assert weth.balanceOf(configured) == 0
    assert _pos(configured, 1) == (ZERO, 0)
    assert tx.events["CollateralReleased"] == {
        "loanId": 1,
        "borrower": borrower,
        "token": weth,
        "amount": E18,
    }


def test_release_twiceIsNoop(configured, pledge, market, weth, borrower):
    pledge(1, E18, 1000 * USD)
    market.release(1, {"from": borrower})
    tx = market.release(1, {"from": borrower})
    assert "CollateralReleased" not in tx.events
    assert weth.balanceOf(borrower) == E18


def test_release_unknownLoanIsNoop(configured, market, borrower):
    tx = market.release(42, {"from": borrower})
    assert "CollateralReleased" not in tx.events


def test_release_keepsOtherPositions(configured, pledge, market, weth, borrower, accounts):
    other = accounts[6]
    pledge(1, E18, 1000 * USD)
    pledge(2, 3 * E18, 1000 * USD, owner=other)
    market.release(1, {"from": borrower})
    assert weth.balanceOf(configured) == 3 * E18
    assert _pos(configured, 2) == (weth, 3 * E18)
    market.release(2, {"from": borrower})
    assert weth.balanceOf(other) == 3 * E18


def test_release_afterPriceFeedFailure(configured, pledge, market, feed, weth, borrower):
    # Returning collateral needs no price: a dead feed never traps it.
    pledge(1, E18, 1000 * USD)
    feed.setPrice(0, {"from": borrower})
    market.release(1, {"from": borrower})
    assert weth.balanceOf(borrower) == E18


@pytest.fixture
def emptied(configured, pledge, market, feed, buyer, fund_buyer, admin):
    """Loan 1's position, emptied by a liquidation (1 WETH at $500 is worth less than the $1,000 owed)
    and not released yet."""
    pledge(1, E18, 1000 * USD)
    market.setOutstanding(1, 1000 * USD, {"from": admin})
    feed.setPrice(500 * 10**8, {"from": admin})
    fund_buyer(10_000 * USD)
    configured.liquidate(1, MAX_UINT, MAX_UINT, {"from": buyer})
    assert _pos(configured, 1)[1] == 0
    feed.setPrice(2000 * 10**8, {"from": admin})
    return 1


def test_release_ofEmptiedPositionFreesTheLoanId(configured, emptied, pledge, market, weth, borrower):
    assert configured.borrowerOf(emptied) == borrower  # kept until the market releases
    tx = market.release(emptied, {"from": borrower})
    assert "CollateralReleased" not in tx.events  # nothing to return
    assert _pos(configured, emptied) == (ZERO, 0)
    assert configured.borrowerOf(emptied) == ZERO
    # the loan id is free: a new position can be opened under it
    pledge(emptied, 2 * E18, 1000 * USD)
    assert _pos(configured, emptied) == (weth, 2 * E18)


def test_pledge_refusesEmptiedPositionNotYetReleased(configured, emptied, pledge, err):
    with err("PositionExists", emptied):
        pledge(emptied, E18, 1000 * USD)
