"""Soak section (`--sections soak`, not in the default run): the API under steady mixed load for a few
minutes, its resident memory and database size sampled, to tell a leak from a warm-up.

Eight client threads cycle through GET /v2/loans?limit=50, GET /v2/loans/{id} and one scoring request,
against one uvicorn worker on SQLite seeded as the API section seeds it. Growth is given after the first
sample (imports, caches and pools fill in the first seconds).
"""

from __future__ import annotations

import threading
import time

import httpx

from bench.api import SEED_LOANS, ApiServer, scoring_request, seed_loans

SAMPLE_EVERY = 15.0


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return 0.0


def run(duration: float = 300.0, clients: int = 8) -> dict:
    with ApiServer() as server:
        seed_loans(server.database_url, SEED_LOANS)
        headers = {"X-API-Key": server.operator_key()}
        path, body = scoring_request(httpx.get(f"{server.url}/openapi.json", timeout=30).json())
        stop = threading.Event()
        counts: list[int] = []
        failures: list[int] = []

        def client() -> None:
            http = httpx.Client(headers=headers, timeout=30)
            n = bad = 0
            while not stop.is_set():
                kind = n % 3
                if kind == 0:
                    reply = http.get(f"{server.url}/v2/loans?limit=50")
                elif kind == 1:
                    reply = http.get(f"{server.url}/v2/loans/{1 + n % SEED_LOANS}")
                else:
                    reply = http.post(f"{server.url}{path}", json=body)
                bad += reply.status_code >= 400
                n += 1
            http.close()
            counts.append(n)
            failures.append(bad)

        threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
        for t in threads:
            t.start()
        assert server.process is not None
        samples = []
        started = time.monotonic()
        while time.monotonic() - started < duration:
            db_mb = (server.workdir / "bench.db").stat().st_size / 1e6
            samples.append(
                {
                    "s": round(time.monotonic() - started),
                    "rss_mb": round(_rss_mb(server.process.pid), 1),
                    "db_mb": round(db_mb, 2),
                }
            )
            time.sleep(SAMPLE_EVERY)
        stop.set()
        for t in threads:
            t.join(35)
    first, last = samples[1] if len(samples) > 1 else samples[0], samples[-1]
    minutes = max((last["s"] - first["s"]) / 60, 1e-9)
    return {
        "duration_s": duration,
        "clients": clients,
        "requests": sum(counts),
        "failed": sum(failures),
        "rps": round(sum(counts) / duration, 1),
        "rss_growth_mb_per_min_after_warmup": round((last["rss_mb"] - first["rss_mb"]) / minutes, 3),
        "samples": samples,
    }
