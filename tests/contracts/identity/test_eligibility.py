"""IdentityRegistry views and deployment: isEligible, riskClassOf, identityOf, the constructor's roles."""

import brownie
from brownie import chain
from helpers.builders import attest_args
from helpers.chain_time import mine_at, pin_next_block_time
from helpers.roles import assert_role_gated

ZERO = "0x" + "00" * 20


def test_unknown_wallet_is_not_eligible(registry, accounts):
    assert not registry.isEligible(accounts[5])
    assert registry.riskClassOf(accounts[5]) == 0
    assert registry.identityOf(accounts[5]).dict()["level"] == 0


def test_attestation_expires(registry, attester, accounts):
    expiry = chain.time() + 1000
    registry.attest(*attest_args(accounts[5], expiresAt=expiry).values(), {"from": attester})
    assert registry.isEligible(accounts[5])
    chain.sleep(2000)
    chain.mine()
    assert not registry.isEligible(accounts[5])
    assert registry.riskClassOf(accounts[5]) == 0


def test_expired_exactly_at_expiry(registry, attester, accounts):
    now = pin_next_block_time()
    registry.attest(*attest_args(accounts[5], expiresAt=now + 10).values(), {"from": attester})
    mine_at(now + 9)
    assert registry.isEligible(accounts[5])
    mine_at(now + 10)
    assert not registry.isEligible(accounts[5])


def test_reattestation_renews_expired_identity(registry, attester, accounts):
    registry.attest(*attest_args(accounts[5], expiresAt=chain.time() + 1000).values(), {"from": attester})
    chain.sleep(2000)
    chain.mine()
    registry.attest(*attest_args(accounts[5]).values(), {"from": attester})
    assert registry.isEligible(accounts[5])


def test_constructor_grants_admin_only_admin_role(IdentityRegistry, accounts):
    registry = IdentityRegistry.deploy(accounts[7], {"from": accounts[0]})
    assert registry.hasRole(registry.DEFAULT_ADMIN_ROLE(), accounts[7])
    assert not registry.hasRole(registry.DEFAULT_ADMIN_ROLE(), accounts[0])
    assert not registry.hasRole(registry.ATTESTER_ROLE(), accounts[7])
    assert not registry.hasRole(registry.COMPLIANCE_ROLE(), accounts[7])


def test_constructor_rejects_zero_admin(IdentityRegistry, accounts, reverts_with):
    with reverts_with("InvalidAdmin", ZERO):
        IdentityRegistry.deploy(ZERO, {"from": accounts[0]})


def test_a_granted_attester_attests_until_revoked(registry, admin, accounts):
    role = registry.ATTESTER_ROLE()
    args = tuple(attest_args(accounts[5]).values())
    registry.grantRole(role, accounts[6], {"from": admin})
    registry.attest(*args, {"from": accounts[6]})
    registry.revokeRole(role, accounts[6], {"from": admin})
    assert_role_gated(registry, "attest", args, "ATTESTER_ROLE", [accounts[6]])


def test_no_transfer_function(registry):
    # Non-transferable: nothing in the ABI moves an attestation between wallets.
    names = {f["name"] for f in registry.abi if f["type"] == "function"}
    assert not names & {"transfer", "transferFrom", "safeTransferFrom", "approve", "move"}


def test_eth_sent_to_registry_reverts(registry, accounts):
    with brownie.reverts():
        accounts[5].transfer(registry, 1)
