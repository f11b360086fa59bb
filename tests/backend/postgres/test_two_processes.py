"""Two API processes on one PostgreSQL database behave as one service: what each process remembers
between requests (rate limits, SIWE nonces, sign-outs, idempotency keys) lives in the database, so
spreading a client's requests over both changes nothing."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import httpx
import pytest
from eth_account import Account

from tests.support.postgres import fresh_database
from tests.support.server import (
    RunningServer,
    auth_headers,
    sign_message,
    siwe_login,
    siwe_message,
    start_server_process,
)

# Both processes serve one site, as behind a load balancer.
SITE = {"siwe_domain": "peerlend.test", "siwe_uri": "https://peerlend.test"}


@pytest.fixture(scope="module")
def pair(postgres_server, tmp_path_factory) -> Iterator[tuple[RunningServer, RunningServer]]:
    # Four submissions a minute per wallet; sign-in is left loose, as the other tests sign in.
    limits = json.dumps({"signin": "600/minute", "submit": "4/minute", "default": "600/minute"})
    admin_key = "plk_test_" + uuid.uuid4().hex
    common = {"admin_key": admin_key, "rate_limits": limits, **SITE}
    # The first process migrates the fresh database; the second starts once it is ready.
    with fresh_database(postgres_server) as url:
        with start_server_process(tmp_path_factory.mktemp("a"), database_url=url, **common) as a:
            with start_server_process(tmp_path_factory.mktemp("b"), database_url=url, **common) as b:
                yield a, b


def test_a_rate_limit_counts_requests_to_either_process(pair):
    a, b = pair
    token = siwe_login(str(a), Account.create())
    # The limit is checked before the body is: each of these counts, valid or not.
    codes = [
        httpx.post(f"{server}/v2/suitability", headers=auth_headers(token), json={}).status_code
        for server in (a, b, a, b, a, b)
    ]
    assert codes == [422, 422, 422, 422, 429, 429]


def test_a_nonce_is_spent_once_whichever_process_sees_it(pair):
    a, b = pair
    wallet = Account.create()
    message = siwe_message(str(a), wallet.address)  # nonce issued by A
    body = {"message": message, "signature": sign_message(wallet, message)}
    first = httpx.post(f"{b}/v2/auth/siwe", json=body)  # spent at B
    assert first.status_code == 200, first.text
    replay = httpx.post(f"{a}/v2/auth/siwe", json=body)  # and refused at A
    assert replay.status_code == 401
    assert replay.json()["type"].endswith("siwe-nonce-used")


def test_signing_out_at_one_process_ends_the_session_at_both(pair):
    a, b = pair
    token = siwe_login(str(a), Account.create())
    assert httpx.get(f"{b}/v2/auth/me", headers=auth_headers(token)).status_code == 200
    assert httpx.post(f"{a}/v2/auth/signout", headers=auth_headers(token)).status_code == 204
    assert httpx.get(f"{b}/v2/auth/me", headers=auth_headers(token)).status_code == 401


def test_an_idempotency_key_replays_at_the_other_process(pair):
    a, b = pair
    headers = {"X-API-Key": a.admin_key, "Idempotency-Key": f"key-{uuid.uuid4().hex}"}
    body = {"name": f"ops-{uuid.uuid4().hex[:6]}", "roles": ["reviewer"]}
    first = httpx.post(f"{a}/v2/admin/api-keys", headers=headers, json=body)
    assert first.status_code == 201, first.text
    again = httpx.post(f"{b}/v2/admin/api-keys", headers=headers, json=body)
    assert again.status_code == 201
    assert again.headers.get("idempotent-replayed") == "true"
    assert again.json() == first.json()
