"""A restructured loan as decoded chain events, with amounts from the independent loan model
(tests/support/loan_model.py): loan 7, 3,000 USD at 12% over 12 x 30 days, three notes of 1,000 (A, B,
C); installment 1 paid on its due date, installment 2 missed; a proposal of 2 more installments and a
2-period holiday, approved by A and B; B's note sold to D before execution."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from eth_account import Account
from sqlalchemy.orm import Session

from backend import projections
from backend.chain.indexer.decoders import DecodedEvent
from backend.chain.indexer.models import ChainBlock, ChainEvent
from backend.loans.note_ids import note_id
from tests.support.loan_model import LoanModel

DAY = 86_400
PERIOD = 30 * DAY
USD = 10**6
T0 = 1_800_000_000
LOAN = 7
APR = 1_200
FEES = {"servicingFeeBps": 500, "reserveShareBps": 1_000, "lateFeeBpsPerDay": 10}


def wallet(i: int) -> str:
    return Account.from_key((0xB0B + i).to_bytes(32, "big")).address


BORROWER, A, B, C, D = (wallet(i) for i in range(5))
NOTES = {A: note_id(LOAN, 0), B: note_id(LOAN, 1), C: note_id(LOAN, 2)}


@dataclass
class Story:
    events: list[DecodedEvent] = field(default_factory=list)
    block: int = 1_000
    model: LoanModel = field(
        default_factory=lambda: LoanModel.drawn(
            3_000 * USD, {A: 1_000 * USD, B: 1_000 * USD, C: 1_000 * USD}, APR, PERIOD, 12, T0
        )
    )

    def add(self, at: int, contract: str, event: str, **args) -> DecodedEvent:
        self.block += 1
        e = DecodedEvent(
            contract=contract,
            event=event,
            address="0x" + "00" * 19 + "01",
            args=args,
            block_number=self.block,
            block_hash="0x" + f"{self.block:064x}",
            log_index=0,
            tx_hash="0x" + f"{self.block:064x}",
            timestamp=at,
        )
        self.events.append(e)
        return e

    def repay(self, at: int, amount: int) -> None:
        self.model.accrue(at, FEES["lateFeeBpsPerDay"])
        late, interest, principal = self.model.apply(amount)
        self.add(
            at,
            "LoanMarket",
            "LoanRepaid",
            loanId=LOAN,
            payer=BORROWER,
            lateFee=late,
            interest=interest,
            principal=principal,
            reserveShare=0,
            servicingFee=0,
        )

    def execute(self, at: int, proposal_id: int, extra: int, holiday: int, approved: int) -> dict:
        self.model.accrue(at, FEES["lateFeeBpsPerDay"])
        terms = self.model.restructure(at, extra, holiday)
        self.add(
            at,
            "LoanMarket",
            "RestructureExecuted",
            loanId=LOAN,
            proposalId=proposal_id,
            approvedPrincipal=approved,
            **terms,
        )
        return terms


def drawn_and_late() -> Story:
    """Up to the proposal: listed, funded, drawn, installment 1 paid, installment 2 missed by 10 days."""
    s = Story()
    s.add(
        T0 - 2 * DAY,
        "LoanMarket",
        "LoanListed",
        loanId=LOAN,
        borrower=BORROWER,
        grade=2,
        principal=3_000 * USD,
        minFill=0,
        aprBps=APR,
        numPeriods=12,
        periodLength=PERIOD,
        listingDeadline=T0 + 5 * DAY,
    )
    for lender, nid in NOTES.items():
        s.add(
            T0 - DAY, "LoanMarket", "LoanFunded", loanId=LOAN, noteId=nid, lender=lender, amount=1_000 * USD
        )
    s.add(
        T0,
        "LoanMarket",
        "LoanDrawn",
        loanId=LOAN,
        borrower=BORROWER,
        principal=3_000 * USD,
        originationFee=30 * USD,
        installment=s.model.installment,
        firstDueDate=T0 + PERIOD,
        **FEES,
    )
    s.repay(T0 + PERIOD, s.model.schedule[0]["amount"])
    return s


def propose(s: Story, at: int, proposal_id: int = 1, extra: int = 2, holiday: int = 2, days: int = 7) -> None:
    s.add(
        at,
        "LoanMarket",
        "RestructureProposed",
        loanId=LOAN,
        proposalId=proposal_id,
        extraPeriods=extra,
        holidayPeriods=holiday,
        expiry=at + days * DAY,
    )


def approve(s: Story, at: int, holder: str, note: int, proposal_id: int = 1) -> None:
    s.add(
        at,
        "LoanMarket",
        "RestructureApproved",
        loanId=LOAN,
        proposalId=proposal_id,
        noteId=note,
        holder=holder,
        share=1_000 * USD,
    )


def transfer(s: Story, at: int, sender: str, receiver: str, note: int) -> None:
    s.add(at, "LoanNote", "Transfer", **{"from": sender, "to": receiver, "tokenId": note})


def store(session: Session, events: list[DecodedEvent]) -> None:
    """Writes the events as the indexer would (raw rows, the chain's clock, projections)."""
    for e in events:
        session.merge(ChainBlock(number=e.block_number, hash=e.block_hash, timestamp=e.timestamp))
        session.add(
            ChainEvent(
                block_number=e.block_number,
                block_hash=e.block_hash,
                block_timestamp=e.timestamp,
                tx_hash=e.tx_hash,
                log_index=e.log_index,
                address=e.address,
                contract=e.contract,
                event=e.event,
                args=json.dumps(e.args),
            )
        )
        projections.apply(session, e)
    session.commit()


def tick(session: Session, at: int) -> None:
    """The index reaches a block at `at` (the chain's clock moves) with no event in it."""
    number = max(b.number for b in session.query(ChainBlock).all()) + 1
    session.add(ChainBlock(number=number, hash="0x" + f"{number:064x}", timestamp=at))
    session.commit()
