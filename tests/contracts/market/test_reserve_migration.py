"""The reserve fund can be replaced through the timelock: one batch points the market at a successor
fund and moves the old fund's whole balance to it. What reserve funds paid per loan stays with the
market, so caps and claims on recoveries survive the move."""

import pytest
from brownie import PeerLendTimelock, ReserveFund, chain
from helpers.roles import assert_role_gated
from market_support import DAY, USD, sleep

ZERO = "0x" + "00" * 20
ZERO32 = "0x" + "00" * 32


@pytest.fixture
def successor(market, token, admin):
    fund = ReserveFund.deploy(token, admin, {"from": admin})
    fund.setMarket(market, {"from": admin})
    return fund


@pytest.fixture
def timelock(market, reserve, admin):
    """A 60-second timelock holding the admin role of the market and the fund, as deployed."""
    lock = PeerLendTimelock.deploy(60, [admin], [ZERO], {"from": admin})
    for contract in (market, reserve):
        contract.grantRole(ZERO32, lock, {"from": admin})
        contract.renounceRole(ZERO32, admin, {"from": admin})
    return lock


def _migrate_through(timelock, market, reserve, successor, admin):
    targets = [market, reserve]
    data = [market.setReserveFund.encode_input(successor), reserve.migrate.encode_input(successor)]
    timelock.scheduleBatch(targets, [0, 0], data, ZERO32, ZERO32, 60, {"from": admin})
    chain.sleep(61)
    return timelock.executeBatch(targets, [0, 0], data, ZERO32, ZERO32, {"from": admin})


def test_a_timelocked_batch_moves_the_fund(market, reserve, successor, timelock, token, admin, err):
    token.approve(reserve, 2**256 - 1, {"from": admin})
    reserve.deposit(1_234 * USD, {"from": admin})
    assert_role_gated(
        reserve, "migrate", (successor,), "DEFAULT_ADMIN_ROLE", [admin]
    )  # not directly any more
    tx = _migrate_through(timelock, market, reserve, successor, admin)
    assert tx.events["Migrated"]["amount"] == 1_234 * USD
    assert market.reserveFund() == successor and reserve.successor() == successor
    assert (reserve.balance(), successor.balance()) == (0, 1_234 * USD)
    with err("FundMigrated", successor):
        reserve.deposit(1, {"from": admin})
    assert reserve.availableCover(1) == 0


def test_covers_and_their_caps_continue_in_the_successor(
    market, reserve, successor, timelock, token, drawn, outsider, admin
):
    token.approve(reserve, 2**256 - 1, {"from": admin})
    token.approve(successor, 2**256 - 1, {"from": admin})
    reserve.deposit(3_000 * USD, {"from": admin})
    sleep(121 * DAY)
    market.markDefault(drawn, {"from": outsider})
    market.coverFromReserve(drawn, {"from": outsider})
    _migrate_through(timelock, market, reserve, successor, admin)
    successor.deposit(20_000 * USD, {"from": admin})
    assert successor.coveredOf(drawn) == 3_000 * USD  # the market's record, not the fund's
    assert successor.availableCover(drawn) == 7_000 * USD  # cap 100% of 10,000 less what was paid
    assert (
        market.coverFromReserve(drawn, {"from": outsider}).events["DefaultCovered"]["covered"] == 7_000 * USD
    )


def test_the_market_refuses_a_fund_bound_elsewhere(market, token, admin, outsider, err):
    stray = ReserveFund.deploy(token, admin, {"from": admin})
    stray.setMarket(outsider, {"from": admin})
    with err("InvalidReserveFund", stray):
        market.setReserveFund(stray, {"from": admin})


def test_a_fund_refuses_a_successor_bound_elsewhere(reserve, token, admin, outsider, err):
    stray = ReserveFund.deploy(token, admin, {"from": admin})
    stray.setMarket(outsider, {"from": admin})
    with err("InvalidSuccessor", stray):
        reserve.migrate(stray, {"from": admin})
    with err("InvalidSuccessor", reserve):
        reserve.migrate(reserve, {"from": admin})
