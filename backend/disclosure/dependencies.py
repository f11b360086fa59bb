"""The disclosure settings routes take: derived from the app's Settings once per app (its env decides
whether the development key is allowed), kept on the app's state so tests can replace them."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from backend.disclosure.config import DisclosureSettings, disclosure_settings

STATE = "disclosure_settings"


async def get_disclosure_settings(request: Request) -> DisclosureSettings:
    state = request.app.state
    settings = getattr(state, STATE, None)
    if settings is None:
        settings = disclosure_settings(request.app.state.settings.env)
        setattr(state, STATE, settings)
    return settings


DisclosureSettingsDep = Annotated[DisclosureSettings, Depends(get_disclosure_settings)]
