import brownie
from market_support import DAY, STATUS, USD, list_loan, listing, sleep


def test_borrower_cancels_and_lenders_withdraw(market, note, token, listed, borrower, lenders):
    nid = market.fund(listed, 3_000 * USD, {"from": lenders[0]}).return_value
    tx = market.cancel(listed, {"from": borrower})
    assert "LoanCancelled" in tx.events
    assert market.getLoan(listed)["status"] == STATUS["Cancelled"]
    assert market.openLoansOf(borrower) == 0
    before = token.balanceOf(lenders[0])
    tx = market.withdrawFunding(nid, {"from": lenders[0]})
    assert tx.return_value == 3_000 * USD
    assert token.balanceOf(lenders[0]) - before == 3_000 * USD
    ev = tx.events["FundingWithdrawn"]
    assert (ev["loanId"], ev["noteId"], ev["holder"], ev["amount"]) == (listed, nid, lenders[0], 3_000 * USD)
    assert note.balanceOf(lenders[0]) == 0
    with brownie.reverts():
        note.ownerOf(nid)


def test_withdraw_twice_reverts(market, listed, borrower, lenders, err):
    nid = market.fund(listed, 3_000 * USD, {"from": lenders[0]}).return_value
    market.cancel(listed, {"from": borrower})
    market.withdrawFunding(nid, {"from": lenders[0]})
    with err("NotNoteHolder", lenders[0], nid):  # the note is burned: nobody holds it
        market.withdrawFunding(nid, {"from": lenders[0]})


def test_cancel_by_other_reverts(market, listed, outsider, borrower, err):
    with err("NotBorrower", outsider, borrower):
        market.cancel(listed, {"from": outsider})


def test_cancel_after_drawdown_reverts(market, drawn, borrower, err):
    with err("InvalidLoanStatus", drawn, STATUS["Drawn"]):
        market.cancel(drawn, {"from": borrower})


def test_unfilled_listing_expires_after_deadline(market, listed, outsider, lenders, token):
    nid = market.fund(listed, 3_000 * USD, {"from": lenders[0]}).return_value
    sleep(7 * DAY + 100)
    tx = market.expire(listed, {"from": outsider})
    assert "LoanExpired" in tx.events
    assert market.getLoan(listed)["status"] == STATUS["Expired"]
    assert market.withdrawFunding(nid, {"from": lenders[0]}).return_value == 3_000 * USD


def test_withdraw_expires_listing_implicitly(market, listed, lenders):
    nid = market.fund(listed, 3_000 * USD, {"from": lenders[0]}).return_value
    sleep(7 * DAY + 100)
    tx = market.withdrawFunding(nid, {"from": lenders[0]})
    assert "LoanExpired" in tx.events


def test_expire_before_deadline_reverts(market, listed, outsider, err):
    with err("NotExpirable", listed):
        market.expire(listed, {"from": outsider})


def test_filled_listing_expires_only_after_accept_window(market, listed, lenders, outsider, err):
    for lender in lenders[:4]:
        market.fund(listed, 2_500 * USD, {"from": lender})
    sleep(8 * DAY)
    with err("NotExpirable", listed):
        market.expire(listed, {"from": outsider})
    sleep(7 * DAY)
    market.expire(listed, {"from": outsider})


def test_withdraw_from_live_listing_reverts(market, listed, lenders, err):
    nid = market.fund(listed, 3_000 * USD, {"from": lenders[0]}).return_value
    with err("InvalidLoanStatus", listed, STATUS["Listed"]):
        market.withdrawFunding(nid, {"from": lenders[0]})


def test_withdraw_by_non_holder_reverts(market, listed, borrower, lenders, outsider, err):
    nid = market.fund(listed, 3_000 * USD, {"from": lenders[0]}).return_value
    market.cancel(listed, {"from": borrower})
    with err("NotNoteHolder", outsider, nid):
        market.withdrawFunding(nid, {"from": outsider})


def test_borrower_may_list_again_after_cancel(market, listed, borrower):
    market.cancel(listed, {"from": borrower})
    list_loan(market, listing(), borrower)
