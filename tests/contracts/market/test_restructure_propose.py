"""proposeRestructure and withdrawRestructure, in the order proposeRestructure checks."""

import brownie
from helpers.chain_time import pin_next_block_time
from market_support import DAY, STATUS, list_loan, listing, note_id, pay_amount_due, sleep
from restructuring_support import approve, propose


def test_the_borrower_proposes_and_the_proposal_is_open(market, drawn, borrower):
    expiry = brownie.chain.time() + 7 * DAY
    tx = market.proposeRestructure(drawn, 3, 2, expiry, {"from": borrower})
    pid = tx.return_value
    assert pid == 1
    ev = tx.events["RestructureProposed"]
    assert (ev["loanId"], ev["proposalId"], ev["extraPeriods"], ev["holidayPeriods"], ev["expiry"]) == (
        drawn,
        pid,
        3,
        2,
        expiry,
    )
    assert tuple(market.restructureProposal(drawn)) == (pid, 3, 2, expiry, True)


def test_proposal_ids_are_unique_across_loans(market, drawn, borrower, borrowers, lenders, admin):
    first = propose(market, drawn, borrower, extra=1)
    market.setMaxOpenLoansPerBorrower(2, {"from": admin})
    other = list_loan(market, listing(), borrowers[1]).return_value
    for lender in lenders[4:8]:
        market.fund(other, 2_500 * 10**6, {"from": lender})
    market.drawdown(other, {"from": borrowers[1]})
    assert propose(market, other, borrowers[1], extra=1) == first + 1


def test_refused_while_paused_and_allowed_after_wind_down(market, drawn, borrower, pauser, admin, err):
    market.pause({"from": pauser})
    with err("MarketPaused"):
        propose(market, drawn, borrower, extra=1)
    market.unpause({"from": pauser})
    market.windDown({"from": admin})  # the book runs off: servicing goes on
    assert propose(market, drawn, borrower, extra=1) == 1


def test_only_a_drawn_loan_can_be_restructured(market, listed, borrower, err):
    with err("InvalidLoanStatus", listed, STATUS["Listed"]):
        propose(market, listed, borrower, extra=1)
    with err("UnknownLoan", 99):
        propose(market, 99, borrower, extra=1)


def test_a_defaulted_loan_cannot_be_restructured(market, drawn, borrower, outsider, err):
    sleep(30 * DAY + 91 * DAY)
    market.markDefault(drawn, {"from": outsider})
    with err("InvalidLoanStatus", drawn, STATUS["Defaulted"]):
        propose(market, drawn, borrower, extra=1)


def test_a_repaid_loan_cannot_be_restructured(market, drawn, borrower, err):
    pin_next_block_time()
    market.repay(drawn, market.payoffAmount(drawn, block_identifier="pending"), {"from": borrower})
    with err("InvalidLoanStatus", drawn, STATUS["Repaid"]):
        propose(market, drawn, borrower, extra=1)


def test_only_the_borrower_proposes(market, drawn, borrower, lender, outsider, err):
    for caller in (lender, outsider):
        with err("NotBorrower", caller, borrower):
            propose(market, drawn, caller, extra=1)


def test_a_frozen_borrower_cannot_propose(market, identity, drawn, borrower, admin, err):
    identity.set(borrower, 2, 5, 2**40 - 1, True, {"from": admin})
    with err("WalletFrozen", borrower):
        propose(market, drawn, borrower, extra=1)


def test_one_open_proposal_per_loan(market, drawn, borrower, err):
    pid = propose(market, drawn, borrower, extra=1, expiry_in=2 * DAY)
    with err("RestructureAlreadyProposed", drawn, pid):
        propose(market, drawn, borrower, holiday=1)
    sleep(2 * DAY + 1)  # expired: a new proposal replaces it
    assert propose(market, drawn, borrower, holiday=1) == pid + 1
    assert tuple(market.restructureProposal(drawn))[:3] == (pid + 1, 0, 1)


def test_expiry_must_be_ahead_and_within_30_days(market, drawn, borrower, err):
    pin = pin_next_block_time()
    with err("InvalidProposalExpiry", pin, pin):
        market.proposeRestructure(drawn, 1, 0, pin, {"from": borrower})
    pin = pin_next_block_time()
    with err("InvalidProposalExpiry", pin + 30 * DAY + 1, pin):
        market.proposeRestructure(drawn, 1, 0, pin + 30 * DAY + 1, {"from": borrower})
    pin = pin_next_block_time()
    market.proposeRestructure(drawn, 1, 0, pin + 30 * DAY, {"from": borrower})


def test_terms_must_change_something_within_bounds(market, drawn, borrower, err):
    for extra, holiday in ((0, 0), (0, 13), (349, 0)):  # nothing; holiday over 12; over 360 installments
        with err("InvalidRestructureTerms", drawn, extra, holiday):
            propose(market, drawn, borrower, extra=extra, holiday=holiday)
    assert propose(market, drawn, borrower, extra=348, holiday=12) == 1  # 360 installments, a year off


def test_a_loan_past_maturity_needs_an_extension(market, lens, drawn, borrower, err):
    for _ in range(11):
        sleep(30 * DAY)
        pay_amount_due(market, lens, drawn, borrower)
    sleep(40 * DAY)  # the last installment is 10 days late: every due date has passed
    with err("InvalidRestructureTerms", drawn, 0, 3):
        propose(market, drawn, borrower, holiday=3)
    assert propose(market, drawn, borrower, extra=2) == 1


# ------------------------------------------------------------------ withdrawRestructure


def test_the_borrower_withdraws_and_approvals_stop(market, drawn, borrower, lenders, err):
    pid = propose(market, drawn, borrower, extra=2)
    approve(market, drawn, pid, lenders, [0])
    tx = market.withdrawRestructure(drawn, {"from": borrower})
    ev = tx.events["RestructureWithdrawn"]
    assert (ev["loanId"], ev["proposalId"]) == (drawn, pid)
    assert market.restructureProposal(drawn)["open"] is False
    with err("RestructureNotProposed", drawn):
        approve(market, drawn, pid, lenders, [1])
    # a new proposal starts from no approvals: the old one's do not carry over
    new = propose(market, drawn, borrower, extra=2)
    assert new == pid + 1
    assert market.restructureApprovals(drawn, [note_id(drawn, 0)])[0] == 0


def test_only_the_borrower_withdraws(market, drawn, borrower, lender, err):
    propose(market, drawn, borrower, extra=2)
    with err("NotBorrower", lender, borrower):
        market.withdrawRestructure(drawn, {"from": lender})


def test_withdraw_needs_an_open_proposal(market, drawn, borrower, pauser, err):
    with err("RestructureNotProposed", drawn):
        market.withdrawRestructure(drawn, {"from": borrower})
    propose(market, drawn, borrower, extra=2, expiry_in=DAY)
    market.pause({"from": pauser})  # withdrawing is never paused
    market.withdrawRestructure(drawn, {"from": borrower})
    with err("UnknownLoan", 77):
        market.withdrawRestructure(77, {"from": borrower})
