"""Fixtures shared by every contract test.

Deployments are module-scoped and each test runs in its own chain snapshot (`fn_isolation`), so a
test starts from a fresh deployment without paying for one.

Helpers live in tests/contracts/helpers/ and are imported as `helpers.<module>` (pytest puts this
directory on sys.path because it has no __init__.py): `helpers.reverts.assert_reverts_with` (exact
custom errors; also the `reverts_with` fixture), `helpers.eip712` (EIP-712 signing with
eth_account), `helpers.keys` (anvil account keys and fixed keys: no test draws a random one),
`helpers.chain_time` (pinned block times), `helpers.stateful` (Brownie's stateful runner and the
seeded hypothesis settings), `helpers.roles` (the role behaviour every AccessControl contract is held
to, run from tests/contracts/roles), `helpers.role_gates` (the role gates the compiled contracts have).
"""

import pytest
from helpers.keys import dev_key
from helpers.reverts import assert_reverts_with

from scripts.deployment import receipts

receipts.install()

DAY = 24 * 3600
ORACLE_MAX_AGE = 30 * DAY
ORACLE_THRESHOLD = 2


@pytest.fixture(autouse=True)
def isolation(fn_isolation):
    pass


@pytest.fixture(scope="session")
def reverts_with():
    """`with reverts_with("ErrorName", *args): ...` — see helpers/reverts.py."""
    return assert_reverts_with


@pytest.fixture(scope="session")
def err():
    """The same helper under the short name the market and collateral tests use."""
    return assert_reverts_with


# ------------------------------------------------------------------ roles


@pytest.fixture(scope="session")
def admin(accounts):
    return accounts[0]


@pytest.fixture(scope="session")
def attester(accounts):
    return accounts[1]


@pytest.fixture(scope="session")
def compliance(accounts):
    return accounts[2]


@pytest.fixture(scope="session")
def governor(accounts):
    return accounts[3]


@pytest.fixture(scope="session")
def stranger(accounts):
    return accounts[9]


@pytest.fixture(scope="session")
def attester_key():
    """The private key of `attester` (anvil account 1), for signed attestations."""
    return dev_key(1)


@pytest.fixture(scope="session")
def oracle_keys():
    """Three oracle signer keys (anvil accounts 10..12); signers never send transactions."""
    return [dev_key(i) for i in (10, 11, 12)]


# ------------------------------------------------------------------ deployments


@pytest.fixture(scope="module")
def registry(IdentityRegistry, admin, attester, compliance):
    contract = IdentityRegistry.deploy(admin, {"from": admin})
    contract.grantRole(contract.ATTESTER_ROLE(), attester, {"from": admin})
    contract.grantRole(contract.COMPLIANCE_ROLE(), compliance, {"from": admin})
    return contract


@pytest.fixture(scope="module")
def oracle(CreditOracle, admin, governor, oracle_keys):
    contract = CreditOracle.deploy(
        admin, [k.address for k in oracle_keys], ORACLE_THRESHOLD, ORACLE_MAX_AGE, {"from": admin}
    )
    contract.grantRole(contract.GOVERNOR_ROLE(), governor, {"from": admin})
    return contract


@pytest.fixture(scope="module")
def stablecoin(MockStablecoin, admin):
    return MockStablecoin.deploy({"from": admin})
