"""Application factory: `create_app(settings)`.

Run with `python -m backend.main` or `uvicorn backend.app:create_app --factory`.

Migrations: in development and test, `create_app` migrates the database to head before serving
(`PEERLEND_AUTO_MIGRATE` overrides), so a fresh checkout runs with nothing else to do. In production it
does not: several replicas must not race on DDL, so the deploy runs `peerlend db upgrade` once first.

Capacity: the process serves at most `max_in_flight` requests at once (backend/core/admission.py); the
database pool holds that many connections plus as many for the short sessions of authentication and
idempotency, and the worker threads are that many plus a few for the probes and idempotency records.
"""

from __future__ import annotations

import functools
import gc
import json
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from backend.auth.verified_keys import VerifiedKeys
from backend.chain.indexer.version import index_version_reader
from backend.core.admission import AdmissionControl
from backend.core.health import router as health_router
from backend.core.idempotency import IdempotencyMiddleware, IdempotentReplay
from backend.core.logging import configure_logging
from backend.core.metrics import HttpMetrics
from backend.core.middleware import RequestContextMiddleware
from backend.core.problems import PROBLEM_MEDIA_TYPE, ProblemDetails, install_problem_handlers
from backend.core.ratelimit import DatabaseWindowStorage, SharedRateLimiter
from backend.core.read_cache import IndexVersion, ReadCache, marked_route_patterns
from backend.core.settings import Settings, get_settings
from backend.core.state_metrics import CapacityFigures, DatabaseFigures, FigureSource
from backend.core.versions import API_PREFIX, retired_router
from backend.db.models_registry import import_all_models
from backend.db.session import create_db_engine, make_sessionmaker
from backend.kyc.config import kyc_settings
from backend.risk.config import risk_settings
from backend.risk.model_store import get_scorecard
from backend.web_app import mount_web_app

API_DESCRIPTION = """Off-chain services of the PeerLend lending platform.

**Conventions** (README, "API conventions"):

- keys are camelCase everywhere: bodies, responses and query parameters;
- times are ISO 8601 in UTC (`2026-01-31T12:00:00Z`); where the chain decides a time (listing, drawdown,
  due dates, repayments) it is the block's timestamp, and the block number is given beside it;
- amounts in integer base units are decimal strings (`"2500000000"` is 2,500 of a 6-decimal stablecoin);
  requests send them as strings too, JSON numbers are refused;
- lists take `limit` and `cursor` and answer `{"items": [...], "nextCursor": "..."}`; pass `nextCursor`
  back as `cursor` for the next page (null on the last page);
- errors are RFC 9457 problem details (`application/problem+json`), with a `type` clients may branch on;
  `503` (with `Retry-After`) means the server is at capacity, retry shortly.

`/v1` is retired: every `/v1/...` path answers `410 Gone` naming its `/v2` successor (`Link:
<...>; rel="successor-version"`, `Deprecation` and `Sunset` headers).
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_json)
    import_all_models()
    if settings.should_auto_migrate:
        from backend.db.migrate import upgrade

        upgrade("head", settings)

    engine = create_db_engine(
        settings.database_url,
        pool_size=settings.max_in_flight,
        max_overflow=settings.max_in_flight,
        pool_timeout=settings.db_pool_timeout_seconds,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        # Worker threads for the admitted requests (one at a time each) and a few more for probes and
        # idempotency records; the loop's default limiter is what FastAPI's sync routes run on.
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.max_in_flight + 8
        # Everything imported and built at start-up (web3, SQLAlchemy, pydantic schemas: about 200,000
        # tracked objects) lives as long as the process. Frozen out of the collector's generations, it is
        # no longer walked by every full collection, which otherwise paused the process for ~130 ms.
        gc.collect()
        gc.freeze()
        async with anyio.create_task_group() as background:
            if index_version is not None:
                background.start_soon(index_version.watch)
            yield
            background.cancel_scope.cancel()
        engine.dispose()

    app = FastAPI(
        title="PeerLend API",
        version="2",
        description=API_DESCRIPTION,
        docs_url="/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.rate_limiter = SharedRateLimiter(DatabaseWindowStorage(app.state.sessionmaker))
    app.state.verified_keys = VerifiedKeys(settings.api_key_cache_seconds)
    app.state.metrics = HttpMetrics()
    _register_state_metrics(app, settings, engine)
    # Domain settings, derived once from the environment this app was made in.
    app.state.risk_settings = risk_settings()
    app.state.kyc_settings = kyc_settings(settings.env)
    app.state.scorecard = get_scorecard(app.state.risk_settings)

    install_problem_handlers(app)
    app.add_exception_handler(IdempotentReplay, _replay_handler)

    app.include_router(health_router)
    from backend.api import ROUTERS

    for router in ROUTERS:
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(retired_router)
    # The reference web portal under /app, when it has been built (backend/web_app.py).
    mount_web_app(app, settings)

    _document_errors_as_problems(app)

    # Added innermost first: the request context wraps everything, so every response has an id; CORS
    # wraps admission so a browser can read a 503; the read cache sits outside admission (an answer kept
    # from the current index costs no slot, so the loan book stays readable at capacity) and inside CORS
    # (whose headers depend on the caller); admission wraps the routes and idempotency records.
    app.add_middleware(IdempotencyMiddleware)
    index_version = _index_version(app, settings)
    app.add_middleware(
        AdmissionControl,
        max_in_flight=settings.max_in_flight,
        queue=settings.admission_queue,
        wait_seconds=settings.admission_wait_seconds,
        state=app.state,
    )
    if index_version is not None:
        app.add_middleware(
            ReadCache,
            version=index_version,
            routes=marked_route_patterns(ROUTERS, API_PREFIX),
            max_entries=settings.read_cache_entries,
            state=app.state,
        )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["X-Request-ID", "Retry-After", "Link", "Deprecation", "Sunset"],
        )
    app.add_middleware(RequestContextMiddleware, settings=settings, metrics=app.state.metrics)
    return app


def _index_version(app: FastAPI, settings: Settings) -> IndexVersion | None:
    """What the public read-model routes' cache keys on (backend/core/read_cache.py); None: cache off."""
    if settings.read_cache_entries == 0:
        return None
    return IndexVersion(index_version_reader(app.state.sessionmaker), settings.read_cache_interval_seconds)


