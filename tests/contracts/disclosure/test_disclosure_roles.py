"""DisclosureRegistry's roles, held to the shared role behaviour (helpers/roles.py): only PUBLISHER_ROLE
anchors, the admin (the timelock, as deployed) manages the publishers, the deployer holds nothing."""

from disclosure_support import HASH, NOVEMBER_2026
from helpers.roles import (
    DEFAULT_ADMIN_ROLE,
    assert_role_gated,
    assert_role_ids,
    assert_role_management,
    role_id,
)

ZERO = "0x" + "00" * 20


def test_role_ids_are_the_hashes_of_their_names(disclosure):
    assert_role_ids(disclosure)


def test_anchor_refuses_everyone_without_the_publisher_role(disclosure, accounts):
    # the admin included: governance appoints publishers, it does not publish
    assert_role_gated(
        disclosure, "anchor", (NOVEMBER_2026, HASH), "PUBLISHER_ROLE", [accounts[0], accounts[9]]
    )


def test_only_the_admin_manages_publishers(disclosure, accounts):
    assert_role_management(disclosure, accounts[0], "PUBLISHER_ROLE", [accounts[9], accounts[4]])


def test_only_the_admin_manages_the_admin_role(disclosure, accounts):
    assert_role_management(disclosure, accounts[0], "DEFAULT_ADMIN_ROLE", [accounts[9], accounts[4]])


def test_the_constructor_grants_exactly_the_two_roles_it_is_given(disclosure, accounts, publisher):
    assert disclosure.hasRole(DEFAULT_ADMIN_ROLE, accounts[0])
    assert disclosure.hasRole(role_id("PUBLISHER_ROLE"), publisher)
    deployer = accounts[8]
    for role in (DEFAULT_ADMIN_ROLE, role_id("PUBLISHER_ROLE")):
        assert not disclosure.hasRole(role, deployer)
    assert not disclosure.hasRole(role_id("PUBLISHER_ROLE"), accounts[0])


def test_the_constructor_refuses_a_zero_admin(DisclosureRegistry, accounts, reverts_with):
    with reverts_with("InvalidAdmin", ZERO):
        DisclosureRegistry.deploy(ZERO, accounts[4], {"from": accounts[8]})


def test_the_constructor_refuses_a_zero_publisher(DisclosureRegistry, accounts, reverts_with):
    with reverts_with("ZeroAddress"):
        DisclosureRegistry.deploy(accounts[0], ZERO, {"from": accounts[8]})
