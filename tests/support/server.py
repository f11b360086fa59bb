"""Run the real PeerLend app under uvicorn for tests, and sign in to it like a client would.

    from tests.support.server import server_factory, live_server  # noqa: F401  (in your conftest.py)

    def test_x(server_factory):
        server = server_factory(rate_limit_enabled=False)      # any Settings field as an override
        httpx.get(f"{server}/healthz")                           # the server *is* its base URL (a str)
        token = siwe_login(server, account)                      # wallet bearer token
        key = create_operator_key(server, "reviewer")            # operator X-API-Key

Each server gets its own temporary SQLite file (migrated to head at startup), a random port and a
random bootstrap admin key; it is stopped and its files removed when the fixture's scope ends. With
`PEERLEND_TEST_DATABASE=postgresql` each server gets a fresh database on one PostgreSQL server instead
(tests/support/postgres.py), so the same HTTP suite runs on both engines (`toolchain/test.sh` does both).
`RunningServer.session()` opens a SQLAlchemy session on the server's database for assertions.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from eth_account.messages import encode_defunct
from fastapi import APIRouter
from sqlalchemy.orm import Session

from backend.app import create_app
from backend.auth.siwe import build_message
from backend.core.settings import ROOT, Settings
from backend.db.session import create_db_engine, make_sessionmaker
from backend.main import KEEP_ALIVE_SECONDS
from tests.support.postgres import directory_database, fresh_database, on_postgres, shared_postgres

__all__ = [
    "RunningServer",
    "start_server",
    "start_server_process",
    "server_factory",
    "module_server_factory",
    "live_server",
    "siwe_login",
    "siwe_message",
    "sign_message",
    "create_operator_key",
    "auth_headers",
]

STARTUP_TIMEOUT = 30.0
PROCESS_STARTUP_TIMEOUT = 120.0  # a fresh interpreter imports web3 and migrates: slow on a busy machine


class RunningServer(str):
    """The base URL ("http://127.0.0.1:PORT") with the running server's details attached."""

    settings: Settings
    admin_key: str
    database_url: str
    db_path: Path
    app: Any

    def __new__(cls, base_url: str, **attributes: Any) -> RunningServer:
        server = super().__new__(cls, base_url)
        for name, value in attributes.items():
            setattr(server, name, value)
        return server

    @property
    def base_url(self) -> str:
        return str(self)

    def client(self, **kwargs: Any) -> httpx.Client:
        kwargs.setdefault("timeout", 30.0)
        return httpx.Client(base_url=str(self), **kwargs)

    @contextmanager
    def session(self) -> Iterator[Session]:
        engine = create_db_engine(self.database_url)
        try:
            with make_sessionmaker(engine)() as session:
                yield session
        finally:
            engine.dispose()


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


@contextmanager
def start_server(
    directory: Path | None = None,
    routers: list[APIRouter] | None = None,
    wait_ready: bool = True,
    **overrides: Any,
) -> Iterator[RunningServer]:
    """Start the app on a free port with a fresh SQLite database; stop it on exit.

    `routers`: extra (test-only) routers mounted as they are, e.g. to exercise a dependency.
    `wait_ready`: wait for /readyz (default) or only /healthz (to test a server that is not ready).
    `overrides`: any Settings fields.
    """
    own_dir = directory is None
    workdir = Path(tempfile.mkdtemp(prefix="peerlend-test-")) if own_dir else Path(directory)
    workdir.mkdir(parents=True, exist_ok=True)
    db_path = workdir / "peerlend.db"
    with ExitStack() as databases:
        if "database_url" not in overrides and on_postgres():
            # As a SQLite file in `directory` would, a database named by the directory outlives the server,
            # so a test can restart on the same data; a server in its own directory gets a throwaway one.
            overrides["database_url"] = (
                databases.enter_context(fresh_database(shared_postgres()))
                if own_dir
                else directory_database(workdir)
            )
        with _serve(workdir, db_path, routers, wait_ready, overrides) as server:
            try:
                yield server
            finally:
                if own_dir:
                    shutil.rmtree(workdir, ignore_errors=True)


