"""Settings of the oracle processes (signer nodes and aggregator), from `PEERLEND_ORACLE_*` variables.

Keys: a node's signing key comes from an encrypted keystore (`keystore_path` + `keystore_password`,
decrypted with eth_account `Account.decrypt`) or from `private_key`; the aggregator's transaction key
likewise from `submitter_keystore_path` or `submitter_private_key`. Keys are `SecretStr`: never in a
repr, a log line or an error message.
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path
from typing import Literal

from eth_account import Account
from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parents[1]

# anvil's well-known development keys (accounts 3..6): refused outside development/test
_ANVIL_PREFIXES = ("0x7c852118", "0x47e179ec", "0x8b3a350c", "0x92db14e4")


class OracleSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PEERLEND_ORACLE_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    rpc_url: str = "http://127.0.0.1:8545"
    chain_id: int = 31337
    manifest_path: Path | None = None  # default deployments/<chain_id>.json
    build_dir: Path = ROOT / "build" / "contracts"
    service_url: str = "http://127.0.0.1:8000"
    api_key: SecretStr | None = None  # operator key with the `oracle` role
    http_timeout_seconds: float = 10.0

    # node
    node_index: int = 1
    node_host: str = "127.0.0.1"
    node_base_port: int = 8701  # node i listens on base + i - 1
    private_key: SecretStr | None = None
    keystore_path: Path | None = None
    keystore_password: SecretStr | None = None
    # where a node records the batch digest it signed for each round, so that after a crash it still
    # never signs a different batch for a round it signed; None: kept in memory only
    node_store_path: Path | None = None

    # report checks (node)
    score_min: int = 0
    score_max: int = 1000
    allowed_model_versions: list[int] = Field(default_factory=list)  # empty: from the model artifact
    # the risk scorecard JSON (grades[].pd_max, version); the same default model as the risk service
    model_artifact_path: Path | None = (
        ROOT / "backend" / "risk" / "artifacts" / "german-credit-v1" / "scorecard.json"
    )
    grade_pd_bands_bps: list[int] = Field(default_factory=list)  # 7 upper bounds A..G, overrides artifact
    max_score_change: int = 250  # since the last on-chain record
    max_grade_change: int = 3
    max_future_skew_seconds: int = 300
    max_deadline_seconds: int = 3600  # a node refuses a deadline further out than this

    # aggregator
    node_urls: list[str] = Field(default_factory=list)  # default: the three local nodes
    submitter_private_key: SecretStr | None = None
    submitter_keystore_path: Path | None = None
    submitter_keystore_password: SecretStr | None = None
    store_path: Path = ROOT / ".run" / "oracle-aggregator.db"
    batch_max_reports: int = 100
    batch_gas_fraction: float = 0.5  # of the block gas limit
    deadline_seconds: int = 600
    poll_interval_seconds: float = 2.0
    receipt_timeout_seconds: float = 120.0
    max_report_attempts: int = 3  # refusals before a report is rejected for good
    # blocks on top of a batch's block before it counts as confirmed (and is acknowledged to the
    # service); None: 0 on a local anvil (chain 31337, a block per transaction), else 12. The same
    # convention as the indexer's PEERLEND_INDEXER_CONFIRMATIONS.
    confirmations: int | None = None
    # confirmed batches in this many most recent blocks are re-checked against the canonical chain
    # (at start-up and whenever the head moves); one a reorg removed is sent again
    reorg_window_blocks: int = 128
    refresh_margin_seconds: int = 86_400  # refresh records this close to maxAge
    metrics_port: int = 8710  # aggregator; node i serves /metrics on its HTTP port

    @model_validator(mode="after")
    def _refuse_dev_keys(self) -> OracleSettings:
        if self.env in ("development", "test"):
            return self
        for name in ("private_key", "submitter_private_key"):
            value = getattr(self, name)
            if value is not None and value.get_secret_value().lower().startswith(_ANVIL_PREFIXES):
                raise ValueError(f"PEERLEND_ORACLE_{name.upper()} is a well-known development key")
        return self

    def resolved_confirmations(self, chain_id: int) -> int:
        if self.confirmations is not None:
            return max(0, self.confirmations)
        return 0 if chain_id == 31337 else 12

    @property
    def resolved_manifest_path(self) -> Path:
        return self.manifest_path or ROOT / "deployments" / f"{self.chain_id}.json"

    @property
    def resolved_node_urls(self) -> list[str]:
        return self.node_urls or [f"http://{self.node_host}:{self.node_base_port + i}" for i in range(3)]

    @property
    def node_port(self) -> int:
        return self.node_base_port + self.node_index - 1

    def signing_key(self) -> SecretStr:
        return _load_key(self.private_key, self.keystore_path, self.keystore_password, "node")

    def submitter_key(self) -> SecretStr:
        return _load_key(
            self.submitter_private_key,
            self.submitter_keystore_path,
            self.submitter_keystore_password,
            "submitter",
        )

    @cached_property
    def model_artifact(self) -> dict | None:
        if self.model_artifact_path and self.model_artifact_path.exists():
            return json.loads(self.model_artifact_path.read_text())
        return None

    def pd_bands_bps(self) -> list[int] | None:
        if self.grade_pd_bands_bps:
            return list(self.grade_pd_bands_bps)
        if self.model_artifact:
            return [round(float(g["pd_max"]) * 10_000) for g in self.model_artifact["grades"]]
        return None

    def model_versions(self) -> set[int]:
        if self.allowed_model_versions:
            return set(self.allowed_model_versions)
        if self.model_artifact:
            return {int(self.model_artifact["version"])}
        return set()


def _load_key(
    raw: SecretStr | None, keystore: Path | None, password: SecretStr | None, what: str
) -> SecretStr:
    if keystore is not None:
        if password is None:
            raise ValueError(f"{what} keystore given without a password")
        key = Account.decrypt(json.loads(Path(keystore).read_text()), password.get_secret_value())
        return SecretStr("0x" + bytes(key).hex())
    if raw is not None:
        return raw
    raise ValueError(f"no {what} key: set a keystore path and password, or a private key")
