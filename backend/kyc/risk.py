"""Customer risk level (low / medium / high) and the review decision for a KYC application.

Points, added up:

| factor                                        | points |
|-----------------------------------------------|--------|
| jurisdiction tier medium / high               | 2 / 4  |
| screening near-match                          | 3      |
| screening strong hit (sanctions or blacklist) | 6      |
| politically exposed person (PEP list)         | 4      |
| liveness not performed                        | 1      |
| age under 21 or over 80                       | 1      |
| identity number already used by another wallet| 3      |

0–1 → low, 2–3 → medium, ≥ 4 → high. High risk requires enhanced due diligence (EDD) and a reviewer.
Independently of the level, a screening match, a duplicate identity or a provider outage always sends the
application to manual review; a failed four-element match or liveness check rejects it outright.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from backend.kyc.jurisdictions import Jurisdiction
from backend.kyc.provider import VerificationResult
from backend.kyc.screening import ScreeningResult

RiskLevel = Literal["low", "medium", "high"]
Decision = Literal["approve", "review", "reject"]


@dataclass(frozen=True)
class RiskAssessment:
    level: RiskLevel
    points: int
    factors: dict[str, int]
    edd_required: bool
    decision: Decision
    review_reasons: list[str] = field(default_factory=list)
    reject_reasons: list[str] = field(default_factory=list)


_TIER_POINTS = {"low": 0, "medium": 2, "high": 4, "prohibited": 99}


def level_for(points: int) -> RiskLevel:
    if points >= 4:
        return "high"
    if points >= 2:
        return "medium"
    return "low"


def assess(
    *,
    jurisdiction: Jurisdiction,
    age: int,
    screening: ScreeningResult,
    verification: VerificationResult | None,
    duplicate_identity: bool,
) -> RiskAssessment:
    factors: dict[str, int] = {}
    review: list[str] = []
    reject: list[str] = []

    if _TIER_POINTS[jurisdiction.risk]:
        factors[f"jurisdiction_{jurisdiction.risk}"] = _TIER_POINTS[jurisdiction.risk]
    if jurisdiction.risk == "prohibited":
        reject.append("prohibited_jurisdiction")

    hits = [m for m in screening.matches if m.kind == "hit"]
    if any(m.program == "pep" for m in screening.matches):
        factors["pep"] = 4
        review.append("pep_match")
    if any(m.program != "pep" for m in hits):
        factors["screening_hit"] = 6
        review.append("sanctions_hit")
    elif any(m.program != "pep" for m in screening.matches):
        factors["screening_near_match"] = 3
        review.append("sanctions_near_match")

    if verification is None:
        review.append("provider_unavailable")
    else:
        if not verification.four_element_match:
            reject.append("four_element_mismatch")
        if verification.liveness_performed and not verification.liveness_passed:
            reject.append("liveness_failed")
        if not verification.liveness_performed:
            factors["no_liveness"] = 1

    if age < 21 or age > 80:
        factors["age"] = 1
    if duplicate_identity:
        factors["duplicate_identity"] = 3
        review.append("duplicate_identity")

    points = sum(factors.values())
    level = level_for(points)
    edd = level == "high"
    if edd and "high_risk" not in review:
        review.append("high_risk")
    decision: Decision = "reject" if reject else ("review" if review else "approve")
    return RiskAssessment(level, points, factors, edd, decision, review, reject)
