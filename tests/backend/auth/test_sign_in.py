"""Sign-In with Ethereum against the running app: one distinct 401 problem type per failure."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from eth_account import Account

from backend.auth.tokens import encode_token
from tests.support.server import auth_headers, sign_message, siwe_login, siwe_message


@pytest.fixture(scope="module")
def server(module_server_factory):
    return module_server_factory(rate_limit_enabled=False, chain_id=31337)


def _submit(server, message: str, signature: str) -> httpx.Response:
    return httpx.post(f"{server}/v2/auth/siwe", json={"message": message, "signature": signature})


def _assert_refused(reply: httpx.Response, kind: str) -> None:
    assert reply.status_code == 401, reply.text
    assert reply.headers["content-type"].startswith("application/problem+json")
    body = reply.json()
    assert body["type"] == f"siwe-{kind}"
    assert body["status"] == 401


def test_nonce_is_issued_with_expiry(server):
    reply = httpx.post(f"{server}/v2/auth/nonce")
    assert reply.status_code == 201
    body = reply.json()
    assert len(body["nonce"]) >= 16 and body["nonce"].isalnum()
    issued, expires = datetime.fromisoformat(body["issuedAt"]), datetime.fromisoformat(body["expiresAt"])
    assert timedelta(0) < expires - issued <= timedelta(seconds=server.settings.nonce_ttl_seconds)
    assert body["domain"] == server.settings.siwe_domain and body["chainId"] == 31337


def test_sign_in_returns_a_token_that_identifies_the_wallet(server):
    account = Account.create()
    token = siwe_login(server, account)
    reply = httpx.get(f"{server}/v2/auth/me", headers=auth_headers(token))
    assert reply.status_code == 200
    assert reply.json() == {"address": account.address}


def test_sign_in_response_carries_expiry(server):
    account = Account.create()
    message = siwe_message(server, account.address)
    reply = _submit(server, message, sign_message(account, message))
    body = reply.json()
    expires = datetime.fromisoformat(body["expiresAt"])
    assert body["tokenType"] == "bearer"
    assert body["address"] == account.address
    assert timedelta(0) < expires - datetime.now(UTC) <= timedelta(seconds=server.settings.token_ttl_seconds)


def test_replayed_nonce_is_refused(server):
    account = Account.create()
    message = siwe_message(server, account.address)
    signature = sign_message(account, message)
    assert _submit(server, message, signature).status_code == 200
    _assert_refused(_submit(server, message, signature), "nonce-used")


def test_wrong_domain_is_refused(server):
    account = Account.create()
    message = siwe_message(server, account.address, domain="evil.example.com")
    _assert_refused(_submit(server, message, sign_message(account, message)), "wrong-domain")


def test_wrong_chain_is_refused(server):
    account = Account.create()
    message = siwe_message(server, account.address, chain_id=1)
    _assert_refused(_submit(server, message, sign_message(account, message)), "wrong-chain")


def test_expired_message_is_refused(server):
    account = Account.create()
    past = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10)
    message = siwe_message(
        server, account.address, issued_at=past, expiration_time=past + timedelta(minutes=1)
    )
    _assert_refused(_submit(server, message, sign_message(account, message)), "expired")


def test_expired_nonce_is_refused(server_factory):
    short = server_factory(rate_limit_enabled=False, nonce_ttl_seconds=1)
    account = Account.create()
    message = siwe_message(short, account.address)
    import time

    time.sleep(1.2)
    _assert_refused(_submit(short, message, sign_message(account, message)), "expired")


def test_signature_by_another_wallet_is_refused(server):
    account, impostor = Account.create(), Account.create()
    message = siwe_message(server, account.address)
    _assert_refused(_submit(server, message, sign_message(impostor, message)), "bad-signature")


def test_signature_over_other_text_is_refused(server):
    account = Account.create()
    message = siwe_message(server, account.address)
    _assert_refused(_submit(server, message, sign_message(account, message + " ")), "bad-signature")


def test_garbage_signature_is_refused(server):
    account = Account.create()
    message = siwe_message(server, account.address)
    _assert_refused(_submit(server, message, "0x" + "ab" * 65), "bad-signature")


def test_unknown_nonce_is_refused(server):
    account = Account.create()
    message = siwe_message(server, account.address, nonce="NeverIssued12345")
    _assert_refused(_submit(server, message, sign_message(account, message)), "unknown-nonce")


def test_malformed_message_is_refused(server):
    account = Account.create()
    message = siwe_message(server, account.address).replace("Version: 1", "Version: 9")
    _assert_refused(_submit(server, message, sign_message(account, message)), "malformed-message")


def test_failed_attempt_does_not_burn_the_nonce(server):
    account, impostor = Account.create(), Account.create()
    message = siwe_message(server, account.address)
    _assert_refused(_submit(server, message, sign_message(impostor, message)), "bad-signature")
    assert _submit(server, message, sign_message(account, message)).status_code == 200


def test_sign_in_is_audited(server):
    account = Account.create()
    siwe_login(server, account)
    reply = httpx.get(
        f"{server}/v2/admin/audit",
        params={"actor": f"wallet:{account.address}"},
        headers={"X-API-Key": server.admin_key},
    )
    assert [e["action"] for e in reply.json()["items"]] == ["auth.signed_in"]


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer not-a-token", "Basic dXNlcjpwYXNz"])
def test_protected_route_requires_a_valid_token(server, header):
    headers = {"Authorization": header} if header else {}
    reply = httpx.get(f"{server}/v2/auth/me", headers=headers)
    assert reply.status_code == 401
    assert reply.json()["type"] in {"unauthenticated", "invalid-token"}
    assert reply.headers["www-authenticate"].startswith("Bearer")


def test_expired_token_is_refused(server):
    secret = server.settings.token_secret.get_secret_value()
    token, _ = encode_token(
        secret,
        Account.create().address,
        server.settings.siwe_domain,
        60,
        now=int(datetime.now(UTC).timestamp()) - 3600,
    )
    reply = httpx.get(f"{server}/v2/auth/me", headers=auth_headers(token))
    assert reply.status_code == 401 and reply.json()["type"] == "invalid-token"
    assert "expired" in reply.json()["detail"]


def test_tampered_token_is_refused(server):
    token = siwe_login(server, Account.create())
    header, payload, signature = token.split(".")
    forged = encode_token("some-other-secret", Account.create().address, server.settings.siwe_domain, 600)[0]
    tampered = f"{header}.{forged.split('.')[1]}.{signature}"
    reply = httpx.get(f"{server}/v2/auth/me", headers=auth_headers(tampered))
    assert reply.status_code == 401 and reply.json()["type"] == "invalid-token"


def test_token_of_another_deployment_is_refused(server):
    token, _ = encode_token(
        server.settings.token_secret.get_secret_value(), Account.create().address, "other.example.com", 600
    )
    assert httpx.get(f"{server}/v2/auth/me", headers=auth_headers(token)).status_code == 401


def test_signed_out_token_is_refused_and_other_sessions_stay(server):
    account = Account.create()
    token, other = siwe_login(server, account), siwe_login(server, account)
    assert httpx.get(f"{server}/v2/auth/me", headers=auth_headers(token)).status_code == 200
    reply = httpx.post(f"{server}/v2/auth/signout", headers=auth_headers(token))
    assert reply.status_code == 204 and reply.content == b""
    refused = httpx.get(f"{server}/v2/auth/me", headers=auth_headers(token))
    assert refused.status_code == 401 and refused.json()["type"] == "invalid-token"
    assert "signed out" in refused.json()["detail"]
    # signing out again is refused the same way; the wallet's other session is untouched
    assert httpx.post(f"{server}/v2/auth/signout", headers=auth_headers(token)).status_code == 401
    assert httpx.get(f"{server}/v2/auth/me", headers=auth_headers(other)).json()["address"] == account.address


def test_sign_out_requires_a_token_and_is_audited(server):
    assert httpx.post(f"{server}/v2/auth/signout").status_code == 401
    account = Account.create()
    httpx.post(f"{server}/v2/auth/signout", headers=auth_headers(siwe_login(server, account)))
    reply = httpx.get(
        f"{server}/v2/admin/audit",
        params={"actor": f"wallet:{account.address}"},
        headers={"X-API-Key": server.admin_key},
    )
    assert sorted(e["action"] for e in reply.json()["items"]) == ["auth.signed_in", "auth.signout"]


def test_sign_in_accepts_the_allow_listed_domains_only(server_factory):
    listed = server_factory(rate_limit_enabled=False, siwe_domains=["app.example", "beta.app.example"])
    nonce = httpx.post(f"{listed}/v2/auth/nonce").json()
    assert set(nonce["domains"]) == {listed.settings.siwe_domain, "app.example", "beta.app.example"}
    account = Account.create()
    token = siwe_login(listed, account, domain="app.example")
    assert httpx.get(f"{listed}/v2/auth/me", headers=auth_headers(token)).json()["address"] == account.address
    message = siwe_message(listed, account.address, domain="evil.example")
    reply = httpx.post(
        f"{listed}/v2/auth/siwe", json={"message": message, "signature": sign_message(account, message)}
    )
    assert reply.status_code == 401 and reply.json()["type"] == "siwe-wrong-domain"


def test_cors_answers_the_allow_listed_origins_only(server_factory):
    cors = server_factory(rate_limit_enabled=False, cors_origins=["https://app.example"])
    preflight = {"Access-Control-Request-Method": "GET"}
    allowed = httpx.options(f"{cors}/v2/loans", headers={"Origin": "https://app.example", **preflight})
    assert allowed.headers.get("access-control-allow-origin") == "https://app.example"
    other = httpx.get(f"{cors}/v2/loans", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    exposed = httpx.get(f"{cors}/v1/loans", headers={"Origin": "https://app.example"})
    assert "link" in exposed.headers["access-control-expose-headers"].lower()