@contextmanager
def _serve(
    workdir: Path,
    db_path: Path,
    routers: list[APIRouter] | None,
    wait_ready: bool,
    overrides: dict[str, Any],
) -> Iterator[RunningServer]:
    admin_key = overrides.pop("bootstrap_admin_key", None) or "plk_test_" + secrets.token_urlsafe(24)
    sock = _free_socket()
    host, port = sock.getsockname()
    values: dict[str, Any] = {
        "env": "test",
        "database_url": f"sqlite:///{db_path}",
        "bootstrap_admin_key": admin_key,
        "siwe_domain": f"{host}:{port}",
        "siwe_uri": f"http://{host}:{port}",
        "log_level": "WARNING",
    }
    values.update(overrides)
    settings = Settings(**values)
    app = create_app(settings)
    for router in routers or ():
        app.include_router(router)
    config = uvicorn.Config(
        app,
        log_config=None,
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=5,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, daemon=True, name=f"peerlend-api-{port}"
    )
    thread.start()
    base_url = f"http://{host}:{port}"
    try:
        _wait_ready(base_url, thread, "/readyz" if wait_ready else "/healthz")
        yield RunningServer(
            base_url,
            settings=settings,
            admin_key=admin_key,
            database_url=settings.database_url,
            db_path=db_path,
            app=app,
        )
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


