"""Credit decision: PD against the cost-optimal cutoff and its review band, then anti-fraud overrides,
then the grade's pricing policy. Pure: everything it needs is passed in."""

from __future__ import annotations

from dataclasses import dataclass, field

from backend.risk.config import RiskSettings
from backend.risk.fraud import DECLINE, REVIEW, RuleHit
from backend.risk.pricing import Offer, make_offer
from backend.risk.scorecard import Scorecard, ScoreResult

APPROVE = "approve"
_SEVERITY = {APPROVE: 0, REVIEW: 1, DECLINE: 2}


@dataclass
class Decision:
    outcome: str  # approve | review | decline
    reasons: list[str] = field(default_factory=list)  # why, in plain words (policy, fraud, affordability)
    offer: Offer | None = None


def credit_outcome(card: Scorecard, pd: float) -> tuple[str, str]:
    d = card.decision
    low, high = float(d["review_low_pd"]), float(d["review_high_pd"])
    if pd > high:
        return DECLINE, f"probability of default {pd:.1%} above the decline threshold {high:.1%}"
    if pd > low:
        return REVIEW, f"probability of default {pd:.1%} within the review band {low:.1%}-{high:.1%}"
    return APPROVE, f"probability of default {pd:.1%} at or below {low:.1%}"


def decide(
    card: Scorecard,
    settings: RiskSettings,
    result: ScoreResult,
    hits: list[RuleHit],
    amount: int,
    term_months: int,
    monthly_income: int,
) -> Decision:
    outcome, why = credit_outcome(card, result.pd)
    reasons = [why]
    for hit in hits:
        reasons.append(f"{hit.rule_id}: {hit.reason}")
        if _SEVERITY[hit.action] > _SEVERITY[outcome]:
            outcome = hit.action
    offer = None
    if outcome != DECLINE:
        offer = make_offer(card, settings, result.grade, amount, term_months, monthly_income)
        if offer is None:
            outcome = DECLINE
            reasons.append(
                f"grade {result.grade_letter} is not lendable or income affords less than the minimum loan"
            )
        elif offer.principal < amount:
            reasons.append(f"principal reduced to {offer.principal} (maximum for grade and income)")
    return Decision(outcome=outcome, reasons=reasons, offer=offer)
