"""Session fixture: a real anvil with the whole PeerLend system deployed by scripts/deploy.py.

Tests of the service, the oracle and the end-to-end flows share one deployment per session and isolate
themselves with `snapshot()` / `revert()` where they change chain state others rely on.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from web3 import Web3

from backend.chain.abi import load_abi
from scripts.deployment.local_accounts import FIRST_USER_INDEX, ROLE_INDEX, local_account
from tests.support.anvil import ROOT, Anvil, brownie_env, rpc

ANVIL_ACCOUNTS = 20  # Anvil's default, which the test chain keeps
USER_COUNT = ANVIL_ACCOUNTS - FIRST_USER_INDEX  # every account after the role holders is a user


def local_accounts() -> dict:
    named = {role: local_account(i) for role, i in ROLE_INDEX.items()}
    named.update({f"user{i}": local_account(FIRST_USER_INDEX + i) for i in range(USER_COUNT)})
    return named


@dataclass
class DeployedChain:
    anvil: Anvil
    manifest_path: Path
    manifest: dict
    build_dir: Path = ROOT / "build" / "contracts"
    accounts: dict = field(default_factory=local_accounts)

    @property
    def rpc_url(self) -> str:
        return self.anvil.url

    @property
    def chain_id(self) -> int:
        return self.manifest["chainId"]

    @property
    def w3(self) -> Web3:
        return Web3(Web3.HTTPProvider(self.rpc_url, request_kwargs={"timeout": 60}))

    def server_settings(self, **overrides) -> dict:
        """API settings wiring a test server to this deployment, attesting with its attester key and
        signing loan offers with its offer signer's."""
        return {
            "rpc_url": self.rpc_url,
            "chain_id": self.chain_id,
            "manifest_path": self.manifest_path,
            "build_dir": self.build_dir,
            "attester_private_key": self.key("attester"),
            "offer_signer_private_key": self.key("offerSigner"),
            **overrides,
        }

    def abi(self, name: str) -> list:
        """The ABI to call deployed contract `name` through: the one the manifest names (the merged
        `ILoanMarket` of the split loan market), else the contract's own."""
        entry = self.manifest["contracts"].get(name) or {}
        return load_abi(self.build_dir, entry.get("abi") or name)

    def contract(self, name: str):
        return self.w3.eth.contract(address=self.manifest["contracts"][name]["address"], abi=self.abi(name))

    def key(self, role: str) -> str:
        """The private key of a local account (`attester`, `offerSigner`, `user3`, ...), 0x-prefixed."""
        return "0x" + bytes(self.accounts[role].key).hex()

    def snapshot(self) -> str:
        return rpc(self.rpc_url, "evm_snapshot")

    def revert(self, snapshot_id: str) -> None:
        if not rpc(self.rpc_url, "evm_revert", [snapshot_id]):
            raise RuntimeError(f"evm_revert({snapshot_id}) refused")

    def mine(self, seconds: int = 0, blocks: int = 1) -> None:
        if seconds:
            rpc(self.rpc_url, "evm_increaseTime", [seconds])
        for _ in range(blocks):
            rpc(self.rpc_url, "evm_mine")

    def now(self) -> int:
        return self.w3.eth.get_block("latest")["timestamp"]


def deploy(anvil: Anvil, manifest_dir: Path) -> DeployedChain:
    # Brownie's interpreter running the project's own deploy entry point
    result = subprocess.run(  # noqa: S603
        [
            str(ROOT / ".tools/brownie/bin/python"),
            str(ROOT / "toolchain/deploy_to_rpc.py"),
            "--rpc-url",
            anvil.url,
            "--manifest-dir",
            str(manifest_dir),
        ],
        cwd=ROOT,
        env=brownie_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        raise RuntimeError(f"deploy failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    path = manifest_dir / "31337.json"
    return DeployedChain(anvil=anvil, manifest_path=path, manifest=json.loads(path.read_text()))


@pytest.fixture(scope="session")
def deployed_chain(tmp_path_factory):
    anvil = Anvil().start()
    try:
        yield deploy(anvil, tmp_path_factory.mktemp("deployment"))
    finally:
        anvil.stop()
