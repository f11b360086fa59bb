"""Indexer settings (`PEERLEND_INDEXER_*`); database, RPC, manifest and build directory come from the
service settings (`PEERLEND_DATABASE_URL`, `PEERLEND_RPC_URL`, `PEERLEND_MANIFEST_PATH`, ...)."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class IndexerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PEERLEND_INDEXER_", extra="ignore")

    range_size: int = 2000  # blocks per eth_getLogs range
    # None: 0 on a local anvil (chain 31337: blocks only appear when transactions do), else 12
    confirmations: int | None = None
    poll_interval_seconds: float = 2.0
    rpc_wait_seconds: float = 300.0  # startup: how long to wait for the RPC and the manifest
    name: str = "main"  # checkpoint name

    def resolved_confirmations(self, chain_id: int) -> int:
        if self.confirmations is not None:
            return self.confirmations
        return 0 if chain_id == 31337 else 12
