"""Role checks written once and run against every AccessControl contract (as OpenZeppelin's
AccessControl.behavior.js does): each role-gated function refuses every account without its role with
the exact `AccessControlUnauthorizedAccount(account, role)`, and role management itself is the admin's."""

from helpers.reverts import assert_reverts_with

DEFAULT_ADMIN_ROLE = "0x" + "00" * 32


def role_id(contract, name):
    return DEFAULT_ADMIN_ROLE if name == "DEFAULT_ADMIN_ROLE" else getattr(contract, name)()


def assert_role_gated(contract, fn_name, args, role_name, strangers):
    """`contract.fn_name(*args)` reverts for each of `strangers` (accounts without `role_name`)."""
    role = role_id(contract, role_name)
    for who in strangers:
        assert not contract.hasRole(role, who), f"{who} holds {role_name}: not a stranger to it"
        with assert_reverts_with("AccessControlUnauthorizedAccount", who, role):
            getattr(contract, fn_name)(*args, {"from": who})


def assert_role_management(contract, admin, other, role_name):
    """Only the admin grants and revokes `role_name`; a holder may renounce it only for itself."""
    role = role_id(contract, role_name)
    with assert_reverts_with("AccessControlUnauthorizedAccount", other, DEFAULT_ADMIN_ROLE):
        contract.grantRole(role, other, {"from": other})
    tx = contract.grantRole(role, other, {"from": admin})
    assert tx.events["RoleGranted"]["account"] == other and contract.hasRole(role, other)
    with assert_reverts_with("AccessControlBadConfirmation"):
        contract.renounceRole(role, admin, {"from": other})
    contract.revokeRole(role, other, {"from": admin})
    assert not contract.hasRole(role, other)
    contract.grantRole(role, other, {"from": admin})
    contract.renounceRole(role, other, {"from": other})
    assert not contract.hasRole(role, other)
