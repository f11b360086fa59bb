"""The system as scripts/deployment/system.py deploys it, governance handed to the timelock, with one
account per operational role so that a holder of one role is a stranger to every other; and the cast
the role tables name.

Accounts: 0 deployer (holds nothing once deployed), 1 attester, 2 compliance, 3 pauser, 4 oracle
submitter, 5 offer signer, 6 treasury, 7 proposer (the timelock's proposer and canceller), 8 outsider,
9 disclosure publisher;
the oracle signers are anvil keys 10-12 and never send transactions. AutoInvest's contract holds the
market's AUTO_INVEST_ROLE and cannot be made to call anything else, so it is a holder, never a caller.
"""

import brownie
import pytest
from brownie import chain
from helpers.keys import dev_key
from helpers.roles import ANYONE, address_of
from helpers.timelock import ThroughTimelock

from scripts.deployment.accounts import RoleHolders
from scripts.deployment.disclosure import deploy_disclosure
from scripts.deployment.manifest import ManifestBuilder
from scripts.deployment.market import merged_market
from scripts.deployment.system import deploy_system

ACCOUNT_OF = {
    "deployer": 0,
    "attester": 1,
    "compliance": 2,
    "pauser": 3,
    "offer_signer": 5,
    "proposer": 7,
    "outsider": 8,
    "publisher": 9,
}


@pytest.fixture(scope="module")
def system(accounts):
    a = accounts
    holders = RoleHolders(
        deployer=a[0],
        attester=a[1].address,
        compliance=a[2].address,
        pauser=a[3].address,
        oracle_signers=sorted(dev_key(i).address for i in (10, 11, 12)),
        submitter=a[4].address,
        offer_signer=a[5].address,
        treasury=a[6].address,
        proposers=[a[7].address],
        disclosure_publisher=a[9].address,
    )
    manifest = ManifestBuilder(chain.id, "roles")
    deployed = deploy_system(holders, manifest, local=True)
    # deploy.py deploys the disclosure registry beside the system, under the same timelock
    deployed["DisclosureRegistry"] = deploy_disclosure(
        deployed["PeerLendTimelock"], holders, manifest, local=True
    )
    # The extension at its own address, callable with every function the market routes to it.
    project = brownie.project.get_loaded_projects()[0]
    deployed["LoanMarketExt"] = merged_market(project, deployed["LoanMarketExt"])
    return deployed


@pytest.fixture(scope="module")
def callers(accounts, system):
    """Everyone who can send a transaction, by cast name: the accounts, and the timelock acting through
    its own schedule and execute."""
    found = {name: accounts[index] for name, index in ACCOUNT_OF.items()}
    found["timelock"] = ThroughTimelock(system["PeerLendTimelock"], found["proposer"])
    return found


@pytest.fixture(scope="module")
def cast(callers, system):
    """Every cast member's address, those that never call included."""
    found = {name: address_of(caller) for name, caller in callers.items()}
    found["auto_invest"] = system["AutoInvest"].address
    found["anyone"] = ANYONE
    return found
