"""Indexer lag for `/metrics` (backend/core/state_metrics.py): how far the index is behind the chain."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
from sqlalchemy.orm import Session

from backend.chain.indexer.models import ChainCheckpoint
from backend.core.state_metrics import Figure


def indexer_figures(rpc_url: str | None, timeout: float) -> Callable[[Session], Iterator[Figure]]:
    def figures(session: Session) -> Iterator[Figure]:
        checkpoint = session.get(ChainCheckpoint, "main")
        if checkpoint is None:
            return
        yield Figure("peerlend_indexer_block", "Last block the index holds", checkpoint.last_block)
        if not rpc_url:
            return
        try:
            reply = httpx.post(
                rpc_url,
                json={"jsonrpc": "2.0", "id": 1, "method": "eth_blockNumber", "params": []},
                timeout=timeout,
            )
            head = int(reply.json()["result"], 16)
        except (httpx.HTTPError, KeyError, ValueError):
            return  # the chain does not answer: no lag figure rather than a wrong one
        yield Figure("peerlend_chain_head_block", "Latest block of the chain's node", head)
        # Includes the confirmations the indexer waits for on purpose (0 on a local chain).
        yield Figure(
            "peerlend_indexer_lag_blocks",
            "Blocks the index is behind the node",
            max(0, head - checkpoint.last_block),
        )

    figures.__name__ = "indexer_figures"
    return figures
