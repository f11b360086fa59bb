"""Lending contract events -> loans, schedules, repayments, notes, portfolios, wallet transactions.

Mapping table (events as declared in contracts/interfaces/ILoanMarketEvents.sol, ICollateralLiquidation.sol,
ILoanNote.sol; LoanMarket's events come from its address whichever of its three parts ran the code):

  LoanMarket.LoanListed                 chain_loans (status listed, terms)
  LoanMarket.OfferUsed                  chain_loans.offer_nonce (the signed offer the loan was listed
                                        with; joins loan_applications.offer_nonce)
  CollateralVault.CollateralPledged     chain_loans.collateral_token, collateral_amount = amount
  CollateralVault.CollateralAdded       collateral_amount += amount (the borrower's top-up)
  CollateralVault.CollateralLiquidated  collateral_amount -= collateralAmount (sold to the buyer)
  CollateralVault.CollateralReleased    collateral_amount = 0 (back to the borrower)
  LoanMarket.LoanFunded                 chain_loans.funded, chain_notes (new),
                                        portfolio invested/outstanding, wallet tx "fund"
  LoanMarket.LoanDrawn                  chain_loans (status active, the fees fixed for the loan:
                                        servicing_fee_bps, reserve_share_bps, late_fee_bps_per_day),
                                        chain_loan_installments (annuity schedule), portfolio borrowed,
                                        wallet tx "drawdown"
  LoanMarket.LoanRepaid                 chain_repayments, chain_loans paid totals (reserve_recovered
                                        after a default), notes' principal returned (pro rata,
                                        recomputed from totals so rounding never drifts),
                                        portfolio repaid / outstanding, wallet tx "repay"
  LoanMarket.LoanRepaidInFull           status repaid (a defaulted loan stays defaulted: settled)
  LoanMarket.LiquidationProceedsReceived chain_loans.recovered
  LoanMarket.Claimed                    chain_notes.claimed, portfolio received, wallet tx "claim"
  LoanMarket.LoanDefaulted              status defaulted
  LoanMarket.DefaultCovered             may fire several times per loan: reserve_covered += covered;
                                        written_down = loss (the latest); notes' principal returned
                                        includes the cover; notes' write-down = share *
                                        writedownPerShare / 1e27 (the latest); portfolio losses /
                                        outstanding move by the difference
  LoanMarket.LoanCancelled              status cancelled
  LoanMarket.LoanExpired                status expired, expiry_reason (1 deadline, 2 wound down,
                                        3 the listing no longer qualifies)
  LoanMarket.FundingWithdrawn           note refunded; portfolio invested/outstanding reversed,
                                        wallet tx "refund"
  LoanNote.Transfer (not mint/burn)     note owner; outstanding moves between portfolios;
                                        wallet tx note_in/out

LoanMarket.RestructureExecuted is the restructuring domain's (backend/restructuring/projections.py); it
calls `reschedule` here for this domain's tables: chain_loan_installments after the base period replaced
by the new schedule, chain_loans.term, installment, schedule_base_period, restructurings, periods_paid.

DustSwept (rounding dust to the treasury) changes no loan, note or portfolio; like the governance
events it is kept in chain_events only.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from backend.chain.indexer.decoders import DecodedEvent
from backend.chain.indexer.registry import Handler, HandlerKey
from backend.loans.annuity import annuity_schedule, restructured_schedule
from backend.loans.models import InstallmentView, LoanView, NoteView, PortfolioView, RepaymentView
from backend.loans.transfers import ZERO, wallet_tx

RAY = 10**27


def periods_covered(balances_after, principal_outstanding: int) -> int:
    """Installments paid, by the contract's rule (LoanMarket.daysPastDue): payments reach principal
    only after all interest, so installment k is paid once the principal is down to the contractual
    balance after it. A payment of exactly one installment made late carries a little more interest
    and so leaves that installment a little short, as it does on-chain."""
    covered = 0
    for balance in balances_after:
        if principal_outstanding > balance:
            break
        covered += 1
    return covered


def _portfolio(session: Session, wallet: str) -> PortfolioView:
    row = session.get(PortfolioView, wallet)
    if row is None:
        row = PortfolioView(
            wallet=wallet, invested=0, outstanding=0, received=0, losses=0, notes=0, borrowed=0, repaid=0
        )
        session.add(row)
    return row


def _loan(session: Session, e: DecodedEvent) -> LoanView | None:
    loan = session.get(LoanView, e.args["loanId"])
    if loan is not None:
        loan.updated_block = e.block_number
    return loan


def _update_note(session: Session, note: NoteView, **changes) -> None:
    """Changes a note and moves the difference in its outstanding principal into its owner's portfolio."""
    before = note.outstanding_principal
    for key, value in changes.items():
        setattr(note, key, value)
    _portfolio(session, note.owner).outstanding += note.outstanding_principal - before


