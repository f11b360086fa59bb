"""AML settings (``PEERLEND_AML_*``): the rules' thresholds and windows, and the report signer.

Amounts are set in whole stablecoin units and used in base units (`units * 10**stablecoin_decimals`), so
the default large-transaction threshold of 50,000 is 50_000_000_000 base units of the 6-decimal
stablecoin. The rules read these when they run: a change applies to events indexed after it (and to a
`peerlend aml backfill`, which never raises an alert twice).
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from backend.core.settings import is_local_development_key

HOUR = 3_600


class AmlSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PEERLEND_AML_", extra="ignore", populate_by_name=True)

    # The service's environment (PEERLEND_ENV): development keys are refused in production.
    env: str = Field(default="development", validation_alias=AliasChoices("PEERLEND_ENV"))

    stablecoin_decimals: int = Field(default=6, ge=0, le=36)
    # Large transaction: one funding, repayment, claim, note purchase or collateral pledge at or above this.
    large_amount_units: int = Field(default=50_000, gt=0)
    # Structuring: at least this many deposits (fundings, repayments, note purchases) by one person, each
    # below the large threshold, that together reach it within the window.
    structuring_window_hours: int = Field(default=24, gt=0)
    structuring_min_transactions: int = Field(default=3, ge=2)
    # Fast in-out: money paid out by the platform (claims, note sales) that leaves the wallet for an
    # address outside the platform within the window, keeping at most `retained_bps` of it; and fundings
    # withdrawn within the window. Only amounts of at least `fast_in_out_min_units` count.
    fast_in_out_hours: int = Field(default=24, gt=0)
    fast_in_out_min_units: int = Field(default=10_000, gt=0)
    fast_in_out_retained_bps: int = Field(default=1_000, ge=0, le=10_000)
    # Linked accounts.
    shared_source_min_wallets: int = Field(default=3, ge=2)  # KYC'd wallets funded from one address
    third_party_min_borrowers: int = Field(default=3, ge=2)  # borrowers one wallet repaid for
    person_wallets_min: int = Field(default=3, ge=2)  # attested wallets of one person
    # Addresses beside the deployment's contracts and treasury that are not customers (an exchange's hot
    # wallet paying out to many users, say): never a shared source, never a fast-out destination.
    exempt_addresses: list[str] = Field(default_factory=list)
    # Sanctions re-screening: every identity is screened against an uploaded list within this many hours.
    rescreen_hours: int = Field(default=24, gt=0)
    screening_batch: int = Field(default=50, gt=0, le=10_000)
    worker_poll_seconds: float = Field(default=2.0, gt=0)
    # Signs report exports (a detached signature over the file's SHA-256). None: the service's attester
    # key (PEERLEND_ATTESTER_PRIVATE_KEY), whose address the deployment manifest publishes.
    report_signing_key: SecretStr | None = None

    @model_validator(mode="after")
    def _no_development_key_in_production(self) -> AmlSettings:
        key = self.report_signing_key
        if self.env == "production" and key is not None and is_local_development_key(key.get_secret_value()):
            raise ValueError("PEERLEND_AML_REPORT_SIGNING_KEY is a well-known local development key")
        return self

    @property
    def unit(self) -> int:
        return int(10**self.stablecoin_decimals)

    @property
    def large_amount(self) -> int:
        return self.large_amount_units * self.unit

    @property
    def fast_in_out_min(self) -> int:
        return self.fast_in_out_min_units * self.unit

    @property
    def structuring_window(self) -> int:
        return self.structuring_window_hours * HOUR

    @property
    def fast_in_out_window(self) -> int:
        return self.fast_in_out_hours * HOUR


@lru_cache(maxsize=1)
def aml_settings() -> AmlSettings:
    """The process's AML settings, read once from the environment (the rules run once per event)."""
    return AmlSettings()
