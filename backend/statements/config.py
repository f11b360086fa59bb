"""Statement settings (``PEERLEND_STATEMENTS_*``): how amounts are written out for people.

Amounts in JSON and CSV are integer base units whatever these say; the PDF also writes them in whole
units of the stablecoin (`currency_decimals` places, exactly, never through a float).
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class StatementSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PEERLEND_STATEMENTS_", extra="ignore")

    currency: str = Field(default="USDC", min_length=1, max_length=12)
    currency_decimals: int = Field(default=6, ge=0, le=36)
