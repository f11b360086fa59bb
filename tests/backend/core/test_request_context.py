import re

import httpx


def test_request_id_is_echoed(server):
    reply = httpx.get(f"{server}/healthz", headers={"X-Request-ID": "client-abc.123"})
    assert reply.headers["x-request-id"] == "client-abc.123"


def test_request_id_is_generated_when_missing(server):
    first, second = httpx.get(f"{server}/healthz"), httpx.get(f"{server}/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", first.headers["x-request-id"])
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


def test_unsafe_request_id_is_replaced(server):
    reply = httpx.get(f"{server}/healthz", headers={"X-Request-ID": "a" * 500})
    assert reply.headers["x-request-id"] != "a" * 500
    reply = httpx.get(f"{server}/healthz", headers={"X-Request-ID": "<script>"})
    assert re.fullmatch(r"[0-9a-f]{32}", reply.headers["x-request-id"])


def test_request_id_is_on_errors_too(server):
    for reply in (
        httpx.get(f"{server}/nope", headers={"X-Request-ID": "r-404"}),
        httpx.get(f"{server}/v2/_test/boom", headers={"X-Request-ID": "r-500"}),
    ):
        assert reply.headers["x-request-id"] == reply.json()["requestId"]


def test_api_responses_are_not_cached(server):
    reply = httpx.post(f"{server}/v2/auth/nonce")
    assert reply.headers["cache-control"] == "no-store"
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert httpx.get(f"{server}/v2/nope").headers["cache-control"] == "no-store"
