"""RFC 9457 problem details: the one shape of every error the API returns.

Each domain names its problem types in a catalogue (`backend/<domain>/problems.py`: one function per
type, e.g. `loan_not_found(loan_id)`); the ones every domain shares are below. Raise what they return
anywhere in a request; the handlers installed by `install_problem_handlers` turn it, FastAPI's validation
errors, Starlette's HTTP errors (404, 405 with every allowed method, a body that is not UTF-8 JSON),
an exhausted database pool and unexpected exceptions into `application/problem+json` documents.
Extension members are camelCase like every other key (`requestId`, `retryAfter`).
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from backend.core.context import get_request_id

PROBLEM_MEDIA_TYPE = "application/problem+json"
logger = logging.getLogger("peerlend.problems")


class Problem(Exception):
    """An error answered as an RFC 9457 problem document.

    `type` is a short URI reference naming the kind of problem ("invalid-national-id"); clients branch on
    it. `title` is the same for every occurrence of a type; `detail` explains this occurrence. Any
    other keyword becomes an extension member (e.g. `errors=[...]`). `headers` are added to the response.
    """

    def __init__(
        self,
        status: int,
        title: str | None = None,
        detail: str | None = None,
        type: str = "about:blank",
        instance: str | None = None,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        self.status = int(status)
        self.title = title or _phrase(self.status)
        self.detail = detail
        self.type = type
        self.instance = instance
        self.headers = headers or {}
        self.extensions = extensions
        super().__init__(f"{self.status} {self.type}: {self.detail or self.title}")

    def to_dict(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"type": self.type, "title": self.title, "status": self.status}
        if self.detail is not None:
            body["detail"] = self.detail
        body["instance"] = self.instance or instance
        for key, value in self.extensions.items():
            if key not in body:
                body[key] = value
        request_id = get_request_id()
        if request_id and "requestId" not in body:
            body["requestId"] = request_id
        return jsonable_encoder(body)

    def to_response(self, instance: str | None = None) -> JSONResponse:
        return JSONResponse(
            self.to_dict(instance),
            status_code=self.status,
            headers=self.headers,
            media_type=PROBLEM_MEDIA_TYPE,
        )


class ProblemDetails(BaseModel):
    """OpenAPI schema of a problem document."""

    model_config = ConfigDict(extra="allow")
    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    requestId: str | None = None


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: documents its error statuses as problem details in OpenAPI."""
    return {
        status: {"model": ProblemDetails, "description": _phrase(status), "content": {PROBLEM_MEDIA_TYPE: {}}}
        for status in statuses
    }


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


async def _problem_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Problem)
    return exc.to_response(request.url.path)


# FastAPI's words for a body it could not decode (not UTF-8, or not JSON in a way json.loads does not say).
_BODY_PARSE_ERROR = "There was an error parsing the body"


_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _allowed_methods(request: Request) -> set[str]:
    """Every method some route of this path answers (Starlette's 405 names only the first route's):
    each method is tried against the routes as a request with it would be."""
    methods: set[str] = set()
    for method in _METHODS:
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes):
            methods.add(method)
    if "GET" in methods:
        methods.add("HEAD")
    return methods


async def _http_exception_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and exc.detail == _BODY_PARSE_ERROR:
        return malformed_body().to_response(request.url.path)
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail != _phrase(exc.status_code) else None
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        allowed = _allowed_methods(request)
        if allowed:
            headers["Allow"] = ", ".join(sorted(allowed))
    problem = Problem(status=exc.status_code, detail=detail, headers=headers)
    if isinstance(exc.detail, (dict, list)):
        problem.extensions["errors"] = exc.detail if isinstance(exc.detail, list) else [exc.detail]
    return problem.to_response(request.url.path)


async def _validation_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": list(err.get("loc", ())), "msg": err.get("msg", ""), "type": err.get("type", "")}
        for err in exc.errors()
    ]
    return validation_failed(errors).to_response(request.url.path)


def internal_error_problem() -> Problem:
    # Nothing about the failure itself: the request id leads operators to the logged traceback.
    return Problem(
        status=500,
        title="Internal Server Error",
        detail="An unexpected error occurred.",
        type="internal-error",
    )


async def _database_busy_handler(request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, OperationalError) and "locked" not in str(exc).lower():
        return await _unhandled_handler(request, exc)
    logger.warning("database busy: %s", type(exc).__name__)
    return database_busy().to_response(request.url.path)


