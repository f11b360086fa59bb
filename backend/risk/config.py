"""Risk settings (``PEERLEND_RISK_*``), kept beside the domain like backend/kyc/config.py.

Every governed number of the credit policy that is not learned from data lives here: grade bands can be
overridden (the artifact carries the defaults), pricing inputs, affordability, anti-fraud limits.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

RISK_DIR = Path(__file__).resolve().parent
DEFAULT_MODEL_DIR = RISK_DIR / "artifacts" / "german-credit-v1"
PRICING_TABLE_PATH = RISK_DIR / "pricing_table.json"
USDC = 10**6  # base units per whole unit of the 6-decimal stablecoin


class RiskSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PEERLEND_RISK_", extra="ignore")

    model_dir: Path = DEFAULT_MODEL_DIR
    # Seven increasing PD upper bounds for grades A..G; None = the bands governed in the artifact.
    grade_bands: list[float] | None = None

    # Application limits (base units of the 6-decimal stablecoin; terms in monthly periods)
    min_amount: int = 100 * USDC
    max_amount: int = 100_000 * USDC
    min_term_months: int = 3
    max_term_months: int = 60
    max_monthly_income: int = 10_000_000 * USDC

    # Pricing: APR = cost of funds + expected loss (PD x LGD) + margin, all in bps
    cost_of_funds_bps: int = 400
    margin_bps: int = 300
    lgd_bps: int = 6000
    # Largest principal per grade A..G, whole stablecoin units (G: not lendable)
    grade_max_principal: list[int] = Field(
        default_factory=lambda: [50_000, 40_000, 30_000, 20_000, 10_000, 5_000, 0]
    )
    grade_min_risk_class: list[int] = Field(default_factory=lambda: [1, 1, 2, 3, 4, 5, 5])
    grade_collateral_required: list[bool] = Field(
        default_factory=lambda: [False, False, False, False, True, True, True]
    )
    # Affordability: this loan's installment may take at most this share of monthly income
    max_installment_share_bps: int = 3000

    # Anti-fraud
    velocity_window_hours: int = 24
    velocity_review: int = 3  # this many earlier applications in the window -> manual review
    velocity_decline: int = 6  # this many -> decline
    require_kyc: bool = True

    # Refresh of on-chain records nearing maxAge: an approved application older than this is not re-scored
    refresh_basis_max_days: int = Field(default=180, ge=1)

    # Signed loan offers (LoanMarket.list): the platform lists monthly installments, so an offer admits
    # exactly this period length (LoanMarket allows 1..365 days), and stays valid this long on the
    # chain's clock.
    offer_period_seconds: int = Field(default=30 * 86_400, ge=86_400, le=365 * 86_400)
    offer_ttl_seconds: int = Field(default=7 * 86_400, ge=60, le=90 * 86_400)

    @field_validator("grade_bands")
    @classmethod
    def _bands(cls, value: list[float] | None) -> list[float] | None:
        if value is None:
            return None
        if (
            len(value) != 7
            or any(b <= a for a, b in zip(value, value[1:], strict=False))
            or value[0] <= 0
            or value[-1] > 1
        ):
            raise ValueError("grade_bands: 7 strictly increasing PD upper bounds in (0, 1] for A..G")
        return value

    @field_validator("grade_max_principal", "grade_min_risk_class", "grade_collateral_required")
    @classmethod
    def _seven(cls, value: list) -> list:
        if len(value) != 7:
            raise ValueError("one value per grade A..G")
        return value


def risk_settings() -> RiskSettings:
    return RiskSettings()
