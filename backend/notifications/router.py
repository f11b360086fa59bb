"""Notifications HTTP API: the signed-in wallet's own inbox and preferences, never another's.

GET   /v2/notifications                    the wallet's notices, newest first (cursor-paged; `unread`)
POST  /v2/notifications/{id}/read          marks one read (404 for any id that is not the wallet's)
POST  /v2/notifications/read               marks up to 100 read, all or none
GET   /v2/notifications/preferences        contact points and channels per kind of notice
PATCH /v2/notifications/preferences        changes what the body names; a new webhook secret is shown once
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query, Request

from backend.core.deps import CurrentWallet, SessionDep, SettingsDep
from backend.core.problems import problem_responses
from backend.core.routing import api_router
from backend.notifications import service
from backend.notifications.config import NotificationSettings, notification_settings
from backend.notifications.schemas import (
    MarkReadIn,
    MarkReadOut,
    NotificationId,
    NotificationOut,
    NotificationPage,
    PreferencesIn,
    PreferencesOut,
)
from backend.privacy.keys import keyring_from_settings

router = api_router(tags=["notifications"])

Limit = Annotated[int, Query(ge=1, le=200)]
Cursor = Annotated[
    str | None, Query(min_length=1, max_length=512, description="nextCursor of the page before")
]


def _options(request: Request) -> NotificationSettings:
    """The domain's settings, read from the environment once per app (beside app.state.settings)."""
    options = getattr(request.app.state, "notification_settings", None)
    if options is None:
        options = request.app.state.notification_settings = notification_settings(
            request.app.state.settings.env
        )
    return options


@router.get("/notifications", response_model=NotificationPage, responses=problem_responses(401))
def list_notifications(
    wallet: CurrentWallet,
    session: SessionDep,
    unread: Annotated[bool, Query(description="only notices not marked read")] = False,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> NotificationPage:
    """The signed-in wallet's notices in its inbox, newest first, with each delivery's status."""
    return service.inbox(session, wallet, unread, limit, cursor)


@router.post("/notifications/read", response_model=MarkReadOut, responses=problem_responses(401, 404))
def mark_read(body: MarkReadIn, wallet: CurrentWallet, session: SessionDep) -> MarkReadOut:
    """Marks the wallet's notices read; if any id is not one of its own, none is marked (404)."""
    return service.mark_read(session, wallet, body.ids)


@router.post(
    "/notifications/{notificationId}/read",
    response_model=NotificationOut,
    responses=problem_responses(401, 404),
)
def read_notification(
    notification_id: Annotated[NotificationId, Path(alias="notificationId")],
    wallet: CurrentWallet,
    session: SessionDep,
) -> NotificationOut:
    """Marks one of the wallet's notices read and returns it (another wallet's id is a 404)."""
    return service.read_one(session, wallet, notification_id)


@router.get("/notifications/preferences", response_model=PreferencesOut, responses=problem_responses(401))
def get_preferences(wallet: CurrentWallet, session: SessionDep, settings: SettingsDep) -> PreferencesOut:
    """The wallet's contact points and, per kind of notice, its channels (all on until set)."""
    return service.preferences(session, keyring_from_settings(settings), wallet)


@router.patch("/notifications/preferences", response_model=PreferencesOut, responses=problem_responses(401))
def update_preferences(
    body: PreferencesIn, request: Request, wallet: CurrentWallet, session: SessionDep, settings: SettingsDep
) -> PreferencesOut:
    """Sets contact points (null removes one) and channels per kind. The first webhook URL, or
    `rotateWebhookSecret`, makes a signing secret that only this answer shows."""
    return service.update_preferences(
        session, keyring_from_settings(settings), _options(request), wallet, body
    )
