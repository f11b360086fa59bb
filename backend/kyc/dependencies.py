"""Who may read an application: its own wallet, or an operator with a KYC role (object-level check)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from backend.auth.dependencies import current_operator, current_wallet
from backend.core.problems import Problem
from backend.db.session import SessionDep
from backend.kyc import service
from backend.kyc.config import KycSettings, kyc_settings
from backend.kyc.models import KycApplication

READER_ROLES = frozenset({"reviewer", "compliance"})

_bearer = HTTPBearer(auto_error=False)
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False)


@dataclass(frozen=True)
class Viewer:
    wallet: str | None
    operator_roles: frozenset[str]
    actor: str


def viewer(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    api_key: Annotated[str | None, Depends(_api_key)],
) -> Viewer:
    if api_key:
        operator = current_operator(request, api_key, session)
        if not operator.roles & READER_ROLES:
            raise Problem(
                status=403,
                title="Forbidden",
                type="forbidden",
                detail=f"requires one of the roles {sorted(READER_ROLES)}",
            )
        return Viewer(None, operator.roles, operator.actor)
    wallet = current_wallet(request, credentials)
    return Viewer(wallet, frozenset(), f"wallet:{wallet}")


ViewerDep = Annotated[Viewer, Depends(viewer)]


def application_for(viewer: Viewer, session, application_id: str) -> KycApplication:
    app = service.get(session, application_id)
    # Another wallet's application is "not found", not "forbidden": its existence is not disclosed.
    if app is None or (viewer.wallet is not None and app.wallet != viewer.wallet):
        raise Problem(
            status=404,
            title="Application not found",
            type="kyc-application-not-found",
            detail="no such application",
        )
    return app


def get_kyc_settings(request: Request) -> KycSettings:
    return kyc_settings(request.app.state.settings.env)


KycSettingsDep = Annotated[KycSettings, Depends(get_kyc_settings)]
