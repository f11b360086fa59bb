"""Every governed function refuses a caller without its role (OpenZeppelin's
AccessControlUnauthorizedAccount), and only the market may pledge, top up or release (NotMarket)."""

import pytest
from collateral_support import E18, USD, params

ZERO = "0x0000000000000000000000000000000000000000"


def _role_error(err, account, role):
    return err("AccessControlUnauthorizedAccount", account.address, role)


@pytest.mark.parametrize("who", ["admin", "pauser", "stranger"])
def test_configureCollateral_requiresRiskRole(vault, weth, feed, err, request, who):
    account = request.getfixturevalue(who)
    with _role_error(err, account, vault.RISK_ROLE()):
        vault.configureCollateral(weth, params(feed), {"from": account})


def test_setCollateralEnabled_requiresRiskRole(configured, weth, admin, pauser, err):
    for account in (admin, pauser):
        with _role_error(err, account, configured.RISK_ROLE()):
            configured.setCollateralEnabled(weth, False, {"from": account})


@pytest.mark.parametrize("who", ["admin", "risk", "stranger"])
def test_pause_requiresPauserRole(vault, err, request, who):
    account = request.getfixturevalue(who)
    with _role_error(err, account, vault.PAUSER_ROLE()):
        vault.pause({"from": account})


def test_unpause_requiresPauserRole(vault, pauser, risk, err):
    vault.pause({"from": pauser})
    with _role_error(err, risk, vault.PAUSER_ROLE()):
        vault.unpause({"from": risk})
    vault.unpause({"from": pauser})
    assert not vault.paused()


def test_grantRole_requiresAdmin(vault, risk, stranger, err):
    with _role_error(err, risk, vault.DEFAULT_ADMIN_ROLE()):
        vault.grantRole(vault.RISK_ROLE(), stranger, {"from": risk})


def test_roles_heldAsGranted(vault, admin, risk, pauser):
    assert vault.hasRole(vault.DEFAULT_ADMIN_ROLE(), admin)
    assert vault.hasRole(vault.RISK_ROLE(), risk)
    assert vault.hasRole(vault.PAUSER_ROLE(), pauser)
    assert not vault.hasRole(vault.RISK_ROLE(), admin)  # the admin grants, it does not govern risk


def test_pledge_onlyMarket(configured, weth, borrower, err):
    weth.mint(borrower, E18, {"from": borrower})
    weth.approve(configured, E18, {"from": borrower})
    with err("NotMarket", borrower.address):
        configured.pledge(1, borrower, weth, E18, 100 * USD, 1, {"from": borrower})


def test_addCollateral_onlyMarket(configured, pledge, weth, borrower, admin, err):
    pledge(1, E18, 100 * USD)
    weth.mint(borrower, E18, {"from": borrower})
    weth.approve(configured, E18, {"from": borrower})
    for account in (borrower, admin):
        with err("NotMarket", account.address):
            configured.addCollateral(1, borrower, E18, {"from": account})
    assert configured.positionOf(1)[1] == E18


def test_release_onlyMarket(configured, pledge, borrower, admin, err):
    pledge(1, E18, 100 * USD)
    for account in (borrower, admin):
        with err("NotMarket", account.address):
            configured.release(1, {"from": account})


def test_constructor_refusesZeroAdmin(CollateralVault, market, admin, err):
    with err("InvalidAdmin", ZERO):
        CollateralVault.deploy(ZERO, market, ZERO, {"from": admin})


def test_constructor_refusesZeroMarket(CollateralVault, admin, err):
    with err("InvalidMarket", ZERO):
        CollateralVault.deploy(admin, ZERO, ZERO, {"from": admin})


def test_constructor_readsStablecoinFromMarket(vault, market, stable):
    assert vault.market() == market
    assert vault.stablecoin() == stable
