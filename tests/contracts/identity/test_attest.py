"""IdentityRegistry.attest: ATTESTER_ROLE writes or replaces a wallet's attestation."""

from helpers.builders import attest_args, attestation, commitment, subject
from helpers.chain_time import pin_next_block_time
from helpers.eip712 import attestation_tuple, sign_attestation

ZERO32 = "0x" + "00" * 32


def _attest(registry, sender, **args):
    return registry.attest(*args.values(), {"from": sender})


def test_attest_stores_identity(registry, attester, accounts):
    args = attest_args(accounts[5])
    _attest(registry, attester, **args)
    assert registry.identityOf(accounts[5]).dict() == {
        "level": 2,
        "riskClass": 3,
        "jurisdiction": 840,
        "expiresAt": args["expiresAt"],
        "frozen": False,
        "entity": False,
        "commitment": args["commitment"],
        "subject": subject(accounts[5]),
    }


def test_attest_emits_identity_attested(registry, attester, accounts):
    args = attest_args(accounts[5], level=1, riskClass=5, jurisdiction=276)
    tx = _attest(registry, attester, **args)
    assert tx.events["IdentityAttested"] == {
        "wallet": accounts[5],
        "attester": attester,
        "level": 1,
        "riskClass": 5,
        "jurisdiction": 276,
        "expiresAt": args["expiresAt"],
        "commitment": args["commitment"],
        "subject": subject(accounts[5]),
        "entity": False,
    }


def test_attest_stores_subject_and_entity(registry, attester, accounts):
    person = subject("acme-ltd")
    _attest(registry, attester, **attest_args(accounts[5], subject=person, entity=True))
    stored = registry.identityOf(accounts[5]).dict()
    assert (stored["subject"], stored["entity"]) == (person, True)


def test_attest_event_carries_subject_and_entity(registry, attester, accounts):
    person = subject("acme-ltd")
    tx = _attest(registry, attester, **attest_args(accounts[5], subject=person, entity=True))
    event = tx.events["IdentityAttested"]
    assert (event["subject"], event["entity"]) == (person, True)


def test_attest_links_wallets_of_one_person_by_subject(registry, attester, accounts):
    person = subject("alice")
    for wallet in (accounts[5], accounts[6]):
        _attest(registry, attester, **attest_args(wallet, subject=person))
    assert registry.identityOf(accounts[5]).dict()["subject"] == person
    assert registry.identityOf(accounts[6]).dict()["subject"] == person


def test_attest_reverts_for_zero_subject(registry, attester, reverts_with, accounts):
    with reverts_with("InvalidSubject", accounts[5]):
        _attest(registry, attester, **attest_args(accounts[5], subject=ZERO32))


def test_attest_makes_wallet_eligible(registry, attester, accounts):
    assert not registry.isEligible(accounts[5])
    _attest(registry, attester, **attest_args(accounts[5]))
    assert registry.isEligible(accounts[5])
    assert registry.riskClassOf(accounts[5]) == 3


def test_reattest_replaces_fields(registry, attester, accounts):
    _attest(registry, attester, **attest_args(accounts[5]))
    args = attest_args(accounts[5], level=1, riskClass=1, jurisdiction=250, commitment=commitment("v2"))
    _attest(registry, attester, **args)
    assert registry.identityOf(accounts[5]).dict() == {
        "level": 1,
        "riskClass": 1,
        "jurisdiction": 250,
        "expiresAt": args["expiresAt"],
        "frozen": False,
        "entity": False,
        "commitment": commitment("v2"),
        "subject": subject(accounts[5]),
    }


def test_reattest_keeps_wallet_frozen(registry, attester, compliance, accounts):
    _attest(registry, attester, **attest_args(accounts[5]))
    registry.freeze(accounts[5], 7, {"from": compliance})
    _attest(registry, attester, **attest_args(accounts[5], level=1))
    assert registry.identityOf(accounts[5]).dict()["frozen"] is True
    assert not registry.isEligible(accounts[5])


def test_attest_uses_up_the_nonce(registry, attester, accounts):
    _attest(registry, attester, **attest_args(accounts[5]))
    assert registry.nonces(accounts[5]) == 1
    _attest(registry, attester, **attest_args(accounts[5], level=1))
    assert registry.nonces(accounts[5]) == 2


def test_signature_issued_before_a_direct_downgrade_is_refused(
    registry, attester, attester_key, reverts_with, accounts
):
    # The attester signs a level-2 attestation for the wallet to submit, then changes its mind and
    # writes level 1 directly. The wallet must not be able to undo the downgrade with the older signature.
    wallet = accounts[5]
    pending = attestation(wallet, nonce=registry.nonces(wallet), level=2)
    signature = sign_attestation(attester_key, registry, pending)
    _attest(registry, attester, **attest_args(wallet, level=1))
    with reverts_with("InvalidNonce", wallet, 1, 0):
        registry.attestWithSignature(attestation_tuple(pending), signature, {"from": wallet})
    assert registry.identityOf(wallet).dict()["level"] == 1


def test_attest_reverts_for_zero_wallet(registry, attester, reverts_with):
    zero = "0x" + "00" * 20
    with reverts_with("InvalidWallet", zero):
        _attest(registry, attester, **attest_args(zero))


def test_attest_reverts_for_level_zero(registry, attester, reverts_with, accounts):
    with reverts_with("InvalidLevel", 0):
        _attest(registry, attester, **attest_args(accounts[5], level=0))


def test_attest_reverts_for_level_above_two(registry, attester, reverts_with, accounts):
    with reverts_with("InvalidLevel", 3):
        _attest(registry, attester, **attest_args(accounts[5], level=3))


def test_attest_accepts_risk_classes_one_to_five(registry, attester, accounts):
    for risk_class in range(1, 6):
        _attest(registry, attester, **attest_args(accounts[5], riskClass=risk_class))
        assert registry.riskClassOf(accounts[5]) == risk_class


def test_attest_reverts_for_risk_class_zero(registry, attester, reverts_with, accounts):
    with reverts_with("InvalidRiskClass", 0):
        _attest(registry, attester, **attest_args(accounts[5], riskClass=0))


def test_attest_reverts_for_risk_class_six(registry, attester, reverts_with, accounts):
    with reverts_with("InvalidRiskClass", 6):
        _attest(registry, attester, **attest_args(accounts[5], riskClass=6))


def test_attest_reverts_for_expiry_in_past(registry, attester, reverts_with, accounts):
    now = pin_next_block_time()
    with reverts_with("ExpiryNotInFuture", now - 1, now):
        _attest(registry, attester, **attest_args(accounts[5], expiresAt=now - 1))


def test_attest_reverts_for_expiry_now(registry, attester, reverts_with, accounts):
    now = pin_next_block_time()
    with reverts_with("ExpiryNotInFuture", now, now):
        _attest(registry, attester, **attest_args(accounts[5], expiresAt=now))


def test_attest_accepts_expiry_one_second_ahead(registry, attester, accounts):
    now = pin_next_block_time()
    _attest(registry, attester, **attest_args(accounts[5], expiresAt=now + 1))
    assert registry.isEligible(accounts[5])
