"""Typed access to the PeerLend contracts: deployment manifest, build ABIs, a signing web3 client."""

from backend.chain.errors import (
    ChainError,
    ChainUnavailable,
    ContractNotFound,
    ContractReverted,
    TransactionFailed,
    TransactionTimeout,
)

__all__ = [
    "ChainError",
    "ChainUnavailable",
    "ContractNotFound",
    "ContractReverted",
    "TransactionFailed",
    "TransactionTimeout",
]
