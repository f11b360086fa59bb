"""Feed failure modes (stale, zero, negative, incomplete round) refuse pledges and liquidations;
feed and token decimals other than 8/18 value correctly, rounded down."""

import pytest
from collateral_support import E18, HEARTBEAT, MAX_UINT, USD, params


def _now(chain):
    return chain[-1].timestamp


# each entry: (label, function(feed, chain, admin) that breaks the feed, expected error name)
BREAKERS = {
    "stale": (lambda f, c, a: f.setUpdatedAt(_now(c) - HEARTBEAT - 60, {"from": a}), "StalePrice"),
    "zero": (lambda f, c, a: f.setPrice(0, {"from": a}), "InvalidPrice"),
    "negative": (lambda f, c, a: f.setPrice(-1, {"from": a}), "InvalidPrice"),
    "updatedAtZero": (
        lambda f, c, a: f.setRoundData(7, 2000 * 10**8, 0, 0, 7, {"from": a}),
        "IncompleteRound",
    ),
    "answeredInEarlierRound": (
        lambda f, c, a: f.setRoundData(7, 2000 * 10**8, _now(c), _now(c), 6, {"from": a}),
        "IncompleteRound",
    ),
}


@pytest.mark.parametrize("mode", BREAKERS)
def test_pledge_refusedOnBadPrice(configured, pledge, feed, chain, admin, err, mode):
    breaker, error = BREAKERS[mode]
    breaker(feed, chain, admin)
    with err(error):
        pledge(1, E18, USD)


@pytest.mark.parametrize("mode", BREAKERS)
def test_liquidation_refusedOnBadPrice(
    configured, pledge, market, feed, fund_buyer, buyer, chain, admin, err, mode
):
    pledge(1, E18, 1000 * USD)
    market.setOutstanding(1, 1000 * USD, {"from": admin})
    market.setDefaulted(1, True, {"from": admin})  # liquidatable at any price
    fund_buyer(10_000 * USD)
    breaker, error = BREAKERS[mode]
    breaker(feed, chain, admin)
    with err(error):
        configured.liquidate(1, E18, MAX_UINT, {"from": buyer})
    assert configured.isLiquidatable(1) is False
    with err(error):
        configured.collateralValue(1)
    with err(error):
        configured.quoteLiquidation(1, E18)


def test_errorArguments(configured, pledge, feed, chain, admin, err):
    feed.setRoundData(7, -5, 0, 123, 7, {"from": admin})
    with err("InvalidPrice", feed.address, -5):
        pledge(1, E18, USD)
    feed.setRoundData(9, 5, 0, 0, 9, {"from": admin})
    with err("IncompleteRound", feed.address, 9, 9, 0):
        pledge(1, E18, USD)
    feed.setRoundData(9, 5, 0, 1000, 8, {"from": admin})
    with err("IncompleteRound", feed.address, 9, 8, 1000):
        pledge(1, E18, USD)
    feed.setRoundData(9, 5, 0, 1000, 9, {"from": admin})
    with err("StalePrice", feed.address, 1000, HEARTBEAT):
        pledge(1, E18, USD)


def test_answerJustInsideHeartbeatAccepted(configured, pledge, feed, chain, admin):
    feed.setUpdatedAt(_now(chain) - HEARTBEAT + 60, {"from": admin})
    pledge(1, E18, USD)


def test_answerFromLaterRoundAccepted(configured, pledge, feed, chain, admin):
    # answeredInRound > roundId does not happen on Chainlink, but is not an incomplete round either
    feed.setRoundData(7, 2000 * 10**8, _now(chain), _now(chain), 8, {"from": admin})
    pledge(1, E18, USD)


def test_feedRecoveryUnblocks(configured, pledge, feed, admin, err):
    feed.setPrice(0, {"from": admin})
    with err("InvalidPrice"):
        pledge(1, E18, USD)
    feed.setPrice(2000 * 10**8, {"from": admin})
    pledge(1, E18, USD)