@contextmanager
def start_server_process(
    directory: Path,
    database_url: str | None = None,
    admin_key: str | None = None,
    app_factory: str = "backend.app:create_app",
    **overrides: str,
) -> Iterator[RunningServer]:
    """The app as its own uvicorn process (one worker, as `make up` runs it), on a free port with a fresh
    SQLite file in `directory`, or on `database_url` (several processes may share one PostgreSQL
    database); `overrides` are PEERLEND_* settings by field name. Stopped on exit."""
    sock = _free_socket()
    host, port = sock.getsockname()
    sock.close()
    db_path = directory / "peerlend.db"
    database_url = database_url or f"sqlite:///{db_path}"
    admin_key = admin_key or "plk_test_" + secrets.token_urlsafe(24)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PEERLEND_") and k != "DATABASE_URL"}
    env.update(
        {
            "PEERLEND_ENV": "test",
            "PEERLEND_DATABASE_URL": database_url,
            "PEERLEND_BOOTSTRAP_ADMIN_KEY": admin_key,
            "PEERLEND_SIWE_DOMAIN": f"{host}:{port}",
            "PEERLEND_SIWE_URI": f"http://{host}:{port}",
            "PEERLEND_LOG_LEVEL": "WARNING",
        }
    )
    env.update({f"PEERLEND_{name.upper()}": str(value) for name, value in overrides.items()})
    log_path = directory / "api.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            [
                sys.executable,
                "-m",
                "uvicorn",
                app_factory,
                "--factory",
                "--host",
                host,
                "--port",
                str(port),
                "--no-access-log",
                "--timeout-keep-alive",
                str(KEEP_ALIVE_SECONDS),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://{host}:{port}"
    try:
        deadline = time.monotonic() + PROCESS_STARTUP_TIMEOUT
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"API process exited at start-up: {log_path.read_text()[-2000:]}")
            try:
                if httpx.get(f"{base_url}/readyz", timeout=2.0).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"API process at {base_url} not ready after {PROCESS_STARTUP_TIMEOUT}s")
            time.sleep(0.1)
        settings = Settings(
            env="test",
            database_url=database_url,
            bootstrap_admin_key=admin_key,
            log_level="WARNING",
        )
        yield RunningServer(
            base_url,
            settings=settings,
            admin_key=admin_key,
            database_url=settings.database_url,
            db_path=db_path,
            app=None,
            process=process,
            log_path=log_path,
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _wait_ready(base_url: str, thread: threading.Thread, path: str) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    last = "no answer"
    while time.monotonic() < deadline:
        if not thread.is_alive():
            raise RuntimeError("test server thread died during startup")
        try:
            reply = httpx.get(f"{base_url}{path}", timeout=2.0)
            if reply.status_code == 200:
                return
            last = f"{reply.status_code} {reply.text[:300]}"
        except httpx.HTTPError as exc:
            last = repr(exc)
        time.sleep(0.05)
    raise RuntimeError(f"test server at {base_url} not ready after {STARTUP_TIMEOUT}s: {last}")


def _factory() -> Iterator[Callable[..., RunningServer]]:
    stack: list[Any] = []

    def start(**overrides: Any) -> RunningServer:
        manager = start_server(None, **overrides)
        server = manager.__enter__()
        stack.append(manager)
        return server

    try:
        yield start
    finally:
        while stack:
            stack.pop().__exit__(None, None, None)


@pytest.fixture
def server_factory() -> Iterator[Callable[..., RunningServer]]:
    """`server_factory(routers=None, wait_ready=True, **settings) -> RunningServer`.

    Servers are stopped when the test ends."""
    yield from _factory()


@pytest.fixture(scope="module")
def module_server_factory() -> Iterator[Callable[..., RunningServer]]:
    """Like server_factory, but servers live for the whole test module (cheaper)."""
    yield from _factory()


@pytest.fixture(scope="module")
def live_server(module_server_factory: Callable[..., RunningServer]) -> RunningServer:
    """One default server per test module (rate limits off so tests do not throttle each other)."""
    return module_server_factory(rate_limit_enabled=False)


# Clients


def _nonce(base_url: str) -> dict:
    reply = httpx.post(f"{base_url}/v2/auth/nonce", timeout=30.0)
    reply.raise_for_status()
    return reply.json()


def siwe_message(base_url: str, address: str, **fields: Any) -> str:
    """A fresh EIP-4361 message for `address` built from a server nonce; `fields` override any part."""
    issued = _nonce(base_url)
    now = datetime.now(UTC).replace(microsecond=0)
    values: dict[str, Any] = {
        "domain": issued["domain"],
        "address": address,
        "statement": issued["statement"],
        "uri": issued["uri"],
        "chain_id": issued["chainId"],
        "nonce": issued["nonce"],
        "issued_at": now,
        "expiration_time": now + timedelta(minutes=10),
    }
    values.update(fields)
    return build_message(**values)


def sign_message(account: Any, message: str) -> str:
    signature = account.sign_message(encode_defunct(text=message)).signature.hex()
    return signature if signature.startswith("0x") else "0x" + signature


def siwe_login(base_url: str, account: Any, **fields: Any) -> str:
    """Sign in `account` (an eth_account LocalAccount) with SIWE; returns the bearer token."""
    message = siwe_message(base_url, account.address, **fields)
    reply = httpx.post(
        f"{base_url}/v2/auth/siwe",
        json={"message": message, "signature": sign_message(account, message)},
        timeout=30.0,
    )
    if reply.status_code != 200:
        raise AssertionError(f"sign-in failed: {reply.status_code} {reply.text}")
    return reply.json()["accessToken"]


def auth_headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def create_operator_key(server: RunningServer, *roles: str, name: str | None = None) -> str:
    """Create an operator API key with `roles` through the admin API; returns the key for X-API-Key."""
    body = {"name": name or f"test-{'-'.join(roles)}-{secrets.token_hex(3)}", "roles": list(roles)}
    reply = httpx.post(
        f"{server}/v2/admin/api-keys", headers={"X-API-Key": server.admin_key}, json=body, timeout=30.0
    )
    if reply.status_code != 201:
        raise AssertionError(f"API key creation failed: {reply.status_code} {reply.text}")
    return reply.json()["key"]
