"""The role tables cannot fall behind the contracts: each lists exactly the role-gated functions the
compiled contracts have (read from their syntax trees by helpers/role_gates.py), and every production
contract that uses roles is part of a table. The reader itself is held to a contract with one function
per way of requiring a role (contracts/test/RoleCheckForms.sol)."""

import pytest
from helpers.role_gates import gated_functions, uses_roles
from role_tables import TABLES

from toolchain.contract_sizes import production_contracts


@pytest.mark.parametrize("table", TABLES, ids=str)
def test_the_table_lists_every_role_gated_function(table):
    listed = {gate.fn: {gate.role} for gate in table.gates}
    assert len(listed) == len(table.gates), "a function is listed twice"
    assert gated_functions(*table.parts) == listed


def test_every_production_contract_that_uses_roles_is_in_a_table():
    tabled = {part for table in TABLES for part in table.parts}
    using = {name for name, _ in production_contracts() if uses_roles(name)}
    assert using, "no production contract uses roles: the reader has stopped seeing them"
    assert using <= tabled, f"no role table for {sorted(using - tabled)}"


def test_the_reader_sees_every_form_of_role_check():
    assert gated_functions("RoleCheckForms") == {
        "byModifier": {"FIRST_ROLE"},
        "byCheck": {"SECOND_ROLE"},
        "byOwnModifier": {"SECOND_ROLE"},
        "byHelper": {"FIRST_ROLE"},
        "byTwoRoles": {"FIRST_ROLE", "SECOND_ROLE"},
    }


def test_an_override_without_the_modifier_is_not_gated():
    assert "byModifier" not in gated_functions("RoleCheckFormsOverride")
    assert "byHelper" in gated_functions("RoleCheckFormsOverride")
