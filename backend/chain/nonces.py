"""Nonces per sender, shared by every ChainClient of a process.

Keyed by node and sender: the API's attester, a worker and a script in one process signing for the same
account take one nonce sequence, so concurrent senders never collide.
"""

from __future__ import annotations

import logging
import threading
import time

logger = logging.getLogger("peerlend.chain")


class SenderNonces:
    """One sender's sequence. Hold `lock` from reading the next nonce until the node accepted (or refused)
    the transaction signed with it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.next_nonce = 0
        self.sent_at = 0.0  # time.monotonic() of the last transaction the node accepted

    def next(self, sender: str, pending: int, lag_grace: float) -> int:
        """The nonce to sign with, given the node's pending count for the sender."""
        # The node's pending count can lag a just-sent transaction, so for a moment never go below what
        # we already used. Later, a count still below it means a transaction of ours left the node
        # (dropped from the pool, or a reorg took its block): reuse the nonce, or every later
        # transaction would wait forever behind the gap.
        if self.next_nonce > pending and time.monotonic() - self.sent_at > lag_grace:
            lost = f"{pending}..{self.next_nonce - 1}"
            logger.warning("nonces %s of %s never reached the chain; reusing them", lost, sender)
            self.next_nonce = pending
        return max(pending, self.next_nonce)

    def accepted(self, nonce: int) -> None:
        self.next_nonce, self.sent_at = nonce + 1, time.monotonic()

    def forget(self) -> None:
        """After a refusal or an outage: trust the node's count again."""
        self.next_nonce = 0


_senders: dict[tuple[str, str], SenderNonces] = {}
_senders_lock = threading.Lock()


def sender_nonces(rpc_url: str, sender: str) -> SenderNonces:
    with _senders_lock:
        return _senders.setdefault((rpc_url, sender), SenderNonces())
