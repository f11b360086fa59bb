"""The reference web portal (web/) served under `/app`, beside the API it uses.

Mounted only when the portal has been built (`web/dist/index.html`; `make up` builds it). Client routes
(`/app/loans/7`) answer index.html so a reload or a shared link opens the same page; hashed assets under
`/app/assets/` are cached for good, index.html never.

`/app/config.json` is the portal's runtime configuration, what any front end of this deployment is
given: the chain id, the JSON-RPC URL a browser reads the chain through (`PEERLEND_WEB_RPC_URL`, else the
service's own `PEERLEND_RPC_URL`) and the public part of the deployment manifest (addresses, parameters
and the merged `errors` ABI that decodes a revert of any contract). ABIs themselves are bundled into the
portal at build time from build/contracts/. The portal calls nothing else of the service: only /v2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from pydantic_settings import BaseSettings, SettingsConfigDict

from backend.core.problems import Problem
from backend.core.settings import ROOT, Settings

PREFIX = "/app"
# What a front end needs of the manifest; role holders and operational accounts stay out of it.
PUBLIC_MANIFEST_KEYS = (
    "chainId",
    "network",
    "deployBlock",
    "deployedAt",
    "contracts",
    "parameters",
    "errors",
)
IMMUTABLE = "public, max-age=31536000, immutable"


class WebAppSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PEERLEND_WEB_", extra="ignore")

    dist: Path = ROOT / "web" / "dist"
    rpc_url: str | None = None  # the browser's JSON-RPC URL when it differs from the service's


def portal_config(settings: Settings, web: WebAppSettings) -> dict[str, Any]:
    """Read per request: a redeployment shows without a restart."""
    try:
        manifest = json.loads(settings.resolved_manifest_path.read_text())
        deployment = {key: manifest[key] for key in PUBLIC_MANIFEST_KEYS if key in manifest}
    except (OSError, ValueError):
        deployment = None
    return {
        "apiUrl": "",
        "chainId": settings.chain_id,
        "rpcUrl": web.rpc_url or settings.rpc_url,
        "deployment": deployment,
    }


def mount_web_app(app: FastAPI, settings: Settings, web: WebAppSettings | None = None) -> bool:
    """Serve the built portal under /app; False (nothing mounted) when it has not been built."""
    web = web or WebAppSettings()
    dist = web.dist.resolve()
    index = dist / "index.html"
    if not index.is_file():
        return False

    @app.get(PREFIX + "/config.json", include_in_schema=False)
    def config() -> JSONResponse:
        return JSONResponse(portal_config(settings, web), headers={"Cache-Control": "no-cache"})

    @app.get(PREFIX, include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse(PREFIX + "/", status_code=308)

    @app.get(PREFIX + "/{path:path}", include_in_schema=False)
    def page(path: str) -> Response:
        target = (dist / path).resolve()
        if path and target.is_file() and target.is_relative_to(dist):
            cache = IMMUTABLE if path.startswith("assets/") else "no-cache"
            return FileResponse(target, headers={"Cache-Control": cache})
        if path.startswith("assets/") or Path(path).suffix:
            # a missing file is not a page: answering index.html would hide a broken build
            raise Problem(404, detail=f"no file {PREFIX}/{path} in the web portal's build")
        return FileResponse(index, headers={"Cache-Control": "no-cache"})

    return True
