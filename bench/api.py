"""API section: requests per second and p50/p99 latency of the scoring and loan-list endpoints under a
real uvicorn server, with /healthz in the same run as the framework's ceiling.

The server runs as its own process (one uvicorn worker, development settings, rate limits off, a fresh
SQLite file in a temporary directory); the load generator runs in this process on the same machine, so
on a 2-core box client and server share the CPU and the figures are a floor, not a capacity estimate.
The loan read model is seeded with `SEED_LOANS` loans so the list endpoint pages over real rows.

The public read-model routes (loan list, loan page, offer book) answer repeated requests from the read
cache while the index does not move (backend/core/read_cache.py), as they do in a live deployment
between two blocks; `uncached` measures them again with the cache off, which is what each request costs
when the index moves between every two of them.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.load import run_load
from bench.open_loop import run_open_loop

ROOT = Path(__file__).resolve().parents[1]
SEED_LOANS = 500
ALL_ROLES = ["admin", "reviewer", "compliance", "oracle"]
# Used only if the OpenAPI document carries no example application (German Credit attribute names).
FALLBACK_ATTRIBUTES = {
    "status_of_existing_checking_account": "no checking account",
    "age_in_years": 35,
    "job": "skilled employee / official",
    "savings_account_and_bonds": "... < 100 DM",
    "duration_in_month": 12,
    "credit_amount": 2500,
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ApiServer:
    """`with ApiServer() as server:` a uvicorn subprocess on a free loopback port with its own database."""

    def __init__(self, extra_env: dict[str, str] | None = None):
        self.workdir = Path(tempfile.mkdtemp(prefix="peerlend-bench-"))
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.admin_key = "plk_bench_" + secrets.token_urlsafe(24)
        self.database_url = f"sqlite:///{self.workdir / 'bench.db'}"
        self.env = dict(os.environ)
        self.env.update(
            {
                "PEERLEND_ENV": "development",
                "PEERLEND_DATABASE_URL": self.database_url,
                "PEERLEND_BOOTSTRAP_ADMIN_KEY": self.admin_key,
                "PEERLEND_RATE_LIMIT_ENABLED": "false",
                "PEERLEND_LOG_LEVEL": "WARNING",
                "PEERLEND_PORT": str(self.port),
                "PEERLEND_SIWE_DOMAIN": f"127.0.0.1:{self.port}",
                "PEERLEND_SIWE_URI": self.url,
            }
        )
        self.env.pop("DATABASE_URL", None)
        self.env.update(extra_env or {})
        self.process: subprocess.Popen | None = None
        self.log_path = self.workdir / "api.log"

    def __enter__(self) -> ApiServer:
        log = self.log_path.open("w")
        self.process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            [
                sys.executable,
                "-m",
                "uvicorn",
                "backend.app:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                "1",
                "--no-access-log",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"API exited at start-up: {self.log_path.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError("API not ready within 60 s")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def operator_key(self) -> str:
        reply = httpx.post(
            f"{self.url}/v2/admin/api-keys",
            headers={"X-API-Key": self.admin_key},
            json={"name": "bench", "roles": ALL_ROLES},
            timeout=30,
        )
        reply.raise_for_status()
        return reply.json()["key"]


def seed_loans(database_url: str, count: int) -> int:
    """Loan read-model rows as the indexer would write them (varied grade, term, status)."""
    from sqlalchemy import func, select

    from backend.chain.indexer.models import ChainCheckpoint
    from backend.db.session import create_db_engine, make_sessionmaker
    from backend.loans.models import LoanView

    statuses = ["listed", "listed", "active", "active", "active", "repaid", "defaulted"]
    engine = create_db_engine(database_url)
    try:
        with make_sessionmaker(engine)() as session:
            now = int(time.time())
            for i in range(1, count + 1):
                principal = (500 + 37 * i % 20_000) * 10**6
                session.add(
                    LoanView(
                        loan_id=i,
                        borrower="0x" + f"{i:040x}",
                        status=statuses[i % len(statuses)],
                        principal=principal,
                        term=(6, 12, 24, 36)[i % 4],
                        period_seconds=30 * 86_400,
                        rate_bps=600 + (i % 7) * 250,
                        grade=1 + i % 6,
                        funded=principal if i % 3 else principal // 2,
                        lenders=1 + i % 40,
                        collateral_token=None,
                        collateral_amount="0",
                        listing_deadline=now + 14 * 86_400,
                        listed_at=now - i * 600,
                        updated_block=i,
                    )
                )
            # the indexer's checkpoint: the index version the read cache keys its answers on
            session.add(
                ChainCheckpoint(
                    name="main", chain_id=31337, last_block=count, last_block_hash="0x" + "ab" * 32
                )
            )
            session.commit()
            return session.scalar(select(func.count()).select_from(LoanView)) or 0
    finally:
        engine.dispose()


def _paths(openapi: dict) -> dict:
    return openapi.get("paths", {})


def scoring_request(openapi: dict) -> tuple[str, dict]:
    """(path, JSON body) for scoring one application: a single-scoring endpoint if the API has one,
    else the batch endpoint with one item."""
    schemas = openapi.get("components", {}).get("schemas", {})
    example = (schemas.get("LoanApplicationCreate", {}).get("example") or {}).get("attributes")
    attributes = example or FALLBACK_ATTRIBUTES
    paths = _paths(openapi)
    for path in ("/v2/risk/score", "/v2/risk/scores"):
        if "post" in paths.get(path, {}):
            return path, {"attributes": attributes}
    if "post" in paths.get("/v2/risk/score/batch", {}):
        return "/v2/risk/score/batch", {"items": [{"ref": "bench", "attributes": attributes}]}
    raise RuntimeError("no scoring endpoint (POST /v2/risk/score/batch) in the API yet")


# Endpoints measured at a fixed rate of half what they served at the first concurrency, for p99.
OPEN_LOOP = ("POST /v2/risk/score/batch (1 application)", "GET /v2/loans", "GET /v2/loans/{id}")
OPEN_LOOP_SECONDS = 10.0


def _targets(server: ApiServer, openapi: dict, headers: dict) -> list[tuple[str, dict]]:
    """(name, run_load arguments) of every endpoint measured, /healthz first."""
    targets: list[tuple[str, dict]] = [("GET /healthz", {"url": f"{server.url}/healthz"})]
    path, body = scoring_request(openapi)
    targets.append(
        (
            f"POST {path} (1 application)",
            {"url": f"{server.url}{path}", "method": "POST", "json_body": body, "headers": headers},
        )
    )
    if "get" not in _paths(openapi).get("/v2/loans", {}):
        raise RuntimeError("no GET /v2/loans in the API yet")
    targets.append(("GET /v2/loans", {"url": f"{server.url}/v2/loans?limit=50", "headers": headers}))
    # one loan's page: the read model, its schedule and repayments (no chain configured: no live figures)
    targets.append(
        ("GET /v2/loans/{id}", {"url": f"{server.url}/v2/loans/{SEED_LOANS // 2}", "headers": headers})
    )
    # the offer book: three joined read models filtered at the index's clock
    targets.append(("GET /v2/market/offers", {"url": f"{server.url}/v2/market/offers?sort=price"}))
    return targets


def _ratios(endpoints: dict) -> dict:
    # The load generator shares the cores with the server, so a bare rate says little across machines:
    # each endpoint's throughput is also given as a share of the trivial /healthz measured in this run.
    # Successful answers only: under overload a 503 is quick, and counting it would flatter the ratio.
    base = endpoints.get("GET /healthz", {}).get("ok_rps") or 0
    return {
        name: round(figures.get("ok_rps", 0) / base, 3) if base else None
        for name, figures in endpoints.items()
        if name != "GET /healthz"
    }


def _uncached(requests: int, concurrency: int, time_cap: float, errors: list[str]) -> dict:
    """The read-model routes with the read cache off (`PEERLEND_READ_CACHE_ENTRIES=0`): what every
    request costs when the index moves between any two of them, and what the first request after a
    block costs."""
    out: dict = {"server": "as above, read cache off", "endpoints": {}}
    with ApiServer({"PEERLEND_READ_CACHE_ENTRIES": "0"}) as server:
        openapi = httpx.get(f"{server.url}/openapi.json", timeout=30).json()
        headers = {"X-API-Key": server.operator_key()}
        seed_loans(server.database_url, SEED_LOANS)
        for name, arguments in _targets(server, openapi, headers):
            if name.startswith("POST"):
                continue  # scoring is never cached: measured above
            try:
                result = run_load(requests=requests, concurrency=concurrency, time_cap=time_cap, **arguments)
            except Exception as exc:
                errors.append(f"{name} uncached: {exc}")
                continue
            out["endpoints"][name] = result.as_dict()
    out["throughput_ratio_to_healthz"] = _ratios(out["endpoints"])
    return out


def run(
    requests: int = 2000, concurrency: int = 16, time_cap: float = 90.0, high_concurrency: int = 100
) -> dict:
    out: dict = {
        "server": "uvicorn, 1 worker, SQLite (WAL), rate limits off, loopback",
        "load": {"requests": requests, "concurrency": concurrency, "time_cap_s": time_cap},
        "cpus": os.cpu_count(),
        "endpoints": {},
        "by_concurrency": {},
    }
    errors = []
    with ApiServer() as server:
        openapi = httpx.get(f"{server.url}/openapi.json", timeout=30).json()
        headers = {"X-API-Key": server.operator_key()}
        try:
            out["seeded_loans"] = seed_loans(server.database_url, SEED_LOANS)
        except Exception as exc:
            out["seed_error"] = repr(exc)
        try:
            targets = _targets(server, openapi, headers)
        except Exception as exc:
            out["error"] = str(exc)
            return out
        for level in (concurrency, high_concurrency):
            endpoints: dict = {}
            for name, arguments in targets:
                try:
                    result = run_load(requests=requests, concurrency=level, time_cap=time_cap, **arguments)
                except Exception as exc:
                    errors.append(f"{name} at {level}: {exc}")
                    continue
                endpoints[name] = result.as_dict()
                unexpected = {k: v for k, v in result.status_counts.items() if k not in ("200", "201", "503")}
                if unexpected:
                    errors.append(f"{name} at {level}: {unexpected}, first: {result.first_error}")
            out["by_concurrency"][str(level)] = {
                "endpoints": endpoints,
                "throughput_ratio_to_healthz": _ratios(endpoints),
            }
        first = out["by_concurrency"][str(concurrency)]
        out["endpoints"], out["throughput_ratio_to_healthz"] = (
            first["endpoints"],
            first["throughput_ratio_to_healthz"],
        )
        # Latency at a sustainable load: half the rate each endpoint served above, held for a while.
        open_loop: dict = {}
        for name, arguments in targets:
            if name not in OPEN_LOOP or name not in first["endpoints"]:
                continue
            rate = max(1.0, first["endpoints"][name]["rps"] / 2)
            result = run_open_loop(rate=rate, duration=OPEN_LOOP_SECONDS, **arguments)
            open_loop[name] = {"rate_rps": round(rate, 1), **result.as_dict()}
        out["open_loop_half_saturation"] = open_loop
    out["uncached"] = _uncached(requests, concurrency, time_cap, errors)
    if errors:
        out["error"] = "; ".join(errors)
    return out
