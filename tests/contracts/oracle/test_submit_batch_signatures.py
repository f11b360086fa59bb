"""CreditOracle.submitBatch: the batch-level checks (deadline, round, signatures) revert with exact errors."""

from brownie import chain
from helpers.builders import report
from helpers.chain_time import pin_next_block_time
from helpers.eip712 import batch_digest, recover, sign_batch
from helpers.keys import dev_key
from helpers.oracle import submit

ZERO = "0x" + "00" * 20


def _ordered(keys):
    return sorted(keys, key=lambda k: int(k.address, 16))


def test_expired_deadline_reverts(oracle, oracle_keys, reverts_with, accounts):
    now = pin_next_block_time()
    with reverts_with("BatchExpired", now - 1, now):
        submit(oracle, oracle_keys[:2], accounts[4], 1, [report(accounts[5])], deadline=now - 1)


def test_round_zero_is_stale(oracle, oracle_keys, reverts_with, accounts):
    with reverts_with("StaleRound", 0, 0):
        submit(oracle, oracle_keys[:2], accounts[4], 0, [report(accounts[5])])


def test_repeated_round_reverts(oracle, oracle_keys, reverts_with, accounts):
    submit(oracle, oracle_keys[:2], accounts[4], 5, [report(accounts[5], as_of=chain.time() - 100)])
    with reverts_with("StaleRound", 5, 5):
        submit(oracle, oracle_keys[:2], accounts[4], 5, [report(accounts[6])])


def test_lower_round_reverts(oracle, oracle_keys, reverts_with, accounts):
    submit(oracle, oracle_keys[:2], accounts[4], 5, [report(accounts[5], as_of=chain.time() - 100)])
    with reverts_with("StaleRound", 4, 5):
        submit(oracle, oracle_keys[:2], accounts[4], 4, [report(accounts[6])])


def test_replayed_batch_reverts(oracle, oracle_keys, reverts_with, accounts):
    reports = [report(accounts[5])]
    deadline = chain.time() + 3600
    signatures = sign_batch(oracle_keys[:2], oracle, 1, deadline, reports)
    submit(oracle, None, accounts[4], 1, reports, deadline=deadline, signatures=signatures)
    with reverts_with("StaleRound", 1, 1):
        submit(oracle, None, accounts[4], 1, reports, deadline=deadline, signatures=signatures)


def test_empty_batch_reverts(oracle, oracle_keys, reverts_with, accounts):
    with reverts_with("EmptyBatch"):
        submit(oracle, oracle_keys[:2], accounts[4], 1, [])


def test_one_signature_below_threshold_reverts(oracle, oracle_keys, reverts_with, accounts):
    with reverts_with("BelowThreshold", 1, 2):
        submit(oracle, oracle_keys[:1], accounts[4], 1, [report(accounts[5])])


def test_no_signature_reverts(oracle, reverts_with, accounts):
    with reverts_with("BelowThreshold", 0, 2):
        submit(oracle, [], accounts[4], 1, [report(accounts[5])], signatures=[])


def test_duplicate_signer_reverts(oracle, oracle_keys, reverts_with, accounts):
    key = oracle_keys[0]
    reports = [report(accounts[5])]
    deadline = chain.time() + 3600
    signature = sign_batch([key], oracle, 1, deadline, reports)[0]
    with reverts_with("SignersNotAscending", key.address, key.address):
        submit(oracle, None, accounts[4], 1, reports, deadline=deadline, signatures=[signature, signature])


def test_descending_signers_revert(oracle, oracle_keys, reverts_with, accounts):
    low, high = _ordered(oracle_keys[:2])
    reports = [report(accounts[5])]
    deadline = chain.time() + 3600
    signatures = sign_batch([high, low], oracle, 1, deadline, reports, order=False)
    with reverts_with("SignersNotAscending", high.address, low.address):
        submit(oracle, None, accounts[4], 1, reports, deadline=deadline, signatures=signatures)


def test_unauthorized_signer_reverts(oracle, oracle_keys, reverts_with, accounts):
    outsider = dev_key(15)
    # sign_batch orders by address; whichever comes first, the outsider is the one rejected.
    with reverts_with("SignerNotAuthorized", outsider.address):
        submit(oracle, [oracle_keys[0], outsider], accounts[4], 1, [report(accounts[5])])


