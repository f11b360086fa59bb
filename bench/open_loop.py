"""Open-loop load: requests at a fixed rate, whatever the server's pace, from one asyncio event loop.

Each request's latency runs from its scheduled start, not from when a connection got to send it, so a
server that falls behind shows it (no coordinated omission). The client is deliberately thin: the
request's bytes are built once, each keep-alive connection is a pair of asyncio streams, and a response
is read by its status line and Content-Length. A thread per connection with a full HTTP client (as
`run_load` uses) spent enough time waiting for the GIL under ~800 requests/s on two cores to put 200 ms
into the measured p99 on its own; here one thread schedules every request.

    from bench.open_loop import run_open_loop
    result = run_open_loop("http://127.0.0.1:8000/healthz", rate=500, duration=10)
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from urllib.parse import urlsplit

from bench.load import LoadResult, _loopback_only, _summarize


class _Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def exchange(self, request: bytes) -> int:
        """Sends one request and reads its whole response; the status code."""
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length, close = 0, False
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value.strip())
            elif name == b"connection" and value.strip().lower() == b"close":
                close = True
            elif name == b"transfer-encoding":
                raise RuntimeError("chunked responses are not read by this client")
        if length:
            await self.reader.readexactly(length)
        if close:
            self.close()
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def _request_bytes(url: str, method: str, json_body, headers: dict | None) -> tuple[str, int, bytes]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    body = json.dumps(json_body).encode() if json_body is not None else b""
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}:{port}", "Accept: application/json"]
    if json_body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return host, port, ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _run(
    url: str, rate: float, duration: float, method: str, json_body, headers, connections: int
) -> tuple[list[float], Counter[str], float]:
    host, port, request = _request_bytes(url, method, json_body, headers)
    idle: asyncio.Queue[_Connection] = asyncio.Queue()
    pool = [_Connection(host, port) for _ in range(connections)]
    for connection in pool:
        idle.put_nowait(connection)
    for connection in pool[:4]:  # warm connections and the server's lazy paths
        await connection.exchange(request)
    total = max(1, int(rate * duration))
    interval = 1.0 / rate
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    loop = asyncio.get_running_loop()

    async def one(scheduled: float) -> None:
        connection = await idle.get()
        try:
            statuses[str(await connection.exchange(request))] += 1
        except (OSError, asyncio.IncompleteReadError, RuntimeError, ValueError) as exc:
            connection.close()
            statuses[type(exc).__name__] += 1
        finally:
            idle.put_nowait(connection)
        latencies.append(loop.time() - scheduled)

    t0 = loop.time() + 0.05
    tasks = []
    for n in range(total):
        scheduled = t0 + n * interval
        delay = scheduled - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(scheduled)))
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=duration + 60)
    elapsed = loop.time() - t0
    for connection in pool:
        connection.close()
    return latencies, statuses, elapsed


def run_open_loop(
    url: str,
    *,
    rate: float,
    duration: float = 10.0,
    method: str = "GET",
    json_body=None,
    headers: dict | None = None,
    connections: int = 64,
    ok_statuses: tuple[int, ...] = (200, 201),
) -> LoadResult:
    """`rate` requests per second for `duration` seconds; `connections` bounds the requests in flight."""
    _loopback_only(url)
    started = time.perf_counter()
    latencies, statuses, elapsed = asyncio.run(
        _run(url, rate, duration, method, json_body, headers, connections)
    )
    result = LoadResult(
        url=url, method=method, requested=max(1, int(rate * duration)), concurrency=connections
    )
    result.elapsed_s = elapsed or (time.perf_counter() - started)
    _summarize(result, latencies, statuses, ok_statuses)
    return result