def _notes(session: Session, loan_id: int) -> list[NoteView]:
    return list(
        session.scalars(select(NoteView).where(NoteView.loan_id == loan_id).order_by(NoteView.note_id))
    )


def listed(session: Session, e: DecodedEvent) -> None:
    a = e.args
    session.add(
        LoanView(
            loan_id=a["loanId"],
            borrower=a["borrower"],
            status="listed",
            principal=a["principal"],
            term=a["numPeriods"],
            period_seconds=a["periodLength"],
            rate_bps=a["aprBps"],
            grade=a["grade"],
            funded=0,
            lenders=0,
            collateral_amount="0",
            listing_deadline=a["listingDeadline"],
            listed_at=e.timestamp,
            drawn_amount=0,
            origination_fee=0,
            installment=0,
            principal_repaid=0,
            interest_paid=0,
            fees_paid=0,
            recovered=0,
            written_down=0,
            periods_paid=0,
            schedule_base_period=0,
            restructurings=0,
            updated_block=e.block_number,
        )
    )


def offer_used(session: Session, e: DecodedEvent) -> None:
    if loan := _loan(session, e):
        loan.offer_nonce = str(e.args["nonce"])


def _move_collateral(loan: LoanView, delta: int) -> None:
    # decimal text: a token amount can be any uint256 (see LoanView.collateral_amount)
    loan.collateral_amount = str(max(0, int(loan.collateral_amount) + delta))


def collateral_pledged(session: Session, e: DecodedEvent) -> None:
    if loan := _loan(session, e):
        loan.collateral_token, loan.collateral_amount = e.args["token"], str(e.args["amount"])


def collateral_added(session: Session, e: DecodedEvent) -> None:
    if loan := _loan(session, e):
        _move_collateral(loan, e.args["amount"])


def collateral_liquidated(session: Session, e: DecodedEvent) -> None:
    if loan := _loan(session, e):
        _move_collateral(loan, -e.args["collateralAmount"])


def collateral_released(session: Session, e: DecodedEvent) -> None:
    if loan := _loan(session, e):
        loan.collateral_amount = "0"


def funded(session: Session, e: DecodedEvent) -> None:
    a = e.args
    if loan := _loan(session, e):
        loan.funded += a["amount"]
        loan.lenders += 1
    session.add(
        NoteView(
            note_id=a["noteId"],
            loan_id=a["loanId"],
            owner=a["lender"],
            original_lender=a["lender"],
            principal=a["amount"],
            claimed=0,
            principal_returned=0,
            written_down=0,
            refunded=False,
            updated_block=e.block_number,
        )
    )
    p = _portfolio(session, a["lender"])
    p.invested += a["amount"]
    p.outstanding += a["amount"]
    p.notes += 1
    wallet_tx(session, e, a["lender"], "fund", a["amount"], loan_id=a["loanId"], note_id=a["noteId"])


def drawn(session: Session, e: DecodedEvent) -> None:
    a = e.args
    loan = _loan(session, e)
    if loan is None:
        return
    loan.status, loan.principal, loan.drawn_at = "active", a["principal"], e.timestamp
    loan.origination_fee, loan.drawn_amount = a["originationFee"], a["principal"] - a["originationFee"]
    loan.installment = a["installment"]
    loan.servicing_fee_bps, loan.reserve_share_bps = a["servicingFeeBps"], a["reserveShareBps"]
    loan.late_fee_bps_per_day = a["lateFeeBpsPerDay"]
    for period, due, payment, interest, principal, balance in annuity_schedule(
        a["principal"], loan.rate_bps, loan.term, loan.period_seconds, a["firstDueDate"], a["installment"]
    ):
        session.add(
            InstallmentView(
                loan_id=loan.loan_id,
                period=period,
                due_at=due,
                payment=payment,
                interest=interest,
                principal=principal,
                balance_after=balance,
            )
        )
    _portfolio(session, a["borrower"]).borrowed += a["principal"]
    wallet_tx(session, e, a["borrower"], "drawdown", loan.drawn_amount, loan_id=loan.loan_id)


