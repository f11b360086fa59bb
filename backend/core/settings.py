"""Typed settings, one object per process, read from `PEERLEND_*` environment variables.

Secrets have development defaults so `make up` works on a fresh machine; outside development and
test those defaults (and anything that looks like a placeholder) are refused at startup.
"""

from __future__ import annotations

import contextvars
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parents[2]

DEV_TOKEN_SECRET = "dev-token-secret-change-me"  # noqa: S105 - refused outside development/test
DEV_HASH_KEY = "dev-hash-key-change-me"
# 32 zero-ish bytes, base64url: a development-only AES-256 key.
DEV_ENCRYPTION_KEY = "ZGV2LWVuY3J5cHRpb24ta2V5LWNoYW5nZS1tZS0wMDA="
# anvil account #1 (the local attester); public knowledge, so never acceptable on a real network.
DEV_ATTESTER_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"
# anvil account #7 (the local offer signer, scripts/deployment/local_accounts.py ROLE_INDEX["offerSigner"]);
# public knowledge as well.
DEV_OFFER_SIGNER_KEY = "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356"

_PLACEHOLDER_MARKERS = ("change-me", "changeme", "placeholder", "dev-", "example", "secret")
# The local chain's accounts come from anvil's published mnemonic: every key of its first accounts is
# public knowledge, so none is acceptable on a real network (scripts/deployment/local_accounts.py).
_ANVIL_MNEMONIC = "test test test test test test test test test test test junk"
_ANVIL_ACCOUNTS = 20


@lru_cache(maxsize=1)
def _anvil_keys() -> frozenset[str]:
    from eth_account import Account

    Account.enable_unaudited_hdwallet_features()
    return frozenset(
        "0x" + bytes(Account.from_mnemonic(_ANVIL_MNEMONIC, account_path=f"m/44'/60'/0'/0/{i}").key).hex()
        for i in range(_ANVIL_ACCOUNTS)
    )


def is_local_development_key(private_key: str) -> bool:
    """Whether `private_key` is one of anvil's well-known development accounts."""
    key = private_key.strip().lower()
    return (key if key.startswith("0x") else "0x" + key) in _anvil_keys()


Environment = Literal["development", "test", "production"]


