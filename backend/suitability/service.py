"""Suitability assessments: score, store (answers encrypted), and find the wallet's valid one."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.core.audit import record_audit
from backend.core.settings import Settings
from backend.db.types import utcnow
from backend.privacy.keys import keyring_from_settings
from backend.suitability import scoring
from backend.suitability.models import SuitabilityAssessment
from backend.suitability.schemas import AssessmentView, Questionnaire

QUESTIONNAIRE_VERSION = 1


def _aad(assessment_id: str) -> bytes:
    return f"suitability_assessment:{assessment_id}".encode()


def assess(
    session: Session, settings: Settings, wallet: str, answers: Questionnaire
) -> SuitabilityAssessment:
    result = scoring.score(answers.model_dump(by_alias=False))
    now = utcnow()
    assessment_id = str(uuid.uuid4())
    record = SuitabilityAssessment(
        id=assessment_id,
        wallet=wallet,
        questionnaire_version=QUESTIONNAIRE_VERSION,
        answers_ciphertext=keyring_from_settings(settings).encrypt(
            json.dumps(answers.model_dump(by_alias=False)).encode(), _aad(assessment_id)
        ),
        points=result.points,
        risk_class=result.risk_class,
        caps_applied=result.caps_applied,
        assessed_at=now,
        expires_at=scoring.expires_at(now),
    )
    session.add(record)
    record_audit(
        session,
        f"wallet:{wallet}",
        "suitability.assessed",
        "suitability_assessment",
        assessment_id,
        None,
        {"risk_class": result.risk_class, "points": result.points, "caps": result.caps_applied},
    )
    session.commit()
    return record


def latest(session: Session, wallet: str) -> SuitabilityAssessment | None:
    return session.scalar(
        select(SuitabilityAssessment)
        .where(SuitabilityAssessment.wallet == wallet)
        .order_by(SuitabilityAssessment.assessed_at.desc())
        .limit(1)
    )


def current(session: Session, wallet: str, now: datetime | None = None) -> SuitabilityAssessment | None:
    """The latest assessment if it is still valid (younger than a year), else None."""
    record = latest(session, wallet)
    if record is None or not scoring.is_current(record.assessed_at, now or utcnow()):
        return None
    return record


def view(record: SuitabilityAssessment, settings: Settings | None = None) -> AssessmentView:
    answers = None
    if settings is not None:
        plain = keyring_from_settings(settings).decrypt(record.answers_ciphertext, _aad(record.id))
        answers = Questionnaire.model_validate_json(plain)
    view = AssessmentView.model_validate(record)
    return view.model_copy(
        update={"current": scoring.is_current(record.assessed_at, utcnow()), "answers": answers}
    )
