"""Registers PeerLend's networks with Brownie (idempotent).

- `peerlend-test`, `peerlend-test-b`: a throwaway anvil per contract-test run on its own port, so
  contract tests never attach to the chain `make up` runs on 8545; two, so that `make test` runs two
  halves of the contract suites side by side. High gas limit for the 100-borrower oracle and 500-note
  tests.
- `peerlend-local`: the long-running anvil that `make up` starts on 8545. It is a development-type
  network so that Brownie attaches to the running chain and keeps no deployment records of its own
  (Brownie's records go stale whenever the local chain restarts; deployments/<chain-id>.json is the
  record the service and oracle read).
"""

import os
import subprocess
import sys
from pathlib import Path

import brownie  # noqa: F401  (first import writes ~/.brownie/network-config.yaml)
import yaml

TEST_PORT = os.environ.get("PEERLEND_TEST_CHAIN_PORT", "8546")
SECOND_TEST_PORT = os.environ.get("PEERLEND_SECOND_TEST_CHAIN_PORT", "8556")
ANVIL_SETTINGS = ["cmd=anvil", "host=http://127.0.0.1", "accounts=20", "gas_limit=30000000"]
NETWORKS = {
    "peerlend-test": ("Development", [*ANVIL_SETTINGS, f"port={TEST_PORT}", "base_fee=0"]),
    "peerlend-test-b": ("Development", [*ANVIL_SETTINGS, f"port={SECOND_TEST_PORT}", "base_fee=0"]),
    "peerlend-local": ("Development", [*ANVIL_SETTINGS, "port=8545"]),
}


def registered() -> dict[str, str]:
    """Network id -> 'development' or 'live'."""
    config_path = Path.home() / ".brownie" / "network-config.yaml"
    config = yaml.safe_load(config_path.read_text()) or {}
    found = {n.get("id"): "development" for n in config.get("development", [])}
    for group in config.get("live", []):
        found.update({n.get("id"): "live" for n in group.get("networks", [])})
    return found


def run_brownie(cli: str, *args: str) -> None:
    # Brownie's own CLI from its environment, with arguments from NETWORKS above: nothing user-given.
    subprocess.run([cli, *args], check=True, stdout=subprocess.DEVNULL)  # noqa: S603


def main() -> None:
    brownie_cli = str(Path(sys.executable).parent / "brownie")
    existing = registered()
    for network_id, (group, settings) in NETWORKS.items():
        if existing.get(network_id) == "live":  # registered by an earlier layout
            run_brownie(brownie_cli, "networks", "delete", network_id)
        elif network_id in existing:
            continue
        run_brownie(brownie_cli, "networks", "add", group, network_id, *settings)


if __name__ == "__main__":
    main()
