"""configureCollateral / setCollateralEnabled: every parameter bound, decimals verification, events."""

import brownie
import pytest
from collateral_support import DISCOUNT, HEARTBEAT, MAX_LTV, THRESHOLD, params

ZERO = "0x0000000000000000000000000000000000000000"


def test_configure_storesConfigAndEnables(vault, weth, feed, risk):
    tx = vault.configureCollateral(weth, params(feed), {"from": risk})
    cfg = vault.collateralConfig(weth)
    assert cfg[0] == feed
    assert [cfg[i] for i in range(1, 7)] == [HEARTBEAT, THRESHOLD, DISCOUNT, 18, 8, True]
    assert list(cfg[7]) == MAX_LTV
    ev = tx.events["CollateralTypeConfigured"]
    assert ev["token"] == weth and ev["feed"] == feed
    assert ev["heartbeat"] == HEARTBEAT and ev["tokenDecimals"] == 18 and ev["feedDecimals"] == 8
    assert list(ev["maxLtvBps"]) == MAX_LTV
    assert ev["liquidationThresholdBps"] == THRESHOLD and ev["liquidationDiscountBps"] == DISCOUNT
    assert tx.events["CollateralTypeEnabled"]["enabled"] is True


def test_configure_reconfigureKeepsEnabledWithoutSecondEnableEvent(configured, weth, feed, risk):
    tx = configured.configureCollateral(weth, params(feed, threshold=9000), {"from": risk})
    assert "CollateralTypeEnabled" not in tx.events
    assert configured.collateralConfig(weth)[2] == 9000


def test_configure_zeroToken(vault, feed, risk, err):
    with err("InvalidToken", ZERO):
        vault.configureCollateral(ZERO, params(feed), {"from": risk})


def test_configure_zeroFeed(vault, weth, risk, err):
    with err("ZeroFeed", weth.address):
        vault.configureCollateral(weth, params(ZERO), {"from": risk})


@pytest.mark.parametrize("heartbeat", [0, 59, 2 * 86400 + 1, 2**32 - 1])
def test_configure_heartbeatOutOfBounds(vault, weth, feed, risk, err, heartbeat):
    with err("InvalidHeartbeat", heartbeat, 60, 2 * 86400):
        vault.configureCollateral(weth, params(feed, heartbeat=heartbeat), {"from": risk})


@pytest.mark.parametrize("heartbeat", [60, 2 * 86400])
def test_configure_heartbeatAtBounds(vault, weth, feed, risk, heartbeat):
    vault.configureCollateral(weth, params(feed, heartbeat=heartbeat), {"from": risk})
    assert vault.collateralConfig(weth)[1] == heartbeat


@pytest.mark.parametrize("threshold", [0, 9501, 10000, 65535])
def test_configure_thresholdOutOfBounds(vault, weth, feed, risk, err, threshold):
    with err("InvalidLiquidationThreshold", threshold, 9500):
        vault.configureCollateral(weth, params(feed, threshold=threshold), {"from": risk})


def test_configure_thresholdAtMaximum(vault, weth, feed, risk):
    vault.configureCollateral(weth, params(feed, threshold=9500, max_ltv=[9499] * 7), {"from": risk})
    assert vault.collateralConfig(weth)[2] == 9500


@pytest.mark.parametrize("discount", [2001, 10000])
def test_configure_discountAboveMaximum(vault, weth, feed, risk, err, discount):
    with err("InvalidLiquidationDiscount", discount, 2000):
        vault.configureCollateral(weth, params(feed, discount=discount), {"from": risk})


@pytest.mark.parametrize("discount", [0, 2000])
def test_configure_discountAtBounds(vault, weth, feed, risk, discount):
    vault.configureCollateral(weth, params(feed, discount=discount), {"from": risk})
    assert vault.collateralConfig(weth)[3] == discount


@pytest.mark.parametrize("grade", range(1, 8))
def test_configure_maxLtvMustBeBelowThreshold(vault, weth, feed, risk, err, grade):
    ltv = list(MAX_LTV)
    ltv[grade - 1] = THRESHOLD  # equal is refused: a new loan would be liquidatable at once
    with err("InvalidMaxLtv", grade, THRESHOLD, THRESHOLD):
        vault.configureCollateral(weth, params(feed, max_ltv=ltv), {"from": risk})


def test_configure_maxLtvZeroAllowed(vault, weth, feed, risk):
    # zero: that grade may not pledge this token
    vault.configureCollateral(weth, params(feed, max_ltv=[7000, 0, 0, 0, 0, 0, 0]), {"from": risk})


def test_configure_tokenDecimalsMustMatchToken(vault, weth, feed, risk, err):
    with err("TokenDecimalsMismatch", weth.address, 6, 18):
        vault.configureCollateral(weth, params(feed, decimals=6), {"from": risk})


def test_configure_tokenWithoutDecimalsRefused(vault, feed, risk, err):
    # An address with no code answers nothing: decoding fails and the call reverts.
    with brownie.reverts():
        vault.configureCollateral("0x000000000000000000000000000000000000dEaD", params(feed), {"from": risk})


def test_configure_feedDecimalsAboveMaximum(vault, weth, MockAggregatorV3, admin, risk, err):
    feed37 = MockAggregatorV3.deploy(37, 1, {"from": admin})
    with err("UnsupportedDecimals", weth.address, 18, 37):
        vault.configureCollateral(weth, params(feed37), {"from": risk})


def test_configure_tokenDecimalsAboveMaximum(vault, feed, MockCollateralToken, admin, risk, err):
    tok = MockCollateralToken.deploy("BIG", 37, {"from": admin})
    with err("UnsupportedDecimals", tok.address, 37, 8):
        vault.configureCollateral(tok, params(feed, decimals=37), {"from": risk})


def test_setEnabled_togglesAndEmits(configured, weth, risk):
    tx = configured.setCollateralEnabled(weth, False, {"from": risk})
    assert tx.events["CollateralTypeEnabled"] == {"token": weth, "enabled": False}
    assert configured.collateralConfig(weth)[6] is False
    configured.setCollateralEnabled(weth, True, {"from": risk})
    assert configured.collateralConfig(weth)[6] is True


def test_setEnabled_unknownToken(vault, weth, risk, err):
    with err("CollateralTypeUnknown", weth.address):
        vault.setCollateralEnabled(weth, True, {"from": risk})


def test_configure_reenablesDisabledToken(configured, weth, feed, risk):
    configured.setCollateralEnabled(weth, False, {"from": risk})
    tx = configured.configureCollateral(weth, params(feed), {"from": risk})
    assert tx.events["CollateralTypeEnabled"]["enabled"] is True
