"""The public read-model routes answer from the read cache while the index stays at one version, and
answer afresh as soon as it moves, a rollback included (backend/core/read_cache.py)."""

import time

import httpx
import pytest
from sqlalchemy import update

from backend.chain.indexer.models import ChainCheckpoint
from backend.loans.models import LoanView
from tests.backend.loans.lifecycle import DAY, T0, lifecycle, store
from tests.support.server import create_operator_key

INTERVAL = 0.05


@pytest.fixture
def server(server_factory):
    server = server_factory(rate_limit_enabled=False, read_cache_interval_seconds=INTERVAL)
    with server.session() as session:
        events = lifecycle()
        store(session, events)
        session.add(
            ChainCheckpoint(
                name="main", chain_id=31337, last_block=events[-1].block_number, last_block_hash="0x01"
            )
        )
        session.commit()
    # Once this process has read the index version, answers are kept (another URL than the tests use).
    until(lambda: httpx.get(f"{server}/v2/loans?limit=2").headers.get("x-read-cache"))
    return server


def move_index(server, block: int, block_hash: str, **loan_2) -> None:
    """What an indexer commit does: read models and the checkpoint change in one transaction."""
    with server.session() as session:
        if loan_2:
            session.execute(update(LoanView).where(LoanView.loan_id == 2).values(**loan_2))
        cp = session.get(ChainCheckpoint, "main")
        cp.last_block, cp.last_block_hash = block, block_hash
        session.commit()


def until(condition, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(INTERVAL / 2)
    raise AssertionError("condition not met in time")


def cached(url: str) -> httpx.Response:
    """The answer once this process's copy of it is being served."""
    httpx.get(url)
    return until(lambda: (r := httpx.get(url)).headers.get("x-read-cache") == "hit" and r)


def test_a_repeated_read_is_the_same_answer_with_an_etag_and_304_on_revalidation(server):
    url = f"{server}/v2/loans?limit=50"
    first = httpx.get(url)
    assert first.status_code == 200 and first.headers["x-read-cache"] == "miss"
    hit = cached(url)
    assert hit.content == first.content and hit.headers["etag"] == first.headers["etag"]
    assert hit.headers["content-type"] == "application/json" and hit.headers["x-request-id"]
    assert first.headers["cache-control"] == hit.headers["cache-control"] == "no-cache"
    assert hit.headers["x-request-id"] != first.headers["x-request-id"]  # each answer still has its own id
    revalidated = httpx.get(url, headers={"If-None-Match": hit.headers["etag"]})
    assert revalidated.status_code == 304 and revalidated.content == b""
    assert revalidated.headers["etag"] == hit.headers["etag"]
    # Another query string is another answer, kept on its own.
    other = httpx.get(f"{server}/v2/loans?limit=1")
    assert other.headers["x-read-cache"] == "miss" and len(other.json()["items"]) == 1


def test_an_index_commit_is_seen_at_the_next_watch(server):
    url = f"{server}/v2/loans/2"
    before = cached(url)
    assert before.json()["status"] != "repaid"
    move_index(server, 10_000, "0x02", status="repaid", closed_at=T0 + 30 * DAY)
    after = until(lambda: (r := httpx.get(url)).json()["status"] == "repaid" and r)
    assert after.headers["etag"] != before.headers["etag"]
    # Revalidating with the old ETag gets the new body, not a 304.
    revalidated = httpx.get(url, headers={"If-None-Match": before.headers["etag"]})
    assert revalidated.status_code == 200 and revalidated.json()["status"] == "repaid"


def test_a_rollback_to_an_earlier_block_is_a_new_version_too(server):
    url = f"{server}/v2/loans?limit=50"
    cached(url)
    with server.session() as session:
        block = session.get(ChainCheckpoint, "main").last_block
    # A reorg: the indexer rolls back to an earlier block (the same number it once had, another hash)
    move_index(server, block - 1, "0x03", grade=7)
    until(lambda: any(i["loanId"] == 2 and i["grade"] == 7 for i in httpx.get(url).json()["items"]))


def test_refusals_errors_and_callers_own_data_are_never_kept(server):
    for _ in range(3):
        missing = httpx.get(f"{server}/v2/loans/999999")
        assert missing.status_code == 404 and missing.headers.get("x-read-cache") != "hit"
        invalid = httpx.get(f"{server}/v2/loans?limit=0")
        assert invalid.status_code == 422 and invalid.headers.get("x-read-cache") != "hit"
        time.sleep(INTERVAL)
    operator = create_operator_key(server, "admin")
    portfolio = httpx.get(f"{server}/v2/wallets/0x{'00' * 19}01/portfolio", headers={"X-API-Key": operator})
    assert portfolio.status_code == 200 and "x-read-cache" not in portfolio.headers
    metrics = httpx.get(f"{server}/metrics").text
    assert "peerlend_read_cache_misses_total" in metrics


def test_nothing_is_kept_before_anything_is_indexed(server_factory):
    server = server_factory(rate_limit_enabled=False, read_cache_interval_seconds=INTERVAL)
    for _ in range(4):
        reply = httpx.get(f"{server}/v2/loans")
        assert reply.status_code == 200 and reply.headers.get("x-read-cache") is None  # not kept
        time.sleep(INTERVAL)


def test_the_cache_can_be_turned_off(server_factory):
    server = server_factory(rate_limit_enabled=False, read_cache_entries=0)
    assert "x-read-cache" not in httpx.get(f"{server}/v2/loans").headers
