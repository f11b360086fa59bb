"""Complaint settings (``PEERLEND_COMPLAINTS_*``): the SLA and the calendar it is counted on.

Business days are Monday to Friday in UTC, less `holidays` (a JSON list of ISO dates, empty by default:
public holidays are not modelled unless configured). A complaint is acknowledged within
`acknowledge_business_days` and resolved within `resolve_business_days` of its filing.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ComplaintSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PEERLEND_COMPLAINTS_", extra="ignore")

    acknowledge_business_days: int = Field(default=2, ge=1, le=30)
    resolve_business_days: int = Field(default=15, ge=1, le=120)
    holidays: list[date] = Field(default_factory=list)
    max_text_chars: int = Field(default=5_000, ge=100, le=50_000)
