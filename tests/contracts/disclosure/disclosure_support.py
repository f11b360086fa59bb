"""Fixtures and constants of the DisclosureRegistry tests, under a module name of their own (every
folder's conftest.py is importable as plain `conftest`): a registry per module, administered by
`accounts[0]` (the timelock's place) and published to by `publisher` (accounts[4], the disclosure
service's key), and `after_november`, the chain's clock past the end of November 2026."""

import pytest
from helpers.chain_time import mine_at

NOVEMBER_2026 = 202611
DECEMBER_1_2026 = 1_796_083_200  # 2026-12-01T00:00:00Z, the first second after November 2026
HASH = "0x" + "ab" * 32


@pytest.fixture(scope="module")
def publisher(accounts):
    return accounts[4]


@pytest.fixture(scope="module")
def disclosure(DisclosureRegistry, accounts, publisher):
    return DisclosureRegistry.deploy(accounts[0], publisher, {"from": accounts[8]})


@pytest.fixture
def after_november(chain):
    if chain.time() < DECEMBER_1_2026:
        mine_at(DECEMBER_1_2026)