def _document_errors_as_problems(app: FastAPI) -> None:
    """OpenAPI: every 4xx/5xx response is documented as application/problem+json (as it is served), and
    each operation lists the problems any operation of its kind can answer: 503 at capacity, 422 for
    invalid parameters, 400 for a body that is not UTF-8 JSON."""
    default_openapi = app.openapi

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        schema = default_openapi()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.setdefault("ProblemDetails", ProblemDetails.model_json_schema())
        problem = {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}
        for path, path_item in schema.get("paths", {}).items():
            for operation in path_item.values():
                responses = operation.setdefault("responses", {})
                if path.startswith(API_PREFIX + "/"):
                    responses.setdefault("503", {"description": "Server busy: retry after Retry-After"})
                    if operation.get("parameters") or operation.get("requestBody"):
                        responses.setdefault("422", {"description": "Invalid parameters or body"})
                    if operation.get("requestBody"):
                        responses.setdefault("400", {"description": "Body is not JSON encoded as UTF-8"})
                for status, response in responses.items():
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


def _register_state_metrics(app: FastAPI, settings: Settings, engine) -> None:
    """Business, lag and capacity figures, read at each scrape (backend/core/state_metrics.py)."""
    from backend.aml.metrics import aml_figures
    from backend.chain.indexer.metrics import indexer_figures
    from backend.collections.metrics import collection_metrics
    from backend.loans.metrics import loan_figures
    from backend.notifications.metrics import notification_figures
    from backend.oracle_feed.metrics import oracle_figures
    from backend.servicing.metrics import reminder_figures

    sources: list[FigureSource] = [
        functools.partial(loan_figures, settings=settings),
        oracle_figures,
        indexer_figures(settings.rpc_url, settings.chain_read_timeout_seconds),
        aml_figures,
        notification_figures,
        reminder_figures,
        collection_metrics,
    ]
    app.state.metrics.registry.register(DatabaseFigures(app.state.sessionmaker, sources))
    app.state.metrics.registry.register(
        CapacityFigures(
            engine,
            lambda: getattr(app.state, "admission", None),
            lambda: getattr(app.state, "read_cache", None),
        )
    )
