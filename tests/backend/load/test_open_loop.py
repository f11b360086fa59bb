"""The open-loop generator `make bench` reports latency with: every scheduled request is sent and
answered, a POST carries its JSON body, and a server that stalls shows in the latency it reports."""

import asyncio
import time

from fastapi import APIRouter

from bench.open_loop import run_open_loop
from tests.support.server import start_server

stall = APIRouter()


@stall.get("/test/stall")
async def stalled() -> dict:
    await asyncio.sleep(0.2)
    return {"ok": True}


def test_every_scheduled_request_is_answered(live_server):
    result = run_open_loop(f"{live_server}/healthz", rate=100, duration=1.0)
    assert result.completed == result.ok == 100 and result.status_counts == {"200": 100}
    assert 0.9 < result.elapsed_s < 3 and result.p50_ms < 200


def test_a_post_carries_its_body(live_server):
    result = run_open_loop(f"{live_server}/v2/auth/nonce", rate=20, duration=0.5, method="POST", json_body={})
    assert result.completed == result.ok == 10 and result.errors == 0


def test_a_stalling_server_shows_in_the_latency():
    with start_server(routers=[stall], rate_limit_enabled=False) as server:
        started = time.perf_counter()
        # Two connections for 20 requests at 20/s, each taking 200 ms: they queue, and the latency from
        # each request's scheduled start grows past the 200 ms a request takes.
        result = run_open_loop(f"{server}/test/stall", rate=20, duration=1.0, connections=2)
        assert result.completed == 20 and time.perf_counter() - started >= 2.0
        assert result.p50_ms >= 200 and result.max_ms > 1000
