"""Restructuring API bodies (README "API conventions"): camelCase keys, amounts in base units as decimal
strings, times ISO 8601 UTC from the chain's clock (block timestamps, with the block number beside them)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from backend.core.schemas import Address, Amount, ApiInput, ApiModel, Timestamp
from backend.loans.schemas import InstallmentOut

ProposalStatus = Literal["open", "expired", "withdrawn", "executed"]


class NewTerms(ApiModel):
    """What an executed proposal put in force (RestructureExecuted)."""

    approved_principal: Amount
    base_period: int = Field(description="due periods before the new schedule")
    base_balance: Amount = Field(description="principal outstanding at execution, all of it rescheduled")
    num_periods: int = Field(description="installments of the schedule, counted from the first")
    installment: Amount
    first_due_at: Timestamp
    maturity: Timestamp
    first_charges: Amount = Field(
        description="late fees and interest the first new installment carries beside its principal"
    )


class ProposalOut(ApiModel):
    proposal_id: int
    status: ProposalStatus = Field(description="expired: open on-chain but past its expiry at chain time")
    extra_periods: int
    holiday_periods: int
    expiry: Timestamp
    proposed_at: Timestamp
    block_number: int = Field(description="of the proposal")
    tx_hash: str
    closed_at: Timestamp | None
    terms: NewTerms | None = Field(description="once executed")


class ApprovalOut(ApiModel):
    note_id: int
    holder: Address = Field(description="the wallet that approved")
    share: Amount = Field(description="the note's principal share")
    counts: bool = Field(description="the approving wallet still holds the note (as the index knows it)")
    approved_at: Timestamp
    tx_hash: str


class PreviewOut(ApiModel):
    """LoanMarketLens.restructurePreview at `blockNumber`: the schedule the open proposal would give if
    executed in that block (null figures and `error` when the chain could not be read)."""

    block_number: int | None = None
    block_time: Timestamp | None = None
    schedule: list[InstallmentOut] | None = None
    error: str | None = None


class SubmitCalls(ApiModel):
    """What a wallet sends to the market (`market`, merged ABI ILoanMarket) to act on the proposal."""

    market: Address
    approve: str = "approveRestructure(uint256 loanId, uint256 proposalId, uint256[] noteIds)"
    approve_by_sig: str = (
        "approveRestructureBySig(address holder, uint256 loanId, uint256 proposalId, uint256[] noteIds,"
        " uint256 deadline, bytes signature)"
    )
    execute: str = "executeRestructure(uint256 loanId, uint256[] noteIds)"
    withdraw: str = "withdrawRestructure(uint256 loanId)"


class RestructuringOut(ApiModel):
    """A loan's restructuring as indexed: its latest proposal with the approvals by principal, the
    threshold, and the schedule the open proposal would give."""

    loan_id: int
    as_of: Timestamp = Field(description="time of the latest indexed block")
    indexed_block: int | None
    funded: Amount = Field(description="the notes' principal shares in all")
    required_principal: Amount = Field(description="two thirds of `funded`, rounded up")
    approved_principal: Amount = Field(description="shares of notes whose approver still holds them")
    executable: bool = Field(description="open and at the threshold: anyone may execute it now")
    approving_note_ids: list[int] = Field(description="ascending: the noteIds to pass to executeRestructure")
    proposal: ProposalOut | None = Field(description="the latest proposal (null: none made)")
    approvals: list[ApprovalOut]
    preview: PreviewOut | None = Field(description="for an open proposal only")
    history: list[ProposalOut] = Field(description="earlier proposals, newest first")
    calls: SubmitCalls | None = None


class ApprovalTypedDataIn(ApiInput):
    holder: Address


class ApprovalTypedData(ApiModel):
    """EIP-712 typed data of a holder's approval: the holder signs it (eth_signTypedData_v4) and anyone
    submits it, with `noteIds`, to `approveRestructureBySig` before `deadline`. The nonce is used up by the
    submission: a signature counts once."""

    typed_data: dict[str, Any]
    proposal_id: int
    note_ids: list[int] = Field(description="the holder's notes of the loan, as the index knows them")
    nonce: str
    deadline: int = Field(description="unix seconds on the chain's clock")
    block_number: int
    calls: SubmitCalls
