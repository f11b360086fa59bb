"""Registers PeerLend's networks with Brownie (idempotent).

- `peerlend-test`: a throwaway anvil per test run on its own port, so contract tests never attach to
  the chain `make up` runs on 8545. High gas limit for the 100-borrower oracle and 500-note tests.
- `peerlend-local`: the long-running anvil that `make up` starts; deploy scripts target it and the
  service and oracle read the manifest it produces.
"""

import os
import subprocess
import sys
from pathlib import Path

import brownie  # noqa: F401  (first import writes ~/.brownie/network-config.yaml)
import yaml

TEST_PORT = os.environ.get("PEERLEND_TEST_CHAIN_PORT", "8546")
NETWORKS = [
    ("Development", "peerlend-test", [
        "cmd=anvil", "host=http://127.0.0.1", f"port={TEST_PORT}", "accounts=20",
        "gas_limit=30000000", "base_fee=0",
    ]),
    ("Ethereum", "peerlend-local", ["host=http://127.0.0.1:8545", "chainid=31337"]),
]


def registered_ids() -> set[str]:
    config_path = Path.home() / ".brownie" / "network-config.yaml"
    config = yaml.safe_load(config_path.read_text()) or {}
    ids = {n.get("id") for n in config.get("development", [])}
    for group in config.get("live", []):
        ids |= {n.get("id") for n in group.get("networks", [])}
    return ids


def main() -> None:
    brownie_cli = str(Path(sys.executable).parent / "brownie")
    existing = registered_ids()
    for group, network_id, settings in NETWORKS:
        if network_id not in existing:
            subprocess.run([brownie_cli, "networks", "add", group, network_id, *settings],
                           check=True, stdout=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
