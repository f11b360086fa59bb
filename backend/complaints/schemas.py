"""Complaint bodies (camelCase keys, ISO UTC times)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from backend.core.schemas import ID_MAX, ApiInput, ApiModel, Page, Timestamp, whole_number

Category = Literal[
    "repayment", "fees", "funding", "note_market", "auto_invest", "kyc", "privacy", "service", "other"
]
Status = Literal["open", "acknowledged", "resolved", "closed", "escalated"]
Outcome = Literal["upheld", "partially_upheld", "not_upheld"]
ComplaintId = Annotated[str, Field(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
Text = Annotated[str, Field(min_length=1, max_length=50_000)]


class ComplaintIn(ApiInput):
    category: Category
    # bounds before the validator, so the schema shows them (see backend/agreements/schemas.py)
    loan_id: Annotated[int, Field(ge=0, le=ID_MAX), BeforeValidator(whole_number)] | None = None
    text: Text


class MessageIn(ApiInput):
    text: Text


class ResolutionIn(ApiInput):
    outcome: Outcome
    text: Text


class ReplyIn(ApiInput):
    text: Annotated[str, Field(min_length=1, max_length=50_000)] | None = None


class MessageOut(ApiModel):
    id: str
    kind: Literal["response", "resolution", "reply"]
    author: Literal["complainant", "platform"]
    text: str
    created_at: Timestamp


class Sla(ApiModel):
    acknowledge_by: Timestamp
    resolve_by: Timestamp
    acknowledgement_breached: bool
    resolution_breached: bool


class ComplaintOut(ApiModel):
    id: str
    wallet: str
    category: Category
    loan_id: int | None
    status: Status
    filed_at: Timestamp
    acknowledged_at: Timestamp | None
    resolved_at: Timestamp | None
    outcome: Outcome | None
    closed_at: Timestamp | None
    escalated_at: Timestamp | None
    escalation_reason: str | None
    sla: Sla


class ComplaintDetail(ComplaintOut):
    text: str
    messages: list[MessageOut]


ComplaintPage = Page[ComplaintOut]


class EscalatedOut(ApiModel):
    escalated: list[str]


class ComplaintFigures(ApiModel):
    """What public disclosure publishes about complaints, as of a moment."""

    as_of: Timestamp
    since: Timestamp | None
    received: int
    by_category: dict[str, int]
    open: int = Field(description="filed and not yet resolved, closed or escalated")
    resolved: int = Field(description="resolved (the complainant's answer aside)")
    escalated: int
    by_outcome: dict[str, int]
    acknowledged_late: int = Field(description="acknowledged after the deadline, or not by it")
    resolved_late: int
    median_resolution_seconds: int | None = Field(description="filing to resolution, of those resolved")
