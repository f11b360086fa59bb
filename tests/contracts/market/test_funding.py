import brownie
from market_support import DAY, MIN_TICKET, STATUS, USD, note_id


def test_fund_mints_note_with_share(market, note, token, listed, lender):
    before = token.balanceOf(lender)
    tx = market.fund(listed, 1_000 * USD, {"from": lender})
    nid = tx.return_value
    assert nid == note_id(listed, 0)
    assert note.ownerOf(nid) == lender
    assert note.shareOf(nid) == 1_000 * USD
    assert note.loanIdOf(nid) == listed
    assert note.balanceOf(lender) == 1
    assert token.balanceOf(lender) == before - 1_000 * USD
    assert token.balanceOf(market) == 1_000 * USD
    assert market.getLoan(listed)["funded"] == 1_000 * USD
    ev = tx.events["LoanFunded"]
    assert (ev["loanId"], ev["noteId"], ev["lender"], ev["amount"]) == (listed, nid, lender, 1_000 * USD)


def test_fund_note_ids_increase_per_loan(market, listed, lenders):
    ids = [market.fund(listed, 100 * USD, {"from": lender}).return_value for lender in lenders[:3]]
    assert ids == [note_id(listed, i) for i in range(3)]
    assert market.getLoan(listed)["noteCount"] == 3


def test_fund_rejects_below_min_ticket(market, listed, lender, err):
    with err("TicketTooSmall", MIN_TICKET - 1, MIN_TICKET):
        market.fund(listed, MIN_TICKET - 1, {"from": lender})


def test_fund_last_ticket_may_be_smaller(market, listed, lenders):
    market.fund(listed, 10_000 * USD - 10, {"from": lenders[0]})
    market.fund(listed, 10, {"from": lenders[1]})
    assert market.getLoan(listed)["funded"] == 10_000 * USD


def test_fund_refuses_overfunding(market, listed, lenders, err):
    market.fund(listed, 9_000 * USD, {"from": lenders[0]})
    with err("OverFunding", 1_001 * USD, 1_000 * USD):
        market.fund(listed, 1_001 * USD, {"from": lenders[1]})


def test_fund_refuses_zero(market, listed, lender, err):
    with err("ZeroAmount"):
        market.fund(listed, 0, {"from": lender})


def test_borrower_cannot_fund_own_loan(market, listed, borrower, err):
    with err("BorrowerCannotHoldNote", listed):
        market.fund(listed, 100 * USD, {"from": borrower})


def test_fund_requires_eligible_lender(market, identity, listed, lender, admin, err):
    identity.freeze(lender, 1, {"from": admin})
    with err("NotEligible", lender):
        market.fund(listed, 100 * USD, {"from": lender})


def test_fund_requires_suitable_risk_class(market, identity, listed, lender, admin, err):
    market.setMinRiskClass(2, 4, {"from": admin})
    identity.set(lender, 2, 3, brownie.chain.time() + 365 * DAY, False, {"from": admin})
    with err("NotSuitable", lender, 3, 4):
        market.fund(listed, 100 * USD, {"from": lender})
    identity.set(lender, 2, 4, brownie.chain.time() + 365 * DAY, False, {"from": admin})
    market.fund(listed, 100 * USD, {"from": lender})


def test_fund_after_deadline_reverts(market, listed, lender, err):
    deadline = market.getLoan(listed)["listingDeadline"]
    brownie.chain.sleep(8 * DAY)
    with err("ListingClosed", listed, deadline):
        market.fund(listed, 100 * USD, {"from": lender})


def test_fund_unknown_loan_reverts(market, lender, err):
    with err("UnknownLoan", 99):
        market.fund(99, 100 * USD, {"from": lender})


def test_fund_drawn_loan_reverts(market, drawn, lenders, err):
    with err("InvalidLoanStatus", drawn, STATUS["Drawn"]):
        market.fund(drawn, 100 * USD, {"from": lenders[5]})