def repaid(session: Session, e: DecodedEvent) -> None:
    a = e.args
    loan = _loan(session, e)
    if loan is None:
        return
    total = a["lateFee"] + a["interest"] + a["principal"]
    loan.principal_repaid += a["principal"]
    loan.interest_paid += a["interest"]
    loan.fees_paid += a["lateFee"]
    session.add(
        RepaymentView(
            block_number=e.block_number,
            log_index=e.log_index,
            loan_id=loan.loan_id,
            payer=a["payer"],
            amount=total,
            interest=a["interest"],
            principal=a["principal"],
            fees=a["lateFee"],
            timestamp=e.timestamp,
            tx_hash=e.tx_hash,
        )
    )
    _count_periods_paid(session, loan)
    if loan.status == "defaulted":
        # no fees after a default: the reserve's part of a recovery is principal it had covered
        loan.reserve_recovered += a["reserveShare"]
    if a["principal"]:
        _return_principal_to_notes(session, loan, e.block_number)
    _portfolio(session, loan.borrower).repaid += total
    wallet_tx(session, e, a["payer"], "repay", total, loan_id=loan.loan_id)


def _count_periods_paid(session: Session, loan: LoanView) -> None:
    """Installments paid of the schedule in force (after a restructuring, counted from its base: what was
    unpaid before it is part of the new schedule's first installment)."""
    balances = session.scalars(
        select(InstallmentView.balance_after)
        .where(InstallmentView.loan_id == loan.loan_id, InstallmentView.period > loan.schedule_base_period)
        .order_by(InstallmentView.period)
    ).all()
    outstanding = loan.principal - loan.principal_repaid
    loan.periods_paid = loan.schedule_base_period + periods_covered(balances, outstanding)


def reschedule(session: Session, e: DecodedEvent) -> None:
    """LoanMarket.RestructureExecuted, for the loan's own tables (called by the restructuring projection,
    which owns the event): the rows after the base period become the new schedule's, and the term and
    installment its own. Rows up to the base stay, as the schedule the loan had then."""
    a = e.args
    loan = _loan(session, e)
    if loan is None:
        return
    base = a["basePeriod"]
    session.execute(
        delete(InstallmentView).where(InstallmentView.loan_id == loan.loan_id, InstallmentView.period > base)
    )
    rows = restructured_schedule(
        a["baseBalance"],
        loan.rate_bps,
        loan.period_seconds,
        base,
        a["numPeriods"],
        a["firstDueDate"],
        a["installment"],
        a["firstCharges"],
    )
    for period, due, payment, interest, principal, balance in rows:
        session.add(
            InstallmentView(
                loan_id=loan.loan_id,
                period=period,
                due_at=due,
                payment=payment,
                interest=interest,
                principal=principal,
                balance_after=balance,
            )
        )
    session.flush()
    loan.term, loan.installment = a["numPeriods"], a["installment"]
    loan.schedule_base_period = base
    loan.restructurings += 1
    _count_periods_paid(session, loan)


def _return_principal_to_notes(session: Session, loan: LoanView, block: int) -> None:
    """Each note's share of the principal that reached the notes: what the borrower repaid, less what
    went to the reserve fund after it covered the loan, plus what the reserve fund paid them."""
    if not loan.principal:
        return
    to_notes = loan.principal_repaid - loan.reserve_recovered + loan.reserve_covered
    for note in _notes(session, loan.loan_id):
        if not note.refunded:
            _update_note(
                session,
                note,
                principal_returned=note.principal * to_notes // loan.principal,
                updated_block=block,
            )


def repaid_in_full(session: Session, e: DecodedEvent) -> None:
    # A defaulted loan whose recoveries paid the whole debt stays defaulted on-chain (settled).
    if (loan := _loan(session, e)) and loan.status != "defaulted":
        loan.status, loan.closed_at = "repaid", e.timestamp


def liquidation_proceeds(session: Session, e: DecodedEvent) -> None:
    if loan := _loan(session, e):
        loan.recovered += e.args["amount"] - e.args["refundedToBorrower"]


def claimed(session: Session, e: DecodedEvent) -> None:
    a = e.args
    note = session.get(NoteView, a["noteId"])
    if note is not None:
        note.claimed += a["amount"]
        note.updated_block = e.block_number
    _portfolio(session, a["holder"]).received += a["amount"]
    wallet_tx(
        session,
        e,
        a["holder"],
        "claim",
        a["amount"],
        loan_id=note.loan_id if note else None,
        note_id=a["noteId"],
    )