# (token decimals, feed decimals, answer for $1234.56789 per whole token)
DECIMAL_CASES = [
    (18, 8, 123456789000),
    (18, 18, 1234567890000000000000),
    (18, 6, 1234567890),
    (6, 8, 123456789000),
    (8, 18, 1234567890000000000000),
    (0, 0, 1234),  # whole-unit token, whole-dollar feed: the value scales up to 6 decimals
    (2, 3, 1234567),
    (24, 36, 123456789 * 10**31),
]


@pytest.mark.parametrize("token_dec,feed_dec,answer", DECIMAL_CASES)
def test_valuation_normalisesDecimals(
    configured, pledge, MockCollateralToken, MockAggregatorV3, admin, risk, math_, token_dec, feed_dec, answer
):
    tok = MockCollateralToken.deploy("T", token_dec, {"from": admin})
    f = MockAggregatorV3.deploy(feed_dec, answer, {"from": admin})
    configured.configureCollateral(tok, params(f, decimals=token_dec), {"from": risk})
    amount = 7 * 10**token_dec + 3  # 7 tokens and 3 base units: exercises rounding
    pledge(1, amount, 0, token=tok)
    expected = math_.floor(math_.value(amount, answer, token_dec, feed_dec))
    assert configured.collateralValue(1) == expected
    # independent of the formula above: 7 whole tokens at $1234.56789 (the 3 base units add < $0.01
    # when the token has 6 decimals or more)
    if token_dec >= 6:
        assert 8_641_975_230 <= expected <= 8_641_975_230 + 10_000


def test_valuation_18DecimalFeedMatches8DecimalFeed(
    configured, pledge, MockCollateralToken, MockAggregatorV3, weth, admin, risk
):
    f18 = MockAggregatorV3.deploy(18, 2000 * E18, {"from": admin})
    tok = MockCollateralToken.deploy("W2", 18, {"from": admin})
    configured.configureCollateral(tok, params(f18), {"from": risk})
    pledge(1, E18, 0)
    pledge(2, E18, 0, token=tok)
    assert configured.collateralValue(1) == configured.collateralValue(2) == 2000 * USD


def test_pledgeAndLiquidate_withEighteenDecimalFeed(
    configured, pledge, market, MockCollateralToken, MockAggregatorV3, fund_buyer, buyer, admin, risk, math_
):
    f18 = MockAggregatorV3.deploy(18, 2000 * E18, {"from": admin})
    tok = MockCollateralToken.deploy("W2", 18, {"from": admin})
    configured.configureCollateral(tok, params(f18), {"from": risk})
    pledge(1, E18, 1400 * USD, token=tok)  # exactly 70% of $2000
    market.setOutstanding(1, 1400 * USD, {"from": admin})
    f18.setPrice(1500 * E18, {"from": admin})  # LTV 93.33%
    fund_buyer(10_000 * USD)
    tx = configured.liquidate(1, E18 // 10, MAX_UINT, {"from": buyer})
    assert tx.return_value[1] == math_.ceil(math_.value(E18 // 10, 1500 * E18, 18, 18, 9500))


def test_isLiquidatable_falseWhenFeedReverts(
    configured, pledge, market, feed, risk, admin, MockCollateralToken
):
    # A feed whose latestRoundData reverts (no such function): the view answers false, not a revert.
    pledge(1, E18, 1000 * USD)
    market.setDefaulted(1, True, {"from": admin})
    market.setOutstanding(1, 1000 * USD, {"from": admin})
    assert configured.isLiquidatable(1) is True
    not_a_feed = MockCollateralToken.deploy("NF", 18, {"from": admin})  # has decimals(), no latestRoundData()
    weth = configured.positionOf(1)[0]
    configured.configureCollateral(weth, params(not_a_feed), {"from": risk})
    assert configured.isLiquidatable(1) is False
