"""A borrower can add collateral to a listed or drawn secured loan."""

import pytest
from market_support import STATUS, USD, list_loan, listing


@pytest.fixture
def secured(market, vault, collateral, borrower):
    return list_loan(
        market, listing(collateral_token=collateral, collateral_amount=5_000 * USD), borrower
    ).return_value


def test_added_to_a_listed_loan(market, vault, collateral, secured, borrower):
    before = collateral.balanceOf(borrower)
    market.addCollateral(secured, 1_000 * USD, {"from": borrower})
    assert vault.positionOf(secured)[1] == 6_000 * USD
    assert before - collateral.balanceOf(borrower) == 1_000 * USD


def test_added_to_a_drawn_loan_even_while_paused(market, vault, secured, borrower, lenders, pauser):
    for lender in lenders[:4]:
        market.fund(secured, 2_500 * USD, {"from": lender})
    market.drawdown(secured, {"from": borrower})
    market.pause({"from": pauser})  # a top-up only makes the loan safer
    market.addCollateral(secured, 2_000 * USD, {"from": borrower})
    assert vault.positionOf(secured)[1] == 7_000 * USD


def test_only_the_borrower_adds(market, secured, borrower, outsider, err):
    with err("NotBorrower", outsider, borrower):
        market.addCollateral(secured, 1, {"from": outsider})


def test_an_unsecured_loan_takes_no_collateral(market, listed, borrower, err):
    with err("CollateralNotPledged", listed):
        market.addCollateral(listed, 1, {"from": borrower})


def test_a_closed_loan_takes_no_collateral(market, secured, borrower, err):
    market.cancel(secured, {"from": borrower})
    with err("InvalidLoanStatus", secured, STATUS["Cancelled"]):
        market.addCollateral(secured, 1, {"from": borrower})
    with err("UnknownLoan", 99):
        market.addCollateral(99, 1, {"from": borrower})
