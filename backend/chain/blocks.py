"""Blocks and mined transactions as the chain client reports them: plain values, hashes as 0x hex.

web3 answers with HexBytes, which never equal the hex strings a store or a log line keeps; comparing a
block hash read now with one recorded earlier (how a reorganisation shows) needs one spelling.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


def to_hex(value: Any) -> str:
    """A hash or byte string as lowercase 0x hex, whether web3 gave bytes or a string."""
    if isinstance(value, str):
        text = value.lower()
        return text if text.startswith("0x") else "0x" + text
    return "0x" + bytes(value).hex()


@dataclass(frozen=True)
class Head:
    """A block as a follower of the chain tracks it: enough to tell a reorganisation from progress."""

    number: int
    hash: str
    timestamp: int

    @classmethod
    def of(cls, block: Any) -> Head:
        return cls(int(block["number"]), to_hex(block["hash"]), int(block["timestamp"]))


@dataclass(frozen=True)
class Receipt:
    """A transaction's receipt once it is in a block (`status` 1: it succeeded, 0: it reverted)."""

    tx_hash: str
    status: int
    block_number: int
    block_hash: str
    gas_used: int

    @property
    def succeeded(self) -> bool:
        return self.status == 1

    @classmethod
    def of(cls, receipt: Any) -> Receipt:
        return cls(
            tx_hash=to_hex(receipt["transactionHash"]),
            status=int(receipt["status"]),
            block_number=int(receipt["blockNumber"]),
            block_hash=to_hex(receipt["blockHash"]),
            gas_used=int(receipt["gasUsed"]),
        )
