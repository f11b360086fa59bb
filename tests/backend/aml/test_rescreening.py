"""Sanctions re-screening: an uploaded list makes one job per live identity; the worker screens each once,
a hit raising its alert in the same transaction, even when the worker is killed mid-work."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from backend.aml import screening
from backend.aml.config import AmlSettings
from backend.aml.models import AmlAlert, ScreeningJob
from backend.core.settings import ROOT
from backend.kyc.models import KycApplication
from backend.kyc.screening import DEFAULT_LIST
from tests.backend.factories.identity import (
    SANCTIONED_DOB,
    SANCTIONED_NAME,
    kyc_application,
    sanctioned,
    submission,
)
from tests.backend.factories.wallets import wallet

SAMPLE = json.loads(DEFAULT_LIST.read_text())


def upload(session, entries=None) -> int:
    listed = screening.upload(
        session, AmlSettings(), "2027-03-01", entries or SAMPLE["entries"], "operator:o1"
    )
    return listed.id


def test_every_live_identity_is_screened_once_and_a_hit_raises_an_alert(session, app_settings, sessions):
    clean = [kyc_application(session, app_settings, wallet()) for _ in range(2)]
    hit = kyc_application(session, app_settings, wallet(), body=sanctioned())
    namesake = kyc_application(
        session,
        app_settings,
        wallet(),
        body=submission(full_name=SANCTIONED_NAME, dob=SANCTIONED_DOB.replace(year=1970)),
    )
    kyc_application(session, app_settings, wallet(), status="rejected")
    session.commit()
    list_id = upload(session)
    jobs = session.scalars(select(ScreeningJob).where(ScreeningJob.list_id == list_id)).all()
    assert {j.application_id for j in jobs} == {a.id for a in (*clean, hit, namesake)}  # not the rejected one

    assert screening.work(sessions, app_settings, limit=100) == 4
    assert screening.work(sessions, app_settings, limit=100) == 0
    session.expire_all()
    outcomes = {j.application_id: j.outcome for j in session.scalars(select(ScreeningJob))}
    assert outcomes == {clean[0].id: "clear", clean[1].id: "clear", hit.id: "hit", namesake.id: "near_match"}
    alerts = {a.wallet: a for a in session.scalars(select(AmlAlert).where(AmlAlert.rule == "sanctions"))}
    assert set(alerts) == {hit.wallet, namesake.wallet}
    assert (alerts[hit.wallet].score, alerts[hit.wallet].subject_key) == (100, hit.subject)
    assert alerts[namesake.wallet].score == 60 and "SAMPLE-UN-0001" in alerts[hit.wallet].details["entries"]
    assert SANCTIONED_NAME not in json.dumps([a.details for a in alerts.values()])
    assert screening.progress(session, list_id) == screening.Progress(pending=0, done=4, failed=0, hits=2)


def test_an_identity_that_cannot_be_screened_fails_alone_after_three_attempts(
    session, app_settings, sessions
):
    broken = kyc_application(
        session, app_settings, wallet(), pii_ciphertext="v1.k1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    )
    fine = kyc_application(session, app_settings, wallet())
    session.commit()
    upload(session)
    screening.work(sessions, app_settings, limit=10)
    session.expire_all()
    jobs = {j.application_id: j for j in session.scalars(select(ScreeningJob))}
    assert (jobs[broken.id].status, jobs[broken.id].attempts) == ("failed", 3)
    assert "DecryptionError" in jobs[broken.id].error
    assert jobs[fine.id].status == "done"


@pytest.mark.timeout(120)
def test_a_worker_killed_mid_work_screens_every_identity_exactly_once(session, app_settings, tmp_path):
    total = 300
    for i in range(total):
        kyc_application(session, app_settings, wallet(), body=sanctioned() if i % 30 == 0 else None)
    session.commit()
    list_id = upload(session)

    def done() -> int:
        session.expire_all()
        return (
            session.scalar(
                select(func.count()).select_from(ScreeningJob).where(ScreeningJob.status == "done")
            )
            or 0
        )

    env = {k: v for k, v in os.environ.items() if not k.startswith("PEERLEND_")}
    env.update(
        {
            "PEERLEND_ENV": "test",
            "PEERLEND_DATABASE_URL": app_settings.database_url,
            "PEERLEND_LOG_LEVEL": "WARNING",
            "PEERLEND_AML_WORKER_POLL_SECONDS": "0.1",
            "PEERLEND_MANIFEST_PATH": str(tmp_path / "none.json"),
        }
    )
    command = [sys.executable, "-m", "backend.aml.worker"]
    log = (tmp_path / "worker.log").open("w")
    first = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    deadline = time.monotonic() + 60
    while done() < 20:
        assert first.poll() is None and time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
        time.sleep(0.01)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    at_kill = done()
    assert 0 < at_kill < total, "the worker was to be killed with work left"

    second = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        while done() < total:
            assert second.poll() is None and time.monotonic() < deadline + 30, (
                tmp_path / "worker.log"
            ).read_text()
            time.sleep(0.1)
    finally:
        second.terminate()
        assert second.wait(timeout=15) == 0  # SIGTERM: a clean stop
    jobs = session.scalars(select(ScreeningJob).where(ScreeningJob.list_id == list_id)).all()
    assert len(jobs) == total and {j.status for j in jobs} == {"done"} and {j.attempts for j in jobs} == {1}
    hits = {j.application_id for j in jobs if j.outcome == "hit"}
    alerted = session.scalars(select(AmlAlert.details).where(AmlAlert.rule == "sanctions")).all()
    assert len(hits) == total // 30 and sorted(d["applicationId"] for d in alerted) == sorted(hits)
    wallets = set(session.scalars(select(KycApplication.wallet).where(KycApplication.id.in_(hits))))
    assert set(session.scalars(select(AmlAlert.wallet))) == wallets
