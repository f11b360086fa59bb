"""IdentityRegistry.revoke: ATTESTER_ROLE deletes an attestation; the nonce moves on, a freeze survives."""

from helpers.builders import attest_args, attestation
from helpers.eip712 import attestation_tuple, sign_attestation

ZERO32 = "0x" + "00" * 32


def _attest(registry, attester, wallet):
    registry.attest(*attest_args(wallet).values(), {"from": attester})


def test_revoke_clears_identity(registry, attester, accounts):
    _attest(registry, attester, accounts[5])
    registry.revoke(accounts[5], 4, {"from": attester})
    assert registry.identityOf(accounts[5]).dict() == {
        "level": 0,
        "riskClass": 0,
        "jurisdiction": 0,
        "expiresAt": 0,
        "frozen": False,
        "entity": False,
        "commitment": ZERO32,
        "subject": ZERO32,
    }
    assert not registry.isEligible(accounts[5])
    assert registry.riskClassOf(accounts[5]) == 0


def test_revoke_emits_identity_revoked(registry, attester, accounts):
    _attest(registry, attester, accounts[5])
    tx = registry.revoke(accounts[5], 4, {"from": attester})
    assert tx.events["IdentityRevoked"] == {"wallet": accounts[5], "by": attester, "reasonCode": 4}


def test_revoke_keeps_nonce_so_old_signature_cannot_replay(
    registry, attester, attester_key, reverts_with, accounts
):
    a = attestation(accounts[5], nonce=0)
    signature = sign_attestation(attester_key, registry, a)
    registry.attestWithSignature(attestation_tuple(a), signature, {"from": accounts[5]})
    registry.revoke(accounts[5], 1, {"from": attester})
    assert registry.nonces(accounts[5]) == 2
    with reverts_with("InvalidNonce", accounts[5], 2, 0):
        registry.attestWithSignature(attestation_tuple(a), signature, {"from": accounts[5]})


def test_revoke_voids_a_signed_attestation_not_yet_submitted(
    registry, attester, attester_key, reverts_with, accounts
):
    _attest(registry, attester, accounts[5])  # uses nonce 0
    pending = attestation(accounts[5], nonce=1)
    signature = sign_attestation(attester_key, registry, pending)
    registry.revoke(accounts[5], 3, {"from": attester})
    with reverts_with("InvalidNonce", accounts[5], 2, 1):
        registry.attestWithSignature(attestation_tuple(pending), signature, {"from": accounts[5]})
    assert not registry.isEligible(accounts[5])


def test_revoke_keeps_freeze(registry, attester, compliance, accounts):
    _attest(registry, attester, accounts[5])
    registry.freeze(accounts[5], 2, {"from": compliance})
    registry.revoke(accounts[5], 1, {"from": attester})
    _attest(registry, attester, accounts[5])
    assert registry.identityOf(accounts[5]).dict()["frozen"] is True
    assert not registry.isEligible(accounts[5])


def test_revoke_unattested_reverts(registry, attester, reverts_with, accounts):
    with reverts_with("NotAttested", accounts[5]):
        registry.revoke(accounts[5], 1, {"from": attester})


def test_revoke_twice_reverts(registry, attester, reverts_with, accounts):
    _attest(registry, attester, accounts[5])
    registry.revoke(accounts[5], 1, {"from": attester})
    with reverts_with("NotAttested", accounts[5]):
        registry.revoke(accounts[5], 1, {"from": attester})
