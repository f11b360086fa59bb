"""Agreement settings (``PEERLEND_AGREEMENTS_*``): the template new agreements are rendered with.

Templates live in backend/agreements/templates/<version>.md and are never edited once released: an
agreement's hash is the keccak-256 of its rendered text, so a changed template would no longer render
the text a borrower signed. A new wording is a new version.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class AgreementSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PEERLEND_AGREEMENTS_", extra="ignore")

    template_version: str = Field(default="v1", pattern=r"^v[0-9]{1,4}$")
    # how the text writes amounts: the stablecoin's symbol and decimals (its base units are what is signed)
    currency: str = Field(default="USDC", min_length=1, max_length=12)
    decimals: int = Field(default=6, ge=0, le=36)
