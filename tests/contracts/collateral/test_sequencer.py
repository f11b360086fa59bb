"""L2 sequencer uptime: no pledge, valuation or liquidation while the sequencer is down or within the
grace period after it restarts; a vault deployed without an uptime feed (an L1) never checks."""

import pytest
from brownie import chain
from collateral_support import E18, HEARTBEAT, MAX_UINT, USD, ZERO_ADDRESS, params
from helpers.chain_time import latest_timestamp

GRACE = 3600
PRINCIPAL = 1000 * USD
P2000 = 2000 * 10**8
P1100 = 1100 * 10**8  # LTV 1000/1100: above the 85% liquidation threshold
UP, DOWN = 0, 1


@pytest.fixture(scope="module")
def uptime(MockAggregatorV3, admin):
    """Chainlink's uptime feed shape: answer 0 = up, 1 = down; startedAt = when that status began."""
    return MockAggregatorV3.deploy(0, UP, {"from": admin})


@pytest.fixture(scope="module")
def l2_market(TestLoanMarketForCollateral, stable, admin):
    return TestLoanMarketForCollateral.deploy(stable, {"from": admin})


@pytest.fixture(scope="module")
def l2_vault(CollateralVault, l2_market, uptime, weth, feed, admin, risk):
    v = CollateralVault.deploy(admin, l2_market, uptime, {"from": admin})
    l2_market.setVault(v, {"from": admin})
    v.grantRole(v.RISK_ROLE(), risk, {"from": admin})
    v.configureCollateral(weth, params(feed), {"from": risk})
    return v


def sequencer(uptime, status, since):
    uptime.setRoundData(7, status, since, since, 7, {"from": uptime.tx.sender})


def up_long_ago(uptime):
    sequencer(uptime, UP, latest_timestamp() - 10 * GRACE)


def pledge(vault, market, weth, borrower, loan_id=1):
    weth.mint(borrower, E18, {"from": borrower})
    weth.approve(vault, E18, {"from": borrower})
    return market.pledge(loan_id, borrower, weth, E18, PRINCIPAL, 1, {"from": borrower})


@pytest.fixture
def unhealthy_loan(l2_vault, l2_market, uptime, weth, feed, borrower, buyer, stable, admin):
    """Loan 1 pledged while the sequencer was up, drawn, then the price fell below the threshold."""
    up_long_ago(uptime)
    pledge(l2_vault, l2_market, weth, borrower)
    l2_market.setOutstanding(1, PRINCIPAL, {"from": admin})
    feed.setPrice(P1100, {"from": admin})
    stable.mint(buyer, 10_000 * USD, {"from": buyer})
    stable.approve(l2_vault, 10_000 * USD, {"from": buyer})
    assert l2_vault.isLiquidatable(1)
    return 1


def test_vault_reports_its_uptime_feed(l2_vault, vault, uptime):
    assert l2_vault.sequencerUptimeFeed() == uptime
    assert vault.sequencerUptimeFeed() == ZERO_ADDRESS
    assert l2_vault.SEQUENCER_GRACE_PERIOD() == GRACE


def test_pledge_refused_while_sequencer_down(l2_vault, l2_market, uptime, weth, borrower, err):
    sequencer(uptime, DOWN, latest_timestamp() - 10)
    with err("SequencerDown", uptime.address):
        pledge(l2_vault, l2_market, weth, borrower)


def test_pledge_refused_within_grace_period(l2_vault, l2_market, uptime, weth, borrower, err):
    since = latest_timestamp() - 100
    sequencer(uptime, UP, since)
    with err("SequencerGracePeriod", since, GRACE):
        pledge(l2_vault, l2_market, weth, borrower)


def test_pledge_accepted_once_grace_period_is_over(l2_vault, l2_market, uptime, weth, borrower):
    sequencer(uptime, UP, latest_timestamp() - GRACE - 1)
    pledge(l2_vault, l2_market, weth, borrower)
    assert l2_vault.positionOf(1)[1] == E18


def test_uptime_feed_without_a_round_counts_as_down(l2_vault, l2_market, uptime, weth, borrower, err):
    uptime.setRoundData(0, UP, 0, 0, 0, {"from": borrower})
    with err("SequencerDown", uptime.address):
        pledge(l2_vault, l2_market, weth, borrower)


def test_no_liquidation_or_valuation_while_sequencer_down(l2_vault, unhealthy_loan, uptime, buyer, err):
    sequencer(uptime, DOWN, latest_timestamp() - 10)
    assert not l2_vault.isLiquidatable(unhealthy_loan)
    with err("SequencerDown", uptime.address):
        l2_vault.collateralValue(unhealthy_loan)
    with err("SequencerDown", uptime.address):
        l2_vault.quoteLiquidation(unhealthy_loan, E18 // 10)
    with err("SequencerDown", uptime.address):
        l2_vault.liquidate(unhealthy_loan, E18 // 10, MAX_UINT, {"from": buyer})


def test_liquidation_waits_out_the_grace_period_after_a_restart(
    l2_vault, unhealthy_loan, uptime, feed, buyer, admin, err
):
    since = latest_timestamp()
    sequencer(uptime, UP, since)
    assert not l2_vault.isLiquidatable(unhealthy_loan)
    with err("SequencerGracePeriod", since, GRACE):
        l2_vault.liquidate(unhealthy_loan, E18 // 10, MAX_UINT, {"from": buyer})
    chain.sleep(GRACE + 1)
    feed.setPrice(P1100, {"from": admin})  # the price feed's own heartbeat is also an hour
    assert l2_vault.isLiquidatable(unhealthy_loan)
    l2_vault.liquidate(unhealthy_loan, E18 // 10, MAX_UINT, {"from": buyer})
    assert l2_vault.positionOf(unhealthy_loan)[1] == E18 - E18 // 10


def test_l1_vault_ignores_sequencer_state(configured, pledge, uptime, err):
    # the L1 vault was deployed without a feed: an uptime feed reading "down" elsewhere is irrelevant
    sequencer(uptime, DOWN, latest_timestamp())
    pledge(1, E18, PRINCIPAL)
    assert configured.collateralValue(1) == 2000 * USD
    assert HEARTBEAT == GRACE  # the restart test refreshes the price for this reason


def test_coverage_not_priced_while_sequencer_down(l2_vault, l2_market, uptime, weth, borrower, err):
    up_long_ago(uptime)
    pledge(l2_vault, l2_market, weth, borrower)
    assert tuple(l2_vault.coverage(1, PRINCIPAL, 1)) == (True, True)
    sequencer(uptime, DOWN, latest_timestamp() - 10)
    assert tuple(l2_vault.coverage(1, PRINCIPAL, 1)) == (False, False)
    with err("SequencerDown", uptime.address):
        l2_vault.requireCoverage(1, PRINCIPAL, 1)


def test_coverage_not_priced_within_grace_period(l2_vault, l2_market, uptime, weth, borrower, err):
    up_long_ago(uptime)
    pledge(l2_vault, l2_market, weth, borrower)
    since = latest_timestamp()
    sequencer(uptime, UP, since)
    assert tuple(l2_vault.coverage(1, PRINCIPAL, 1)) == (False, False)
    with err("SequencerGracePeriod", since, GRACE):
        l2_vault.requireCoverage(1, PRINCIPAL, 1)
