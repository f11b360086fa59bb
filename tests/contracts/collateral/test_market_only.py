"""Only the market may pledge, top up or release a position (NotMarket). The vault's role gates are tested
with every other contract's, in tests/contracts/roles."""

from collateral_support import E18, USD


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
