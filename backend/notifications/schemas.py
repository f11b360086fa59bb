"""Notifications API bodies (camelCase on the wire, README "API conventions")."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from backend.core.schemas import ApiInput, ApiModel, Page, Timestamp

NotificationId = Annotated[
    str, Field(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
]


class DeliveryOut(ApiModel):
    channel: str
    status: str = Field(description="pending, sending, sent, failed, cancelled or unconfirmed")
    attempts: int
    sent_at: Timestamp | None = None


class NotificationOut(ApiModel):
    id: str = Field(validation_alias="event_id", description="also the webhook's PeerLend-Event-Id")
    kind: str
    subject: str
    body: str
    data: dict[str, Any]
    occurred_at: Timestamp | None = Field(default=None, description="chain time of what the notice is about")
    created_at: Timestamp
    read_at: Timestamp | None = None
    deliveries: list[DeliveryOut] = Field(default_factory=list)


NotificationPage = Page[NotificationOut]


class MarkReadIn(ApiInput):
    ids: list[NotificationId] = Field(min_length=1, max_length=100)


class MarkReadOut(ApiModel):
    read: int = Field(description="notices newly marked read (already read ones are left as they were)")


class Channels(ApiModel):
    email: bool
    webhook: bool
    inbox: bool


class ChannelsIn(ApiInput):
    email: bool | None = None
    webhook: bool | None = None
    inbox: bool | None = None


class PreferencesOut(ApiModel):
    email: str | None = None
    webhook_url: str | None = None
    webhook_secret_set: bool = False
    webhook_secret: str | None = Field(
        default=None,
        description="only in the answer that created it: keep it to verify PeerLend-Signature",
    )
    kinds: dict[str, Channels]


class PreferencesIn(ApiInput):
    """Only what is sent changes; null removes a contact point."""

    email: Annotated[str, Field(min_length=3, max_length=254)] | None = None
    webhook_url: Annotated[str, Field(min_length=8, max_length=2048)] | None = None
    rotate_webhook_secret: bool = False
    kinds: dict[Annotated[str, Field(max_length=48)], ChannelsIn] = Field(default_factory=dict, max_length=32)
