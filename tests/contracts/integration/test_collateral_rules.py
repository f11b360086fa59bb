"""Collateral rules on the real market and vault together: drawdown values the collateral at today's
price, the liquidation LTV counts interest and late fees, and a buyer never gets more than the discount,
whatever the collateral's decimals."""

from fractions import Fraction

from brownie import MockAggregatorV3, MockCollateralToken, chain
from helpers.chain_time import pin_next_block_time
from integration_support import DAY, MAX_UINT, USD, WETH, list_with_offer

PRICE = 3_000 * 10**8  # the feed's 8 decimals


def _secured_listing(lending, amount, principal=10_000 * USD):
    market, vault, weth, borrower = lending["market"], lending["vault"], lending["weth"], lending["borrower"]
    weth.approve(vault, MAX_UINT, {"from": borrower})
    params = (principal, 0, 6, 30 * DAY, chain.time() + 7 * DAY, weth.address, amount)
    return list_with_offer(market, params, borrower).return_value


def test_collateral_that_halved_since_listing_cannot_be_drawn(lending, stablecoin, reverts_with):
    market, vault, feed, weth = lending["market"], lending["vault"], lending["feed"], lending["weth"]
    borrower, lender = lending["borrower"], lending["lender"]
    loan_id = _secured_listing(lending, 5 * WETH)  # 15,000 USD: room for 10,500 at 70% LTV
    stablecoin.approve(market, MAX_UINT, {"from": lender})
    note_id = market.fund(loan_id, 10_000 * USD, {"from": lender}).return_value
    feed.setPrice(PRICE // 2, {"from": lender})  # 7,500 USD of collateral: room for 5,250
    with reverts_with("InsufficientCollateral", loan_id, 7_500 * USD, 10_000 * USD, 7_000):
        market.drawdown(loan_id, {"from": borrower})
    assert market.expiryReason(loan_id) == 3
    before = stablecoin.balanceOf(lender)
    market.withdrawFunding(note_id, {"from": lender})
    assert stablecoin.balanceOf(lender) - before == 10_000 * USD
    assert weth.balanceOf(vault) == 0 and weth.balanceOf(borrower) == 10 * WETH


def test_collateral_still_covering_the_loan_can_be_drawn(lending, stablecoin):
    market, feed, lender, borrower = (
        lending["market"],
        lending["feed"],
        lending["lender"],
        lending["borrower"],
    )
    loan_id = _secured_listing(lending, 5 * WETH)
    stablecoin.approve(market, MAX_UINT, {"from": lender})
    market.fund(loan_id, 10_000 * USD, {"from": lender})
    feed.setPrice(PRICE * 96 // 100, {"from": lender})  # 14,400 USD: room for 10,080
    market.drawdown(loan_id, {"from": borrower})


def test_the_liquidation_ltv_counts_interest_and_late_fees(lending, stablecoin):
    market, vault, feed = lending["market"], lending["vault"], lending["feed"]
    borrower, lender, buyer = lending["borrower"], lending["lender"], lending["buyer"]
    loan_id = _secured_listing(lending, 5 * WETH)
    stablecoin.approve(market, MAX_UINT, {"from": lender})
    market.fund(loan_id, 10_000 * USD, {"from": lender})
    market.drawdown(loan_id, {"from": borrower})
    feed.setPrice(2_380 * 10**8, {"from": lender})  # 11,900 USD: principal alone is 84.0% of it
    assert not vault.isLiquidatable(loan_id)
    chain.sleep(60 * DAY)  # interest, then a missed installment's late fee
    feed.setPrice(2_380 * 10**8, {"from": lender})
    value = vault.collateralValue(loan_id)
    assert market.outstandingPrincipal(loan_id) * 10_000 // value < 8_500  # principal alone: healthy
    assert vault.ltvBps(loan_id) >= 8_500 and vault.isLiquidatable(loan_id)  # the debt: not
    stablecoin.approve(vault, MAX_UINT, {"from": buyer})
    vault.liquidate(loan_id, WETH, MAX_UINT, {"from": buyer})


def test_a_zero_decimal_collateral_closing_fill_gives_no_more_than_the_discount(lending, stablecoin, admin):
    """One unit of a 0-decimal token is worth far more than what closes a small loan: the buyer pays that
    unit's full discounted value, and the market credits the excess to the borrower."""
    market, vault = lending["market"], lending["vault"]
    borrower, lender, buyer = lending["borrower"], lending["lender"], lending["buyer"]
    gold = MockCollateralToken.deploy("GOLD", 0, {"from": admin})
    gold_feed = MockAggregatorV3.deploy(8, 2_000 * 10**8, {"from": admin})
    vault.configureCollateral(gold, (gold_feed, DAY, 0, [7_000] * 7, 8_500, 500), {"from": admin})
    gold.mint(borrower, 3, {"from": admin})
    gold.approve(vault, MAX_UINT, {"from": borrower})
    params = (1_000 * USD, 0, 3, 30 * DAY, chain.time() + 7 * DAY, gold.address, 3)
    loan_id = list_with_offer(market, params, borrower).return_value
    stablecoin.approve(market, MAX_UINT, {"from": lender})
    market.fund(loan_id, 1_000 * USD, {"from": lender})
    market.drawdown(loan_id, {"from": borrower})
    chain.sleep(121 * DAY)
    market.markDefault(loan_id, {"from": buyer})
    gold_feed.setPrice(2_000 * 10**8, {"from": admin})
    owed = market.payoffAmount(loan_id)
    stablecoin.approve(vault, MAX_UINT, {"from": buyer})
    before = stablecoin.balanceOf(borrower)
    pin_next_block_time()
    tx = vault.liquidate(loan_id, MAX_UINT, MAX_UINT, {"from": buyer})
    bought, payment = tx.return_value
    assert bought == 1  # one 2,000 USD unit covers the ~1,000 USD debt
    assert Fraction(payment) >= Fraction(bought * 2_000 * USD * 9_500, 10_000)  # exactly the 5% discount
    assert market.refundOf(borrower) == payment - owed  # the excess is the borrower's to withdraw
    market.withdrawRefund({"from": borrower})
    assert stablecoin.balanceOf(borrower) - before == payment - owed
    assert market.payoffAmount(loan_id) == 0
