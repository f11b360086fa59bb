"""Who may read a wallet's portfolio: the wallet itself (SIWE bearer token) or an operator."""

from __future__ import annotations

from typing import Annotated

from eth_utils import to_checksum_address
from fastapi import Depends, Path, Request

from backend.auth.dependencies import ApiKeyHeader, OptionalWallet, operator_from_key
from backend.core.problems import missing_roles, unauthenticated
from backend.core.schemas import ADDRESS_PATTERN
from backend.loans.problems import not_your_wallet

OPERATOR_ROLES = frozenset({"admin", "compliance", "reviewer"})


def owned_wallet(
    request: Request,
    wallet: OptionalWallet,
    api_key: ApiKeyHeader,
    address: Annotated[str, Path(pattern=ADDRESS_PATTERN, description="wallet address")],
) -> str:
    """The path's wallet, checksummed, if the caller is that wallet or an operator; else 401/403."""
    target = to_checksum_address(address)
    if api_key:
        operator = operator_from_key(request, api_key)
        if not operator.roles & OPERATOR_ROLES:
            raise missing_roles(OPERATOR_ROLES)
        return target
    if wallet is None:
        raise unauthenticated()
    if wallet != target:
        raise not_your_wallet()
    return target


OwnedWallet = Annotated[str, Depends(owned_wallet)]