def test_removed_signer_no_longer_counts(oracle, oracle_keys, governor, reverts_with, accounts):
    oracle.removeSigner(oracle_keys[0].address, {"from": governor})
    with reverts_with("SignerNotAuthorized", oracle_keys[0].address):
        submit(oracle, oracle_keys[:2], accounts[4], 1, [report(accounts[5])])


def test_added_signer_counts(oracle, oracle_keys, governor, accounts):
    newcomer = dev_key(15)
    oracle.addSigner(newcomer.address, {"from": governor})
    submit(oracle, [oracle_keys[0], newcomer], accounts[4], 1, [report(accounts[5])])
    assert oracle.lastRound() == 1


def test_raised_threshold_needs_more_signatures(oracle, oracle_keys, governor, reverts_with, accounts):
    oracle.setThreshold(3, {"from": governor})
    with reverts_with("BelowThreshold", 2, 3):
        submit(oracle, oracle_keys[:2], accounts[4], 1, [report(accounts[5])])
    submit(oracle, oracle_keys, accounts[4], 1, [report(accounts[5])])


def _expected_rejection(recovered):
    """Signatures over another digest recover to unrelated addresses: the first one already fails
    the membership check (it is above address 0, so the ordering check passes)."""
    return ("SignerNotAuthorized", recovered[0])


def _assert_rejected(oracle, reverts_with, sender, round_, deadline, reports, signatures):
    digest = batch_digest(oracle, round_, deadline, reports)
    with reverts_with(*_expected_rejection([recover(digest, s) for s in signatures])):
        submit(oracle, None, sender, round_, reports, deadline=deadline, signatures=signatures)


def test_signatures_for_another_chain_revert(oracle, oracle_keys, reverts_with, accounts):
    reports = [report(accounts[5])]
    deadline = chain.time() + 3600
    signatures = sign_batch(oracle_keys[:2], oracle, 1, deadline, reports, chain_id=1)
    _assert_rejected(oracle, reverts_with, accounts[4], 1, deadline, reports, signatures)


def test_signatures_for_another_contract_revert(oracle, oracle_keys, reverts_with, accounts):
    reports = [report(accounts[5])]
    deadline = chain.time() + 3600
    signatures = sign_batch(
        oracle_keys[:2], oracle, 1, deadline, reports, verifying_contract=accounts[8].address
    )
    _assert_rejected(oracle, reverts_with, accounts[4], 1, deadline, reports, signatures)


def test_tampered_report_reverts(oracle, oracle_keys, reverts_with, accounts):
    reports = [report(accounts[5], grade=4)]
    deadline = chain.time() + 3600
    signatures = sign_batch(oracle_keys[:2], oracle, 1, deadline, reports)
    _assert_rejected(oracle, reverts_with, accounts[4], 1, deadline, [dict(reports[0], grade=1)], signatures)
    assert oracle.recordOf(accounts[5]).dict()["grade"] == 0


def test_signatures_for_another_round_revert(oracle, oracle_keys, reverts_with, accounts):
    reports = [report(accounts[5])]
    deadline = chain.time() + 3600
    signatures = sign_batch(oracle_keys[:2], oracle, 1, deadline, reports)
    _assert_rejected(oracle, reverts_with, accounts[4], 2, deadline, reports, signatures)


def test_signatures_for_another_deadline_revert(oracle, oracle_keys, reverts_with, accounts):
    reports = [report(accounts[5])]
    deadline = chain.time() + 3600
    signatures = sign_batch(oracle_keys[:2], oracle, 1, deadline, reports)
    _assert_rejected(oracle, reverts_with, accounts[4], 1, deadline + 1, reports, signatures)


def test_malformed_signature_reverts(oracle, oracle_keys, reverts_with, accounts):
    reports = [report(accounts[5])]
    deadline = chain.time() + 3600
    good = sign_batch(oracle_keys[:1], oracle, 1, deadline, reports)[0]
    with reverts_with("ECDSAInvalidSignatureLength", 64):
        submit(oracle, None, accounts[4], 1, reports, deadline=deadline, signatures=[good, b"\x01" * 64])