async def _unhandled_handler(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error", exc_info=exc)
    return internal_error_problem().to_response(request.url.path)


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(Problem, _problem_handler)
    app.add_exception_handler(StarletteHTTPException, _http_exception_handler)
    app.add_exception_handler(RequestValidationError, _validation_handler)
    app.add_exception_handler(PoolTimeout, _database_busy_handler)
    app.add_exception_handler(OperationalError, _database_busy_handler)
    app.add_exception_handler(Exception, _unhandled_handler)


# ------------------------------------------------------------------------------------------ catalogue
# The problem types every domain shares. Domain-specific ones live in backend/<domain>/problems.py.


def unauthenticated(
    detail: str = "sign in with Ethereum and send 'Authorization: Bearer <token>'",
) -> Problem:
    return Problem(
        status=401,
        title="Authentication required",
        type="unauthenticated",
        detail=detail,
        headers={"WWW-Authenticate": "Bearer"},
    )


def operator_key_required() -> Problem:
    return Problem(
        status=401,
        title="Operator key required",
        type="unauthenticated",
        detail="send an operator API key in the X-API-Key header",
    )


def invalid_api_key() -> Problem:
    return Problem(
        status=401,
        title="Invalid API key",
        type="invalid-api-key",
        detail="the API key is unknown or revoked",
    )


def invalid_token(reason: str) -> Problem:
    return Problem(
        status=401,
        title="Invalid token",
        type="invalid-token",
        detail=f"token {reason}",
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


def forbidden(detail: str) -> Problem:
    return Problem(status=403, title="Forbidden", type="forbidden", detail=detail)


def missing_roles(roles) -> Problem:
    return forbidden(f"requires one of the roles {sorted(roles)}")


def rate_limited(bucket: str, seconds: int) -> Problem:
    return Problem(
        status=429,
        title="Too many requests",
        type="rate-limited",
        detail=f"rate limit '{bucket}' exceeded; retry in {seconds} s",
        headers={"Retry-After": str(seconds)},
    )


def invalid_address(field: str) -> Problem:
    return Problem(
        status=422,
        title="Invalid address",
        type="invalid-address",
        detail=f"{field} must be a 20-byte hex address",
    )


def invalid_cursor() -> Problem:
    return Problem(
        status=422,
        title="Invalid cursor",
        type="invalid-cursor",
        detail="the cursor is not one this list returned; start again without a cursor",
    )


def validation_failed(errors: list[dict]) -> Problem:
    return Problem(
        status=422,
        title="Request validation failed",
        type="validation-error",
        detail=f"{len(errors)} field(s) failed validation",
        errors=errors,
    )


def malformed_body() -> Problem:
    return Problem(
        status=400,
        title="Malformed request body",
        type="malformed-body",
        detail="the request body is not JSON encoded as UTF-8",
    )


def overloaded(retry_after: int) -> Problem:
    return Problem(
        status=503,
        title="Server busy",
        type="overloaded",
        detail="too many requests in progress; retry shortly",
        headers={"Retry-After": str(retry_after)},
    )


def database_busy() -> Problem:
    return Problem(
        status=503,
        title="Database busy",
        type="database-busy",
        detail="no database connection was free in time; retry shortly",
        headers={"Retry-After": "1"},
    )


def not_ready(detail: str, checks: dict[str, str]) -> Problem:
    return Problem(
        status=503,
        title="Not ready",
        type="not-ready",
        detail=detail,
        checks=checks,
        headers={"Retry-After": "5"},
    )


def chain_unavailable(detail: str) -> Problem:
    return Problem(status=502, title="Chain call failed", type="chain-unavailable", detail=detail[:300])


def contract_reverted(error: str | None, args: tuple, selector: str | None, detail: str) -> Problem:
    """A call the service made reverted; `revert` names the custom error decoded with the deployment's
    merged errors ABI (the manifest's `errors`: the market's, the vault's, the stablecoin's...)."""
    return Problem(
        status=409,
        title="Contract call reverted",
        type="contract-reverted",
        detail=detail[:300],
        revert={"error": error, "args": [_json_arg(a) for a in args], "selector": selector},
    )


def _json_arg(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return str(value)  # uint256 and friends: decimal strings, like every amount
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    if isinstance(value, (list, tuple)):
        return [_json_arg(v) for v in value]
    return str(value)
