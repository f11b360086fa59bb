"""Deploys the PeerLend system and writes deployments/<chain-id>.json.

    brownie run scripts/deploy.py --network peerlend-local

On a non-local chain the environment names the stablecoin (PEERLEND_STABLECOIN), the deployer key
(PEERLEND_DEPLOYER_KEY) and each role holder (see scripts/deployment/accounts.py); on an L2 also the
Chainlink sequencer uptime feed the collateral vault gates prices on (PEERLEND_SEQUENCER_UPTIME_FEED).
Re-running against a chain whose manifest still points at live contracts is refused; set
PEERLEND_REDEPLOY=1 to deploy a fresh system. Mocks (stablecoin, price feeds) deploy only on local
chains. PEERLEND_MANIFEST_DIR overrides where the manifest is written.
"""

import os

from brownie import chain, network

from scripts.deployment import receipts
from scripts.deployment.accounts import is_local, role_holders
from scripts.deployment.disclosure import deploy_disclosure
from scripts.deployment.manifest import ManifestBuilder, ensure_may_deploy, manifest_path
from scripts.deployment.system import deploy_system


def main() -> str:
    receipts.install()
    chain_id = chain.id
    path = manifest_path(chain_id)
    ensure_may_deploy(path)
    holders = role_holders(chain_id)
    manifest = ManifestBuilder(chain_id, network.show_active())
    manifest.data["accounts"] = holders.as_manifest()
    deployed = deploy_system(
        holders,
        manifest,
        local=is_local(chain_id),
        stablecoin_address=os.environ.get("PEERLEND_STABLECOIN"),
        sequencer_uptime_feed=os.environ.get("PEERLEND_SEQUENCER_UPTIME_FEED"),
    )
    deploy_disclosure(deployed["PeerLendTimelock"], holders, manifest, local=is_local(chain_id))
    manifest.write(path)
    print(f"deploy: manifest written to {path}")
    for name, entry in manifest.data["contracts"].items():
        print(f"  {name:<22} {entry['address']}  (block {entry['block']})")
    return str(path)
