"""Who may read an application: its own wallet, or an operator with a KYC role (object-level check)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from backend.auth.dependencies import (
    ApiKeyHeader,
    BearerCredentials,
    current_session,
    operator_from_key,
    optional_wallet,
)
from backend.core.problems import missing_roles
from backend.kyc import problems, service
from backend.kyc.models import KycApplication

READER_ROLES = frozenset({"reviewer", "compliance"})


@dataclass(frozen=True)
class Viewer:
    wallet: str | None
    operator_roles: frozenset[str]
    actor: str


def viewer(request: Request, credentials: BearerCredentials, api_key: ApiKeyHeader) -> Viewer:
    if api_key:
        optional_wallet(request, credentials)  # a token sent beside the key must be valid too
        operator = operator_from_key(request, api_key)
        if not operator.roles & READER_ROLES:
            raise missing_roles(READER_ROLES)
        return Viewer(None, operator.roles, operator.actor)
    wallet = current_session(request, credentials).subject
    return Viewer(wallet, frozenset(), f"wallet:{wallet}")


ViewerDep = Annotated[Viewer, Depends(viewer)]


def application_for(viewer: Viewer, session, application_id: str) -> KycApplication:
    app = service.get(session, application_id)
    # Another wallet's application is "not found", not "forbidden": its existence is not disclosed.
    if app is None or (viewer.wallet is not None and app.wallet != viewer.wallet):
        raise problems.application_not_found()
    return app
