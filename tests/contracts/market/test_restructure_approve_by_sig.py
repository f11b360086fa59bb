"""approveRestructureBySig: an EIP-712 approval the holder signs and anyone submits, bound to one proposal
of one loan on one market and chain, usable once."""

import brownie
from eth_account.messages import encode_typed_data
from eth_utils import keccak
from helpers.chain_time import pin_next_block_time
from helpers.eip712 import restructure_approval_message
from market_support import USD, list_loan, listing, note_id
from restructuring_support import lender_key, notes_of, propose, signed


def _submit(market, holder, loan_id, pid, notes, deadline, signature, sender):
    return market.approveRestructureBySig(holder, loan_id, pid, notes, deadline, signature, {"from": sender})


def test_anyone_submits_a_holders_signed_approval(market, drawn, borrower, lenders, outsider):
    pid = propose(market, drawn, borrower, extra=2)
    deadline, sig = signed(market, drawn, pid, 0)
    tx = _submit(market, lenders[0], drawn, pid, [note_id(drawn, 0)], deadline, sig, outsider)
    ev = tx.events["RestructureApproved"]
    assert (ev["loanId"], ev["proposalId"], ev["noteId"], ev["share"]) == (
        drawn,
        pid,
        note_id(drawn, 0),
        2_500 * USD,
    )
    assert ev["holder"] == lenders[0]  # the signer, not the submitter
    assert market.restructureApprover(pid, note_id(drawn, 0)) == lenders[0]
    assert market.restructureNonce(lenders[0]) == 1


def test_the_digest_is_the_typed_data_wallets_sign(market, drawn, borrower, lenders):
    """The contract's digest equals eth_account's over the type the service hands out."""
    pid = propose(market, drawn, borrower, extra=2)
    message = restructure_approval_message(market, lenders[0], drawn, pid, 7, 12_345)
    signable = encode_typed_data(full_message=message)
    expected = keccak(b"\x19" + signable.version + signable.header + signable.body)
    assert bytes(market.restructureApprovalDigest(lenders[0], drawn, pid, 7, 12_345)) == expected


def test_a_signature_is_refused_when_replayed(market, drawn, borrower, lenders, outsider, note, err):
    pid = propose(market, drawn, borrower, extra=2)
    deadline, sig = signed(market, drawn, pid, 0)
    _submit(market, lenders[0], drawn, pid, [note_id(drawn, 0)], deadline, sig, outsider)
    with err("InvalidApprovalSignature", lenders[0]):
        _submit(market, lenders[0], drawn, pid, [note_id(drawn, 0)], deadline, sig, outsider)
    # nor can a relayer use it again for a note the signer acquires later
    note.transferFrom(lenders[1], lenders[0], note_id(drawn, 1), {"from": lenders[1]})
    with err("InvalidApprovalSignature", lenders[0]):
        _submit(market, lenders[0], drawn, pid, [note_id(drawn, 1)], deadline, sig, outsider)


def test_a_signature_for_another_proposal_is_refused(market, drawn, borrower, lenders, outsider, err):
    old = propose(market, drawn, borrower, extra=2)
    deadline, sig = signed(market, drawn, old, 0)
    market.withdrawRestructure(drawn, {"from": borrower})
    new = propose(market, drawn, borrower, extra=12)
    # the old proposal's approval cannot be passed off for the new one
    with err("InvalidApprovalSignature", lenders[0]):
        _submit(market, lenders[0], drawn, new, [note_id(drawn, 0)], deadline, sig, outsider)


def test_a_signature_for_another_loan_is_refused(
    market, drawn, borrower, borrowers, lenders, outsider, admin, err
):
    pid = propose(market, drawn, borrower, extra=2)
    market.setMaxOpenLoansPerBorrower(2, {"from": admin})
    other = list_loan(market, listing(), borrowers[1]).return_value
    deadline, sig = signed(market, other, pid, 0)  # signed for loan `other`, same proposal id
    with err("InvalidApprovalSignature", lenders[0]):
        _submit(market, lenders[0], drawn, pid, [note_id(drawn, 0)], deadline, sig, outsider)


def test_a_signature_for_another_chain_or_market_is_refused(market, drawn, borrower, lenders, outsider, err):
    pid = propose(market, drawn, borrower, extra=2)
    for domain in ({"chain_id": brownie.chain.id + 1}, {"verifying_contract": "0x" + "11" * 20}):
        deadline, sig = signed(market, drawn, pid, 0, **domain)
        with err("InvalidApprovalSignature", lenders[0]):
            _submit(market, lenders[0], drawn, pid, [note_id(drawn, 0)], deadline, sig, outsider)


def test_a_signature_by_someone_else_is_refused(market, drawn, borrower, lenders, outsider, err):
    pid = propose(market, drawn, borrower, extra=2)
    deadline, sig = signed(market, drawn, pid, 1)  # lenders[1] signs...
    with err("InvalidApprovalSignature", lenders[0]):  # ...for lenders[0]'s approval
        _submit(market, lenders[0], drawn, pid, [note_id(drawn, 0)], deadline, sig, outsider)


def test_an_expired_signature_is_refused(market, drawn, borrower, lenders, outsider, err):
    pid = propose(market, drawn, borrower, extra=2)
    ts = pin_next_block_time()
    deadline, sig = signed(market, drawn, pid, 0, deadline=ts - 1)
    with err("SignatureExpired", ts - 1, ts):
        _submit(market, lenders[0], drawn, pid, [note_id(drawn, 0)], deadline, sig, outsider)


def test_the_signer_must_hold_the_notes_submitted(market, drawn, borrower, lenders, outsider, err):
    pid = propose(market, drawn, borrower, extra=2)
    deadline, sig = signed(market, drawn, pid, 0)
    with err("NotNoteHolder", lenders[0], note_id(drawn, 1)):
        _submit(market, lenders[0], drawn, pid, notes_of(drawn, 2), deadline, sig, outsider)


def test_signed_approvals_reach_the_threshold(market, drawn, borrower, lenders, outsider):
    pid = propose(market, drawn, borrower, extra=2)
    for i in range(3):
        deadline, sig = signed(market, drawn, pid, i)
        _submit(market, lender_key(i).address, drawn, pid, [note_id(drawn, i)], deadline, sig, outsider)
    tx = market.executeRestructure(drawn, notes_of(drawn), {"from": outsider})
    assert tx.events["RestructureExecuted"]["approvedPrincipal"] == 7_500 * USD