def defaulted(session: Session, e: DecodedEvent) -> None:
    if loan := _loan(session, e):
        loan.status, loan.closed_at = "defaulted", e.timestamp


def default_covered(session: Session, e: DecodedEvent) -> None:
    a = e.args
    loan = _loan(session, e)
    if loan is None:
        return
    # Each cover pays `covered` more; `loss` and `writedownPerShare` are what the notes miss after it.
    loan.written_down = a["loss"]
    loan.reserve_covered += a["covered"]
    _return_principal_to_notes(session, loan, e.block_number)
    for note in _notes(session, loan.loan_id):
        if note.refunded:
            continue
        loss = note.principal * a["writedownPerShare"] // RAY
        before = note.written_down
        _update_note(session, note, written_down=loss, updated_block=e.block_number)
        _portfolio(session, note.owner).losses += loss - before


def closed(status: str):
    def handler(session: Session, e: DecodedEvent) -> None:
        if loan := _loan(session, e):
            loan.status, loan.closed_at = status, e.timestamp

    handler.__name__ = f"loan_{status}"
    return handler


def expired(session: Session, e: DecodedEvent) -> None:
    if loan := _loan(session, e):
        loan.status, loan.closed_at, loan.expiry_reason = "expired", e.timestamp, e.args["reason"]


def funding_withdrawn(session: Session, e: DecodedEvent) -> None:
    a = e.args
    if loan := _loan(session, e):
        loan.funded -= a["amount"]
    note = session.get(NoteView, a["noteId"])
    if note is not None and not note.refunded:
        owner = _portfolio(session, note.owner)
        _update_note(session, note, refunded=True, updated_block=e.block_number)
        owner.invested -= note.principal
        owner.notes -= 1
    wallet_tx(session, e, a["holder"], "refund", a["amount"], loan_id=a["loanId"], note_id=a["noteId"])


def note_transfer(session: Session, e: DecodedEvent) -> None:
    a = e.args
    sender, receiver, note_id = a["from"], a["to"], a.get("tokenId")
    if sender == ZERO or receiver == ZERO or note_id is None:
        return  # mint and burn are told by LoanFunded and FundingWithdrawn
    note = session.get(NoteView, note_id)
    if note is None:
        return
    outstanding = note.outstanding_principal
    old, new = _portfolio(session, sender), _portfolio(session, receiver)
    old.outstanding -= outstanding
    old.notes -= 1
    new.outstanding += outstanding
    new.notes += 1
    note.owner, note.updated_block = receiver, e.block_number
    wallet_tx(
        session,
        e,
        sender,
        "note_out",
        outstanding,
        counterparty=receiver,
        loan_id=note.loan_id,
        note_id=note_id,
    )
    wallet_tx(
        session,
        e,
        receiver,
        "note_in",
        outstanding,
        counterparty=sender,
        loan_id=note.loan_id,
        note_id=note_id,
    )


HANDLERS: dict[HandlerKey, Handler] = {
    ("LoanMarket", "LoanListed"): listed,
    ("LoanMarket", "OfferUsed"): offer_used,
    ("CollateralVault", "CollateralPledged"): collateral_pledged,
    ("CollateralVault", "CollateralAdded"): collateral_added,
    ("CollateralVault", "CollateralLiquidated"): collateral_liquidated,
    ("CollateralVault", "CollateralReleased"): collateral_released,
    ("LoanMarket", "LoanFunded"): funded,
    ("LoanMarket", "LoanDrawn"): drawn,
    ("LoanMarket", "LoanRepaid"): repaid,
    ("LoanMarket", "LoanRepaidInFull"): repaid_in_full,
    ("LoanMarket", "LiquidationProceedsReceived"): liquidation_proceeds,
    ("LoanMarket", "Claimed"): claimed,
    ("LoanMarket", "LoanDefaulted"): defaulted,
    ("LoanMarket", "DefaultCovered"): default_covered,
    ("LoanMarket", "LoanCancelled"): closed("cancelled"),
    ("LoanMarket", "LoanExpired"): expired,
    ("LoanMarket", "FundingWithdrawn"): funding_withdrawn,
    ("LoanNote", "Transfer"): note_transfer,
}
