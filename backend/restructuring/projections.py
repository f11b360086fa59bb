"""Restructuring events -> proposals and approvals, and the loan's new schedule.

LoanMarket.RestructureProposed   chain_restructure_proposals (open, terms, expiry)
LoanMarket.RestructureApproved   chain_restructure_approvals (the approver of a note; a later approval
                                 of the same note, by its new holder, replaces it)
LoanMarket.RestructureWithdrawn  proposal withdrawn
LoanMarket.RestructureExecuted   proposal executed with the new terms; the loans domain's schedule,
                                 term and periods paid follow (backend/loans/projections.py `reschedule`)
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from backend.chain.indexer.decoders import DecodedEvent
from backend.chain.indexer.registry import Handler, HandlerKey
from backend.loans import projections as loans
from backend.restructuring.models import (
    EXECUTED,
    OPEN,
    WITHDRAWN,
    RestructureApprovalView,
    RestructureProposalView,
)


def proposed(session: Session, e: DecodedEvent) -> None:
    a = e.args
    session.add(
        RestructureProposalView(
            proposal_id=a["proposalId"],
            loan_id=a["loanId"],
            status=OPEN,
            extra_periods=a["extraPeriods"],
            holiday_periods=a["holidayPeriods"],
            expiry=a["expiry"],
            proposed_at=e.timestamp,
            proposed_block=e.block_number,
            proposed_tx=e.tx_hash,
            updated_block=e.block_number,
        )
    )


def approved(session: Session, e: DecodedEvent) -> None:
    a = e.args
    row = session.get(RestructureApprovalView, (a["proposalId"], a["noteId"]))
    if row is None:
        row = RestructureApprovalView(proposal_id=a["proposalId"], note_id=a["noteId"])
        session.add(row)
    row.loan_id, row.holder, row.share = a["loanId"], a["holder"], a["share"]
    row.approved_at, row.block_number, row.tx_hash = e.timestamp, e.block_number, e.tx_hash


def _close(session: Session, e: DecodedEvent, status: str) -> RestructureProposalView | None:
    row = session.get(RestructureProposalView, e.args["proposalId"])
    if row is not None:
        row.status, row.closed_at, row.updated_block = status, e.timestamp, e.block_number
    return row


def withdrawn(session: Session, e: DecodedEvent) -> None:
    _close(session, e, WITHDRAWN)


def executed(session: Session, e: DecodedEvent) -> None:
    a = e.args
    row = _close(session, e, EXECUTED)
    if row is not None:
        row.approved_principal = a["approvedPrincipal"]
        row.base_period, row.base_balance = a["basePeriod"], a["baseBalance"]
        row.num_periods, row.installment = a["numPeriods"], a["installment"]
        row.first_due_at, row.maturity = a["firstDueDate"], a["maturity"]
        row.first_charges = str(a["firstCharges"])
    loans.reschedule(session, e)


HANDLERS: dict[HandlerKey, Handler] = {
    ("LoanMarket", "RestructureProposed"): proposed,
    ("LoanMarket", "RestructureApproved"): approved,
    ("LoanMarket", "RestructureWithdrawn"): withdrawn,
    ("LoanMarket", "RestructureExecuted"): executed,
}
