"""RFC 9457 problem details: the one shape of every error the API returns.

Raise `Problem(...)` anywhere in a request; the handlers installed by `install_problem_handlers` turn it,
FastAPI's validation errors, Starlette's HTTP errors (404, 405, ...) and unexpected exceptions into
`application/problem+json` documents.
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
from starlette.exceptions import HTTPException as StarletteHTTPException

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
        type: str = "about:blank",  # noqa: A002 - the RFC's member name
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
        if request_id and "request_id" not in body:
            body["request_id"] = request_id
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
    request_id: str | None = None


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


async def _http_exception_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail != _phrase(exc.status_code) else None
    headers = dict(exc.headers or {})
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
    problem = Problem(
        status=422,
        title="Request validation failed",
        detail=f"{len(errors)} field(s) failed validation",
        type="validation-error",
        errors=errors,
    )
    return problem.to_response(request.url.path)


def internal_error_problem() -> Problem:
    # Nothing about the failure itself: the request id leads operators to the logged traceback.
    return Problem(
        status=500,
        title="Internal Server Error",
        detail="An unexpected error occurred.",
        type="internal-error",
    )


async def _unhandled_handler(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error", exc_info=exc)
    return internal_error_problem().to_response(request.url.path)


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(Problem, _problem_handler)
    app.add_exception_handler(StarletteHTTPException, _http_exception_handler)
    app.add_exception_handler(RequestValidationError, _validation_handler)
    app.add_exception_handler(Exception, _unhandled_handler)
