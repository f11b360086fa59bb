"""Role checks written once and run against every AccessControl contract (as OpenZeppelin's
AccessControl.behavior.js does): each role-gated function refuses every account without its role with
the exact `AccessControlUnauthorizedAccount(account, role)`, role management is the admin's, and role
ids are the keccak-256 of their names.

A caller is a Brownie account, or anything with an `address` and `perform(contract, fn_name, args)`
(helpers.timelock.ThroughTimelock: the timelock, acting through its own schedule and execute).
"""

from brownie.exceptions import VirtualMachineError
from eth_utils import keccak

from helpers.reverts import assert_reverts_with

DEFAULT_ADMIN_ROLE = "0x" + "00" * 32
ANYONE = "0x" + "00" * 20  # holding a role for address(0) opens it to everyone (TimelockController)
ROLE_ERROR = "AccessControlUnauthorizedAccount"


def role_id(name):
    """The role id every contract should use for `name`: 0x00 for the admin role, keccak256 otherwise."""
    return DEFAULT_ADMIN_ROLE if name == "DEFAULT_ADMIN_ROLE" else "0x" + keccak(text=name).hex()


def declared_roles(contract):
    """Names of the role ids `contract` publishes (its `*_ROLE()` views)."""
    return sorted(
        e["name"]
        for e in contract.abi
        if e.get("type") == "function" and e["name"].endswith("_ROLE") and not e["inputs"]
    )


def address_of(caller):
    return str(getattr(caller, "address", caller))


def perform(contract, fn_name, args, caller):
    if hasattr(caller, "perform"):
        return caller.perform(contract, fn_name, args)
    return getattr(contract, fn_name)(*args, {"from": caller})


def assert_role_ids(contract):
    """Every role `contract` publishes is the hash of its name (the admin role is zero)."""
    for name in declared_roles(contract):
        assert str(getattr(contract, name)()) == role_id(name), f"{name} is not keccak256({name!r})"


def assert_role_gated(contract, fn_name, args, role_name, strangers):
    """`contract.fn_name(*args)` reverts for each of `strangers` (callers without `role_name`) with
    exactly `AccessControlUnauthorizedAccount(stranger, role)`."""
    role = role_id(role_name)
    for who in strangers:
        assert not contract.hasRole(role, address_of(who)), f"{who} holds {role_name}: not a stranger to it"
        with assert_reverts_with(ROLE_ERROR, address_of(who), role):
            perform(contract, fn_name, args, who)


def assert_role_open(contract, fn_name, args, role_name, callers):
    """`role_name` is held by address(0), so `fn_name` lets every caller past the role check: each call
    may fail for another reason, never for the role."""
    role = role_id(role_name)
    assert contract.hasRole(role, ANYONE), f"{role_name} is not open to everyone"
    for who in callers:
        try:
            perform(contract, fn_name, args, who)
        except VirtualMachineError as failure:
            reason = failure.revert_msg or ""
            assert not reason.startswith(ROLE_ERROR), f"{who} refused by the role check: {reason}"


def assert_role_management(contract, admin, role_name, outsiders):
    """Only the admin grants and revokes `role_name`; a holder may renounce it only for itself.

    `outsiders` are callers without the admin role; the first, an account, is granted the role."""
    role = role_id(role_name)
    newcomer = address_of(outsiders[0])
    assert str(contract.getRoleAdmin(role)) == DEFAULT_ADMIN_ROLE, f"{role_name} is administered elsewhere"
    assert not contract.hasRole(role, newcomer)
    for who in outsiders:
        with assert_reverts_with(ROLE_ERROR, address_of(who), DEFAULT_ADMIN_ROLE):
            perform(contract, "grantRole", (role, newcomer), who)

    granted = perform(contract, "grantRole", (role, newcomer), admin).events["RoleGranted"]
    assert (granted["account"], granted["sender"]) == (newcomer, address_of(admin))
    assert contract.hasRole(role, newcomer)
    # Granted the admin role, the newcomer is an admin itself and may revoke.
    for who in outsiders[1:] if role == DEFAULT_ADMIN_ROLE else outsiders:
        with assert_reverts_with(ROLE_ERROR, address_of(who), DEFAULT_ADMIN_ROLE):
            perform(contract, "revokeRole", (role, newcomer), who)
    with assert_reverts_with("AccessControlBadConfirmation"):
        contract.renounceRole(role, address_of(admin), {"from": outsiders[0]})

    revoked = perform(contract, "revokeRole", (role, newcomer), admin).events["RoleRevoked"]
    assert (revoked["account"], revoked["sender"]) == (newcomer, address_of(admin))
    assert not contract.hasRole(role, newcomer)

    perform(contract, "grantRole", (role, newcomer), admin)
    renounced = contract.renounceRole(role, newcomer, {"from": outsiders[0]}).events["RoleRevoked"]
    assert (renounced["account"], renounced["sender"]) == (newcomer, newcomer)
    assert not contract.hasRole(role, newcomer)
