"""The deployment manifest: what the service, the oracle nodes and the indexer read to find the system.

`deployments/<chain-id>.json` records contract names, addresses, the block each was deployed in, the role
holders and the parameters set at deployment. A manifest is never silently replaced: deploying again to a
chain whose manifest points at live code is refused unless a redeploy is asked for.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

from brownie import web3

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class ManifestBuilder:
    def __init__(self, chain_id: int, network: str):
        self.data: dict = {
            "chainId": chain_id,
            "network": network,
            "deployBlock": None,
            "deployedAt": None,
            "contracts": {},
            "roles": {},
            "parameters": {},
            "accounts": {},
        }

    def contract(self, name: str, deployed) -> None:
        block = deployed.tx.block_number if deployed.tx else web3.eth.block_number
        self.data["contracts"][name] = {"address": deployed.address, "block": block}
        if self.data["deployBlock"] is None or block < self.data["deployBlock"]:
            self.data["deployBlock"] = block

    def abi(self, name: str, abi_name: str) -> None:
        """Clients should call `name` through the ABI artifact `abi_name` (a contract or an interface)."""
        self.data["contracts"][name]["abi"] = abi_name

    def errors(self, abis: list[list[dict]]) -> None:
        """Every custom error the deployed system can revert with, once each: what a client needs to decode
        any revert of a call it makes (the stablecoin's and the vault's included), whatever ABI it holds."""
        seen: dict[str, dict] = {}
        for abi in abis:
            for entry in abi:
                if entry.get("type") == "error":
                    types = ",".join(i["type"] for i in entry["inputs"])
                    seen.setdefault(f"{entry['name']}({types})", entry)
        self.data["errors"] = [seen[k] for k in sorted(seen)]

    def role(self, contract: str, role: str, holders: list[str]) -> None:
        self.data["roles"].setdefault(contract, {})[role] = list(holders)

    def parameters(self, contract: str, values: dict) -> None:
        self.data["parameters"].setdefault(contract, {}).update(values)

    def write(self, path: Path) -> Path:
        self.data["deployedAt"] = datetime.now(UTC).isoformat(timespec="seconds")
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(self.data, indent=2) + "\n")
        tmp.replace(path)  # atomic: readers never see a half-written manifest
        return path


def manifest_path(chain_id: int) -> Path:
    directory = Path(os.environ.get("PEERLEND_MANIFEST_DIR", PROJECT_ROOT / "deployments"))
    return directory / f"{chain_id}.json"


def ensure_may_deploy(path: Path) -> None:
    """Refuses to overwrite a manifest whose contracts are still live on this chain."""
    if not path.exists() or os.environ.get("PEERLEND_REDEPLOY") == "1":
        return
    existing = json.loads(path.read_text())
    live = [
        name
        for name, entry in existing.get("contracts", {}).items()
        if len(web3.eth.get_code(entry["address"])) > 0
    ]
    if live:
        raise SystemExit(
            f"deploy: {path} already describes a live deployment on chain {existing['chainId']} "
            f"({', '.join(sorted(live))}). Set PEERLEND_REDEPLOY=1 to deploy a new system and replace it."
        )
    print(f"deploy: {path} points at contracts that no longer exist on this chain; replacing it")
