"""Hands every governed role to the timelock and removes the deployer from every role.

After this, a parameter change is a call the proposers schedule on the timelock and anyone executes
after the delay; the operational roles (attester, compliance, pauser, oracle signers) stay with their
operators because they must act at once.
"""

from __future__ import annotations

from brownie import web3

from scripts.deployment.accounts import RoleHolders
from scripts.deployment.manifest import ManifestBuilder

GOVERNED_ROLES = {
    "IdentityRegistry": ["DEFAULT_ADMIN_ROLE"],
    "CreditOracle": ["DEFAULT_ADMIN_ROLE", "GOVERNOR_ROLE"],
    "LoanMarket": ["DEFAULT_ADMIN_ROLE", "RISK_ROLE"],
    "ReserveFund": ["DEFAULT_ADMIN_ROLE", "RISK_ROLE"],
    "CollateralVault": ["DEFAULT_ADMIN_ROLE", "RISK_ROLE"],
    "AutoInvest": ["DEFAULT_ADMIN_ROLE"],
}


def role(name: str) -> bytes:
    """The AccessControl role id: 0x00 for the admin role, keccak256 of the name otherwise."""
    return b"\x00" * 32 if name == "DEFAULT_ADMIN_ROLE" else web3.keccak(text=name)


def hand_over_to_timelock(
    deployed: dict, timelock, holders: RoleHolders, manifest: ManifestBuilder, tx: dict
) -> None:
    deployer = holders.deployer.address
    for name, roles in GOVERNED_ROLES.items():
        contract = deployed[name]
        for role_name in roles:
            contract.grantRole(role(role_name), timelock, tx)
            manifest.role(name, role_name, [timelock.address])
        # Admin last: renouncing it first would leave the deployer unable to renounce the others.
        for role_name in sorted(roles, key=lambda r: r == "DEFAULT_ADMIN_ROLE"):
            if contract.hasRole(role(role_name), deployer):
                contract.renounceRole(role(role_name), deployer, tx)
    # OpenZeppelin's constructor makes every proposer a canceller too; address(0) as executor lets
    # anyone execute a call whose delay has passed.
    manifest.role("PeerLendTimelock", "PROPOSER_ROLE", holders.proposers)
    manifest.role("PeerLendTimelock", "CANCELLER_ROLE", holders.proposers)
    manifest.role("PeerLendTimelock", "EXECUTOR_ROLE", ["0x0000000000000000000000000000000000000000"])
