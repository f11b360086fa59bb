"""IdentityRegistry.attestWithSignature: the wallet submits an attester-signed EIP-712 attestation."""

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak
from helpers.builders import attestation, subject
from helpers.chain_time import pin_next_block_time
from helpers.eip712 import attestation_message, attestation_tuple, sign_attestation


def _submit(registry, a, signature, sender):
    return registry.attestWithSignature(attestation_tuple(a), signature, {"from": sender})


def _recovered(registry, a, signature):
    """The address the contract recovers: the signature checked against this chain and contract."""
    signable = encode_typed_data(full_message=attestation_message(registry, a))
    digest = keccak(b"\x19" + signable.version + signable.header + signable.body)
    return Account._recover_hash(digest, signature=signature)


def test_signed_attestation_stores_identity(registry, attester_key, accounts):
    a = attestation(accounts[5])
    _submit(registry, a, sign_attestation(attester_key, registry, a), accounts[5])
    assert registry.identityOf(accounts[5]).dict() == {
        "level": a["level"],
        "riskClass": a["riskClass"],
        "jurisdiction": a["jurisdiction"],
        "expiresAt": a["expiresAt"],
        "frozen": False,
        "entity": False,
        "commitment": a["commitment"],
        "subject": subject(accounts[5]),
    }
    assert registry.isEligible(accounts[5])


def test_signed_attestation_stores_subject_and_entity(registry, attester_key, accounts):
    person = subject("acme-ltd")
    a = attestation(accounts[5], subject=person, entity=True)
    tx = _submit(registry, a, sign_attestation(attester_key, registry, a), accounts[5])
    stored = registry.identityOf(accounts[5]).dict()
    assert (stored["subject"], stored["entity"]) == (person, True)
    event = tx.events["IdentityAttested"]
    assert (event["subject"], event["entity"]) == (person, True)


def test_signed_attestation_with_zero_subject_reverts(registry, attester_key, reverts_with, accounts):
    a = attestation(accounts[5], subject="0x" + "00" * 32)
    with reverts_with("InvalidSubject", accounts[5]):
        _submit(registry, a, sign_attestation(attester_key, registry, a), accounts[5])
    assert registry.nonces(accounts[5]) == 0


def test_tampered_subject_reverts(registry, attester_key, reverts_with, accounts):
    # The subject is signed: a wallet cannot attach itself to another person's borrowing limit.
    a = attestation(accounts[5])
    signature = sign_attestation(attester_key, registry, a)
    tampered = dict(a, subject=subject("someone-else"))
    with reverts_with("SignerNotAttester", _recovered(registry, tampered, signature)):
        _submit(registry, tampered, signature, accounts[5])


def test_tampered_entity_flag_reverts(registry, attester_key, reverts_with, accounts):
    a = attestation(accounts[5], entity=False)
    signature = sign_attestation(attester_key, registry, a)
    tampered = dict(a, entity=True)
    with reverts_with("SignerNotAttester", _recovered(registry, tampered, signature)):
        _submit(registry, tampered, signature, accounts[5])


def test_signed_attestation_names_signer_as_attester(registry, attester, attester_key, accounts):
    a = attestation(accounts[5])
    tx = _submit(registry, a, sign_attestation(attester_key, registry, a), accounts[5])
    assert tx.events["IdentityAttested"]["attester"] == attester
    assert tx.events["IdentityAttested"]["wallet"] == accounts[5]


def test_signed_attestation_consumes_nonce(registry, attester_key, accounts):
    a = attestation(accounts[5], nonce=0)
    _submit(registry, a, sign_attestation(attester_key, registry, a), accounts[5])
    assert registry.nonces(accounts[5]) == 1
    b = attestation(accounts[5], nonce=1, riskClass=5)
    _submit(registry, b, sign_attestation(attester_key, registry, b), accounts[5])
    assert registry.nonces(accounts[5]) == 2
    assert registry.riskClassOf(accounts[5]) == 5


