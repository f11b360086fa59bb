"""Risk request dependencies: the risk settings and the scorecard in use."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from backend.risk.config import RiskSettings, risk_settings
from backend.risk.model_store import get_scorecard
from backend.risk.scorecard import Scorecard


def get_risk_settings() -> RiskSettings:
    return risk_settings()


RiskSettingsDep = Annotated[RiskSettings, Depends(get_risk_settings)]


def current_scorecard(settings: RiskSettingsDep) -> Scorecard:
    return get_scorecard(settings)


ScorecardDep = Annotated[Scorecard, Depends(current_scorecard)]
