import brownie
from market_support import DAY, ORIGINATION_BPS, STATUS, USD, list_loan, listing


def test_drawdown_pays_borrower_minus_origination_fee(market, token, listed, lenders, borrower, treasury):
    for lender in lenders[:4]:
        market.fund(listed, 2_500 * USD, {"from": lender})
    b0, t0 = token.balanceOf(borrower), token.balanceOf(treasury)
    tx = market.drawdown(listed, {"from": borrower})
    fee = 10_000 * USD * ORIGINATION_BPS // 10_000
    assert token.balanceOf(borrower) - b0 == 10_000 * USD - fee
    assert token.balanceOf(treasury) - t0 == fee
    loan = market.getLoan(listed)
    assert loan["status"] == STATUS["Drawn"]
    assert loan["principalOutstanding"] == 10_000 * USD
    assert market.totalPrincipalOutstanding() == 10_000 * USD
    ev = tx.events["LoanDrawn"]
    assert ev["principal"] == 10_000 * USD and ev["originationFee"] == fee
    assert ev["installment"] == loan["installment"]
    assert ev["firstDueDate"] == tx.timestamp + 30 * DAY


def test_drawdown_before_full_funding_reverts(market, listed, lenders, borrower, err):
    market.fund(listed, 5_000 * USD, {"from": lenders[0]})
    with err("DrawdownNotAllowed", listed, 5_000 * USD, 10_000 * USD, 10_000 * USD):
        market.drawdown(listed, {"from": borrower})


def test_partial_fill_accepted_after_deadline(market, token, borrower, lenders):
    loan_id = list_loan(market, listing(min_fill=6_000 * USD), borrower).return_value
    market.fund(loan_id, 7_000 * USD, {"from": lenders[0]})
    brownie.chain.sleep(7 * DAY + 100)
    market.drawdown(loan_id, {"from": borrower})
    loan = market.getLoan(loan_id)
    assert loan["principal"] == 7_000 * USD and loan["principalOutstanding"] == 7_000 * USD


def test_partial_fill_below_min_fill_cannot_draw(market, borrower, lenders, err):
    loan_id = list_loan(market, listing(min_fill=6_000 * USD), borrower).return_value
    market.fund(loan_id, 5_000 * USD, {"from": lenders[0]})
    brownie.chain.sleep(7 * DAY + 100)
    with err("DrawdownNotAllowed"):
        market.drawdown(loan_id, {"from": borrower})


def test_drawdown_after_accept_window_reverts(market, listed, lenders, borrower, err):
    for lender in lenders[:4]:
        market.fund(listed, 2_500 * USD, {"from": lender})
    brownie.chain.sleep(15 * DAY)
    with err("DrawdownNotAllowed"):
        market.drawdown(listed, {"from": borrower})


def test_only_borrower_draws(market, listed, lenders, outsider, borrower, err):
    for lender in lenders[:4]:
        market.fund(listed, 2_500 * USD, {"from": lender})
    with err("NotBorrower", outsider, borrower):
        market.drawdown(listed, {"from": outsider})


def test_frozen_borrower_cannot_draw(market, identity, listed, lenders, borrower, admin, err):
    for lender in lenders[:4]:
        market.fund(listed, 2_500 * USD, {"from": lender})
    identity.freeze(borrower, 1, {"from": admin})
    with err("NotEligible", borrower):
        market.drawdown(listed, {"from": borrower})


def test_drawdown_twice_reverts(market, drawn, borrower, err):
    with err("InvalidLoanStatus", drawn, STATUS["Drawn"]):
        market.drawdown(drawn, {"from": borrower})
