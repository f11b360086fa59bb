"""Fixtures for the collateral vault: a market double, a 6-decimal stablecoin, WETH-like collateral
on an 8-decimal feed, the hostile tokens of contracts/test/hostile as collateral, and a helper that
asserts a custom error by name and arguments."""

from fractions import Fraction

import pytest

HEARTBEAT = 3600
# max LTV per grade A..G, bps
MAX_LTV = [7000, 6500, 6000, 5500, 5000, 4500, 4000]
THRESHOLD = 8500
DISCOUNT = 500
BPS = 10_000
STABLE_DEC = 6
E18 = 10**18
USD = 10**6
MAX_UINT = 2**256 - 1
ZERO_ADDRESS = "0x" + "00" * 20  # no L2 sequencer uptime feed: the vault runs as on an L1


@pytest.fixture(scope="module")
def risk(accounts):
    return accounts[1]


@pytest.fixture(scope="module")
def pauser(accounts):
    return accounts[2]


@pytest.fixture(scope="module")
def borrower(accounts):
    return accounts[3]


@pytest.fixture(scope="module")
def buyer(accounts):
    return accounts[4]


@pytest.fixture(scope="module")
def stranger(accounts):
    return accounts[5]


@pytest.fixture(scope="module")
def stable(MockStablecoin, admin):
    return MockStablecoin.deploy({"from": admin})


@pytest.fixture(scope="module")
def market(TestLoanMarketForCollateral, stable, admin):
    return TestLoanMarketForCollateral.deploy(stable, {"from": admin})


@pytest.fixture(scope="module")
def vault(CollateralVault, market, admin, risk, pauser):
    v = CollateralVault.deploy(admin, market, ZERO_ADDRESS, {"from": admin})
    market.setVault(v, {"from": admin})
    v.grantRole(v.RISK_ROLE(), risk, {"from": admin})
    v.grantRole(v.PAUSER_ROLE(), pauser, {"from": admin})
    return v


@pytest.fixture(scope="module")
def weth(MockCollateralToken, admin):
    return MockCollateralToken.deploy("WETH", 18, {"from": admin})


@pytest.fixture(scope="module")
def feed(MockAggregatorV3, admin):
    return MockAggregatorV3.deploy(8, 2000 * 10**8, {"from": admin})


def params(feed, decimals=18, heartbeat=HEARTBEAT, max_ltv=None, threshold=THRESHOLD, discount=DISCOUNT):
    """CollateralParams tuple: (feed, heartbeat, tokenDecimals, maxLtvBps[7], threshold, discount)."""
    return (feed, heartbeat, decimals, list(max_ltv or MAX_LTV), threshold, discount)


# Function-scoped on purpose: a module-scoped fixture that transacts would leave its state behind for
# every later test in the module (fn_isolation snapshots after module fixtures run).
@pytest.fixture
def configured(vault, weth, feed, risk):
    vault.configureCollateral(weth, params(feed), {"from": risk})
    return vault


@pytest.fixture
def reentrant_collateral(ReentrantToken, configured, feed, admin, risk):
    """An enabled 18-decimal collateral token that, once armed, calls back during its next transfer."""
    token = ReentrantToken.deploy(18, {"from": admin})
    configured.configureCollateral(token, params(feed), {"from": risk})
    return token


@pytest.fixture
def fee_collateral(FeeOnTransferToken, configured, feed, admin, risk):
    """An enabled 18-decimal collateral token that burns 1% of every transfer between two wallets."""
    token = FeeOnTransferToken.deploy(18, {"from": admin})
    configured.configureCollateral(token, params(feed), {"from": risk})
    return token


@pytest.fixture
def pledge(configured, market, weth, borrower):
    """pledge(loan_id, amount, principal, grade=1, token=weth, owner=borrower) mints, approves and pledges."""

    def _pledge(loan_id, amount, principal, grade=1, token=None, owner=None):
        token = token or weth
        owner = owner or borrower
        token.mint(owner, amount, {"from": owner})
        token.approve(configured, amount, {"from": owner})
        return market.pledge(loan_id, owner, token, amount, principal, grade, {"from": owner})

    return _pledge


@pytest.fixture
def fund_buyer(stable, configured, buyer):
    def _fund(amount, who=None):
        who = who or buyer
        stable.mint(who, amount, {"from": who})
        stable.approve(configured, amount, {"from": who})

    return _fund


# ----------------------------------------------------------------- exact arithmetic


def value_exact(amount, price, token_dec=18, feed_dec=8, factor=BPS):
    return Fraction(amount * price * factor * 10**STABLE_DEC, 10**token_dec * 10**feed_dec * BPS)


def floor(x):
    return x.numerator // x.denominator


def ceil(x):
    return -((-x.numerator) // x.denominator)


@pytest.fixture(scope="session")
def math_():
    class M:
        pass

    m = M()
    m.value = value_exact
    m.floor = floor
    m.ceil = ceil
    return m