class SettingsError(ValueError):
    """Raised when the configuration cannot be used in the selected environment."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PEERLEND_", extra="ignore", validate_by_name=True, validate_by_alias=True
    )

    env: Environment = "development"
    service_name: str = "peerlend-api"

    # Storage
    database_url: str = Field(
        default=f"sqlite:///{ROOT / '.run' / 'peerlend.db'}",
        validation_alias=AliasChoices("PEERLEND_DATABASE_URL", "DATABASE_URL"),
    )
    # None: migrate to head at startup in development/test only.
    auto_migrate: bool | None = None

    # Chain
    rpc_url: str | None = None
    chain_id: int = 31337
    manifest_path: Path | None = None  # default: deployments/<chain_id>.json
    build_dir: Path = ROOT / "build" / "contracts"
    rpc_timeout_seconds: float = 10.0
    tx_timeout_seconds: float = 120.0
    attester_private_key: SecretStr = SecretStr(DEV_ATTESTER_KEY)
    # Signs the loan offers of approved applications (LoanMarket's OFFER_SIGNER_ROLE).
    offer_signer_private_key: SecretStr = SecretStr(DEV_OFFER_SIGNER_KEY)

    # Secrets
    token_secret: SecretStr = SecretStr(DEV_TOKEN_SECRET)
    hash_key: SecretStr = SecretStr(DEV_HASH_KEY)
    encryption_key: SecretStr = SecretStr(DEV_ENCRYPTION_KEY)  # base64url, 32 bytes (AES-256-GCM)
    encryption_key_id: str = "k1"
    # Development-only operator key with the admin role (refused in production).
    bootstrap_admin_key: SecretStr | None = None

    # Sign-In with Ethereum. `siwe_domain` is the domain the nonce document names (front ends may use
    # their own); a message is accepted for any domain in `siwe_domains` (JSON list) or `siwe_domain`.
    siwe_domain: str = "localhost:8000"
    siwe_domains: list[str] = Field(default_factory=list)
    siwe_uri: str = "http://localhost:8000"
    siwe_statement: str = "Sign in to PeerLend."
    nonce_ttl_seconds: int = 300
    token_ttl_seconds: int = 900
    clock_skew_seconds: int = 60

    # Abuse control: "<tokens>/<second|minute|hour>" per bucket; unknown buckets use "default".
    rate_limit_enabled: bool = True
    rate_limits: dict[str, str] = Field(
        default_factory=lambda: {"signin": "20/minute", "submit": "30/minute", "default": "120/minute"}
    )
    idempotency_ttl_seconds: int = 86_400
    # A pending request's hold on its key: longer than any request may run (a chain transaction waits up
    # to tx_timeout_seconds). A retry takes the key over after it, or at once if the owner process died.
    idempotency_lease_seconds: int = Field(default=300, gt=0)

    # HTTP / logging
    host: str = "127.0.0.1"
    port: int = 8000
    # API processes behind the port (`python -m backend.main`). Everything a process remembers between
    # requests is in the database (rate limits, nonces, sign-outs, idempotency keys), so N behave as one.
    workers: int = Field(default=1, ge=1, le=64)
    # Comma-separated proxy IPs whose X-Forwarded-For is trusted (rate limits key on the client IP).
    forwarded_allow_ips: str | None = None
    # Browser origins allowed to call the API (CORS), e.g. ["https://app.example"]; empty: CORS off.
    cors_origins: list[str] = Field(default_factory=list)
    # Admission control: at most `max_in_flight` requests are served at once per process; up to
    # `admission_queue` more wait at most `admission_wait_seconds` for a slot; the rest get 503 problem
    # details with Retry-After. The database pool and the worker threads are sized from max_in_flight.
    max_in_flight: int = Field(default=32, ge=1, le=1024)
    admission_queue: int = Field(default=64, ge=0, le=100_000)
    admission_wait_seconds: float = Field(default=5.0, gt=0, le=120)
    # How long a request waits for a database connection before it is answered 503 (never 500).
    db_pool_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    # Chain reads a request makes on the way (amount due, chain time): short, so a slow node cannot hold
    # a request slot; on timeout the answer says what it could not read.
    chain_read_timeout_seconds: float = Field(default=2.0, gt=0, le=30)
    # Public read-model routes answer from a per-process copy until the index moves
    # (backend/core/read_cache.py): how often each process reads the index version, and how many URLs it
    # keeps. 0 entries turns the cache off.
    read_cache_interval_seconds: float = Field(default=0.25, gt=0, le=60)
    read_cache_entries: int = Field(default=512, ge=0, le=100_000)
    # An operator key verified this long ago is taken as verified again (backend/auth/verified_keys.py);
    # a key revoked through another process stops working within it. 0: look every key up.
    api_key_cache_seconds: float = Field(default=1.0, ge=0, le=60)
    log_level: str = "INFO"
    log_json: bool = True

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def siwe_allowed_domains(self) -> frozenset[str]:
        return frozenset([self.siwe_domain, *self.siwe_domains])

    @property
    def should_auto_migrate(self) -> bool:
        return self.auto_migrate if self.auto_migrate is not None else not self.is_production

    @property
    def resolved_manifest_path(self) -> Path:
        return self.manifest_path or ROOT / "deployments" / f"{self.chain_id}.json"

    def __init__(self, **values: Any) -> None:
        super().__init__(**values)
        # Checked after validation and raised as is (not wrapped in a ValidationError): the message
        # is what an operator sees when the service refuses to start.
        self._refuse_placeholders()

    def _refuse_placeholders(self) -> None:
        if self.env in ("development", "test"):
            return
        problems = []
        for name in ("token_secret", "hash_key", "encryption_key"):
            value = getattr(self, name).get_secret_value()
            if _looks_like_placeholder(value, min_length=32):
                problems.append(f"PEERLEND_{name.upper()} is a default or placeholder value")
        for name in ("attester_private_key", "offer_signer_private_key"):
            if is_local_development_key(getattr(self, name).get_secret_value()):
                problems.append(f"PEERLEND_{name.upper()} is a well-known local development key")
        if self.bootstrap_admin_key is not None:
            problems.append("PEERLEND_BOOTSTRAP_ADMIN_KEY is only allowed in development/test")
        if problems:
            raise SettingsError(
                f"refusing to start with env={self.env}: "
                + "; ".join(problems)
                + ". Set real secrets in the environment (see README)."
            )


def _looks_like_placeholder(value: str, min_length: int) -> bool:
    lowered = value.lower()
    if value in (DEV_TOKEN_SECRET, DEV_HASH_KEY, DEV_ENCRYPTION_KEY):
        return True
    if len(value) < min_length:
        return True
    return any(marker in lowered for marker in _PLACEHOLDER_MARKERS)


@lru_cache(maxsize=1)
def _settings_from_environment() -> Settings:
    return Settings()


# Set per request by the app, so code that calls get_settings() sees the settings of the app that is
# serving it (several apps with different settings can share one process in tests).
_current: contextvars.ContextVar[Settings | None] = contextvars.ContextVar("peerlend_settings", default=None)


def get_settings() -> Settings:
    """Settings of the app serving the current request, else the process settings from the environment."""
    return _current.get() or _settings_from_environment()


def use_settings(settings: Settings) -> contextvars.Token:
    """Make `settings` what get_settings() returns in this context (request, worker, CLI command)."""
    return _current.set(settings)


def reset_settings(token: contextvars.Token) -> None:
    _current.reset(token)
