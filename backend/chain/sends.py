"""A signed transaction on its way to the node, and what a sender's journal hears of it.

Kept apart from the outbox's tables so that a process with no database (the oracle) signs through the
same client without importing one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class SignedSend:
    """A signed transaction about to be sent (ChainClient.sign's answer; what `SendLog.record` gets)."""

    tx_hash: str
    raw: bytes
    sender: str
    nonce: int
    chain_id: int


class SendLog(Protocol):
    """What ChainClient.transact tells about a transaction it sends."""

    def record(self, sent: SignedSend) -> None: ...

    def refused(self, tx_hash: str) -> None: ...
