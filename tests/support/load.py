"""A burst of concurrent HTTP requests against a running API, for the overload tests and `make bench`.

    result = burst(base_url, requests=[("GET", "/v2/loans", {}), ...], concurrency=200, seconds=3)

`concurrency` clients run at once, each sending the requests of the mix in turn (round robin, offset by
its index) until `seconds` have passed; every request has `timeout` seconds to be answered. The result
counts answers by status, times out, transport errors and answers that broke the rules the caller checks.
One asyncio loop drives every client, so the load generator needs no thread per connection.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

Request = tuple[str, str, dict[str, Any]]  # method, path, httpx keyword arguments (headers, json, ...)


@dataclass
class BurstResult:
    concurrency: int
    seconds: float
    sent: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    by_route: dict[str, Counter[str]] = field(default_factory=dict)
    timeouts: int = 0
    transport_errors: int = 0
    unavailable_without_retry_after: int = 0
    max_latency_s: float = 0.0
    samples: list[str] = field(default_factory=list)  # first few unexpected answers

    def as_dict(self) -> dict[str, Any]:
        return {
            "concurrency": self.concurrency,
            "seconds": round(self.seconds, 1),
            "sent": self.sent,
            "statuses": dict(sorted(self.statuses.items())),
            "by_route": {k: dict(sorted(v.items())) for k, v in sorted(self.by_route.items())},
            "timeouts": self.timeouts,
            "transport_errors": self.transport_errors,
            "unavailable_without_retry_after": self.unavailable_without_retry_after,
            "max_latency_s": round(self.max_latency_s, 3),
            "samples": self.samples,
        }


async def _client_loop(
    client: httpx.AsyncClient,
    index: int,
    mix: list[Request],
    deadline: float,
    timeout: float,
    result: BurstResult,
) -> None:
    n = index
    while time.monotonic() < deadline:
        method, path, kwargs = mix[n % len(mix)]
        n += 1
        route = f"{method} {path}"
        started = time.monotonic()
        try:
            reply = await asyncio.wait_for(client.request(method, path, **kwargs), timeout)
            status = str(reply.status_code)
            if reply.status_code == 503 and not reply.headers.get("retry-after"):
                result.unavailable_without_retry_after += 1
            if reply.status_code >= 500 and reply.status_code != 503 and len(result.samples) < 5:
                result.samples.append(f"{route} -> {reply.status_code} {reply.text[:200]}")
        except TimeoutError:
            status = "timeout"
            result.timeouts += 1
        except httpx.HTTPError as exc:
            status = type(exc).__name__
            result.transport_errors += 1
            if len(result.samples) < 5:
                result.samples.append(f"{route} -> {exc!r}")
        result.max_latency_s = max(result.max_latency_s, time.monotonic() - started)
        result.sent += 1
        result.statuses[status] += 1
        result.by_route.setdefault(route, Counter())[status] += 1


async def _burst(base_url: str, mix: list[Request], concurrency: int, seconds: float, timeout: float):
    result = BurstResult(concurrency=concurrency, seconds=seconds)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=timeout + 5) as client:
        started = time.monotonic()
        deadline = started + seconds
        await asyncio.gather(
            *(_client_loop(client, i, mix, deadline, timeout, result) for i in range(concurrency))
        )
        result.seconds = time.monotonic() - started
    return result


def burst(
    base_url: str, mix: list[Request], *, concurrency: int = 200, seconds: float = 3.0, timeout: float = 20.0
) -> BurstResult:
    """Run the burst to its end (at most `seconds` + `timeout`) and return what came back."""
    return asyncio.run(_burst(base_url, mix, concurrency, seconds, timeout))
