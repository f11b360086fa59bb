"""Lender notices of restructuring (backend/notifications): observers of the restructuring events, run
after this domain's projection has folded the event, in the indexer's transaction, so each holder is told
once (the notice's key is the event's block hash and log index) exactly when the event is indexed.

  LoanMarket.RestructureProposed  restructure_proposed to each holder of a note of the loan: the terms,
                                  the expiry, and that two thirds of the principal must approve
  LoanMarket.RestructureExecuted  restructure_executed to each holder: the new schedule

A holder is a wallet owning a note of the loan that was not refunded (notifications' `holders`). Events
older than the notifications' horizon against the latest indexed block make no notice, so an index built
from old history does not tell anyone about it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.chain.indexer.decoders import DecodedEvent
from backend.chain.indexer.models import ChainBlock
from backend.chain.indexer.registry import Handler, HandlerKey
from backend.loans.models import LoanView
from backend.notifications import text
from backend.notifications.config import NotificationSettings
from backend.notifications.projections import holders
from backend.notifications.service import Notice, notify

DAY = 86_400


def _recent(session: Session, e: DecodedEvent) -> bool:
    latest = session.scalar(select(ChainBlock.timestamp).order_by(ChainBlock.number.desc()).limit(1))
    return latest is None or e.timestamp >= latest - NotificationSettings().event_horizon_days * DAY


def _tell_holders(
    session: Session, e: DecodedEvent, kind: str, subject: str, body: str, data: dict[str, str | int]
) -> None:
    loan = session.get(LoanView, e.args["loanId"])
    if loan is None or not _recent(session, e):
        return
    for wallet, share in holders(session, loan.loan_id):
        notify(
            session,
            Notice(
                kind=kind,
                recipient=wallet,
                key=f"chain:{e.block_hash}:{e.log_index}",
                subject=subject,
                body=f"{body} Your notes carry {text.amount(share)} of its principal.",
                data={
                    "loanId": loan.loan_id,
                    "proposalId": e.args["proposalId"],
                    "sharePrincipal": str(share),
                    "blockNumber": e.block_number,
                    "txHash": e.tx_hash,
                    **data,
                },
                occurred_at=e.timestamp,
            ),
        )


def proposed(session: Session, e: DecodedEvent) -> None:
    a = e.args
    loan_id, extra, holiday = a["loanId"], a["extraPeriods"], a["holidayPeriods"]
    terms = " and ".join(
        part
        for part in (
            f"{extra} more installment{'s' if extra != 1 else ''}" if extra else "",
            f"a payment holiday of {holiday} period{'s' if holiday != 1 else ''}" if holiday else "",
        )
        if part
    )
    _tell_holders(
        session,
        e,
        "restructure_proposed",
        f"Loan #{loan_id}: the borrower asks for a new schedule",
        f"The borrower of loan #{loan_id} proposed restructuring #{a['proposalId']} on "
        f"{text.when(e.timestamp)}: {terms}. No principal is reduced; interest keeps accruing and is paid "
        "under the new schedule. It takes effect once holders of two thirds of the principal approve, until "
        f"{text.when(a['expiry'])}.",
        {"extraPeriods": extra, "holidayPeriods": holiday, "expiry": a["expiry"]},
    )


def executed(session: Session, e: DecodedEvent) -> None:
    a = e.args
    loan_id = a["loanId"]
    installments = a["numPeriods"] - a["basePeriod"]
    _tell_holders(
        session,
        e,
        "restructure_executed",
        f"Loan #{loan_id} restructured: {installments} installments of {text.amount(a['installment'])}",
        f"Restructuring #{a['proposalId']} of loan #{loan_id} took effect on {text.when(e.timestamp)}, "
        f"approved by {text.amount(a['approvedPrincipal'])} of the principal. "
        f"{text.amount(a['baseBalance'])} is repaid in {installments} installments of "
        f"{text.amount(a['installment'])}, the first on {text.day(a['firstDueDate'])} (with the late fees "
        f"and interest unpaid so far), the last on {text.day(a['maturity'])}.",
        {
            "installment": str(a["installment"]),
            "firstDueDate": a["firstDueDate"],
            "maturity": a["maturity"],
            "approvedPrincipal": str(a["approvedPrincipal"]),
        },
    )


OBSERVERS: dict[HandlerKey, Handler] = {
    ("LoanMarket", "RestructureProposed"): proposed,
    ("LoanMarket", "RestructureExecuted"): executed,
}
