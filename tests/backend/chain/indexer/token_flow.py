"""Cheap event generation on a real anvil: deploy from the build artifacts, then mint/transfer
MockStablecoin in JSON-RPC batches with automining off, many transactions per block."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
from eth_abi import encode
from eth_utils import keccak, to_checksum_address

from tests.support.anvil import ROOT

BUILD = ROOT / "build" / "contracts"
MINT = keccak(text="mint(address,uint256)")[:4]
TRANSFER = keccak(text="transfer(address,uint256)")[:4]


class Rpc:
    def __init__(self, url: str):
        self.url = url
        self.client = httpx.Client(timeout=120)

    def __call__(self, method: str, *params):
        body = self.client.post(
            self.url, json={"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}
        ).json()
        if "error" in body:
            raise RuntimeError(f"{method}: {body['error']}")
        return body["result"]

    def batch(self, calls: list[tuple[str, list]]) -> list:
        payload = [{"jsonrpc": "2.0", "id": i, "method": m, "params": p} for i, (m, p) in enumerate(calls)]
        body = self.client.post(self.url, json=payload).json()
        errors = [b["error"] for b in body if "error" in b]
        if errors:
            raise RuntimeError(f"batch errors: {errors[:3]}")
        return [b["result"] for b in sorted(body, key=lambda b: b["id"])]

    def accounts(self) -> list[str]:
        return [to_checksum_address(a) for a in self("eth_accounts")]

    def receipt(self, tx_hash: str) -> dict:
        return self("eth_getTransactionReceipt", tx_hash)


def artifact(name: str, build_dir: Path = BUILD) -> dict:
    return json.loads((build_dir / f"{name}.json").read_text())


def deploy(rpc: Rpc, name: str, sender: str, build_dir: Path = BUILD, args_data: bytes = b"") -> str:
    code = artifact(name, build_dir)["bytecode"]
    code = code if code.startswith("0x") else "0x" + code
    tx = rpc("eth_sendTransaction", {"from": sender, "data": code + args_data.hex(), "gas": hex(8_000_000)})
    deadline = time.monotonic() + 30
    while (receipt := rpc.receipt(tx)) is None:  # automine may answer before the block exists
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} deployment not mined")
        time.sleep(0.05)
    return to_checksum_address(receipt["contractAddress"])


def mint_call(token: str, sender: str, to: str, amount: int) -> tuple[str, list]:
    data = "0x" + (MINT + encode(["address", "uint256"], [to, amount])).hex()
    return ("eth_sendTransaction", [{"from": sender, "to": token, "data": data, "gas": hex(100_000)}])


def transfer_call(token: str, sender: str, to: str, amount: int) -> tuple[str, list]:
    data = "0x" + (TRANSFER + encode(["address", "uint256"], [to, amount])).hex()
    return ("eth_sendTransaction", [{"from": sender, "to": token, "data": data, "gas": hex(100_000)}])


def mine_calls(rpc: Rpc, calls: list[tuple[str, list]], per_block: int = 500) -> None:
    """Send `calls` with automine off and mine a block every `per_block` transactions."""
    nonces: dict[str, int] = {}
    explicit = []
    for method, params in calls:  # explicit nonces: a JSON-RPC batch may be served concurrently
        tx = dict(params[0])
        sender = tx["from"]
        if sender not in nonces:
            nonces[sender] = int(rpc("eth_getTransactionCount", sender, "pending"), 16)
        tx["nonce"] = hex(nonces[sender])
        nonces[sender] += 1
        explicit.append((method, [tx]))
    calls = explicit
    rpc("evm_setAutomine", False)
    try:
        for i in range(0, len(calls), per_block):
            rpc.batch(calls[i : i + per_block])
            rpc("evm_mine")
    finally:
        rpc("evm_setAutomine", True)


def token_manifest(chain_id: int, token: str, block: int) -> dict:
    return {
        "chainId": chain_id,
        "network": "test",
        "deployBlock": block,
        "contracts": {"MockStablecoin": {"address": token, "block": block}},
    }
