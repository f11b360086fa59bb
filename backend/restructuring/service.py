"""Restructuring use cases: a loan's proposals and approvals by principal from the index, the schedule an
open proposal would give (LoanMarketLens.restructurePreview) and a holder's EIP-712 approval (its nonce and
the chain's clock) from the chain."""

from __future__ import annotations

import logging
from typing import Any

from eth_utils import to_checksum_address
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.chain.client import ChainClient, deployment_reader
from backend.chain.errors import ChainError
from backend.chain.identity import EIP712_DOMAIN_FIELDS
from backend.chain.problems import chain_problem
from backend.core.problems import chain_unavailable
from backend.core.settings import Settings
from backend.loans.models import LoanView, NoteView
from backend.loans.schemas import InstallmentOut
from backend.loans.service import chain_time, indexed_block
from backend.restructuring import problems
from backend.restructuring.config import RestructuringSettings
from backend.restructuring.models import (
    EXECUTED,
    OPEN,
    RestructureApprovalView,
    RestructureProposalView,
)
from backend.restructuring.schemas import (
    ApprovalOut,
    ApprovalTypedData,
    ApprovalTypedDataIn,
    NewTerms,
    PreviewOut,
    ProposalOut,
    RestructuringOut,
    SubmitCalls,
)

logger = logging.getLogger("peerlend.restructuring")

APPROVAL_FIELDS = [
    {"name": "holder", "type": "address"},
    {"name": "loanId", "type": "uint256"},
    {"name": "proposalId", "type": "uint256"},
    {"name": "nonce", "type": "uint256"},
    {"name": "deadline", "type": "uint256"},
]
MARKET_DOMAIN = {"name": "PeerLend LoanMarket", "version": "1"}
# LoanMarket.getLoan's tuple, in ILoanMarketTypes.Loan's field order
LOAN_DUE_PERIODS, LOAN_PRINCIPAL_OUTSTANDING = 14, 20


