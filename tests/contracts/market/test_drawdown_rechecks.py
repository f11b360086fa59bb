"""Drawdown checks again, at drawdown time, what listing checked: the borrower's eligibility, a fresh
credit record graded no worse than the listing, the grade still allowed and a secured loan's collateral
covering the funded amount. A funded listing that no longer qualifies cannot be drawn, and anyone may
expire it so that its lenders take their money back, even while the market is paused."""

import pytest
from brownie import chain
from market_support import DAY, GRADES, STATUS, USD, list_loan, listing


@pytest.fixture
def funded(market, listed, lenders):
    for lender in lenders[:4]:
        market.fund(listed, 2_500 * USD, {"from": lender})
    return listed


def test_a_stale_credit_record_stops_the_drawdown(market, oracle, funded, borrower, admin, err):
    oracle.setRecord(borrower, 700, 2, 300, chain.time() - 3651 * DAY, {"from": admin})
    with err("CreditRecordStale", borrower):
        market.drawdown(funded, {"from": borrower})


def test_a_worse_grade_since_listing_stops_the_drawdown(market, oracle, funded, borrower, admin, err):
    oracle.setRecord(borrower, 610, 4, 900, chain.time(), {"from": admin})
    with err("CreditGradeWorse", borrower, 4, 2):
        market.drawdown(funded, {"from": borrower})


def test_a_better_grade_since_listing_draws(market, oracle, funded, borrower, admin):
    oracle.setRecord(borrower, 790, 1, 100, chain.time(), {"from": admin})
    market.drawdown(funded, {"from": borrower})


def test_a_grade_closed_since_listing_stops_the_drawdown(market, funded, borrower, admin, err):
    apr, max_p, _, _, secured = GRADES[2]
    market.setGradeTerms(2, apr, max_p, False, secured, {"from": admin})
    with err("GradeNotAllowed", 2):
        market.drawdown(funded, {"from": borrower})


def test_collateral_short_at_current_prices_stops_the_drawdown(
    market, vault, collateral, borrower, lenders, err
):
    loan_id = list_loan(
        market, listing(collateral_token=collateral, collateral_amount=5_000 * USD), borrower
    ).return_value
    for lender in lenders[:4]:
        market.fund(loan_id, 2_500 * USD, {"from": lender})
    vault.setCoverage(True, False, {"from": borrower})  # the price fell: the vault says short
    with err("TestCoverageShort", loan_id, 10_000 * USD):
        market.drawdown(loan_id, {"from": borrower})


@pytest.mark.parametrize(
    "change", ["record stale", "grade worse", "grade closed", "borrower frozen", "collateral short"]
)
def test_lenders_take_their_money_back_from_a_listing_that_no_longer_qualifies(
    market, oracle, identity, vault, collateral, token, borrower, lenders, admin, pauser, outsider, change
):
    loan_id = list_loan(
        market, listing(collateral_token=collateral, collateral_amount=5_000 * USD), borrower
    ).return_value
    notes = [market.fund(loan_id, 2_500 * USD, {"from": lender}).return_value for lender in lenders[:4]]
    assert market.expiryReason(loan_id) == 0
    if change == "record stale":
        oracle.setRecord(borrower, 700, 2, 300, chain.time() - 3651 * DAY, {"from": admin})
    elif change == "grade worse":
        oracle.setRecord(borrower, 610, 4, 900, chain.time(), {"from": admin})
    elif change == "grade closed":
        market.setGradeTerms(2, GRADES[2][0], GRADES[2][1], False, False, {"from": admin})
    elif change == "borrower frozen":
        identity.freeze(borrower, 1, {"from": admin})
    else:
        vault.setCoverage(True, False, {"from": admin})
    market.pause({"from": pauser})  # refunds are never paused
    assert market.expiryReason(loan_id) == 3
    before = token.balanceOf(lenders[0])
    tx = market.withdrawFunding(notes[0], {"from": lenders[0]})  # expires the listing on the way
    assert tx.events["LoanExpired"]["reason"] == 3
    assert token.balanceOf(lenders[0]) - before == 2_500 * USD
    for nid, lender in zip(notes[1:], lenders[1:4], strict=False):
        market.withdrawFunding(nid, {"from": lender})
    assert market.getLoan(loan_id)["status"] == STATUS["Expired"]
    assert vault.positionOf(loan_id)[1] == 0  # the borrower's collateral is back


def test_an_unusable_price_proves_nothing(market, vault, collateral, borrower, lenders, outsider, err):
    loan_id = list_loan(
        market, listing(collateral_token=collateral, collateral_amount=5_000 * USD), borrower
    ).return_value
    for lender in lenders[:4]:
        market.fund(loan_id, 2_500 * USD, {"from": lender})
    vault.setCoverage(False, False, {"from": outsider})  # the feed is stale
    assert market.expiryReason(loan_id) == 0
    with err("NotExpirable", loan_id):
        market.expire(loan_id, {"from": outsider})
    with err("TestCoverageShort", loan_id, 10_000 * USD):
        market.drawdown(loan_id, {"from": borrower})
