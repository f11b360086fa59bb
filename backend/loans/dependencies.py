"""Who may read a wallet's portfolio: the wallet itself (SIWE bearer token) or an operator."""

from __future__ import annotations

from typing import Annotated

from eth_utils import is_address, to_checksum_address
from fastapi import Depends, Path, Request, Security
from fastapi.security import APIKeyHeader

from backend.auth.dependencies import OptionalWallet, current_operator
from backend.core.problems import Problem
from backend.db.session import SessionDep

OPERATOR_ROLES = frozenset({"admin", "compliance", "reviewer"})
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False)


def owned_wallet(
    request: Request,
    session: SessionDep,
    wallet: OptionalWallet,
    api_key: Annotated[str | None, Security(_api_key)],
    address: Annotated[str, Path(description="wallet address")],
) -> str:
    """The path's wallet, checksummed, if the caller is that wallet or an operator; else 401/403."""
    if not is_address(address):
        raise Problem(
            status=422,
            title="Invalid address",
            type="invalid-address",
            detail="the wallet must be a 20-byte hex address",
        )
    target = to_checksum_address(address)
    if api_key:
        operator = current_operator(request, api_key, session)
        if not operator.roles & OPERATOR_ROLES:
            raise Problem(
                status=403,
                title="Forbidden",
                type="forbidden",
                detail=f"requires one of the roles {sorted(OPERATOR_ROLES)}",
            )
        return target
    if wallet is None:
        raise Problem(
            status=401,
            title="Authentication required",
            type="unauthenticated",
            detail="sign in with Ethereum and send 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if wallet != target:
        raise Problem(
            status=403,
            title="Forbidden",
            type="forbidden",
            detail="a wallet may only read its own portfolio and transactions",
        )
    return target


OwnedWallet = Annotated[str, Depends(owned_wallet)]