def required_principal(funded: int) -> int:
    """Two thirds of the notes' principal, rounded up (LoanMarketRestructuring: ceil(2 * funded / 3))."""
    return -(-2 * funded // 3)


def _status(p: RestructureProposalView, now: int) -> str:
    return "expired" if p.status == OPEN and now > p.expiry else p.status


def _proposal_out(p: RestructureProposalView, now: int) -> ProposalOut:
    terms = None
    if p.status == EXECUTED:
        terms = NewTerms(
            approved_principal=p.approved_principal,
            base_period=p.base_period,
            base_balance=p.base_balance,
            num_periods=p.num_periods,
            installment=p.installment,
            first_due_at=p.first_due_at,
            maturity=p.maturity,
            first_charges=int(p.first_charges or 0),
        )
    return ProposalOut(
        proposal_id=p.proposal_id,
        status=_status(p, now),
        extra_periods=p.extra_periods,
        holiday_periods=p.holiday_periods,
        expiry=p.expiry,
        proposed_at=p.proposed_at,
        block_number=p.proposed_block,
        tx_hash=p.proposed_tx,
        closed_at=p.closed_at,
        terms=terms,
    )


def _notes(session: Session, loan_id: int) -> list[NoteView]:
    return list(
        session.scalars(
            select(NoteView)
            .where(NoteView.loan_id == loan_id, NoteView.refunded.is_(False))
            .order_by(NoteView.note_id)
        )
    )


def restructuring(session: Session, settings: Settings, loan_id: int) -> RestructuringOut:
    """The loan's latest proposal and its approvals counted as the contract counts them (a note counts while
    its approver still owns it), then, with the database connection given back first, the schedule an open
    proposal would give, read from the chain at its latest block."""
    loan = session.get(LoanView, loan_id)
    if loan is None:
        raise problems.loan_not_found(loan_id)
    now = chain_time(session)
    proposals = list(
        session.scalars(
            select(RestructureProposalView)
            .where(RestructureProposalView.loan_id == loan_id)
            .order_by(RestructureProposalView.proposal_id.desc())
        )
    )
    latest = proposals[0] if proposals else None
    owners = {n.note_id: n.owner for n in _notes(session, loan_id)}
    funded = loan.funded
    approvals: list[ApprovalOut] = []
    if latest is not None:
        for a in session.scalars(
            select(RestructureApprovalView)
            .where(RestructureApprovalView.proposal_id == latest.proposal_id)
            .order_by(RestructureApprovalView.note_id)
        ):
            approvals.append(
                ApprovalOut(
                    note_id=a.note_id,
                    holder=a.holder,
                    share=a.share,
                    counts=owners.get(a.note_id) == a.holder,
                    approved_at=a.approved_at,
                    tx_hash=a.tx_hash,
                )
            )
    counted = [a for a in approvals if a.counts]
    approved = sum(a.share for a in counted)
    is_open = latest is not None and _status(latest, now) == OPEN and loan.status == "active"
    out = RestructuringOut(
        loan_id=loan_id,
        as_of=now,
        indexed_block=indexed_block(session),
        funded=funded,
        required_principal=required_principal(funded),
        approved_principal=approved,
        executable=is_open and approved >= required_principal(funded),
        approving_note_ids=[a.note_id for a in counted],
        proposal=_proposal_out(latest, now) if latest is not None else None,
        approvals=approvals,
        preview=None,
        history=[_proposal_out(p, now) for p in proposals[1:]],
    )
    session.close()  # the chain reads below may take a moment: no connection is held through them
    if settings.rpc_url:
        try:
            out.calls = SubmitCalls(market=deployment_reader(settings).contract("LoanMarket").address)
        except (ChainError, OSError, ValueError, KeyError) as exc:
            logger.warning("market address not read: %s", exc)
    if is_open:
        out.preview = preview(settings, loan_id)
    return out


def preview(settings: Settings, loan_id: int) -> PreviewOut:
    """LoanMarketLens.restructurePreview at the latest block, numbered and with balances from the loan as the
    chain holds it at that block; on failure the figures are null and `error` says why."""
    if not settings.rpc_url:
        return PreviewOut(error="no chain configured")
    try:
        chain = deployment_reader(settings)
        head = chain.head()
        rows = chain.call(chain.contract("LoanMarketLens").functions.restructurePreview(loan_id), head.number)
        loan = chain.call(chain.contract("LoanMarket").functions.getLoan(loan_id), head.number)
    except (ChainError, OSError, ValueError, KeyError) as exc:
        logger.warning("restructuring preview of loan %s not read: %s", loan_id, exc)
        return PreviewOut(error=f"{type(exc).__name__}: {exc}"[:300])
    base, balance = int(loan[LOAN_DUE_PERIODS]), int(loan[LOAN_PRINCIPAL_OUTSTANDING])
    schedule = []
    for i, (due, amount, interest, principal) in enumerate(rows):
        balance -= int(principal)
        schedule.append(
            InstallmentOut(
                period=base + 1 + i,
                due_at=int(due),
                payment=int(amount),
                interest=int(interest),
                principal=int(principal),
                balance_after=balance,
            )
        )
    return PreviewOut(block_number=head.number, block_time=head.timestamp, schedule=schedule)


def approval_typed_data(
    session: Session, settings: Settings, loan_id: int, body: ApprovalTypedDataIn
) -> ApprovalTypedData:
    """The EIP-712 approval `body.holder` signs for the loan's open proposal (the chain's, which the index
    may not have caught up with), bound to its nonce now and a deadline on the chain's clock."""
    holder = to_checksum_address(body.holder)
    loan = session.get(LoanView, loan_id)
    if loan is None:
        raise problems.loan_not_found(loan_id)
    note_ids = [n.note_id for n in _notes(session, loan_id) if n.owner == holder]
    session.close()
    if not note_ids:
        raise problems.not_a_note_holder(holder, loan_id)
    client = _client(settings)
    market = client.contract("LoanMarket")
    try:
        head = client.head()
        proposal_id, _, _, _, is_open = client.call(
            market.functions.restructureProposal(loan_id), head.number
        )
        nonce = client.call(market.functions.restructureNonce(holder), head.number)
    except ChainError as exc:
        raise chain_problem(exc) from exc
    if not is_open:
        raise problems.no_open_proposal(loan_id)
    deadline = head.timestamp + RestructuringSettings().signature_ttl_seconds
    message: dict[str, Any] = {
        "holder": holder,
        "loanId": loan_id,
        "proposalId": int(proposal_id),
        "nonce": str(nonce),
        "deadline": deadline,
    }
    typed = {
        "types": {"EIP712Domain": EIP712_DOMAIN_FIELDS, "RestructureApproval": APPROVAL_FIELDS},
        "primaryType": "RestructureApproval",
        "domain": {**MARKET_DOMAIN, "chainId": client.chain_id, "verifyingContract": market.address},
        "message": message,
    }
    return ApprovalTypedData(
        typed_data=typed,
        proposal_id=int(proposal_id),
        note_ids=note_ids,
        nonce=str(nonce),
        deadline=deadline,
        block_number=head.number,
        calls=SubmitCalls(market=market.address),
    )


def _client(settings: Settings) -> ChainClient:
    if not settings.rpc_url:
        raise problems.chain_not_configured()
    try:
        return deployment_reader(settings)
    except ChainError as exc:
        raise chain_problem(exc) from exc
    except (OSError, ValueError, KeyError) as exc:  # no manifest, or one without the contract
        raise chain_unavailable(f"deployment manifest unusable: {exc}") from exc
