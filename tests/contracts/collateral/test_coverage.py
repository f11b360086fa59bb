"""requireCoverage and coverage: does the position, valued at the current price, admit a principal at the
grade's maximum LTV? requireCoverage (the market's drawdown check) reverts with the price error or
InsufficientCollateral; coverage answers (priced, covered) and never reverts. The boundary is inclusive:
principal / value == max LTV is covered. Sequencer cases are in test_sequencer.py."""

import pytest
from collateral_support import BPS, E18, HEARTBEAT, MAX_LTV, MAX_UINT, USD

VALUE = 2000 * USD  # 1 WETH at the fixture's $2,000


@pytest.fixture
def position(configured, pledge):
    """Loan 1: 1 WETH pledged (for $1,000 at listing)."""
    pledge(1, E18, 1000 * USD)
    return 1


def _at_max(grade, value=VALUE):
    """The largest principal the grade's maximum LTV admits against `value`."""
    return value * MAX_LTV[grade - 1] // BPS


def _coverage(vault, loan, principal, grade):
    priced, covered = vault.coverage(loan, principal, grade)
    return bool(priced), bool(covered)


def _stale(feed, chain, admin):
    updated_at = chain[-1].timestamp - HEARTBEAT - 60
    feed.setUpdatedAt(updated_at, {"from": admin})
    return updated_at


# ------------------------------------------------------------------ requireCoverage


@pytest.mark.parametrize("grade", range(1, 8))
def test_requireCoverage_acceptsPrincipalAtExactlyMaxLtv(configured, position, grade):
    configured.requireCoverage(position, _at_max(grade), grade)


@pytest.mark.parametrize("grade", range(1, 8))
def test_requireCoverage_refusesOneUnitAboveMaxLtv(configured, position, err, grade):
    principal = _at_max(grade) + 1
    with err("InsufficientCollateral", position, VALUE, principal, MAX_LTV[grade - 1]):
        configured.requireCoverage(position, principal, grade)


def test_requireCoverage_valuesAtCurrentPrice(configured, position, feed, admin, err):
    feed.setPrice(1500 * 10**8, {"from": admin})
    with err("InsufficientCollateral", position, 1500 * USD, _at_max(1), 7000):
        configured.requireCoverage(position, _at_max(1), 1)
    configured.requireCoverage(position, _at_max(1, 1500 * USD), 1)


def test_requireCoverage_countsTopUps(configured, position, market, weth, borrower, err):
    with err("InsufficientCollateral"):
        configured.requireCoverage(position, _at_max(1, 2 * VALUE), 1)
    weth.mint(borrower, E18, {"from": borrower})
    weth.approve(configured, E18, {"from": borrower})
    market.addCollateral(position, borrower, E18, {"from": borrower})
    configured.requireCoverage(position, _at_max(1, 2 * VALUE), 1)


def test_requireCoverage_revertsOnStalePrice(configured, position, feed, chain, admin, err):
    updated_at = _stale(feed, chain, admin)
    with err("StalePrice", feed.address, updated_at, HEARTBEAT):
        configured.requireCoverage(position, 1, 1)


def test_requireCoverage_revertsOnInvalidPrice(configured, position, feed, admin, err):
    feed.setPrice(0, {"from": admin})
    with err("InvalidPrice", feed.address, 0):
        configured.requireCoverage(position, 1, 1)


@pytest.mark.parametrize("grade", [0, 8])
def test_requireCoverage_invalidGrade(configured, position, err, grade):
    with err("InvalidGrade", grade):
        configured.requireCoverage(position, 1, grade)


def test_requireCoverage_emptiedPositionCoversNothing(
    configured, position, market, feed, buyer, fund_buyer, admin, err
):
    market.setOutstanding(position, 1000 * USD, {"from": admin})
    feed.setPrice(500 * 10**8, {"from": admin})
    fund_buyer(10_000 * USD)
    configured.liquidate(position, MAX_UINT, MAX_UINT, {"from": buyer})
    with err("InsufficientCollateral", position, 0, 1, 7000):
        configured.requireCoverage(position, 1, 1)


def test_requireCoverage_noPositionCoversNothing(configured, err):
    # no position: no token, so no configuration either (a max LTV of 0)
    with err("InsufficientCollateral", 9, 0, 1, 0):
        configured.requireCoverage(9, 1, 1)


# ------------------------------------------------------------------ coverage


@pytest.mark.parametrize("grade", range(1, 8))
def test_coverage_coveredAtExactlyMaxLtv(configured, position, grade):
    assert _coverage(configured, position, _at_max(grade), grade) == (True, True)


@pytest.mark.parametrize("grade", range(1, 8))
def test_coverage_notCoveredOneUnitAboveMaxLtv(configured, position, grade):
    assert _coverage(configured, position, _at_max(grade) + 1, grade) == (True, False)


def test_coverage_valuesAtCurrentPrice(configured, position, feed, admin):
    feed.setPrice(1500 * 10**8, {"from": admin})
    assert _coverage(configured, position, _at_max(1), 1) == (True, False)
    assert _coverage(configured, position, _at_max(1, 1500 * USD), 1) == (True, True)


def test_coverage_notPricedOnStalePrice(configured, position, feed, chain, admin):
    _stale(feed, chain, admin)
    assert _coverage(configured, position, 1, 1) == (False, False)


def test_coverage_notPricedOnInvalidPrice(configured, position, feed, admin):
    feed.setPrice(0, {"from": admin})
    assert _coverage(configured, position, 1, 1) == (False, False)


def test_coverage_notPricedWhenFeedReverts(configured, position, weth, risk, admin, MockCollateralToken):
    from collateral_support import params

    not_a_feed = MockCollateralToken.deploy("NF", 8, {"from": admin})  # decimals(), no latestRoundData()
    configured.configureCollateral(weth, params(not_a_feed), {"from": risk})
    assert _coverage(configured, position, 1, 1) == (False, False)


@pytest.mark.parametrize("grade", [0, 8])
def test_coverage_invalidGradeNotCovered(configured, position, grade):
    assert _coverage(configured, position, 1, grade) == (True, False)


def test_coverage_noPositionNotCovered(configured):
    assert _coverage(configured, 9, 1, 1) == (True, False)
