"""Notification settings (``PEERLEND_NOTIFICATIONS_*``), kept beside the domain like backend/kyc/config.py.

The defaults deliver email to the local SMTP sink `make up` runs (127.0.0.1:8025, no TLS, no login).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SmtpSecurity = Literal["none", "starttls", "tls"]


class NotificationSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PEERLEND_NOTIFICATIONS_", extra="ignore")

    env: str = "development"  # copied from the service settings by notification_settings()

    # SMTP: "tls" connects with TLS (port 465), "starttls" upgrades a plain connection (port 587).
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=8025, ge=1, le=65_535)
    smtp_security: SmtpSecurity = "none"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    mail_from: str = "PeerLend <notices@peerlend.localhost>"
    # the right-hand side of every Message-ID (`<delivery-id.event-id@domain>`)
    message_id_domain: str = "peerlend.localhost"

    webhook_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    # Webhook URLs that resolve to loopback, private or link-local addresses reach the platform's own
    # network (SSRF). None: allowed in development and test only.
    webhook_allow_private_networks: bool | None = None

    # Retries: attempt n waits backoff_base * 2^(n-1) (at most backoff_max, plus up to 25 % spread).
    max_attempts: int = Field(default=8, ge=1, le=50)
    backoff_base_seconds: float = Field(default=5.0, gt=0, le=3600)
    backoff_max_seconds: float = Field(default=3600.0, gt=0, le=86_400)
    # How long a claimed delivery belongs to its sender: longer than one SMTP or HTTP exchange can last.
    # A sender on another host takes a delivery over after it; on the same host, at once once the
    # claiming process is gone.
    lease_seconds: float = Field(default=120.0, gt=0, le=3600)
    poll_seconds: float = Field(default=1.0, gt=0, le=60)
    batch_size: int = Field(default=50, ge=1, le=1000)

    # Chain events older than this (against the latest indexed block) make no notice: an index built
    # afresh over a long history does not mail every lender about every repayment it ever had.
    event_horizon_days: int = Field(default=7, ge=0, le=3650)

    @property
    def allow_private_webhooks(self) -> bool:
        if self.webhook_allow_private_networks is not None:
            return self.webhook_allow_private_networks
        return self.env != "production"

    @model_validator(mode="after")
    def _login_needs_tls_in_production(self) -> NotificationSettings:
        if self.env == "production" and self.smtp_username and self.smtp_security == "none":
            raise ValueError(
                "PEERLEND_NOTIFICATIONS_SMTP_SECURITY=none would send the SMTP password in clear"
            )
        return self


def notification_settings(env: str = "development") -> NotificationSettings:
    return NotificationSettings(env=env)
