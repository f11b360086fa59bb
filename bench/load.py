"""A small, bounded HTTP load generator: a fixed number of requests at a fixed concurrency, hard time cap.

Threads, each with its own keep-alive httpx client, take request numbers from a shared counter until
`requests` have been issued or `time_cap` seconds have passed. Latency is measured per request from
send to last body byte. Loopback only: the target must be 127.0.0.1.

    from bench.load import run_load
    result = run_load("http://127.0.0.1:8000/healthz", requests=2000, concurrency=16)
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

import httpx


@dataclass
class LoadResult:
    url: str
    method: str
    requested: int
    concurrency: int
    completed: int = 0
    ok: int = 0
    errors: int = 0
    status_counts: dict[str, int] = field(default_factory=dict)
    elapsed_s: float = 0.0
    rps: float = 0.0
    ok_rps: float = 0.0  # successful answers per second (a 503 is an answer, not service)
    p50_ms: float = 0.0
    p90_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    mean_ms: float = 0.0
    capped: bool = False  # the time cap stopped the run before `requested` requests
    first_error: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list (q in 0..100)."""
    if not sorted_values:
        return 0.0
    rank = max(1, min(len(sorted_values), -(-len(sorted_values) * q // 100)))
    return sorted_values[int(rank) - 1]


def _loopback_only(url: str) -> None:
    host = urlsplit(url).hostname
    if host != "127.0.0.1":
        raise ValueError(f"load is generated on loopback only (127.0.0.1), not {host!r}")


def run_load(
    url: str,
    *,
    method: str = "GET",
    requests: int = 2000,
    concurrency: int = 16,
    time_cap: float = 60.0,
    json_body=None,
    headers: dict | None = None,
    warmup: int = 50,
    ok_statuses: tuple[int, ...] = (200, 201),
) -> LoadResult:
    _loopback_only(url)
    result = LoadResult(url=url, method=method, requested=requests, concurrency=concurrency)
    clients = [httpx.Client(timeout=30.0, headers=headers or {}) for _ in range(concurrency)]
    try:
        # Warm-up (connections, caches, lazy imports) is not measured.
        for i in range(min(warmup, requests)):
            clients[i % concurrency].request(method, url, json=json_body)

        counter = itertools.count()
        lock = threading.Lock()
        latencies: list[float] = []
        statuses: Counter[str] = Counter()
        deadline = time.monotonic() + time_cap
        stop = threading.Event()

        def worker(client: httpx.Client) -> None:
            local_lat: list[float] = []
            local_status: Counter[str] = Counter()
            first_error = None
            while not stop.is_set():
                with lock:
                    n = next(counter)
                if n >= requests:
                    break
                if time.monotonic() > deadline:
                    stop.set()
                    break
                started = time.perf_counter()
                try:
                    reply = client.request(method, url, json=json_body)
                    _ = reply.content
                    local_status[str(reply.status_code)] += 1
                    if reply.status_code not in ok_statuses and first_error is None:
                        first_error = f"{reply.status_code} {reply.text[:300]}"
                except httpx.HTTPError as exc:
                    local_status[type(exc).__name__] += 1
                    first_error = first_error or repr(exc)
                local_lat.append(time.perf_counter() - started)
            with lock:
                latencies.extend(local_lat)
                statuses.update(local_status)
                if first_error and result.first_error is None:
                    result.first_error = first_error

        threads = [threading.Thread(target=worker, args=(c,), daemon=True) for c in clients]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join(time_cap + 35)
        result.elapsed_s = time.perf_counter() - started
    finally:
        for c in clients:
            c.close()

    _summarize(result, latencies, statuses, ok_statuses)
    result.capped = result.completed < requests
    return result


def _summarize(
    result: LoadResult, latencies: list[float], statuses: Counter, ok_statuses: tuple[int, ...]
) -> None:
    """Counts, rates and latency percentiles of a finished run (`result.elapsed_s` already set)."""
    latencies.sort()
    result.completed = len(latencies)
    result.status_counts = dict(sorted(statuses.items()))
    result.ok = sum(v for k, v in statuses.items() if k.isdigit() and int(k) in ok_statuses)
    result.errors = result.completed - result.ok
    result.rps = round(result.completed / result.elapsed_s, 1) if result.elapsed_s else 0.0
    result.ok_rps = round(result.ok / result.elapsed_s, 1) if result.elapsed_s else 0.0
    ms = [x * 1000 for x in latencies]
    result.p50_ms = round(percentile(ms, 50), 2)
    result.p90_ms = round(percentile(ms, 90), 2)
    result.p99_ms = round(percentile(ms, 99), 2)
    result.max_ms = round(ms[-1], 2) if ms else 0.0
    result.mean_ms = round(sum(ms) / len(ms), 2) if ms else 0.0
