"""Sanctions re-screening: a list compliance uploads is screened against every identity within
`PEERLEND_AML_RESCREEN_HOURS` (24) of the upload.

The upload creates, in its own transaction, one job per live KYC application (approved or in review);
the worker (`python -m backend.aml.worker`) takes them in order and screens each identity with KYC's
screening (backend/kyc/screening.py: the applicant's name and birth date, decrypted in memory only). A
job is done, and a hit or near match raises its alert (rule `sanctions`), in one transaction: a worker
killed mid-job leaves the job pending and nothing else, so every identity is screened, and alerted on,
exactly once per list. On PostgreSQL several workers share the jobs (`FOR UPDATE SKIP LOCKED`); a job
that fails three times is marked failed with its error, and the others go on.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import func, insert, literal, select
from sqlalchemy.orm import Session, sessionmaker

from backend.aml.alerts import Draft, raise_alert
from backend.aml.config import AmlSettings
from backend.aml.models import SanctionsList, ScreeningJob
from backend.core.audit import record_audit
from backend.core.settings import Settings
from backend.db.session import take_write_lock
from backend.db.types import utcnow
from backend.kyc.models import KycApplication
from backend.kyc.screening import ListEntry, ScreeningList
from backend.kyc.service import decrypt_applicant

log = logging.getLogger("peerlend.aml.screening")
LIVE = ("approved", "in_review")
MAX_ATTEMPTS = 3
SCORES = {"hit": 100, "near_match": 60}


def upload(
    session: Session, aml: AmlSettings, version: str, entries: list[dict[str, Any]], actor: str
) -> SanctionsList:
    """Stores the list and one screening job per live identity; audited. The caller validated `entries`."""
    canonical = json.dumps({"version": version, "entries": entries}, sort_keys=True, separators=(",", ":"))
    now = utcnow()
    listed = SanctionsList(
        version=version,
        sha256=hashlib.sha256(canonical.encode()).hexdigest(),
        entries=entries,
        uploaded_by=actor,
        uploaded_at=now,
        due_at=now + timedelta(hours=aml.rescreen_hours),
        identities=0,
    )
    session.add(listed)
    session.flush()
    session.execute(
        insert(ScreeningJob).from_select(
            ["list_id", "application_id", "status", "attempts"],
            select(literal(listed.id), KycApplication.id, literal("pending"), literal(0)).where(
                KycApplication.status.in_(LIVE)
            ),
        )
    )
    listed.identities = (
        session.scalar(
            select(func.count()).select_from(ScreeningJob).where(ScreeningJob.list_id == listed.id)
        )
        or 0
    )
    record_audit(
        session,
        actor,
        "aml.sanctions_list.uploaded",
        "aml_sanctions_list",
        str(listed.id),
        None,
        {
            "version": version,
            "entries": len(entries),
            "sha256": listed.sha256,
            "identities": listed.identities,
        },
    )
    session.commit()
    return listed


@dataclass(frozen=True)
class Progress:
    pending: int
    done: int
    failed: int
    hits: int


def progress(session: Session, list_id: int) -> Progress:
    counts = dict(
        session.execute(
            select(ScreeningJob.status, func.count())
            .where(ScreeningJob.list_id == list_id)
            .group_by(ScreeningJob.status)
        ).all()
    )
    hits = session.scalar(
        select(func.count())
        .select_from(ScreeningJob)
        .where(ScreeningJob.list_id == list_id, ScreeningJob.outcome.in_(("hit", "near_match")))
    )
    return Progress(counts.get("pending", 0), counts.get("done", 0), counts.get("failed", 0), hits or 0)


@lru_cache(maxsize=8)
def _screening_list(list_id: int, sha256: str, document: str) -> ScreeningList:
    entries = [
        ListEntry(
            id=e["id"],
            list=e["list"],
            program=e.get("program", "sanctions"),
            name=e["name"],
            aliases=tuple(e.get("aliases") or ()),
            dob=date.fromisoformat(e["dob"]) if e.get("dob") else None,
        )
        for e in json.loads(document)
    ]
    return ScreeningList(sha256, entries)


def _claim(session: Session) -> ScreeningJob | None:
    query = select(ScreeningJob).where(ScreeningJob.status == "pending").order_by(ScreeningJob.id).limit(1)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    else:
        take_write_lock(session)
    return session.scalar(query)


def screen_one(session: Session, settings: Settings, job: ScreeningJob) -> None:
    listed = session.get(SanctionsList, job.list_id)
    app = session.get(KycApplication, job.application_id)
    assert listed is not None and app is not None  # foreign keys
    screening = _screening_list(listed.id, listed.sha256, json.dumps(listed.entries))
    applicant = decrypt_applicant(settings, app)
    result = screening.screen(applicant["full_name"], date.fromisoformat(applicant["date_of_birth"]))
    job.status, job.outcome, job.screened_at, job.attempts = (
        "done",
        result.outcome,
        utcnow(),
        job.attempts + 1,
    )
    if result.outcome == "clear":
        return
    raise_alert(
        session,
        Draft(
            rule="sanctions",
            dedup_key=f"sanctions:{listed.id}:{app.id}",
            subject_key=app.subject or f"wallet:{app.wallet}",
            wallet=app.wallet,
            score=SCORES[result.outcome],
            amount=0,
            details={
                "listId": listed.id,
                "listVersion": listed.version,
                "outcome": result.outcome,
                "applicationId": app.id,
                "entries": [m.entry_id for m in result.matches],
                "programs": sorted(result.programs),
            },
        ),
    )


def work(sessions: sessionmaker[Session], settings: Settings, limit: int) -> int:
    """Screens up to `limit` pending jobs, each in its own transaction; returns how many were taken."""
    taken = 0
    while taken < limit:
        with sessions() as session:
            job = _claim(session)
            if job is None:
                return taken
            job_id = job.id
            try:
                screen_one(session, settings, job)
                session.commit()
            except Exception as exc:  # one identity that cannot be screened never stops the others
                session.rollback()
                log.exception("screening job %s failed", job_id)
                _failed(sessions, job_id, exc)
        taken += 1
    return taken


def _failed(sessions: sessionmaker[Session], job_id: int, exc: Exception) -> None:
    with sessions() as session:
        take_write_lock(session)
        job = session.get(ScreeningJob, job_id)
        if job is None or job.status != "pending":
            return
        job.attempts += 1
        job.error = f"{type(exc).__name__}: {exc}"[:500]
        if job.attempts >= MAX_ATTEMPTS:
            job.status = "failed"
        session.commit()
