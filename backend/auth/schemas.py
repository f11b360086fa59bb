from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class NonceOut(BaseModel):
    nonce: str
    issued_at: datetime
    expires_at: datetime
    domain: str
    uri: str
    chain_id: int
    statement: str


class SiweIn(BaseModel):
    message: str = Field(max_length=4096, description="The EIP-4361 message exactly as signed")
    signature: str = Field(max_length=200, description="0x-prefixed 65-byte personal_sign signature")


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_at: datetime
    address: str


class WalletOut(BaseModel):
    address: str


class ApiKeyIn(BaseModel):
    name: str = Field(min_length=1, max_length=128)
    roles: list[str] = Field(min_length=1)


class ApiKeyOut(BaseModel):
    id: str
    name: str
    roles: list[str]
    key_prefix: str
    created_at: datetime
    created_by: str
    revoked_at: datetime | None = None


class ApiKeyCreated(ApiKeyOut):
    key: str = Field(description="The key itself. Shown only in this response; store it now.")


class AuditEntryOut(BaseModel):
    id: int
    occurred_at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    before: dict | None
    after: dict | None
    request_id: str | None
