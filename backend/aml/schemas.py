"""Request and response bodies of /v2/aml. Alerts and cases carry no personal data: a case's subject is
the person's keyed hash; reasons and narratives are free text officers wrote, shown to compliance only."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from backend.core.schemas import Amount, ApiInput, ApiModel, Page, Timestamp

Rule = Literal[
    "large_transaction",
    "structuring",
    "fast_in_out",
    "shared_source",
    "third_party_repayment",
    "person_wallets",
    "jurisdiction",
    "sanctions",
]
Action = Literal["close_false_positive", "escalate", "freeze", "report"]
CaseStatus = Literal["open", "escalated", "frozen", "closed", "reported"]
AlertStatus = Literal["open", "closed", "withdrawn"]


class TransactionView(ApiModel):
    tx_hash: str
    log_index: int
    block_number: int
    wallet: str
    kind: str = Field(description="fund, repay, claim, note_buy, note_sale, pledge, transfer_in/out, ...")
    amount: Amount
    timestamp: Timestamp = Field(description="the block's time")


class AlertView(ApiModel):
    id: int
    rule: Rule
    score: int = Field(description="0-100")
    status: AlertStatus
    case_id: int
    subject_key: str = Field(
        description="the person's keyed hash (IdentityRegistry subject), or wallet:<address>"
    )
    wallet: str | None
    amount: Amount
    details: dict[str, Any]
    tx_hash: str | None = Field(description="the event that raised it; null for a screening hit")
    log_index: int | None
    block_number: int | None
    chain_time: Timestamp | None
    created_at: Timestamp
    transactions: list[TransactionView]


AlertPage = Page[AlertView]


class CaseView(ApiModel):
    id: int
    subject_key: str
    status: CaseStatus
    score: int = Field(description="its highest alert's score, plus 5 per other rule that fired, at most 100")
    alert_count: int
    opened_at: Timestamp
    updated_at: Timestamp
    closed_at: Timestamp | None


CasePage = Page[CaseView]


class DispositionView(ApiModel):
    id: int
    case_id: int
    action: Action
    status: Literal["effective", "proposed", "approved", "rejected"]
    reason: str | None
    proposed_by: str
    proposed_at: Timestamp
    decided_by: str | None
    decided_at: Timestamp | None
    decision_reason: str | None
    outcome: dict[str, Any] = Field(
        description="freeze: transaction per wallet; report: the filed report's id"
    )
    error: str | None
    effective_at: Timestamp | None


class CaseWallet(ApiModel):
    wallet: str
    frozen: bool
    application_id: str | None


class CaseDetailView(CaseView):
    wallets: list[CaseWallet]
    alerts: list[AlertView]
    dispositions: list[DispositionView]
    narrative: str | None


class DispositionRequest(ApiInput):
    action: Action
    reason: str = Field(min_length=10, max_length=2000, description="why; kept encrypted")
    narrative: str | None = Field(
        default=None, min_length=10, max_length=20_000, description="the report's narrative (action report)"
    )


class DecisionRequest(ApiInput):
    reason: str = Field(min_length=10, max_length=2000)


class SanctionsEntry(ApiInput):
    id: str = Field(min_length=1, max_length=64)
    list_name: str = Field(alias="list", min_length=1, max_length=64)
    program: str = Field(default="sanctions", max_length=64)
    name: str = Field(min_length=1, max_length=300)
    aliases: list[str] = Field(default_factory=list, max_length=100)
    dob: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$", description="YYYY-MM-DD")
    nationality: str | None = Field(default=None, max_length=8)


class SanctionsListUpload(ApiInput):
    """A screening list in the format of backend/kyc/data/sanctions.json."""

    version: str = Field(min_length=1, max_length=64)
    entries: list[SanctionsEntry] = Field(min_length=1, max_length=100_000)
    source: str | None = Field(default=None, max_length=500)
    notice: str | None = Field(default=None, max_length=2000)


class SanctionsListView(ApiModel):
    id: int
    version: str
    sha256: str
    entries: int
    uploaded_by: str
    uploaded_at: Timestamp
    due_at: Timestamp = Field(description="every identity is screened by then")
    identities: int
    pending: int
    done: int
    failed: int
    hits: int = Field(description="hits and near matches, each an alert")
    overdue: bool


def is_overdue(due_at: datetime, pending: int, now: datetime) -> bool:
    return pending > 0 and now > due_at
