"""What the chain says a CreditOracle published: its canonical logs, decoded, and reorgs on anvil.

Tests that kill processes or reorg the chain judge the result against these, never against what the
aggregator or the service believe.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass

from eth_utils import keccak, to_checksum_address

from tests.support.anvil import rpc

RECORDS_TOPIC = "0x" + keccak(text="CreditRecordsUpdated(uint64,bytes)").hex()
BATCH_TOPIC = "0x" + keccak(text="BatchSubmitted(uint64,uint256,address)").hex()


def mined(chain, tx_hash: str, timeout: float = 30) -> dict:
    """The transaction's receipt once it is in a block: anvil answers a broadcast before it mines it."""
    deadline = time.monotonic() + timeout
    while (receipt := chain.receipt(tx_hash)) is None:
        assert time.monotonic() < deadline, f"{tx_hash} not mined in {timeout} s"
        time.sleep(0.01)
    return receipt


@dataclass(frozen=True)
class Published:
    round: int
    borrower: str
    score: int
    grade: int
    as_of: int
    block: int
    tx_hash: str


def _logs(url: str, address: str, topic: str) -> list[dict]:
    return rpc(
        url, "eth_getLogs", [{"address": address, "fromBlock": "0x0", "toBlock": "latest", "topics": [topic]}]
    )


def published(url: str, address: str) -> list[Published]:
    """Every record the contract stored, from its canonical CreditRecordsUpdated logs (64 bytes each:
    borrower, score, grade, pdBps, modelVersion, asOf, reasonsHash)."""
    out = []
    for log in _logs(url, address, RECORDS_TOPIC):
        data = bytes.fromhex(log["data"][2:])
        length = int.from_bytes(data[32:64], "big")
        records = data[64 : 64 + length]
        for i in range(0, len(records), 64):
            r = records[i : i + 64]
            out.append(
                Published(
                    round=int(log["topics"][1], 16),
                    borrower=to_checksum_address(r[0:20]),
                    score=int.from_bytes(r[20:22], "big"),
                    grade=r[22],
                    as_of=int.from_bytes(r[27:32], "big"),
                    block=int(log["blockNumber"], 16),
                    tx_hash=log["transactionHash"],
                )
            )
    return out


def rounds(url: str, address: str) -> list[int]:
    """Round numbers of the canonical BatchSubmitted logs, in chain order."""
    return [int(log["topics"][1], 16) for log in _logs(url, address, BATCH_TOPIC)]


def duplicates(items) -> dict:
    return {k: n for k, n in Counter(items).items() if n > 1}


def head(url: str) -> int:
    return int(rpc(url, "eth_blockNumber"), 16)


def reorg_out(url: str, block: int, how: str = "anvil_reorg") -> None:
    """Replace every block from `block` to the head with empty ones (anvil_reorg) or go back to before
    `block` (evm_revert to a snapshot taken then): either way what those blocks held is gone."""
    if how == "anvil_reorg":
        rpc(url, "anvil_reorg", [head(url) - block + 1, []])
    else:
        raise ValueError(how)
