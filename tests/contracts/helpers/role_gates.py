"""Which external functions check which role, read from the compiled contracts' syntax trees.

A function is gated by a role when it carries `onlyRole(X_ROLE)` or `onlyRoleOrOpenRole(X_ROLE)`, calls
`_checkRole(X_ROLE...)`, reverts `AccessControlUnauthorizedAccount(..., X_ROLE)`, or does any of these
through a modifier or an internal function it calls. Only roles named by a constant count: role
management (`grantRole`, `revokeRole`: `onlyRole(getRoleAdmin(role))`) is checked by the role-management
behaviour instead. Inheritance is followed by name through each base's build artifact (node ids are not
comparable between artifacts compiled in different runs), and a function overridden in a derived
contract is read from the override only.
"""

import re
from functools import cache

import brownie

ROLE_CONSTANT = re.compile(r"^[A-Z][A-Z0-9_]*_ROLE$")
ROLE_MODIFIERS = {"onlyRole", "onlyRoleOrOpenRole"}
ROLE_ERROR = "AccessControlUnauthorizedAccount"


def _build():
    return brownie.project.get_loaded_projects()[0]._build


@cache
def definition(name):
    """The ContractDefinition node of contract `name`."""
    for node in _build().get(name)["ast"]["nodes"]:
        if node.get("nodeType") == "ContractDefinition" and node["name"] == name:
            return node
    raise LookupError(f"no contract {name!r} in its own build artifact")


@cache
def bases(name):
    """Every contract `name` inherits from, directly or not (not itself)."""
    found = set()
    for base in definition(name).get("baseContracts", []):
        base_name = base["baseName"]["name"]
        found |= {base_name} | bases(base_name)
    return frozenset(found)


def _members(names, node_type):
    """{name: [definitions]} of `node_type` declared in `names`, keeping only the most derived of each
    signature (a definition whose contract another defining contract inherits is overridden)."""
    by_key = {}
    for contract in names:
        for node in definition(contract)["nodes"]:
            if node.get("nodeType") == node_type and node.get("implemented", True):
                key = node.get("functionSelector") or (node["name"], _parameter_types(node))
                by_key.setdefault(key, []).append((contract, node))
    members = {}
    for defs in by_key.values():
        owners = {contract for contract, _ in defs}
        for contract, node in defs:
            if not any(contract in bases(other) for other in owners if other != contract):
                members.setdefault(node["name"], []).append(node)
    return members


def _parameter_types(node):
    return tuple(p["typeDescriptions"]["typeString"] for p in node["parameters"]["parameters"])


def _nodes(tree, node_type):
    if isinstance(tree, dict):
        if tree.get("nodeType") == node_type:
            yield tree
        for value in tree.values():
            yield from _nodes(value, node_type)
    elif isinstance(tree, list):
        for value in tree:
            yield from _nodes(value, node_type)


def _constant_roles(arguments):
    names = (a["name"] for a in arguments if a.get("nodeType") == "Identifier")
    return {name for name in names if ROLE_CONSTANT.match(name)}


def _callee(call):
    expression = call["expression"]
    return expression.get("name") or expression.get("memberName")


class _Scope:
    """The functions and modifiers of one deployed contract (all its parts and their bases)."""

    def __init__(self, parts):
        contracts = set(parts)
        for part in parts:
            contracts |= bases(part)
        self.functions = _members(contracts, "FunctionDefinition")
        self.modifiers = _members(contracts, "ModifierDefinition")
        self._roles = {}

    def roles_of(self, node):
        key = id(node)
        if key not in self._roles:
            self._roles[key] = set()  # a recursive call adds nothing new
            self._roles[key] = self._read_roles(node)
        return self._roles[key]

    def _read_roles(self, node):
        roles = set()
        for invocation in node.get("modifiers", []):
            name = invocation["modifierName"]["name"]
            if name in ROLE_MODIFIERS:
                roles |= _constant_roles(invocation.get("arguments") or [])
            for modifier in self.modifiers.get(name, []):
                roles |= self.roles_of(modifier)
        for call in _nodes(node.get("body"), "FunctionCall"):
            name = _callee(call)
            if name == "_checkRole":
                roles |= _constant_roles(call["arguments"][:1])
            elif name == ROLE_ERROR:
                roles |= _constant_roles(call["arguments"][1:2])
            elif call["expression"].get("nodeType") == "Identifier":
                for function in self.functions.get(name, []):
                    roles |= self.roles_of(function)
        return roles


def gated_functions(*parts):
    """{function name: {role names}} of every external or public function of the contract made of
    `parts` (compiled contract names sharing one address) that checks a role."""
    scope = _Scope(parts)
    gated = {}
    for name, nodes in scope.functions.items():
        for node in nodes:
            if node.get("functionSelector") and node.get("kind") == "function":
                roles = scope.roles_of(node)
                if roles:
                    gated.setdefault(name, set()).update(roles)
    return gated


def uses_roles(name):
    """True when `name` is an AccessControl contract or any of its functions checks a role."""
    return "AccessControl" in bases(name) or bool(gated_functions(name))
