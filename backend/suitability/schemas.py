from __future__ import annotations

from typing import Literal

from backend.core.schemas import Address, ApiInput, ApiModel, Timestamp


class Questionnaire(ApiInput):
    """Answers to the suitability questionnaire; the scoring table is in backend/suitability/scoring.py."""

    experience: Literal["none", "basic", "moderate", "extensive"]
    income_band: Literal["under_25k", "25k_50k", "50k_100k", "100k_250k", "over_250k"]
    loss_tolerance: Literal["none", "up_to_10", "up_to_25", "up_to_50", "over_50"]
    horizon: Literal["under_1y", "1_3y", "3_5y", "over_5y"]
    share_of_net_worth: Literal["over_50", "25_50", "10_25", "under_10"]


class AssessmentView(ApiModel):
    id: str
    wallet: Address
    risk_class: int
    points: int
    caps_applied: list[str]
    assessed_at: Timestamp
    expires_at: Timestamp
    current: bool = False
    answers: Questionnaire | None = None  # only on the owner's GET, never in the stored POST response
