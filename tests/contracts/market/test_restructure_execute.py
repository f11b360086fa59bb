"""executeRestructure: the two-thirds threshold, which approvals count, and what changes on execution."""

from market_support import DAY, STATUS, USD, list_loan, listing, note_id, sleep
from restructuring_support import approve, execute, notes_of, propose

REQUIRED = 6_666_666_667  # ceil(2 * 10,000 USD / 3) in base units


def test_refused_below_two_thirds(market, drawn, borrower, lenders, outsider, err):
    pid = propose(market, drawn, borrower, extra=2)
    approve(market, drawn, pid, lenders, [0, 1])
    with err("ApprovalBelowThreshold", 5_000 * USD, REQUIRED):
        execute(market, drawn, [0, 1, 2, 3], outsider)
    assert market.getLoan(drawn)["numPeriods"] == 12


def test_executed_at_two_thirds_by_anyone(market, drawn, borrower, lenders, outsider):
    pid = propose(market, drawn, borrower, extra=2)
    approve(market, drawn, pid, lenders, [0, 1, 2])
    before = market.getLoan(drawn)
    tx = execute(market, drawn, [0, 1, 2, 3], outsider)
    ev = tx.events["RestructureExecuted"]
    assert (ev["loanId"], ev["proposalId"], ev["approvedPrincipal"]) == (drawn, pid, 7_500 * USD)
    assert tx.return_value == 7_500 * USD
    loan = market.getLoan(drawn)
    assert loan["numPeriods"] == 14 and ev["numPeriods"] == 14
    assert loan["installment"] == ev["installment"] < before["installment"]  # 14 smaller installments
    assert loan["flags"] & 8
    assert market.restructureProposal(drawn)["proposalId"] == 0  # spent: it cannot run twice
    base = market.scheduleBaseOf(drawn)
    assert (base["restructured"], base["balance"], base["period"]) == (True, 10_000 * USD, 0)
    assert ev["baseBalance"] == 10_000 * USD and ev["basePeriod"] == 0


def test_the_threshold_is_two_thirds_rounded_up(market, borrowers, lenders, admin, outsider, err):
    """3,001 base units funded: two thirds is 2,000.67, so 2,000 is refused and 2,001 executes."""
    market.setMinTicket(1, {"from": admin})
    loan_id = list_loan(market, listing(principal=3_001), borrowers[0]).return_value
    for i, amount in enumerate((2_000, 1, 1_000)):
        market.fund(loan_id, amount, {"from": lenders[i]})
    market.drawdown(loan_id, {"from": borrowers[0]})
    pid = propose(market, loan_id, borrowers[0], holiday=1)
    approve(market, loan_id, pid, lenders, [0])
    with err("ApprovalBelowThreshold", 2_000, 2_001):
        execute(market, loan_id, [0, 1, 2], outsider)
    approve(market, loan_id, pid, lenders, [1])
    assert execute(market, loan_id, [0, 1, 2], outsider).return_value == 2_001


def test_exactly_two_thirds_executes(market, borrowers, lenders, admin, outsider):
    market.setMinTicket(1, {"from": admin})
    loan_id = list_loan(market, listing(principal=3_000 * USD), borrowers[0]).return_value
    for i in range(3):
        market.fund(loan_id, 1_000 * USD, {"from": lenders[i]})
    market.drawdown(loan_id, {"from": borrowers[0]})
    pid = propose(market, loan_id, borrowers[0], extra=1)
    approve(market, loan_id, pid, lenders, [0, 2])
    assert execute(market, loan_id, [0, 2], outsider).return_value == 2_000 * USD


def test_a_transferred_notes_approval_is_not_counted(market, drawn, borrower, lenders, note, outsider, err):
    pid = propose(market, drawn, borrower, extra=2)
    approve(market, drawn, pid, lenders, [0, 1, 2])
    note.transferFrom(lenders[2], lenders[6], note_id(drawn, 2), {"from": lenders[2]})
    with err("ApprovalBelowThreshold", 5_000 * USD, REQUIRED):
        execute(market, drawn, [0, 1, 2], outsider)
    market.approveRestructure(drawn, pid, [note_id(drawn, 2)], {"from": lenders[6]})  # the new holder agrees
    assert execute(market, drawn, [0, 1, 2], outsider).return_value == 7_500 * USD


