"""approveRestructure, in the order it checks, and what an approval is worth once its note changes hands."""

from market_support import DAY, USD, list_loan, listing, note_id, sleep
from restructuring_support import approve, notes_of, propose


def test_a_holder_approves_for_its_note(market, drawn, borrower, lenders):
    pid = propose(market, drawn, borrower, extra=2)
    tx = market.approveRestructure(drawn, pid, [note_id(drawn, 0)], {"from": lenders[0]})
    ev = tx.events["RestructureApproved"]
    assert (ev["loanId"], ev["proposalId"], ev["noteId"], ev["share"]) == (
        drawn,
        pid,
        note_id(drawn, 0),
        2_500 * USD,
    )
    assert ev["holder"] == lenders[0]
    assert market.restructureApprover(pid, note_id(drawn, 0)) == lenders[0]
    assert tuple(market.restructureApprovals(drawn, notes_of(drawn))) == (2_500 * USD, 6_666_666_667)


def test_a_holder_approves_for_several_notes_at_once(market, drawn, borrower, lenders, note):
    pid = propose(market, drawn, borrower, extra=2)
    note.transferFrom(lenders[1], lenders[0], note_id(drawn, 1), {"from": lenders[1]})
    tx = market.approveRestructure(drawn, pid, notes_of(drawn, 2), {"from": lenders[0]})
    assert len(tx.events["RestructureApproved"]) == 2
    assert market.restructureApprovals(drawn, notes_of(drawn))[0] == 5_000 * USD


def test_approving_again_is_harmless(market, drawn, borrower, lenders):
    pid = propose(market, drawn, borrower, extra=2)
    approve(market, drawn, pid, lenders, [0, 0])
    assert market.restructureApprovals(drawn, notes_of(drawn))[0] == 2_500 * USD


def test_needs_an_open_proposal(market, drawn, borrower, lenders, err):
    with err("RestructureNotProposed", drawn):
        approve(market, drawn, 1, lenders, [0])
    pid = propose(market, drawn, borrower, extra=2, expiry_in=DAY)
    sleep(DAY + 1)
    with err("RestructureNotProposed", drawn):
        approve(market, drawn, pid, lenders, [0])


def test_the_approval_names_the_open_proposal(market, drawn, borrower, lenders, err):
    """A holder approves the terms it saw: after a withdrawal and a new proposal the old id is refused."""
    old = propose(market, drawn, borrower, extra=2)
    market.withdrawRestructure(drawn, {"from": borrower})
    new = propose(market, drawn, borrower, extra=12)
    with err("RestructureProposalMismatch", drawn, old, new):
        approve(market, drawn, old, lenders, [0])


def test_only_the_holder_approves_for_a_note(market, drawn, borrower, lenders, outsider, err):
    pid = propose(market, drawn, borrower, extra=2)
    with err("NotNoteHolder", outsider, note_id(drawn, 0)):
        market.approveRestructure(drawn, pid, [note_id(drawn, 0)], {"from": outsider})
    with err("NotNoteHolder", lenders[1], note_id(drawn, 0)):
        market.approveRestructure(drawn, pid, [note_id(drawn, 1), note_id(drawn, 0)], {"from": lenders[1]})


def test_a_note_of_another_loan_is_refused(market, drawn, borrower, borrowers, lenders, admin, err):
    pid = propose(market, drawn, borrower, extra=2)
    market.setMaxOpenLoansPerBorrower(2, {"from": admin})
    other = list_loan(market, listing(), borrowers[1]).return_value
    nid = market.fund(other, 100 * USD, {"from": lenders[0]}).return_value
    with err("NoteNotOfLoan", nid, drawn):
        market.approveRestructure(drawn, pid, [nid], {"from": lenders[0]})


def test_no_notes_is_refused(market, drawn, borrower, lenders, err):
    pid = propose(market, drawn, borrower, extra=2)
    with err("ZeroAmount"):
        market.approveRestructure(drawn, pid, [], {"from": lenders[0]})


def test_a_frozen_holder_cannot_approve(market, identity, drawn, borrower, lenders, admin, err):
    pid = propose(market, drawn, borrower, extra=2)
    identity.set(lenders[0], 2, 5, 2**40 - 1, True, {"from": admin})
    with err("WalletFrozen", lenders[0]):
        approve(market, drawn, pid, lenders, [0])


def test_approving_goes_on_while_paused(market, drawn, borrower, lenders, pauser):
    pid = propose(market, drawn, borrower, extra=2)
    market.pause({"from": pauser})
    approve(market, drawn, pid, lenders, [0, 1, 2])
    assert market.restructureApprovals(drawn, notes_of(drawn))[0] == 7_500 * USD


def test_an_approval_stops_counting_when_its_note_changes_hands(market, drawn, borrower, lenders, note):
    pid = propose(market, drawn, borrower, extra=2)
    approve(market, drawn, pid, lenders, [0, 1, 2])
    note.transferFrom(lenders[0], lenders[5], note_id(drawn, 0), {"from": lenders[0]})
    # the record stays the seller's, and counts for nobody while the buyer has not approved
    assert market.restructureApprover(pid, note_id(drawn, 0)) == lenders[0]
    assert market.restructureApprovals(drawn, notes_of(drawn))[0] == 5_000 * USD
    market.approveRestructure(drawn, pid, [note_id(drawn, 0)], {"from": lenders[5]})
    assert market.restructureApprovals(drawn, notes_of(drawn))[0] == 7_500 * USD


def test_a_note_that_comes_back_counts_again(market, drawn, borrower, lenders, note):
    """The approval is the wallet's for the note: held again by the wallet that gave it, it counts."""
    pid = propose(market, drawn, borrower, extra=2)
    approve(market, drawn, pid, lenders, [0])
    note.transferFrom(lenders[0], lenders[5], note_id(drawn, 0), {"from": lenders[0]})
    note.transferFrom(lenders[5], lenders[0], note_id(drawn, 0), {"from": lenders[5]})
    assert market.restructureApprovals(drawn, notes_of(drawn))[0] == 2_500 * USD


def test_a_transfer_does_no_restructuring_work(market, drawn, borrower, lenders, note):
    """Transfers cost the same with an open proposal and an approval recorded for the note as without."""
    tx = note.transferFrom(lenders[1], lenders[5], note_id(drawn, 1), {"from": lenders[1]})
    without = tx.gas_used
    pid = propose(market, drawn, borrower, extra=2)
    approve(market, drawn, pid, lenders, [0])
    tx = note.transferFrom(lenders[0], lenders[6], note_id(drawn, 0), {"from": lenders[0]})
    assert tx.gas_used == without
