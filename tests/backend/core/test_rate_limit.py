import httpx
import pytest
from eth_account import Account

from backend.core.models import RateLimitWindow
from backend.core.ratelimit import DatabaseWindowStorage, Rate, SharedRateLimiter, parse_rate
from tests.support.server import auth_headers, siwe_login


def test_submissions_are_limited_per_wallet_with_retry_after(server):
    alice, bob = siwe_login(server, Account.create()), siwe_login(server, Account.create())
    codes = [
        httpx.post(f"{server}/v2/_test/submissions", headers=auth_headers(alice)).status_code
        for _ in range(4)
    ]
    assert codes == [201, 201, 201, 429]
    refused = httpx.post(f"{server}/v2/_test/submissions", headers=auth_headers(alice))
    assert refused.status_code == 429
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["type"] == "rate-limited"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    # Another wallet has its own bucket.
    assert httpx.post(f"{server}/v2/_test/submissions", headers=auth_headers(bob)).status_code == 201


def test_authentication_answers_before_the_rate_limit(server):
    # Far past the wallet bucket's 3 a minute: a request without a valid token is a 401, never a 429.
    for headers in ({}, auth_headers("not-a-token")) * 4:
        reply = httpx.post(f"{server}/v2/_test/submissions", headers=headers)
        assert reply.status_code == 401, reply.text


def test_ip_limit(server):
    codes = [httpx.get(f"{server}/v2/_test/limited").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_sign_in_is_rate_limited(server_factory):
    strict = server_factory(rate_limits={"signin": "3/minute"})
    codes = [httpx.post(f"{strict}/v2/auth/nonce").status_code for _ in range(4)]
    assert codes == [201, 201, 201, 429]
    assert httpx.post(f"{strict}/v2/auth/siwe", json={"message": "x", "signature": "y"}).status_code == 429


def test_limits_can_be_disabled(server_factory):
    free = server_factory(rate_limit_enabled=False, rate_limits={"signin": "1/hour"})
    assert all(httpx.post(f"{free}/v2/auth/nonce").status_code == 201 for _ in range(3))


class _Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_the_window_slides_and_keys_are_separate(server):
    clock = _Clock(60 * 16_666 + 30.0)  # half way into a 60 s window
    storage = DatabaseWindowStorage(server.app.state.sessionmaker, clock=clock)
    item = Rate(2, 60).item()
    hit = lambda key: storage.acquire_sliding_window_entry(item.key_for(key), 2, 60)  # noqa: E731
    assert [hit("k"), hit("k"), hit("k")] == [True, True, False]
    assert hit("other")  # a key of its own
    # Half way through the next window, half of the previous window's two hits still count.
    clock.now += 60
    assert [hit("k"), hit("k")] == [True, False]
    # Two windows on, nothing of them is left.
    clock.now += 120
    assert [hit("k"), hit("k"), hit("k")] == [True, True, False]


def test_a_refused_hit_is_not_counted(server):
    clock = _Clock(60 * 33_333 + 10.0)
    storage = DatabaseWindowStorage(server.app.state.sessionmaker, clock=clock)
    key = Rate(1, 60).item().key_for("refused")
    assert storage.acquire_sliding_window_entry(key, 1, 60)
    for _ in range(5):
        assert not storage.acquire_sliding_window_entry(key, 1, 60)
    previous, _, current, _ = storage.get_sliding_window(key, 60)
    assert (previous, current) == (0, 1)


def test_retry_after_tells_when_the_window_admits_again(server):
    limiter = SharedRateLimiter(DatabaseWindowStorage(server.app.state.sessionmaker))
    rate = Rate(1, 60)
    assert limiter.acquire("retry", rate) == 0
    wait = limiter.acquire("retry", rate)
    assert 0 < wait <= 120


def test_long_keys_fit_the_table(server):
    storage = DatabaseWindowStorage(server.app.state.sessionmaker)
    key = "x" * 1000
    assert storage.incr(key, 60) == 1
    assert storage.incr(key, 60) == 2
    assert storage.get(key) == 2
    with server.session() as session:
        assert all(len(row.key) <= 255 for row in session.query(RateLimitWindow))


@pytest.mark.parametrize(
    ("text", "capacity", "period"),
    [("10/minute", 10, 60), ("5/30s", 5, 30), ("100/hour", 100, 3600), ("1/second", 1, 1)],
)
def test_parse_rate(text, capacity, period):
    assert parse_rate(text) == Rate(capacity, period)


@pytest.mark.parametrize("text", ["", "ten/minute", "0/minute", "5/fortnight"])
def test_parse_rate_refuses_nonsense(text):
    with pytest.raises(ValueError):
        parse_rate(text)


def test_unverified_api_keys_share_the_ip_bucket(server):
    # Inventing a new key per request must not buy a fresh bucket each time.
    codes = [
        httpx.post(f"{server}/v2/_test/submissions-open", headers={"X-API-Key": f"plk_fake{i}"}).status_code
        for i in range(4)
    ]
    assert codes == [201, 201, 201, 429]


def test_verified_operator_has_its_own_bucket(server):
    from tests.support.server import create_operator_key

    key = create_operator_key(server, "reviewer")
    codes = [
        httpx.post(f"{server}/v2/_test/submissions-open", headers={"X-API-Key": key}).status_code
        for _ in range(4)
    ]
    assert codes == [201, 201, 201, 429]
