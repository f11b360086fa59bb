"""Deploys and wires the PeerLend contracts, recording each step in the manifest."""

from __future__ import annotations

from brownie import project, web3

from scripts.deployment.accounts import RoleHolders
from scripts.deployment.manifest import ManifestBuilder

ORACLE_THRESHOLD = 2
ORACLE_MAX_AGE = 30 * 24 * 3600  # a credit record older than 30 days no longer admits new loans
LOCAL_TIMELOCK_DELAY = 60  # seconds; long enough to be real, short enough for a local demo
PRODUCTION_TIMELOCK_DELAY = 2 * 24 * 3600


def _role(name: str) -> bytes:
    return web3.keccak(text=name) if name != "DEFAULT_ADMIN_ROLE" else b"\x00" * 32


def _containers():
    # Works both under `brownie run` and after project.load() (toolchain/deploy_to_rpc.py).
    return project.get_loaded_projects()[0]


def deploy_system(holders: RoleHolders, manifest: ManifestBuilder, local: bool) -> dict:
    c = _containers()
    tx = {"from": holders.deployer}
    deployed: dict = {}

    if local:
        deployed["MockStablecoin"] = c.MockStablecoin.deploy(tx)
        manifest.contract("MockStablecoin", deployed["MockStablecoin"])

    registry = c.IdentityRegistry.deploy(holders.deployer, tx)
    manifest.contract("IdentityRegistry", registry)
    registry.grantRole(_role("ATTESTER_ROLE"), holders.attester, tx)
    registry.grantRole(_role("COMPLIANCE_ROLE"), holders.compliance, tx)
    manifest.role("IdentityRegistry", "ATTESTER_ROLE", [holders.attester])
    manifest.role("IdentityRegistry", "COMPLIANCE_ROLE", [holders.compliance])
    deployed["IdentityRegistry"] = registry

    oracle = c.CreditOracle.deploy(
        holders.deployer, holders.oracle_signers, ORACLE_THRESHOLD, ORACLE_MAX_AGE, tx
    )
    manifest.contract("CreditOracle", oracle)
    manifest.parameters("CreditOracle", {
        "signers": holders.oracle_signers, "threshold": ORACLE_THRESHOLD, "maxAge": ORACLE_MAX_AGE,
    })
    deployed["CreditOracle"] = oracle

    return deployed
