"""Anti-fraud rules. Each rule is a function of a `FraudContext` returning a `RuleHit` (rule_id, action,
reason) or None, so each is testable on its own; `evaluate` runs them all.

Actions: "review" sends the application to a reviewer whatever its score, "decline" refuses it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from backend.risk.config import USDC, RiskSettings

REVIEW = "review"
DECLINE = "decline"


@dataclass(frozen=True)
class RuleHit:
    rule_id: str
    action: str  # "review" | "decline"
    reason: str

    def as_dict(self) -> dict:
        return {"rule_id": self.rule_id, "action": self.action, "reason": self.reason}


@dataclass
class FraudContext:
    wallet: str
    monthly_income: int  # base units
    attributes: dict
    kyc_status: str | None  # None: no KYC application at all
    recent_wallet_applications: int  # earlier applications of this wallet inside the velocity window
    recent_identity_applications: int  # earlier applications of the same person (any wallet) in the window
    wallets_sharing_national_id: list[str] = field(default_factory=list)
    wallets_sharing_contact: list[str] = field(default_factory=list)  # phone or bank card
    repayment_problem: str | None = None  # a default or a loan past due on this platform (history.py)


# Plausible monthly income per stated job (whole stablecoin units, inclusive). The reference data's
# job categories; a model trained on other data simply has no "job" attribute and the rule stays silent.
JOB_INCOME_RANGES: dict[str, tuple[int, int]] = {
    "unemployed/ unskilled - non-resident": (0, 2_000),
    "unskilled - resident": (0, 5_000),
    "skilled employee / official": (300, 20_000),
    "management/ self-employed/ highly qualified employee/ officer": (0, 250_000),
}
UNEMPLOYED_MAX_INCOME = 2_000  # whole units/month still plausible from benefits or a partner


def kyc_not_approved(ctx: FraudContext, settings: RiskSettings) -> RuleHit | None:
    if not settings.require_kyc or ctx.kyc_status == "approved":
        return None
    state = ctx.kyc_status or "missing"
    return RuleHit(
        "kyc_not_approved", DECLINE, f"identity verification is {state.replace('_', ' ')}, not approved"
    )


def wallet_velocity(ctx: FraudContext, settings: RiskSettings) -> RuleHit | None:
    n = ctx.recent_wallet_applications
    hours = settings.velocity_window_hours
    if n >= settings.velocity_decline:
        return RuleHit("velocity_wallet", DECLINE, f"{n} earlier applications from this wallet in {hours} h")
    if n >= settings.velocity_review:
        return RuleHit("velocity_wallet", REVIEW, f"{n} earlier applications from this wallet in {hours} h")
    return None


def identity_velocity(ctx: FraudContext, settings: RiskSettings) -> RuleHit | None:
    n = ctx.recent_identity_applications
    hours = settings.velocity_window_hours
    if n >= settings.velocity_decline:
        return RuleHit("velocity_identity", DECLINE, f"{n} earlier applications by this person in {hours} h")
    if n >= settings.velocity_review:
        return RuleHit("velocity_identity", REVIEW, f"{n} earlier applications by this person in {hours} h")
    return None


def shared_identity(ctx: FraudContext, settings: RiskSettings) -> RuleHit | None:
    if ctx.wallets_sharing_national_id:
        return RuleHit(
            "shared_identity",
            REVIEW,
            f"national ID also verified for {len(ctx.wallets_sharing_national_id)} other wallet(s)",
        )
    if ctx.wallets_sharing_contact:
        return RuleHit(
            "shared_contact",
            REVIEW,
            f"phone or bank card also used by {len(ctx.wallets_sharing_contact)} other wallet(s)",
        )
    return None


def income_inconsistent_with_job(ctx: FraudContext, settings: RiskSettings) -> RuleHit | None:
    income = ctx.monthly_income / USDC
    job = ctx.attributes.get("job")
    if isinstance(job, str) and job.strip() in JOB_INCOME_RANGES:
        low, high = JOB_INCOME_RANGES[job.strip()]
        if not low <= income <= high:
            return RuleHit(
                "income_job_mismatch",
                REVIEW,
                f"stated monthly income {income:,.0f} outside {low:,}-{high:,} plausible for job "
                f"'{job.strip()}'",
            )
    if ctx.attributes.get("present_employment_since") == "unemployed" and income > UNEMPLOYED_MAX_INCOME:
        return RuleHit("income_job_mismatch", REVIEW, f"stated monthly income {income:,.0f} while unemployed")
    return None


def platform_repayment(ctx: FraudContext, settings: RiskSettings) -> RuleHit | None:
    # Not fraud but credit policy: the platform's own repayment record outranks the scorecard.
    if ctx.repayment_problem is None:
        return None
    return RuleHit("platform_repayment", DECLINE, ctx.repayment_problem)


RULES: list[Callable[[FraudContext, RiskSettings], RuleHit | None]] = [
    kyc_not_approved,
    wallet_velocity,
    identity_velocity,
    shared_identity,
    income_inconsistent_with_job,
    platform_repayment,
]


def evaluate(ctx: FraudContext, settings: RiskSettings) -> list[RuleHit]:
    return [hit for rule in RULES if (hit := rule(ctx, settings)) is not None]