def test_domain_separator_matches_eip712_domain(registry):
    from eth_abi import encode

    domain_type = keccak(
        text="EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    )
    expected = keccak(
        encode(
            ["bytes32", "bytes32", "bytes32", "uint256", "address"],
            [
                domain_type,
                keccak(text="PeerLend IdentityRegistry"),
                keccak(text="1"),
                31337,
                registry.address,
            ],
        )
    )
    assert registry.DOMAIN_SEPARATOR() == "0x" + expected.hex()


def test_replayed_signature_reverts_with_invalid_nonce(registry, attester_key, reverts_with, accounts):
    a = attestation(accounts[5], nonce=0)
    signature = sign_attestation(attester_key, registry, a)
    _submit(registry, a, signature, accounts[5])
    with reverts_with("InvalidNonce", accounts[5], 1, 0):
        _submit(registry, a, signature, accounts[5])


def test_future_nonce_reverts(registry, attester_key, reverts_with, accounts):
    a = attestation(accounts[5], nonce=3)
    with reverts_with("InvalidNonce", accounts[5], 0, 3):
        _submit(registry, a, sign_attestation(attester_key, registry, a), accounts[5])


def test_expired_signature_reverts(registry, attester_key, reverts_with, accounts):
    now = pin_next_block_time()
    a = attestation(accounts[5], deadline=now - 1)
    with reverts_with("SignatureExpired", now - 1, now):
        _submit(registry, a, sign_attestation(attester_key, registry, a), accounts[5])


def test_signature_valid_until_deadline_inclusive(registry, attester_key, accounts):
    now = pin_next_block_time()
    a = attestation(accounts[5], deadline=now)
    _submit(registry, a, sign_attestation(attester_key, registry, a), accounts[5])
    assert registry.isEligible(accounts[5])


def test_submission_by_other_than_wallet_reverts(registry, attester_key, reverts_with, accounts):
    a = attestation(accounts[5])
    with reverts_with("NotAttestationSubject", accounts[6], accounts[5]):
        _submit(registry, a, sign_attestation(attester_key, registry, a), accounts[6])


def test_signature_by_non_attester_reverts(registry, reverts_with, accounts):
    from helpers.keys import dev_key

    forger = dev_key(7)
    a = attestation(accounts[5])
    with reverts_with("SignerNotAttester", forger.address):
        _submit(registry, a, sign_attestation(forger, registry, a), accounts[5])


def test_tampered_attestation_reverts(registry, attester_key, reverts_with, accounts):
    a = attestation(accounts[5], level=1)
    signature = sign_attestation(attester_key, registry, a)
    tampered = dict(a, level=2)
    with reverts_with("SignerNotAttester", _recovered(registry, tampered, signature)):
        _submit(registry, tampered, signature, accounts[5])


def test_signature_for_another_chain_reverts(registry, attester_key, reverts_with, accounts):
    a = attestation(accounts[5])
    signature = sign_attestation(attester_key, registry, a, chain_id=1)
    with reverts_with("SignerNotAttester", _recovered(registry, a, signature)):
        _submit(registry, a, signature, accounts[5])


def test_signature_for_another_contract_reverts(registry, attester_key, reverts_with, accounts):
    a = attestation(accounts[5])
    signature = sign_attestation(attester_key, registry, a, verifying_contract=accounts[8].address)
    with reverts_with("SignerNotAttester", _recovered(registry, a, signature)):
        _submit(registry, a, signature, accounts[5])


def test_signature_of_revoked_attester_reverts(
    registry, admin, attester, attester_key, reverts_with, accounts
):
    a = attestation(accounts[5])
    signature = sign_attestation(attester_key, registry, a)
    registry.revokeRole(registry.ATTESTER_ROLE(), attester, {"from": admin})
    with reverts_with("SignerNotAttester", attester):
        _submit(registry, a, signature, accounts[5])


def test_malformed_signature_reverts(registry, reverts_with, accounts):
    a = attestation(accounts[5])
    with reverts_with("ECDSAInvalidSignatureLength", 64):
        _submit(registry, a, b"\x01" * 64, accounts[5])


def test_signed_attestation_validates_fields(registry, attester_key, reverts_with, accounts):
    a = attestation(accounts[5], riskClass=0)
    with reverts_with("InvalidRiskClass", 0):
        _submit(registry, a, sign_attestation(attester_key, registry, a), accounts[5])
    # The failed attempt did not consume the nonce.
    assert registry.nonces(accounts[5]) == 0


def test_signed_reattestation_keeps_freeze(registry, attester_key, compliance, accounts):
    registry.freeze(accounts[5], 3, {"from": compliance})
    a = attestation(accounts[5])
    _submit(registry, a, sign_attestation(attester_key, registry, a), accounts[5])
    assert registry.identityOf(accounts[5]).dict()["frozen"] is True
    assert not registry.isEligible(accounts[5])
