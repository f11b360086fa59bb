"""KYC settings (``PEERLEND_KYC_*``), kept beside the domain rather than in the shared Settings object.

Read per use (not cached) so an operator can change e.g. the default attestation mode with a restart
and tests can set them with environment variables.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from backend.core.settings import is_local_development_key

AttestationMode = Literal["direct", "signature"]


class KycSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PEERLEND_KYC_", extra="ignore")

    env: str = "development"  # copied from the service settings by kyc_settings()
    provider: str = "sandbox"
    sanctions_list: Path | None = None  # default: backend/kyc/data/sanctions.json (sample data)
    # direct: the service sends IdentityRegistry.attest with the attester key (the platform pays gas);
    # signature: the service returns an EIP-712 attestation the wallet submits with attestWithSignature.
    attestation_mode: AttestationMode = "direct"
    attestation_validity_days: int = 365
    signature_ttl_seconds: int = 3600
    # Clean applications (low/medium risk, no screening match) are approved without a reviewer.
    auto_approve: bool = True
    # Optional: lets compliance officers freeze/unfreeze through the API (COMPLIANCE_ROLE on-chain).
    compliance_private_key: SecretStr | None = None

    @model_validator(mode="after")
    def _no_sandbox_in_production(self) -> KycSettings:
        if self.env == "production" and self.provider == "sandbox":
            raise ValueError("PEERLEND_KYC_PROVIDER=sandbox is refused in production")
        key = self.compliance_private_key
        if self.env == "production" and key is not None and is_local_development_key(key.get_secret_value()):
            raise ValueError("PEERLEND_KYC_COMPLIANCE_PRIVATE_KEY is a well-known local development key")
        return self


def kyc_settings(env: str = "development") -> KycSettings:
    return KycSettings(env=env)
