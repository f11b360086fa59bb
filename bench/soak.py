"""Soak section (`--sections soak`, not in the default run): the API under steady mixed load for a few
minutes, its resident memory, database size and throughput sampled, to tell a leak from a warm-up and
a slowdown from database growth.

Eight client threads cycle through GET /v2/loans?limit=50, GET /v2/loans/{id}, one scoring request and,
every fourth step, a new investor's onboarding: SIWE sign-in (nonce, signature), the suitability
questionnaire and a KYC application with an Idempotency-Key, each a write that stays (nonces, sessions,
encrypted personal data, audit rows, idempotency records). One uvicorn worker on SQLite, seeded as the
API section seeds it; no chain configured, so applications are not attested. Growth is given after the
first sample (imports, caches and pools fill in the first seconds).
"""

from __future__ import annotations

import secrets
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


def _onboard(base_url: str) -> list[httpx.Response]:
    """A new investor: sign in with a fresh wallet, answer the questionnaire, apply for KYC."""
    from eth_account import Account

    from tests.backend.kyc.kyc_support import CLASS_3_ANSWERS, submission
    from tests.support.server import auth_headers, siwe_login

    account = Account.create()
    with httpx.Client(
        base_url=base_url, timeout=30, headers=auth_headers(siwe_login(base_url, account))
    ) as wallet:
        answered = wallet.post("/v2/suitability", json=CLASS_3_ANSWERS)
        applied = wallet.post(
            "/v2/kyc/applications", json=submission(), headers={"Idempotency-Key": secrets.token_hex(8)}
        )
    return [answered, applied]  # and the nonce and sign-in, which siwe_login checked


def run(duration: float = 300.0, clients: int = 8) -> dict:
    with ApiServer() as server:
        seed_loans(server.database_url, SEED_LOANS)
        headers = {"X-API-Key": server.operator_key()}
        path, body = scoring_request(httpx.get(f"{server.url}/openapi.json", timeout=30).json())
        stop = threading.Event()
        counts: list[int] = []
        failures: list[int] = []

        done = [0]  # requests answered so far, across threads (sampled for throughput per interval)

        def client() -> None:
            http = httpx.Client(headers=headers, timeout=30)
            n = bad = step = 0
            while not stop.is_set():
                kind = step % 4
                step += 1
                if kind == 0:
                    replies = [http.get(f"{server.url}/v2/loans?limit=50")]
                elif kind == 1:
                    replies = [http.get(f"{server.url}/v2/loans/{1 + step % SEED_LOANS}")]
                elif kind == 2:
                    replies = [http.post(f"{server.url}{path}", json=body)]
                else:
                    replies = _onboard(server.url)
                answered = len(replies) + (2 if kind == 3 else 0)  # onboarding's nonce and sign-in too
                bad += sum(r.status_code >= 400 for r in replies)
                n += answered
                done[0] += answered
            http.close()
            counts.append(n)
            failures.append(bad)

        threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
        for t in threads:
            t.start()
        assert server.process is not None
        samples = []
        started = time.monotonic()
        last_done, last_at = 0, started
        while time.monotonic() - started < duration:
            db_mb = sum(p.stat().st_size for p in server.workdir.glob("bench.db*")) / 1e6  # with the WAL
            now, answered = time.monotonic(), done[0]
            samples.append(
                {
                    "s": round(now - started),
                    "rss_mb": round(_rss_mb(server.process.pid), 1),
                    "db_mb": round(db_mb, 2),
                    "rps": round((answered - last_done) / max(now - last_at, 1e-9), 1),
                }
            )
            last_done, last_at = answered, now
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
        "db_growth_mb_per_min": round((last["db_mb"] - first["db_mb"]) / minutes, 3),
        # throughput of the first and last full intervals: a fall as the database grows would show here
        "rps_first_interval": samples[2]["rps"] if len(samples) > 2 else None,
        "rps_last_interval": last["rps"],
        "samples": samples,
    }
