"""Idempotency-Key on creating POSTs: replay, conflict, per-caller scope, failures released."""

import uuid

import httpx
from eth_account import Account

from tests.backend.core.routes import router
from tests.support.server import auth_headers, siwe_login


def _post(server, path, body, key, **headers):
    return httpx.post(f"{server}{path}", json=body, headers={"Idempotency-Key": key, **headers})


def test_same_key_same_body_replays_the_first_response(server):
    key = str(uuid.uuid4())
    first = _post(server, "/v2/_test/things", {"name": "a", "amount": 5}, key)
    second = _post(server, "/v2/_test/things", {"amount": 5, "name": "a"}, key)  # same JSON, other order
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert second.headers["content-type"] == "application/json"


def test_same_key_different_body_is_refused(server):
    key = str(uuid.uuid4())
    assert _post(server, "/v2/_test/things", {"name": "a"}, key).status_code == 201
    reply = _post(server, "/v2/_test/things", {"name": "b"}, key)
    assert reply.status_code == 422
    assert reply.json()["type"] == "idempotency-key-reused"


def test_same_key_on_another_route_is_refused(server):
    key = str(uuid.uuid4())
    assert _post(server, "/v2/_test/things", {"name": "a"}, key).status_code == 201
    assert _post(server, "/v2/_test/failing-things", {"name": "a"}, key).status_code == 422


def test_without_key_every_request_creates(server):
    first = httpx.post(f"{server}/v2/_test/things", json={"name": "a"}).json()
    second = httpx.post(f"{server}/v2/_test/things", json={"name": "a"}).json()
    assert first["id"] != second["id"]


def test_keys_are_scoped_to_the_caller(server):
    key = str(uuid.uuid4())
    alice, bob = siwe_login(server, Account.create()), siwe_login(server, Account.create())
    a = _post(server, "/v2/_test/wallet-things", {"name": "x"}, key, **auth_headers(alice))
    b = _post(server, "/v2/_test/wallet-things", {"name": "x"}, key, **auth_headers(bob))
    assert a.status_code == b.status_code == 201
    assert a.json()["id"] != b.json()["id"] and a.json()["owner"] != b.json()["owner"]
    again = _post(server, "/v2/_test/wallet-things", {"name": "x"}, key, **auth_headers(alice))
    assert again.json() == a.json()


def test_required_key_is_enforced(server):
    token = siwe_login(server, Account.create())
    reply = httpx.post(f"{server}/v2/_test/wallet-things", json={"name": "x"}, headers=auth_headers(token))
    assert reply.status_code == 428 and reply.json()["type"] == "idempotency-key-required"


def test_failed_request_releases_the_key(server):
    key = str(uuid.uuid4())
    failed = _post(server, "/v2/_test/failing-things", {"name": "a", "amount": -1}, key)
    assert failed.status_code == 422 and failed.json()["type"] == "negative-amount"
    # The failure was not remembered: the corrected request with the same key goes through.
    fixed = _post(server, "/v2/_test/failing-things", {"name": "a", "amount": 1}, key)
    assert fixed.status_code == 201


def test_malformed_key_is_refused(server):
    reply = _post(server, "/v2/_test/things", {"name": "a"}, "spaces are not allowed")
    assert reply.status_code == 422 and reply.json()["type"] == "invalid-idempotency-key"


def test_admin_key_creation_is_idempotent(server):
    key = str(uuid.uuid4())
    headers = {"X-API-Key": server.admin_key}
    first = _post(server, "/v2/admin/api-keys", {"name": "once", "roles": ["reviewer"]}, key, **headers)
    second = _post(server, "/v2/admin/api-keys", {"name": "once", "roles": ["reviewer"]}, key, **headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    listing = httpx.get(
        f"{server}/v2/admin/audit", params={"action": "auth.api_key.created"}, headers=headers
    )
    assert sum(1 for e in listing.json()["items"] if e["after"]["key_name"] == "once") == 1


def test_immediate_retry_is_replayed_not_in_progress(server):
    # The stored response must be in place before the client has the first response.
    for _ in range(20):
        key = str(uuid.uuid4())
        first = _post(server, "/v2/_test/things", {"name": "fast"}, key)
        second = _post(server, "/v2/_test/things", {"name": "fast"}, key)
        assert second.status_code == 201 and second.json() == first.json()


def test_concurrent_requests_with_one_key_create_once(server):
    from concurrent.futures import ThreadPoolExecutor

    key = str(uuid.uuid4())
    with ThreadPoolExecutor(8) as pool:
        replies = list(pool.map(lambda _: _post(server, "/v2/_test/things", {"name": "race"}, key), range(8)))
    created = {r.json()["id"] for r in replies if r.status_code == 201}
    assert len(created) == 1
    assert {r.status_code for r in replies} <= {201, 409}
    assert all(r.json()["type"] == "idempotency-key-in-use" for r in replies if r.status_code == 409)


def test_expired_records_are_purged(server_factory):
    from sqlalchemy import func, select

    from backend.core.models import IdempotencyRecord

    short = server_factory(idempotency_ttl_seconds=0, routers=[router])
    for i in range(3):
        assert _post(short, "/v2/_test/things", {"name": "a"}, f"k{i}").status_code == 201
    with short.session() as session:
        # Each new reservation removed the expired ones before it.
        assert session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 1
    # An expired key is a new request, not a replay.
    again = _post(short, "/v2/_test/things", {"name": "a"}, "k0")
    assert again.status_code == 201 and "idempotent-replayed" not in again.headers
