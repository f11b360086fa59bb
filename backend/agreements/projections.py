"""LoanMarket agreement events -> chain_agreement_bindings, chain_agreement_acceptances.

  LoanMarket.AgreementBound      the hash a loan was listed with
  LoanMarket.AgreementAccepted   one row per funding (by `fund` or through a mandate), with its hash

Only what the chain says: a fresh index equals an incremental one whenever borrowers posted their
signatures. `service.signed_by` checks a bound hash against loan_agreements when the agreement is read
(backend/agreements/service.py). The market copies the bound hash into each acceptance, so an acceptance
with another hash means the index and the chain disagree; the rendering reports it rather than hiding it.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from backend.agreements.models import AgreementAcceptanceView, AgreementBindingView
from backend.chain.indexer.decoders import DecodedEvent
from backend.chain.indexer.registry import Handler, HandlerKey


def bound(session: Session, e: DecodedEvent) -> None:
    loan_id = int(e.args["loanId"])
    row = session.get(AgreementBindingView, loan_id) or AgreementBindingView(loan_id=loan_id)
    row.agreement_hash = str(e.args["agreementHash"]).lower()
    row.block_number, row.log_index, row.tx_hash = e.block_number, e.log_index, e.tx_hash
    row.bound_at = e.timestamp
    session.add(row)


def accepted(session: Session, e: DecodedEvent) -> None:
    note_id = int(e.args["noteId"])
    row = session.get(AgreementAcceptanceView, note_id) or AgreementAcceptanceView(note_id=note_id)
    row.loan_id, row.lender = int(e.args["loanId"]), e.args["lender"]
    row.agreement_hash = str(e.args["agreementHash"]).lower()
    row.block_number, row.log_index, row.tx_hash = e.block_number, e.log_index, e.tx_hash
    row.accepted_at = e.timestamp
    session.add(row)


HANDLERS: dict[HandlerKey, Handler] = {
    ("LoanMarket", "AgreementBound"): bound,
    ("LoanMarket", "AgreementAccepted"): accepted,
}
