"""Collection bodies (camelCase keys, ISO UTC times from the chain's block seconds, amounts as decimal
strings of base units)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from backend.core.schemas import Amount, AmountIn, ApiInput, ApiModel, Page, Timestamp

State = Literal["open", "closed"]
Tier = Annotated[int, Field(ge=1, le=3)]
Channel = Literal["phone", "sms", "email", "letter", "visit", "in_app"]
Outcome = Literal["reached", "no_answer", "left_message", "wrong_contact", "refused", "disputed"]
Reason = Literal["job_loss", "income_drop", "illness", "business_trouble", "forgot", "dispute", "other"]
PromiseStatus = Literal["open", "kept", "broken", "cancelled"]


def _iso_day(value: object) -> object:
    if not isinstance(value, str | date):
        raise ValueError("a day is an ISO 8601 date string, e.g. 2027-03-08")
    return value


# strict bodies take no strings for dates; a JSON body has nothing else to give one in
Day = Annotated[date, BeforeValidator(_iso_day), Field(strict=False, examples=["2027-03-08"])]
KeyId = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]


class AssignmentIn(ApiInput):
    assignee: KeyId | None = Field(description="the operator key id of a collector; null unassigns")


class ContactIn(ApiInput):
    channel: Channel
    outcome: Outcome
    reason: Reason | None = Field(default=None, description="why the borrower is late, as found out")
    note: Annotated[str, Field(min_length=1, max_length=50_000)] | None = None


class PromiseIn(ApiInput):
    amount: AmountIn
    promised_for: Day = Field(description="the UTC day (on the chain's clock) it is to be paid by")


class TierChangeOut(ApiModel):
    from_tier: int
    to_tier: int
    entered_at: Timestamp
    days_past_due: int


class SlaOut(ApiModel):
    tier: int
    requirement: Literal["first_contact", "formal_notice", "legal_referral"]
    started_at: Timestamp
    due_at: Timestamp
    met_at: Timestamp | None
    breached: bool = Field(description="met after its deadline, or not met by it at the chain's time")


class NoticeOut(ApiModel):
    tier: int
    kind: str
    status: Literal["sent", "superseded"]
    decided_at: Timestamp


class ContactOut(ApiModel):
    id: int
    operator: str
    channel: Channel
    outcome: Outcome
    reason: Reason | None
    note: str | None
    contacted_at: Timestamp


class PromiseOut(ApiModel):
    id: int
    amount: Amount
    promised_for: date
    deadline: Timestamp
    made_at: Timestamp
    made_by: str
    status: PromiseStatus
    paid: Amount
    resolved_at: Timestamp | None


class CaseOut(ApiModel):
    id: int
    loan_id: int
    borrower: str
    state: State
    tier: int
    max_tier: int
    days_past_due: int
    late_since: Timestamp
    opened_at: Timestamp
    tier_entered_at: Timestamp
    evaluated_at: Timestamp
    assignee: str | None
    assigned_at: Timestamp | None
    first_contact_at: Timestamp | None
    legal_referred_at: Timestamp | None
    closed_at: Timestamp | None
    resolution: Literal["cured", "settled"] | None
    close_reason: str | None
    sla_breached: bool = Field(description="some SLA of the case is breached")


class CaseDetail(CaseOut):
    tiers: list[TierChangeOut]
    slas: list[SlaOut]
    notices: list[NoticeOut]
    contacts: list[ContactOut]
    promises: list[PromiseOut]


CasePage = Page[CaseOut]


class TierCure(ApiModel):
    tier: int = Field(description="the deepest tier the cases reached")
    cases: int
    cured: int
    settled: int
    open: int
    cure_rate_bps: int | None = Field(description="cured of the closed cases, in bps; null if none closed")


class RollRates(ApiModel):
    month: str = Field(description="YYYY-MM: from the start of this month to the start of the next")
    current: int = Field(description="active loans current at the month's start")
    tier1: int
    tier2: int
    current_to_tier1: int
    tier1_to_tier2: int
    tier2_to_tier3: int
    current_to_tier1_bps: int | None
    tier1_to_tier2_bps: int | None
    tier2_to_tier3_bps: int | None


class CollectionFigures(ApiModel):
    as_of: Timestamp = Field(description="the chain's time the figures are taken at")
    cases: int
    open: int
    cure_by_tier: list[TierCure]
    roll_rates: list[RollRates]
    promises_kept: int
    promises_broken: int
    promise_kept_rate_bps: int | None
    contacted: int = Field(description="cases with a first contact")
    median_first_contact_seconds: int | None = Field(description="from opening to the first contact")
    mean_first_contact_seconds: int | None
