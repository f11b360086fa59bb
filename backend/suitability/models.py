"""Suitability assessments. The answers describe a person's finances, so they are stored encrypted;
the score and class are what the platform acts on and stay queryable."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base
from backend.db.types import UTCDateTime, utcnow


class SuitabilityAssessment(Base):
    __tablename__ = "suitability_assessments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    wallet: Mapped[str] = mapped_column(String(42), index=True)
    questionnaire_version: Mapped[int] = mapped_column(Integer, default=1)
    answers_ciphertext: Mapped[str] = mapped_column(Text)
    points: Mapped[int] = mapped_column(Integer)
    risk_class: Mapped[int] = mapped_column(Integer)
    caps_applied: Mapped[list[str]] = mapped_column(JSON, default=list)
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
