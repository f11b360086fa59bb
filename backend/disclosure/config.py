"""Disclosure settings (``PEERLEND_DISCLOSURE_*``), beside the domain rather than in the shared Settings.

The disclosure key anchors each month's snapshot (DisclosureRegistry's PUBLISHER_ROLE, named in the
deployment manifest as roles.DisclosureRegistry.PUBLISHER_ROLE) and signs regulator exports. The local
default is anvil's account 20 (scripts/deployment/local_accounts.py ROLE_INDEX["disclosure"]), public
knowledge, refused outside development and test.
"""

from __future__ import annotations

from eth_account import Account
from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# anvil's account 20 under the default mnemonic (scripts/deployment/local_accounts.py
# ROLE_INDEX["disclosure"]), address 0x09DB0a93B389bEF724429898f539AEB7ac2Dd55f; public knowledge.
DEV_DISCLOSURE_KEY = "0xeaa861a9a01391ed3d587d8a5a84ca56ee277629a8b02c22093a419bf240e65d"


class DisclosureSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PEERLEND_DISCLOSURE_", extra="ignore")

    env: str = "development"  # copied from the service settings by disclosure_settings()
    private_key: SecretStr = SecretStr(DEV_DISCLOSURE_KEY)
    # The first month to publish, yyyy-mm; None: the month of the first indexed event (the deployment).
    first_period: str | None = Field(default=None, pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")
    # How many of the largest borrowers the concentration figure adds up.
    top_borrowers: int = Field(default=10, ge=1, le=1_000)
    worker_poll_seconds: float = Field(default=5.0, gt=0, le=3_600)

    @model_validator(mode="after")
    def _no_development_key_outside_development(self) -> DisclosureSettings:
        if self.env not in ("development", "test") and self.key.lower() == DEV_DISCLOSURE_KEY.lower():
            raise ValueError("PEERLEND_DISCLOSURE_PRIVATE_KEY is the well-known local development key")
        return self

    @property
    def key(self) -> str:
        return self.private_key.get_secret_value()

    @property
    def publisher(self) -> str:
        """The address the key signs and anchors as."""
        return str(Account.from_key(self.key).address)


def disclosure_settings(env: str = "development") -> DisclosureSettings:
    return DisclosureSettings(env=env)
