from market_support import DAY, USD, pay_amount_due, sleep


def test_deposit_and_views(reserve, token, admin, market):
    token.approve(reserve, 2**256 - 1, {"from": admin})
    tx = reserve.deposit(1_000 * USD, {"from": admin})
    assert tx.events["Deposited"]["amount"] == 1_000 * USD
    assert reserve.balance() == 1_000 * USD
    assert reserve.stablecoin() == token and reserve.market() == market
    assert reserve.coverageRatioBps() == 2**256 - 1  # nothing outstanding


def test_coverage_ratio(reserve, token, admin, drawn):
    token.approve(reserve, 2**256 - 1, {"from": admin})
    reserve.deposit(500 * USD, {"from": admin})
    assert reserve.coverageRatioBps() == 500  # 500 / 10,000 = 5%


def test_cover_only_by_market(reserve, outsider, err):
    with err("NotMarket", outsider):
        reserve.cover(1, 1, {"from": outsider})


def test_cap_bounds(reserve, admin, err):
    tx = reserve.setCap(5_000, 1_000 * USD, {"from": admin})
    assert tx.events["CapChanged"]["capBps"] == 5_000
    assert (reserve.capBps(), reserve.capAbsolute()) == (5_000, 1_000 * USD)
    with err("ParameterOutOfBounds", b"capBps".ljust(32, b"\0"), 10_001, 10_000):
        reserve.setCap(10_001, 0, {"from": admin})


def test_absolute_cap_limits_available_cover(reserve, token, admin, drawn):
    token.approve(reserve, 2**256 - 1, {"from": admin})
    reserve.deposit(10_000 * USD, {"from": admin})
    assert reserve.availableCover(drawn) == 10_000 * USD
    reserve.setCap(10_000, 1_234 * USD, {"from": admin})
    assert reserve.availableCover(drawn) == 1_234 * USD


def test_set_market_once(ReserveFund, token, admin, market, outsider, err):
    r = ReserveFund.deploy(token, admin, {"from": admin})
    r.setMarket(market, {"from": admin})
    with err("MarketAlreadySet", market):
        r.setMarket(outsider, {"from": admin})


def test_deposit_zero_reverts(reserve, admin, err):
    with err("ZeroAmount"):
        reserve.deposit(0, {"from": admin})


def test_sweep_moves_fees(market, lens, reserve, token, drawn, borrower, treasury):
    sleep(30 * DAY)
    pay_amount_due(market, lens, drawn, borrower)
    res, svc = market.pendingFees()
    t0 = token.balanceOf(treasury)
    tx = market.sweepFees({"from": borrower})
    assert tx.events["FeesSwept"]["reserveAmount"] == res
    assert reserve.balance() == res
    assert token.balanceOf(treasury) - t0 == svc
    assert tuple(market.pendingFees()) == (0, 0)
