"""The buyer's price: every fill costs the discounted value of exactly the collateral bought, rounded up,
so the buyer never gets more than the configured discount whatever the token's decimals; a closing fill
buys the least collateral that repays the loan and the market refunds what it pays over the payoff to the
borrower.

Values are compared exactly, as fractions of a stablecoin unit (collateral_support.value_exact).
Decimals 0, 6, 8 and 18 on an 8-decimal feed at $1,234.56789012, a price that divides nothing evenly: on
a 0-decimal token one unit is worth $1,172.84 after the discount, so a closing fill overshoots the payoff
by hundreds of dollars, and on an 18-decimal one by less than a micro-dollar.
"""

import pytest
from collateral_support import BPS, DISCOUNT, MAX_UINT, USD, params

PRICE = 123_456_789_012  # $1,234.56789012, 8 decimals
FEED_DECIMALS = 8
OWED = 1_700_123_457  # $1,700.123457: what the loan's payoff is
DECIMALS = [0, 6, 8, 18]


def _held(decimals):
    """3 whole tokens and 7 base units (worth ~$3,704: LTV ~46%, under grade A's 70%)."""
    return 3 * 10**decimals + (7 if decimals else 0)


def _partial_request(decimals):
    """About a third of a token (a whole one when there is no fraction): $391 to $1,173, under the payoff."""
    return 10**decimals // 3 + 1


@pytest.fixture
def defaulted_loan(
    configured, pledge, market, MockCollateralToken, MockAggregatorV3, fund_buyer, admin, risk
):
    """Loan 1, secured by a token of the given decimals, defaulted (liquidatable at any LTV), owing OWED."""

    def _make(decimals):
        token = MockCollateralToken.deploy(f"T{decimals}", decimals, {"from": admin})
        feed = MockAggregatorV3.deploy(FEED_DECIMALS, PRICE, {"from": admin})
        configured.configureCollateral(token, params(feed, decimals=decimals), {"from": risk})
        pledge(1, _held(decimals), OWED, token=token)
        market.setOutstanding(1, OWED, {"from": admin})
        market.setDefaulted(1, True, {"from": admin})
        fund_buyer(100_000 * USD)
        return token

    return _make


def _fill(tx):
    """(bought, payment) as plain ints: Brownie's Wei would coerce a Fraction it is compared with."""
    return tuple(int(v) for v in tx.return_value)


def _discounted(math_, amount, decimals):
    """Feed value of `amount` less the configured discount, exactly."""
    return math_.value(amount, PRICE, decimals, FEED_DECIMALS, factor=BPS - DISCOUNT)


def _assert_at_most_the_discount(math_, bought, payment, decimals):
    discounted = _discounted(math_, bought, decimals)
    # the payment covers the discounted value of what the buyer received: never more than the discount
    assert payment >= discounted
    # and exceeds it by less than one stablecoin unit (the rounding up)
    assert payment - 1 < discounted


@pytest.mark.parametrize("decimals", DECIMALS)
def test_fills_buyerNeverGetsMoreThanTheDiscount(configured, defaulted_loan, market, buyer, math_, decimals):
    defaulted_loan(decimals)
    # a partial fill: less than the payoff's worth, bought as requested
    request = _partial_request(decimals)
    bought, payment = _fill(configured.liquidate(1, request, MAX_UINT, {"from": buyer}))
    assert bought == request and payment < OWED
    _assert_at_most_the_discount(math_, bought, payment, decimals)
    # the closing fill: the request (everything) would overpay what is left, so it is capped
    owed = int(market.outstandingPrincipal(1))
    bought, payment = _fill(configured.liquidate(1, MAX_UINT, MAX_UINT, {"from": buyer}))
    assert payment >= owed and market.outstandingPrincipal(1) == 0
    _assert_at_most_the_discount(math_, bought, payment, decimals)


@pytest.mark.parametrize("decimals", DECIMALS)
def test_closingFill_excessOverPayoffRefundedToBorrower(
    configured, defaulted_loan, market, stable, borrower, buyer, decimals
):
    defaulted_loan(decimals)
    _, payment = _fill(configured.liquidate(1, MAX_UINT, MAX_UINT, {"from": buyer}))
    # With these numbers the least repaying collateral is worth more than the payoff for every decimals.
    assert payment > OWED
    assert market.outstandingPrincipal(1) == 0
    assert market.proceeds(1) == stable.balanceOf(market) == OWED
    assert market.refunded(1) == stable.balanceOf(borrower) == payment - OWED


def test_closingFill_zeroDecimalToken_refundsTheOvershoot(configured, defaulted_loan, market, buyer, math_):
    # The case that motivated the rule: two whole tokens are the least that repay $1,700.12, and they are
    # worth $2,345.68 after the discount. The buyer pays all of it; $645.56 goes back to the borrower.
    defaulted_loan(0)
    bought, payment = _fill(configured.liquidate(1, MAX_UINT, MAX_UINT, {"from": buyer}))
    assert bought == 2
    assert payment == 2_345_678_992 == math_.ceil(_discounted(math_, 2, 0))
    assert market.refunded(1) == 645_555_535
