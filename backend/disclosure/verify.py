"""Anyone's check of a month's disclosure: fetch the snapshot from the API, recompute its hash, read the
anchor from the chain, compare. It trusts neither the API's hash nor its account of the anchor: the hash
is recomputed from the document (canonical JSON, SHA-256), and the anchor is read from the chain with
plain JSON-RPC (the registry's SnapshotAnchored logs for the month, and `anchorOf(yyyymm)`), so it needs
no build artifact and no database.

    peerlend disclosure verify 2026-11 [--api URL] [--rpc URL] [--registry ADDRESS]

The registry's address comes from --registry, else the deployment manifest the settings name, else the
API's answer (said so in the output).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import httpx
from eth_utils import keccak, to_checksum_address

from backend.disclosure.canonical import canonical_bytes
from backend.disclosure.periods import parse_period, period_code

ANCHORED_TOPIC = "0x" + keccak(text="SnapshotAnchored(uint32,bytes32,address)").hex()
ANCHOR_OF = "0x" + keccak(text="anchorOf(uint32)").hex()[:8]


@dataclass
class Verification:
    period: str
    checks: list[tuple[str, bool, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(passed for _, passed, _ in self.checks)

    def check(self, name: str, passed: bool, detail: str = "") -> bool:
        self.checks.append((name, passed, detail))
        return passed

    def lines(self) -> list[str]:
        out = [
            f"{'ok  ' if passed else 'FAIL'}  {name}{': ' + detail if detail else ''}"
            for name, passed, detail in self.checks
        ]
        out.append(f"{self.period}: {'VERIFIED' if self.ok else 'NOT VERIFIED'}")
        return out


def _rpc(client: httpx.Client, url: str, method: str, params: list[Any]) -> Any:
    reply = client.post(url, json={"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).json()
    if "error" in reply:
        raise RuntimeError(f"{method}: {reply['error']}")
    return reply["result"]


def verify(period: str, api_url: str, rpc_url: str, registry: str | None = None) -> Verification:
    result = Verification(period)
    code = period_code(*parse_period(period))
    with httpx.Client(timeout=30) as client:
        answer = client.get(f"{api_url.rstrip('/')}/v2/disclosure/snapshots/{period}")
        if not result.check(
            "the API publishes the snapshot", answer.status_code == 200, f"HTTP {answer.status_code}"
        ):
            return result
        snapshot = answer.json()
        document = snapshot["document"]
        digest = hashlib.sha256(canonical_bytes(document)).hexdigest()
        result.check(
            "the document is the month's", document.get("period") == period, str(document.get("period"))
        )
        result.check(
            "its recomputed SHA-256 is the one published", digest == snapshot["sha256"], f"0x{digest}"
        )
        claimed = snapshot.get("anchor") or {}
        address = registry or claimed.get("registry")
        source = "given" if registry else "as the API names it"
        if not result.check("a registry to read", bool(address), f"{address} ({source})"):
            return result
        assert address is not None
        address = to_checksum_address(address)
        logs = _rpc(
            client,
            rpc_url,
            "eth_getLogs",
            [
                {
                    "address": address,
                    "fromBlock": "0x0",
                    "toBlock": "latest",
                    "topics": [ANCHORED_TOPIC, "0x" + f"{code:064x}"],
                }
            ],
        )
        if not result.check(
            "the chain holds exactly one anchor of the month", len(logs) == 1, f"{len(logs)} found"
        ):
            return result
        [log] = logs
        onchain_hash = "0x" + log["data"][2:66]
        result.check("the anchored hash is the recomputed one", onchain_hash == "0x" + digest, onchain_hash)
        stored = _rpc(
            client, rpc_url, "eth_call", [{"to": address, "data": ANCHOR_OF + f"{code:064x}"}, "latest"]
        )
        result.check("the registry's anchorOf agrees", stored.lower() == "0x" + digest, stored)
        block = int(log["blockNumber"], 16)
        result.check(
            "the API names the anchoring transaction and block",
            claimed.get("txHash", "").lower() == log["transactionHash"].lower()
            and claimed.get("blockNumber") == block,
            f"{log['transactionHash']} in block {block}",
        )
        publisher = to_checksum_address("0x" + log["topics"][2][-40:])
        result.check("anchored by", True, publisher)
    return result
