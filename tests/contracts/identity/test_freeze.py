"""IdentityRegistry.freeze / unfreeze: COMPLIANCE_ROLE suspends and restores eligibility."""

from helpers.builders import attest_args

ZERO = "0x" + "00" * 20


def _attest(registry, attester, wallet):
    registry.attest(*attest_args(wallet).values(), {"from": attester})


def test_freeze_makes_wallet_ineligible(registry, attester, compliance, accounts):
    _attest(registry, attester, accounts[5])
    registry.freeze(accounts[5], 9, {"from": compliance})
    assert not registry.isEligible(accounts[5])
    assert registry.riskClassOf(accounts[5]) == 0
    assert registry.identityOf(accounts[5]).dict()["level"] == 2  # attestation kept


def test_freeze_emits_identity_frozen(registry, compliance, accounts):
    tx = registry.freeze(accounts[5], 9, {"from": compliance})
    assert tx.events["IdentityFrozen"] == {"wallet": accounts[5], "by": compliance, "reasonCode": 9}


def test_freeze_before_attestation_holds_after_it(registry, attester, compliance, accounts):
    registry.freeze(accounts[5], 9, {"from": compliance})
    _attest(registry, attester, accounts[5])
    assert not registry.isEligible(accounts[5])


def test_unfreeze_restores_eligibility(registry, attester, compliance, accounts):
    _attest(registry, attester, accounts[5])
    registry.freeze(accounts[5], 9, {"from": compliance})
    tx = registry.unfreeze(accounts[5], 10, {"from": compliance})
    assert tx.events["IdentityUnfrozen"] == {"wallet": accounts[5], "by": compliance, "reasonCode": 10}
    assert registry.isEligible(accounts[5])
    assert registry.riskClassOf(accounts[5]) == 3


def test_freeze_twice_reverts(registry, compliance, reverts_with, accounts):
    registry.freeze(accounts[5], 9, {"from": compliance})
    with reverts_with("AlreadyFrozen", accounts[5]):
        registry.freeze(accounts[5], 9, {"from": compliance})


def test_unfreeze_not_frozen_reverts(registry, compliance, reverts_with, accounts):
    with reverts_with("NotFrozen", accounts[5]):
        registry.unfreeze(accounts[5], 1, {"from": compliance})


def test_freeze_zero_wallet_reverts(registry, compliance, reverts_with):
    with reverts_with("InvalidWallet", ZERO):
        registry.freeze(ZERO, 1, {"from": compliance})


def test_is_frozen_follows_freeze_and_unfreeze(registry, attester, compliance, accounts):
    _attest(registry, attester, accounts[5])
    assert registry.isFrozen(accounts[5]) is False
    registry.freeze(accounts[5], 9, {"from": compliance})
    assert registry.isFrozen(accounts[5]) is True
    registry.unfreeze(accounts[5], 10, {"from": compliance})
    assert registry.isFrozen(accounts[5]) is False


def test_is_frozen_true_for_frozen_wallet_without_attestation(registry, compliance, accounts):
    # Unlike isEligible (false for any unattested wallet), isFrozen tells a freeze apart.
    registry.freeze(accounts[5], 9, {"from": compliance})
    assert registry.isFrozen(accounts[5]) is True
    assert registry.isFrozen(accounts[6]) is False


def test_is_frozen_survives_revocation(registry, attester, compliance, accounts):
    _attest(registry, attester, accounts[5])
    registry.freeze(accounts[5], 9, {"from": compliance})
    registry.revoke(accounts[5], 1, {"from": attester})
    assert registry.isFrozen(accounts[5]) is True
