"""Serialising the applications of one applicant, so velocity counts cannot race.

An application counts the applicant's earlier applications and then stores itself. Two concurrent
applications could both count before either is stored and both slip under a velocity limit. Each
application therefore first upserts its applicant's gate row; the write is held until the
application commits (a row lock on PostgreSQL, the write lock on SQLite), so the second one waits and
then counts the first. Gates are taken wallet first, then person, always in that order.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from backend.db.types import utcnow
from backend.db.upsert import dialect_insert
from backend.risk.models import ApplicationGate


def hold(session: Session, subject: str) -> None:
    """Upserts the gate row of `subject`; must come before the counts it protects, in one transaction."""
    now = utcnow()
    stmt = dialect_insert(session)(ApplicationGate).values(subject=subject, applications=1, updated_at=now)
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=[ApplicationGate.subject],
            set_={"applications": ApplicationGate.applications + 1, "updated_at": now},
        )
    )
