"""Dependencies of the AML routes: the settings and the compliance officer."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from backend.aml.config import AmlSettings, aml_settings
from backend.core.deps import Operator, require_roles


async def get_aml_settings(request: Request) -> AmlSettings:
    """The app's AML settings (`app.state.aml_settings` if it was given some), else the environment's."""
    configured = getattr(request.app.state, "aml_settings", None)
    return configured if isinstance(configured, AmlSettings) else aml_settings()


AmlSettingsDep = Annotated[AmlSettings, Depends(get_aml_settings)]
Compliance = Annotated[Operator, Depends(require_roles("compliance"))]
ReportReader = Annotated[Operator, Depends(require_roles("compliance", "regulator"))]
