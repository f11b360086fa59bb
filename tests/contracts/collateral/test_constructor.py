"""The vault's constructor: a non-zero admin, which receives the admin role and nothing else, and a market
whose stablecoin the vault adopts."""

ZERO = "0x0000000000000000000000000000000000000000"


def test_constructor_refusesZeroAdmin(CollateralVault, market, admin, err):
    with err("InvalidAdmin", ZERO):
        CollateralVault.deploy(ZERO, market, ZERO, {"from": admin})


def test_constructor_refusesZeroMarket(CollateralVault, admin, err):
    with err("InvalidMarket", ZERO):
        CollateralVault.deploy(admin, ZERO, ZERO, {"from": admin})


def test_constructor_grantsTheAdminRoleOnly(CollateralVault, market, admin, accounts):
    v = CollateralVault.deploy(accounts[7], market, ZERO, {"from": admin})
    assert v.hasRole(v.DEFAULT_ADMIN_ROLE(), accounts[7])
    assert not v.hasRole(v.DEFAULT_ADMIN_ROLE(), admin)  # the deployer holds nothing
    # the admin grants risk and pause; it does not govern risk or pause itself
    assert not v.hasRole(v.RISK_ROLE(), accounts[7])
    assert not v.hasRole(v.PAUSER_ROLE(), accounts[7])


def test_constructor_readsStablecoinFromMarket(vault, market, stable):
    assert vault.market() == market
    assert vault.stablecoin() == stable