def test_a_sold_notes_approval_is_not_counted(market, lens, drawn, borrower, lenders, admin, outsider, err):
    market.setResaleTerms(50, 500, 0, {"from": admin})
    pid = propose(market, drawn, borrower, extra=2)
    approve(market, drawn, pid, lenders, [0, 1, 2])
    market.offerNote(
        note_id(drawn, 2), 2_000 * USD, market.getLoan(drawn)["lastAccrual"] + DAY, {"from": lenders[2]}
    )
    market.buyNote(note_id(drawn, 2), 2_000 * USD, False, {"from": lenders[7]})
    with err("ApprovalBelowThreshold", 5_000 * USD, REQUIRED):
        execute(market, drawn, [0, 1, 2], outsider)


def test_notes_must_be_strictly_ascending(market, drawn, borrower, lenders, outsider, err):
    pid = propose(market, drawn, borrower, extra=2)
    approve(market, drawn, pid, lenders, [0, 1])
    n0, n1 = note_id(drawn, 0), note_id(drawn, 1)
    with err("NoteIdsNotAscending", n0, n0):  # a note named twice counts once, or the call is refused
        market.executeRestructure(drawn, [n0, n0, n1], {"from": outsider})
    with err("NoteIdsNotAscending", n0, n1):
        market.executeRestructure(drawn, [n1, n0], {"from": outsider})


def test_notes_without_an_approval_are_skipped(market, drawn, borrower, lenders, outsider):
    pid = propose(market, drawn, borrower, extra=2)
    approve(market, drawn, pid, lenders, [1, 2, 3])
    assert execute(market, drawn, [0, 1, 2, 3], outsider).return_value == 7_500 * USD


def test_approvals_of_an_earlier_proposal_do_not_count(market, drawn, borrower, lenders, outsider, err):
    old = propose(market, drawn, borrower, extra=2)
    approve(market, drawn, old, lenders, [0, 1, 2])
    market.withdrawRestructure(drawn, {"from": borrower})
    propose(market, drawn, borrower, extra=12)
    with err("ApprovalBelowThreshold", 0, REQUIRED):
        execute(market, drawn, [0, 1, 2], outsider)


def test_refused_while_paused_executed_after(market, drawn, borrower, lenders, outsider, pauser, err):
    pid = propose(market, drawn, borrower, extra=2)
    approve(market, drawn, pid, lenders, [0, 1, 2])
    market.pause({"from": pauser})
    with err("MarketPaused"):
        execute(market, drawn, [0, 1, 2], outsider)
    market.unpause({"from": pauser})
    execute(market, drawn, [0, 1, 2], outsider)


def test_refused_once_expired_or_withdrawn(market, drawn, borrower, lenders, outsider, err):
    pid = propose(market, drawn, borrower, extra=2, expiry_in=DAY)
    approve(market, drawn, pid, lenders, [0, 1, 2])
    sleep(DAY + 1)
    with err("RestructureNotProposed", drawn):
        execute(market, drawn, [0, 1, 2], outsider)


def test_refused_once_the_loan_is_repaid(market, drawn, borrower, lenders, outsider, err):
    pid = propose(market, drawn, borrower, extra=2)
    approve(market, drawn, pid, lenders, [0, 1, 2])
    market.repay(drawn, 20_000 * USD, {"from": borrower})  # capped at the payoff
    with err("InvalidLoanStatus", drawn, STATUS["Repaid"]):
        execute(market, drawn, [0, 1, 2], outsider)


def test_principal_and_totals_do_not_move(market, drawn, borrower, lenders, outsider):
    sleep(45 * DAY)  # an installment is 15 days late
    pid = propose(market, drawn, borrower, extra=2, holiday=3)
    approve(market, drawn, pid, lenders, [0, 1, 2])
    before = market.getLoan(drawn)
    total = market.totalPrincipalOutstanding()
    execute(market, drawn, [0, 1, 2], outsider)
    after = market.getLoan(drawn)
    assert after["principalOutstanding"] == before["principalOutstanding"] == 10_000 * USD
    assert after["principal"] == before["principal"] and after["funded"] == before["funded"]
    assert market.totalPrincipalOutstanding() == total
    assert after["accPerShare"] == before["accPerShare"]  # nothing paid to or taken from the notes
    assert notes_of(drawn) and all(market.noteInfo(n)[1] == 2_500 * USD for n in notes_of(drawn))
