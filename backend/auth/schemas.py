from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from backend.auth.roles import Role
from backend.core.schemas import Address, ApiInput, ApiModel, Page, Timestamp


class NonceOut(ApiModel):
    nonce: str
    issued_at: Timestamp
    expires_at: Timestamp
    domain: str = Field(description="the domain the service names; any of `domains` is accepted")
    domains: list[str] = Field(description="every domain a sign-in message may be for (allow-list)")
    uri: str
    chain_id: int
    statement: str


class SiweIn(ApiInput):
    message: str = Field(min_length=1, max_length=4096, description="The EIP-4361 message exactly as signed")
    signature: str = Field(
        min_length=1, max_length=200, description="0x-prefixed 65-byte personal_sign signature"
    )


class TokenOut(ApiModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_at: Timestamp
    address: Address


class WalletOut(ApiModel):
    address: Address


class ApiKeyIn(ApiInput):
    name: str = Field(min_length=1, max_length=128)
    roles: list[Role] = Field(min_length=1, max_length=4)


def _role_list(value: Any) -> Any:
    if isinstance(value, str):  # the row keeps them comma-separated, sorted
        return [r for r in value.split(",") if r]
    return value


class ApiKeyOut(ApiModel):
    id: str
    name: str
    roles: Annotated[list[str], BeforeValidator(_role_list)]
    key_prefix: str
    created_at: Timestamp
    created_by: str
    revoked_at: Timestamp | None = None


class ApiKeyCreated(ApiKeyOut):
    key: str = Field(description="The key itself. Shown only in this response; store it now.")


class AuditEntryOut(ApiModel):
    """One audit entry; `before` and `after` are recorded as the action wrote them."""

    id: int
    occurred_at: Timestamp
    actor: str
    action: str
    object_type: str
    object_id: str
    before: dict | None
    after: dict | None
    request_id: str | None


class AuditPage(Page[AuditEntryOut]):
    pass
