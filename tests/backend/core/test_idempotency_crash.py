"""Idempotency keys across a crash: the API process is SIGKILLed after its route committed its work
but before the response went out. The route's commit was only a savepoint in the unit of work's
transaction, so nothing of it is left; a retry with the same key, at a new process, takes the dead
process's reservation over at once, does the work once, and later retries replay its response."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select

from backend.core.idempotency import IdempotentRequest, reserve, settle_in_transaction
from backend.core.models import AuditLog, IdempotencyRecord
from backend.core.problems import Problem
from backend.core.settings import Settings
from backend.db.migrate import upgrade
from backend.db.session import create_db_engine, make_sessionmaker
from backend.db.types import utcnow
from tests.support.server import start_server_process

FACTORY = "tests.backend.core.crash_app:create_app"


def _recorded(server, ref: str) -> int:
    with server.session() as session:
        return session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.object_id == ref))


def test_a_request_killed_after_its_commit_is_done_once_by_the_retry(tmp_path):
    ref, key = f"ref-{uuid.uuid4().hex[:8]}", f"key-{uuid.uuid4().hex}"
    request = {"json": {"ref": ref}, "timeout": 60.0}
    with start_server_process(tmp_path, app_factory=FACTORY) as first:
        url = f"{first}/v2/_test/recorded"
        headers = {"Idempotency-Key": key, "X-API-Key": first.admin_key}
        caught: list[BaseException] = []

        def send() -> None:
            try:
                httpx.post(url, headers={**headers, "X-Test-Pause": "30"}, **request)
            except httpx.HTTPError as exc:  # the process dies under it
                caught.append(exc)

        client = threading.Thread(target=send)
        client.start()
        time.sleep(2.0)  # the route has committed and is pausing
        first.process.kill()
        first.process.wait(timeout=10)
        client.join(timeout=10)
        assert caught, "the request should have been cut off by the kill"
        # Its commit was a savepoint: the killed transaction left nothing behind.
        assert _recorded(first, ref) == 0
        admin_key = first.admin_key

    with start_server_process(tmp_path, app_factory=FACTORY, admin_key=admin_key) as second:
        url = f"{second}/v2/_test/recorded"
        headers = {"Idempotency-Key": key, "X-API-Key": admin_key}
        retry = httpx.post(url, headers=headers, **request)
        assert retry.status_code == 201, retry.text  # not 409 "in use" for the lease's 5 minutes
        assert "idempotent-replayed" not in retry.headers
        assert _recorded(second, ref) == 1
        again = httpx.post(url, headers=headers, **request)
        assert again.status_code == 201
        assert again.headers["idempotent-replayed"] == "true"
        assert again.json() == retry.json() == {"ref": ref}
        assert _recorded(second, ref) == 1


# ---------------------------------------------------------------- the lease, at the service level


@pytest.fixture
def session(tmp_path):
    settings = Settings(env="test", database_url=f"sqlite:///{tmp_path / 'keys.db'}")
    upgrade("head", settings)
    engine = create_db_engine(settings.database_url)
    with make_sessionmaker(engine)() as session:
        yield session
    engine.dispose()


def _reserve(session, lease_seconds: int = 300):
    return reserve(session, "wallet:0xabc", "k-1", "POST", "/v2/x", "hash", 86_400, lease_seconds)


def _record(session) -> IdempotencyRecord:
    return session.scalar(select(IdempotencyRecord).where(IdempotencyRecord.key == "k-1"))


def test_a_live_owner_keeps_its_key(session):
    _reserve(session)
    with pytest.raises(Problem) as refused:
        _reserve(session)
    assert refused.value.status == 409 and refused.value.type == "idempotency-key-in-use"


def test_a_lapsed_lease_is_taken_over_once(session):
    record_id, first_lease = _reserve(session)
    record = _record(session)
    record.owner = "another-host:1"  # not this host: only its lease can tell it is gone
    record.locked_until = utcnow() - timedelta(seconds=1)
    session.commit()
    taken_id, lease = _reserve(session)
    assert taken_id == record_id and lease != first_lease
    with pytest.raises(Problem):  # the new holder's lease is fresh
        _reserve(session)


def test_a_dead_owner_on_this_host_is_taken_over_at_once(session):
    record_id, _ = _reserve(session)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    record = _record(session)
    record.owner = f"{socket.gethostname()[:64]}:{dead.pid}"
    session.commit()
    assert _reserve(session)[0] == record_id


def test_the_holder_that_lost_its_lease_cannot_store_an_outcome(session):
    record_id, lease = _reserve(session)
    stale = IdempotentRequest(record_id, "not-the-lease", factory=None)  # type: ignore[arg-type]
    connection = session.connection()
    assert not settle_in_transaction(connection, stale, 201, b"{}", {})
    assert settle_in_transaction(connection, IdempotentRequest(record_id, lease, None), 201, b"{}", {})  # type: ignore[arg-type]
    session.commit()
    assert _record(session).status_code == 201
