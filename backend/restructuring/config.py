"""Restructuring settings (``PEERLEND_RESTRUCTURING_*``), beside the domain rather than in the shared
Settings object."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class RestructuringSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PEERLEND_RESTRUCTURING_", extra="ignore")

    # how long a signed approval handed out by the typed-data route may be submitted, on the chain's clock
    signature_ttl_seconds: int = Field(default=86_400, ge=60, le=30 * 86_400)
