"""IdentityRegistry.invalidateSignatures: ATTESTER_ROLE voids a wallet's outstanding signed attestations
(its nonce moves on) without touching the attestation it holds."""

from helpers.builders import attest_args, attestation
from helpers.eip712 import attestation_tuple, sign_attestation

ZERO = "0x" + "00" * 20


def _signed(registry, attester_key, wallet, **overrides):
    a = attestation(wallet, nonce=registry.nonces(wallet), **overrides)
    return a, sign_attestation(attester_key, registry, a)


def test_invalidate_voids_an_outstanding_signature(registry, attester, attester_key, reverts_with, accounts):
    wallet = accounts[5]
    a, signature = _signed(registry, attester_key, wallet)
    registry.invalidateSignatures(wallet, {"from": attester})
    with reverts_with("InvalidNonce", wallet, 1, 0):
        registry.attestWithSignature(attestation_tuple(a), signature, {"from": wallet})
    assert not registry.isEligible(wallet)


def test_invalidate_keeps_the_identity(registry, attester, accounts):
    wallet = accounts[5]
    registry.attest(*attest_args(wallet).values(), {"from": attester})
    before = registry.identityOf(wallet).dict()
    registry.invalidateSignatures(wallet, {"from": attester})
    assert registry.identityOf(wallet).dict() == before
    assert registry.isEligible(wallet)


def test_invalidate_emits_signatures_invalidated_with_next_nonce(registry, attester, accounts):
    tx = registry.invalidateSignatures(accounts[5], {"from": attester})
    assert tx.events["SignaturesInvalidated"] == {"wallet": accounts[5], "by": attester, "nonce": 1}
    assert registry.nonces(accounts[5]) == 1


def test_signature_with_the_next_nonce_is_accepted_after_invalidation(
    registry, attester, attester_key, accounts
):
    wallet = accounts[5]
    registry.invalidateSignatures(wallet, {"from": attester})
    a, signature = _signed(registry, attester_key, wallet)
    assert a["nonce"] == 1
    registry.attestWithSignature(attestation_tuple(a), signature, {"from": wallet})
    assert registry.isEligible(wallet)


def test_invalidate_reverts_for_zero_wallet(registry, attester, reverts_with):
    with reverts_with("InvalidWallet", ZERO):
        registry.invalidateSignatures(ZERO, {"from": attester})
