"""API versions. `/v2` is the API; every `/v1/...` path answers 410 Gone and names its successor.

v2 changed the wire convention (README "API conventions": camelCase keys, ISO 8601 UTC times, amounts as
decimal strings, cursor pagination), so no v1 client could read a v2 answer correctly: v1 is gone rather
than served with new shapes under its old name.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from backend.core.problems import Problem

API_PREFIX = "/v2"
RETIRED_PREFIX = "/v1"
# When /v1 was deprecated and switched off (RFC 9745 Deprecation, RFC 8594 Sunset).

RETIRED_AT = datetime(2026, 12, 1, tzinfo=UTC)
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

retired_router = APIRouter(include_in_schema=False)


def successor_of(path: str) -> str:
    return API_PREFIX + path[len(RETIRED_PREFIX) :]


def version_gone(path: str) -> Problem:
    successor = successor_of(path)
    return Problem(
        status=410,
        title="API version retired",
        type="api-version-gone",
        detail=f"/v1 was retired; use {successor} (README: API conventions)",
        successor=successor,
        headers={
            "Link": f'<{successor}>; rel="successor-version"',
            "Deprecation": f"@{int(RETIRED_AT.timestamp())}",
            "Sunset": format_datetime(RETIRED_AT, usegmt=True),
        },
    )


@retired_router.api_route(RETIRED_PREFIX + "/{rest:path}", methods=ALL_METHODS)
async def retired(request: Request) -> JSONResponse:
    return version_gone(request.url.path).to_response(request.url.path)


@retired_router.api_route(RETIRED_PREFIX, methods=ALL_METHODS)
async def retired_root(request: Request) -> JSONResponse:
    return version_gone(request.url.path).to_response(request.url.path)
