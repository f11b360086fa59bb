"""How every API route runs: one worker thread per request for its database work and its response.

A sync route runs in FastAPI's thread pool. Its database session (`SessionDep`) connects lazily on first
use, inside that thread, and is closed at the end of the same call, after the response body has been
built there too. A request therefore never holds a pooled connection while it waits for another thread
(the cause of the deadlock of issue 14: sessions released by a yield dependency's teardown, which needed
a free thread, while every thread waited for a connection). Dependencies that read the database on the
way (authentication, API keys) open and close their own short session in their own call.

    router = api_router(prefix="/loans", tags=["loans"])

    @router.get("/{loan_id}", response_model=LoanDetail)
    def get_loan(loan_id: LoanId, session: SessionDep) -> LoanDetail:
        return service.loan_detail(session, loan_id)
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from types import UnionType
from typing import Any, Union, get_args, get_origin

from fastapi import APIRouter
from fastapi.exceptions import ResponseValidationError
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from backend.core.idempotency import (
    IdempotentRequest,
    current_request,
    idempotency_key_in_use,
    settle_in_transaction,
)
from backend.core.problems import validation_failed

SESSIONS_STATE = "peerlend_sessions"


class UnitOfWorkRoute(APIRoute):
    """An APIRoute whose sync endpoint runs, builds its JSON body and closes its sessions in one thread."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if not inspect.iscoroutinefunction(endpoint) and not getattr(endpoint, "__unit_of_work__", False):
            endpoint = _in_one_thread(endpoint, self)
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self):
        handler = super().get_route_handler()
        known, repeatable = _query_parameters(self)

        async def route_handler(request: Request) -> Response:
            _refuse_unknown_query(request, known, repeatable)
            try:
                return await handler(request)
            finally:
                # Sessions a failing dependency left open (the endpoint closes its own): a session that
                # never connected closes at no cost here; one holding a connection closes in a thread.
                for session in request.scope.get("state", {}).get(SESSIONS_STATE, ()):
                    if session.in_transaction():
                        await run_in_threadpool(session.close)
                    else:
                        session.close()

        return route_handler


def _query_parameters(route: APIRoute) -> tuple[frozenset[str], frozenset[str]]:
    """The query parameters the route (and its dependencies) declare, and those that may repeat."""
    known, repeatable = set(), set()
    fields, pending, seen = [], [route.dependant], set()
    while pending:
        dependant = pending.pop()
        if id(dependant) in seen:
            continue
        seen.add(id(dependant))
        fields.extend(dependant.query_params)
        pending.extend(dependant.dependencies)
    for field in fields:
        known.add(field.alias)
        annotation = field.field_info.annotation
        options = get_args(annotation) if get_origin(annotation) in (Union, UnionType) else (annotation,)
        if any(get_origin(option) in (list, tuple, set) for option in options):
            repeatable.add(field.alias)
    return frozenset(known), frozenset(repeatable)


def _refuse_unknown_query(request: Request, known: frozenset[str], repeatable: frozenset[str]) -> None:
    """A query parameter the operation does not declare (a typo, a v1 name such as `offset`) or a single
    parameter given twice is a 422, not silently ignored."""
    errors = []
    params = request.query_params
    for name in dict.fromkeys(params.keys()):
        if name not in known:
            errors.append(
                {"loc": ["query", name], "msg": "unknown query parameter", "type": "extra_forbidden"}
            )
        elif name not in repeatable and len(params.getlist(name)) > 1:
            errors.append(
                {"loc": ["query", name], "msg": "given more than once", "type": "repeated_parameter"}
            )
    if errors:
        raise validation_failed(errors)


def _in_one_thread(endpoint: Callable[..., Any], route: APIRoute) -> Callable[..., Any]:
    @functools.wraps(endpoint)
    def call(**values: Any) -> Any:
        reserved = current_request.get()
        if reserved is not None and not reserved.settled:
            return _exactly_once(endpoint, route, values, reserved)
        try:
            return _respond(endpoint, route, values)
        finally:
            for session in _sessions(values):
                session.close()

    call.__unit_of_work__ = True  # type: ignore[attr-defined]
    return call


def _sessions(values: dict[str, Any]) -> list[Session]:
    return [v for v in values.values() if isinstance(v, Session)]


def _respond(endpoint: Callable[..., Any], route: APIRoute, values: dict[str, Any]) -> Any:
    """Runs the endpoint and builds its JSON response, as FastAPI would, in the calling thread."""
    injected = next((v for v in values.values() if isinstance(v, Response)), None)
    result = endpoint(**values)
    field = route.response_field
    if isinstance(result, Response) or field is None:
        return result
    value, errors = field.validate(result, {}, loc=("response",))
    if errors:
        raise ResponseValidationError(errors=errors, body=result)
    response = Response(
        field.serialize_json(value, by_alias=True),
        status_code=(injected.status_code if injected and injected.status_code else None)
        or route.status_code
        or 200,
        media_type="application/json",
    )
    if injected is not None:
        response.headers.update({k: v for k, v in injected.headers.items() if k.lower() != "content-length"})
    return response


def _exactly_once(
    endpoint: Callable[..., Any], route: APIRoute, values: dict[str, Any], reserved: IdempotentRequest
) -> Any:
    """The unit of work of a request holding an idempotency key, in one transaction with its outcome.

    The route's sessions are bound to one connection whose transaction this function owns; their
    commits become savepoints inside it. The 2xx response is stored in the reservation, or the key
    released for a client error, by the same transaction, which then commits: a crash at any point
    leaves either both the work and its stored response, or neither (see backend/core/idempotency.py).
    """
    engine = reserved.factory.kw["bind"]
    with engine.connect() as connection:
        transaction = connection.begin()
        if connection.dialect.name == "sqlite":
            # pysqlite opens a transaction only at the first write, and a SAVEPOINT outside one is a
            # transaction of its own whose RELEASE commits: open the real one first.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        for name, value in list(values.items()):
            if isinstance(value, Session):
                value.close()  # never connected: it was only handed to the route
                values[name] = reserved.factory(bind=connection, join_transaction_mode="create_savepoint")
        try:
            try:
                response = _respond(endpoint, route, values)
            finally:
                for session in _sessions(values):
                    session.close()  # rolls back to the last commit the route made, if it left work open
        except Exception as exc:
            status = getattr(exc, "status", None) or getattr(exc, "status_code", None)
            if isinstance(status, int) and 400 <= status < 500:
                # A refusal keeps what the route committed before refusing (an attempt it records) and
                # frees the key, together.
                if settle_in_transaction(connection, reserved, status, b"", {}):
                    transaction.commit()
                    reserved.settled = True
                else:
                    transaction.rollback()
            else:
                transaction.rollback()  # the middleware frees the key
            raise
        body = bytes(response.body) if hasattr(response, "body") else b""
        headers = dict(response.headers)
        if not settle_in_transaction(connection, reserved, response.status_code, body, headers):
            transaction.rollback()
            raise idempotency_key_in_use()
        transaction.commit()
        reserved.settled = True
        return response


def api_router(**kwargs: Any) -> APIRouter:
    """An APIRouter whose routes run as units of work (see the module docstring)."""
    return APIRouter(route_class=UnitOfWorkRoute, **kwargs)
