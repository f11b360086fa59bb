"""Collections settings (``PEERLEND_COLLECTIONS_*``), beside the domain like backend/kyc/config.py.

The SLA of each tier runs on the chain's clock from the first indexed block in which the loan was in the
tier: first contact within `first_contact_days` of entering 1-30, the formal notice sent within
`formal_notice_days` of entering 31-90, the legal referral within `legal_referral_days` of entering > 90.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class CollectionsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PEERLEND_COLLECTIONS_", extra="ignore")

    first_contact_days: int = Field(default=1, ge=0, le=60)
    formal_notice_days: int = Field(default=3, ge=0, le=60)
    legal_referral_days: int = Field(default=7, ge=0, le=120)
    # a promise to pay falls due at most this many days after the chain's today
    max_promise_days: int = Field(default=30, ge=1, le=365)
    max_note_chars: int = Field(default=4_000, ge=100, le=50_000)
    poll_seconds: float = Field(default=2.0, gt=0, le=300)
    # loans evaluated per transaction: a pass over a large book commits (and lets the indexer in) this often
    commit_every: int = Field(default=500, ge=1, le=100_000)
    # months of roll rates the metrics report, the chain's current month included
    metrics_months: int = Field(default=12, ge=1, le=120)


def collections_settings() -> CollectionsSettings:
    return CollectionsSettings()
