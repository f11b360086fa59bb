"""The deployment manifest written by scripts/deploy.py (`deployments/<chainId>.json`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_utils import to_checksum_address

from backend.chain.errors import ContractNotFound


@dataclass(frozen=True)
class DeployedContract:
    name: str
    address: str
    block: int
    abi: str | None = None  # the artifact clients call it through, when not its own (the merged ILoanMarket)


@dataclass(frozen=True)
class Manifest:
    chain_id: int
    network: str
    deploy_block: int
    deployed_at: str | None
    contracts: dict[str, DeployedContract]
    roles: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    parameters: dict[str, Any] = field(default_factory=dict)
    accounts: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    def address(self, name: str) -> str:
        try:
            return self.contracts[name].address
        except KeyError:
            raise ContractNotFound(
                f"{name} is not in the deployment manifest (deployed: {sorted(self.contracts)})"
            ) from None

    def abi_name(self, name: str) -> str:
        """The ABI artifact to call `name` through: the merged interface of a split contract, else its own."""
        entry = self.contracts.get(name)
        return entry.abi if entry is not None and entry.abi else name

    def start_block(self, name: str | None = None) -> int:
        """First block worth indexing: the contract's deployment block, else the manifest's."""
        if name is not None and name in self.contracts:
            return self.contracts[name].block
        return self.deploy_block


def parse_manifest(data: dict[str, Any]) -> Manifest:
    try:
        contracts = {
            name: DeployedContract(
                name, to_checksum_address(entry["address"]), int(entry.get("block") or 0), entry.get("abi")
            )
            for name, entry in data["contracts"].items()
        }
        return Manifest(
            chain_id=int(data["chainId"]),
            network=str(data.get("network", "")),
            deploy_block=int(
                data.get("deployBlock") or min((c.block for c in contracts.values()), default=0)
            ),
            deployed_at=data.get("deployedAt"),
            contracts=contracts,
            roles=data.get("roles") or {},
            parameters=data.get("parameters") or {},
            accounts=data.get("accounts") or {},
            raw=data,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"malformed deployment manifest: {exc!r}") from exc


def load_manifest(path: str | Path) -> Manifest:
    path = Path(path)
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise ContractNotFound(f"deployment manifest {path} not found; deploy first (make up)") from None
    return parse_manifest(data)
