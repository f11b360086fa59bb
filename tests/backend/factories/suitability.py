"""Suitability assessments stored as the service stores them: scored by the documented table, answers
encrypted with the service's keyring under the row's associated data."""

from __future__ import annotations

import itertools
import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from backend.core.settings import Settings
from backend.privacy.keys import keyring_from_settings
from backend.suitability import scoring
from backend.suitability import service as suitability_service
from backend.suitability.models import SuitabilityAssessment
from backend.suitability.schemas import Questionnaire
from tests.backend.factories.clock import NOW

# Answers by the API's field names (snake_case; the API takes camelCase as well).
CAUTIOUS = {
    "experience": "none",
    "income_band": "under_25k",
    "loss_tolerance": "none",
    "horizon": "under_1y",
    "share_of_net_worth": "over_50",
}  # 0 points -> class 1
CLASS_3 = {
    "experience": "moderate",
    "income_band": "50k_100k",
    "loss_tolerance": "up_to_25",
    "horizon": "3_5y",
    "share_of_net_worth": "25_50",
}  # 9 points -> class 3
CLASS_5 = {
    "experience": "extensive",
    "income_band": "over_250k",
    "loss_tolerance": "over_50",
    "horizon": "over_5y",
    "share_of_net_worth": "under_10",
}  # 17 points -> class 5

_next = itertools.count(1)


def assessment(
    session: Session,
    settings: Settings,
    wallet: str,
    answers: dict[str, Any] | None = None,
    assessed_at: datetime = NOW,
) -> SuitabilityAssessment:
    """An assessment of `wallet` taken at `assessed_at` (class 3 answers by default)."""
    document = Questionnaire.model_validate(answers or CLASS_3).model_dump(by_alias=False)
    result = scoring.score(document)
    assessment_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"peerlend-test:suitability:{next(_next)}"))
    record = SuitabilityAssessment(
        id=assessment_id,
        wallet=wallet,
        questionnaire_version=suitability_service.QUESTIONNAIRE_VERSION,
        answers_ciphertext=keyring_from_settings(settings).encrypt(
            json.dumps(document).encode(), suitability_service._aad(assessment_id)
        ),
        points=result.points,
        risk_class=result.risk_class,
        caps_applied=result.caps_applied,
        assessed_at=assessed_at,
        expires_at=scoring.expires_at(assessed_at),
    )
    session.add(record)
    session.flush()
    return record
