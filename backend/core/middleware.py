"""Outermost ASGI middleware: request id, access log, metrics, and the last line of error handling."""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.core.context import request_id_var
from backend.core.metrics import HttpMetrics
from backend.core.problems import internal_error_problem
from backend.core.settings import Settings, reset_settings, use_settings
from backend.core.versions import API_PREFIX, RETIRED_PREFIX

logger = logging.getLogger("peerlend.http")
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
UNMATCHED_ROUTE = "<unmatched>"
# Probes and scrapes arrive every few seconds; logging each would drown the requests that matter.
_QUIET_ROUTES = frozenset({"/healthz", "/readyz", "/metrics"})


def route_template(scope: Scope) -> str:
    """The matched route's path template ("/v2/loans/{loan_id}"), never the raw path (label cardinality)."""
    route_path = getattr(scope.get("route"), "path", None)
    if not route_path:
        return UNMATCHED_ROUTE
    # The matched route is the router's own object, whose path lacks the prefix it was included under.
    if scope["path"].startswith(API_PREFIX + "/") and not route_path.startswith(API_PREFIX + "/"):
        return API_PREFIX + route_path
    return route_path


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings, metrics: HttpMetrics) -> None:
        self.app = app
        self.settings = settings
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        rid_token = request_id_var.set(request_id)
        settings_token = use_settings(self.settings)
        started = time.perf_counter()
        status = {"code": 500, "started": False}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                status["started"] = True
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"]
                headers.append((b"x-request-id", request_id.encode()))
                headers.append((b"x-content-type-options", b"nosniff"))
                if scope["path"].startswith((API_PREFIX + "/", RETIRED_PREFIX + "/")) and not any(
                    k.lower() == b"cache-control" for k, _ in headers
                ):
                    # API answers carry personal data and tokens: no shared or browser cache keeps them.
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            logger.exception("unhandled error")
            if not status["started"]:
                response = internal_error_problem().to_response(scope.get("path"))
                await response(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            template = route_template(scope)
            self.metrics.observe(scope["method"], template, status["code"], elapsed)
            logger.log(
                logging.DEBUG if template in _QUIET_ROUTES else logging.INFO,
                "%s %s %s",
                scope["method"],
                template,
                status["code"],
                extra={
                    "method": scope["method"],
                    "route": template,
                    "status": status["code"],
                    "duration_ms": round(elapsed * 1000, 2),
                },
            )
            reset_settings(settings_token)
            request_id_var.reset(rid_token)
