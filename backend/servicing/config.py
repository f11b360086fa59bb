"""Servicing settings (``PEERLEND_SERVICING_*``), kept beside the domain like backend/kyc/config.py."""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServicingSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PEERLEND_SERVICING_", extra="ignore")

    # Days before each due date a reminder goes out (0: on the due date itself), on the chain's clock.
    reminder_offsets_days: list[int] = Field(default_factory=lambda: [7, 3, 1, 0])
    # Note holders hear when a loan enters each delinquency tier (1-30, 31-90, > 90 days late).
    late_notices: bool = True
    poll_seconds: float = Field(default=2.0, gt=0, le=300)
    # Installments scheduled per pass at most: a large book is worked through over several passes.
    batch_size: int = Field(default=5_000, ge=1, le=1_000_000)

    @field_validator("reminder_offsets_days")
    @classmethod
    def _offsets(cls, value: list[int]) -> list[int]:
        if not value or len(set(value)) != len(value) or any(not 0 <= v <= 60 for v in value):
            raise ValueError("reminder_offsets_days: distinct whole days between 0 and 60")
        return sorted(value, reverse=True)


def servicing_settings() -> ServicingSettings:
    return ServicingSettings()
