"""Deploys the DisclosureRegistry: the monthly disclosure's hash anchored on-chain.

Its admin is the timelock from the start (so the deployer never holds a role to hand over) and its one
publisher is the disclosure service's key (`RoleHolders.disclosure_publisher`). On a local chain that key
is an account anvil does not fund, so it is given gas money here.
"""

from __future__ import annotations

from brownie import project, web3

from scripts.deployment.accounts import RoleHolders
from scripts.deployment.manifest import ManifestBuilder

LOCAL_GAS_MONEY = 100 * 10**18  # wei: thousands of anchors at any local gas price


def deploy_disclosure(timelock, holders: RoleHolders, manifest: ManifestBuilder, local: bool):
    c = project.get_loaded_projects()[0]
    publisher = holders.disclosure_publisher
    if not publisher:
        raise SystemExit("deploy: no disclosure publisher named (PEERLEND_DISCLOSURE_PUBLISHER)")
    tx = {"from": holders.deployer}
    registry = c.DisclosureRegistry.deploy(timelock, publisher, tx)
    manifest.contract("DisclosureRegistry", registry)
    manifest.role("DisclosureRegistry", "DEFAULT_ADMIN_ROLE", [timelock.address])
    manifest.role("DisclosureRegistry", "PUBLISHER_ROLE", [publisher])
    # Its errors join the manifest's merged errors ABI, which clients decode every revert with.
    manifest.errors([manifest.data.get("errors") or [], c._build.get("DisclosureRegistry")["abi"]])
    if local and web3.eth.get_balance(publisher) < LOCAL_GAS_MONEY // 2:
        holders.deployer.transfer(publisher, LOCAL_GAS_MONEY)
    return registry
