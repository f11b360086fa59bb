"""The dependencies routes take, in one place (after the FastAPI full-stack template's `api/deps.py`).

    def route(session: SessionDep, settings: SettingsDep, wallet: CurrentWallet) -> ...

- `SettingsDep`: the app's one `Settings` object (`app.state.settings`), never rebuilt per request;
  `RiskSettingsDep`, `KycSettingsDep` and `ScorecardDep` are derived from it once, when the app is made.
- `SessionDep`: a session on the app's database. It connects on first use, inside the route's own
  thread, and the route's unit of work closes it there (backend/core/routing.py); the use-case service
  commits, never the router.
- The caller: `CurrentWallet`, `CurrentSession`, `OptionalWallet`, `require_roles(...)`, and the
  abuse controls `rate_limit`, `wallet_rate_limit`, `IdempotencyKey` (backend/auth/dependencies.py).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from backend.auth.dependencies import (
    CurrentSession,
    CurrentWallet,
    IdempotencyKey,
    Operator,
    OptionalWallet,
    RequiredIdempotencyKey,
    rate_limit,
    require_roles,
    wallet_rate_limit,
)
from backend.core.routing import SESSIONS_STATE
from backend.core.settings import Settings
from backend.kyc.config import KycSettings
from backend.risk.config import RiskSettings
from backend.risk.scorecard import Scorecard

__all__ = [
    "SettingsDep",
    "SessionDep",
    "RiskSettingsDep",
    "KycSettingsDep",
    "ScorecardDep",
    "CurrentSession",
    "CurrentWallet",
    "OptionalWallet",
    "Operator",
    "IdempotencyKey",
    "RequiredIdempotencyKey",
    "rate_limit",
    "require_roles",
    "wallet_rate_limit",
]


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_session(request: Request) -> Session:
    """A session that has not connected yet: creating it costs no connection and no thread."""
    session: Session = request.app.state.sessionmaker()
    sessions = getattr(request.state, SESSIONS_STATE, None)
    if sessions is None:
        sessions = []
        setattr(request.state, SESSIONS_STATE, sessions)
    sessions.append(session)
    return session


async def get_risk_settings(request: Request) -> RiskSettings:
    return request.app.state.risk_settings


async def get_kyc_settings(request: Request) -> KycSettings:
    return request.app.state.kyc_settings


async def get_scorecard(request: Request) -> Scorecard:
    return request.app.state.scorecard


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
RiskSettingsDep = Annotated[RiskSettings, Depends(get_risk_settings)]
KycSettingsDep = Annotated[KycSettings, Depends(get_kyc_settings)]
ScorecardDep = Annotated[Scorecard, Depends(get_scorecard)]
