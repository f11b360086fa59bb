"""The role behaviour of helpers/roles.py, run against every role-holding contract of the deployed
system (role_tables.py): each gate refuses every caller without its role, holders of the other roles
and the deployer included; only the admin (the timelock) grants and revokes; role ids are the hashes
of their names; and each role is held by exactly whom the deployment gives it to."""

import pytest
from helpers.roles import (
    assert_role_gated,
    assert_role_ids,
    assert_role_management,
    assert_role_open,
    declared_roles,
    role_id,
)
from role_tables import ADMIN, TABLES


def _is_open(table, gate):
    return "anyone" in table.holders[gate.role]


GATES = [(t, g) for t in TABLES for g in t.gates if not _is_open(t, g)]
OPEN_GATES = [(t, g) for t in TABLES for g in t.gates if _is_open(t, g)]
MANAGED = [(t, role) for t in TABLES if t.holders[ADMIN] for role in sorted(t.holders)]


def _gate_id(pair):
    table, gate = pair
    return f"{table.contract}.{gate.fn}"


def _role_pair_id(pair):
    table, role = pair
    return f"{table.contract}.{role}"


@pytest.mark.parametrize("table", TABLES, ids=str)
def test_each_role_is_held_by_whom_the_deployment_gives_it(system, cast, table):
    contract = system[table.contract]
    assert declared_roles(contract) == sorted(table.holders)
    for role, holders in table.holders.items():
        held_by = {name for name, address in cast.items() if contract.hasRole(role_id(role), address)}
        assert held_by == holders, f"{table.contract} {role}"


@pytest.mark.parametrize("table", TABLES, ids=str)
def test_role_ids_are_the_hash_of_their_names(system, table):
    assert_role_ids(system[table.contract])


@pytest.mark.parametrize("table,gate", GATES, ids=[_gate_id(p) for p in GATES])
def test_a_gate_refuses_every_caller_without_its_role(system, callers, table, gate):
    strangers = [caller for name, caller in callers.items() if name not in table.holders[gate.role]]
    assert_role_gated(system[table.contract], gate.fn, gate.args, gate.role, strangers)


@pytest.mark.parametrize("table,gate", OPEN_GATES, ids=[_gate_id(p) for p in OPEN_GATES])
def test_an_open_gate_lets_every_caller_past_its_role(system, callers, table, gate):
    assert_role_open(system[table.contract], gate.fn, gate.args, gate.role, callers.values())


@pytest.mark.parametrize("table,role", MANAGED, ids=[_role_pair_id(p) for p in MANAGED])
def test_only_the_admin_grants_and_revokes_a_role(system, callers, table, role):
    (admin,) = table.holders[ADMIN]
    others = [caller for name, caller in callers.items() if name not in (admin, "outsider")]
    assert_role_management(system[table.contract], callers[admin], role, [callers["outsider"], *others])


def test_every_role_holding_contract_of_the_deployment_has_a_table(system):
    holding = {name for name, c in system.items() if any(e.get("name") == "hasRole" for e in c.abi)}
    assert holding == {t.contract for t in TABLES}
