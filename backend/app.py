"""Application factory: `create_app(settings)`.

Run with `python -m backend.main` or `uvicorn backend.app:create_app --factory`.

Migrations: in development and test, `create_app` migrates the database to head before serving
(`PEERLEND_AUTO_MIGRATE` overrides), so a fresh checkout runs with nothing else to do. In production it
does not: several replicas must not race on DDL, so the deploy runs `peerlend db upgrade` once first.
"""

from __future__ import annotations

import json
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from backend.core.health import router as health_router
from backend.core.idempotency import IdempotencyMiddleware, IdempotentReplay
from backend.core.logging import configure_logging
from backend.core.metrics import HttpMetrics
from backend.core.middleware import API_PREFIX, RequestContextMiddleware
from backend.core.problems import PROBLEM_MEDIA_TYPE, ProblemDetails, install_problem_handlers
from backend.core.ratelimit import TokenBucketLimiter
from backend.core.settings import Settings, get_settings
from backend.db.models_registry import import_all_models
from backend.db.session import create_db_engine, make_sessionmaker


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_json)
    import_all_models()
    if settings.should_auto_migrate:
        from backend.db.migrate import upgrade

        upgrade("head", settings)

    engine = create_db_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        engine.dispose()

    app = FastAPI(
        title="PeerLend API",
        version="1",
        description="Off-chain services of the PeerLend lending platform. "
        "Errors are RFC 9457 problem details.",
        docs_url="/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.rate_limiter = TokenBucketLimiter()
    app.state.metrics = HttpMetrics()

    install_problem_handlers(app)
    app.add_exception_handler(IdempotentReplay, _replay_handler)

    app.include_router(health_router)
    from backend.api import ROUTERS

    for router in ROUTERS:
        app.include_router(router, prefix=API_PREFIX)

    _document_errors_as_problems(app)

    # Added innermost first: the request context wraps everything, so every response has an id.
    app.add_middleware(IdempotencyMiddleware)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["X-Request-ID", "Retry-After"],
        )
    app.add_middleware(RequestContextMiddleware, settings=settings, metrics=app.state.metrics)
    return app


def _document_errors_as_problems(app: FastAPI) -> None:
    """OpenAPI: every 4xx/5xx response is documented as application/problem+json (as it is served)."""
    default_openapi = app.openapi

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        schema = default_openapi()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.setdefault("ProblemDetails", ProblemDetails.model_json_schema())
        problem = {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                for status, response in (operation.get("responses") or {}).items():
                    if status[:1] in ("4", "5"):
                        response["content"] = {PROBLEM_MEDIA_TYPE: problem}
        # FastAPI's own validation error schemas are never served: drop them if nothing else uses them.
        for name in ("HTTPValidationError", "ValidationError"):
            if f'"#/components/schemas/{name}"' not in json.dumps(schema):
                components.pop(name, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


async def _replay_handler(_request, exc: Exception):
    from starlette.responses import Response

    from backend.core.idempotency import REPLAY_HEADER

    assert isinstance(exc, IdempotentReplay)
    headers = {**exc.headers, REPLAY_HEADER: "true"}
    headers.pop("content-length", None)
    return Response(exc.body, status_code=exc.status_code, headers=headers)
