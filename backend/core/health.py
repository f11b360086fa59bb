"""Liveness, readiness and metrics endpoints (outside /v2: they belong to the process, not the API)."""

from __future__ import annotations

import httpx
from fastapi import APIRouter, Request, Response
from sqlalchemy import text

from backend.core.metrics import CONTENT_TYPE_LATEST
from backend.core.problems import not_ready, problem_responses

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness")
def healthz() -> dict:
    return {"status": "ok"}


def _check_database(request: Request) -> str | None:
    try:
        with request.app.state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return None
    except Exception as exc:
        return f"database unreachable ({type(exc).__name__})"


def _check_chain(request: Request) -> str | None:
    settings = request.app.state.settings
    if not settings.rpc_url:
        return None
    try:
        reply = httpx.post(
            settings.rpc_url,
            json={"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []},
            timeout=2.0,
        )
        chain_id = int(reply.json()["result"], 16)
    except Exception as exc:
        return f"chain unreachable ({type(exc).__name__})"
    if chain_id != settings.chain_id:
        return f"chain id {chain_id} does not match configured {settings.chain_id}"
    return None


@router.get("/readyz", summary="Readiness", responses=problem_responses(503))
def readyz(request: Request) -> dict:
    checks = {"database": _check_database(request), "chain": _check_chain(request)}
    failed = {name: reason for name, reason in checks.items() if reason}
    if failed:
        raise not_ready("; ".join(failed.values()), {name: reason or "ok" for name, reason in checks.items()})
    chain = "ok" if request.app.state.settings.rpc_url else "not configured"
    return {"status": "ready", "checks": {"database": "ok", "chain": chain}}


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    return Response(request.app.state.metrics.render(), media_type=CONTENT_TYPE_LATEST)
