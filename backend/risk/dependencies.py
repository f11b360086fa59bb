"""Risk request dependencies: the risk settings, the scorecard in use, the serving app's settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from backend.core.settings import Settings
from backend.risk.config import RiskSettings, risk_settings
from backend.risk.model_store import get_scorecard
from backend.risk.scorecard import Scorecard


def get_risk_settings() -> RiskSettings:
    return risk_settings()


RiskSettingsDep = Annotated[RiskSettings, Depends(get_risk_settings)]


def current_scorecard(settings: RiskSettingsDep) -> Scorecard:
    return get_scorecard(settings)


ScorecardDep = Annotated[Scorecard, Depends(current_scorecard)]


def get_app_settings(request: Request) -> Settings:
    """The serving app's settings: chain endpoint, deployment and the offer signer's key."""
    return request.app.state.settings


AppSettingsDep = Annotated[Settings, Depends(get_app_settings)]
