"""Problem types of the suitability questionnaire."""

from __future__ import annotations

from backend.core.problems import Problem


def assessment_not_found() -> Problem:
    return Problem(
        status=404,
        title="No suitability assessment",
        type="suitability-not-found",
        detail="answer the questionnaire with POST /v2/suitability",
    )
