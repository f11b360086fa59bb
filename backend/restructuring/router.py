"""Restructuring HTTP API: what a front end shows of a loan's restructuring and what a holder signs. The
contract calls themselves (propose, approve, execute, withdraw) are sent by wallets to the market.

GET  /v2/loans/{loanId}/restructuring                        public: the latest proposal, its approvals by
                                                             principal, the threshold, the note ids to
                                                             execute with, the schedule it would give
POST /v2/loans/{loanId}/restructuring/approvals/typed-data   public: the EIP-712 approval a holder signs
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from backend.core.deps import SessionDep, SettingsDep
from backend.core.problems import problem_responses
from backend.core.routing import api_router
from backend.core.schemas import ID_MAX
from backend.restructuring import service
from backend.restructuring.schemas import ApprovalTypedData, ApprovalTypedDataIn, RestructuringOut

router = api_router(tags=["restructuring"])

LoanId = Annotated[int, Path(alias="loanId", ge=0, le=ID_MAX)]


@router.get(
    "/loans/{loanId}/restructuring", response_model=RestructuringOut, responses=problem_responses(404)
)
def get_restructuring(loan_id: LoanId, session: SessionDep, settings: SettingsDep) -> RestructuringOut:
    """The loan's latest restructuring proposal (open, expired, withdrawn or executed, with its new terms),
    its approvals and the principal they carry (a note counts while its approver still holds it), the
    two-thirds threshold, and for an open proposal the schedule it would give, read from the chain."""
    return service.restructuring(session, settings, loan_id)


@router.post(
    "/loans/{loanId}/restructuring/approvals/typed-data",
    response_model=ApprovalTypedData,
    responses=problem_responses(404, 409, 422, 502),
)
def approval_typed_data(
    loan_id: LoanId, body: ApprovalTypedDataIn, session: SessionDep, settings: SettingsDep
) -> ApprovalTypedData:
    """The holder signs the returned typed data; anyone submits it with `noteIds` to
    `approveRestructureBySig` before `deadline`."""
    return service.approval_typed_data(session, settings, loan_id, body)
