"""A scripted chain for service-level AML tests: events shaped as the decoder shapes them, stored and
applied as the indexer applies them (the raw event row, then the projections and their observers), one
block per event on a clock the test moves."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from backend import projections
from backend.chain.indexer.decoders import DecodedEvent
from backend.chain.indexer.models import ChainBlock, ChainEvent
from backend.loans.note_ids import note_id
from tests.backend.factories.clock import CHAIN_NOW

USD = 10**6
HOUR = 3_600
DAY = 86_400
MARKET = "0x" + "00" * 19 + "a1"  # the scripts move no stablecoin to or from it
TOKEN = "0x" + "00" * 19 + "a2"
ZERO = "0x" + "00" * 20


@dataclass
class Script:
    session: Session
    block: int = 1_000
    now: int = CHAIN_NOW
    loans: int = 0
    notes: dict[int, int] = field(default_factory=dict)
    events: list[DecodedEvent] = field(default_factory=list)
    observed: bool = True  # False: the projections alone, as an index built before monitoring existed

    def later(self, seconds: int) -> None:
        self.now += seconds

    def emit(self, contract: str, event: str, address: str = MARKET, **args: Any) -> DecodedEvent:
        self.block += 1
        self.now += 12
        e = DecodedEvent(
            contract=contract,
            event=event,
            address=address,
            args=args,
            block_number=self.block,
            block_hash="0x" + f"{self.block:064x}",
            log_index=0,
            tx_hash="0x" + f"{self.block:064x}",
            timestamp=self.now,
        )
        self.session.add(ChainBlock(number=e.block_number, hash=e.block_hash, timestamp=e.timestamp))
        self.session.add(
            ChainEvent(
                block_number=e.block_number,
                block_hash=e.block_hash,
                block_timestamp=e.timestamp,
                tx_hash=e.tx_hash,
                log_index=e.log_index,
                address=e.address,
                contract=e.contract,
                event=e.event,
                args=json.dumps(args),
            )
        )
        self.session.flush()
        if self.observed:
            projections.apply(self.session, e)
        elif (handler := projections.handler_for(e)) is not None:
            handler(self.session, e)
        self.events.append(e)
        return e

    # -- what the tests script

    def attest(self, wallet: str, subject: str, jurisdiction: int = 156) -> DecodedEvent:
        return self.emit(
            "IdentityRegistry",
            "IdentityAttested",
            wallet=wallet,
            attester=ZERO,
            level=2,
            riskClass=5,
            jurisdiction=jurisdiction,
            expiresAt=self.now + 365 * DAY,
            commitment="0x" + "11" * 32,
            subject=subject,
            entity=False,
        )

    def list_loan(self, borrower: str, principal: int) -> int:
        self.loans += 1
        self.emit(
            "LoanMarket",
            "LoanListed",
            loanId=self.loans,
            borrower=borrower,
            grade=1,
            principal=principal,
            minFill=0,
            aprBps=880,
            numPeriods=12,
            periodLength=30 * DAY,
            listingDeadline=self.now + 7 * DAY,
        )
        self.notes[self.loans] = 0
        return self.loans

    def fund(self, loan_id: int, lender: str, amount: int) -> int:
        note = note_id(loan_id, self.notes[loan_id])
        self.notes[loan_id] += 1
        self.emit("LoanMarket", "LoanFunded", loanId=loan_id, noteId=note, lender=lender, amount=amount)
        return note

    def repay(self, loan_id: int, payer: str, amount: int) -> DecodedEvent:
        return self.emit(
            "LoanMarket",
            "LoanRepaid",
            loanId=loan_id,
            payer=payer,
            lateFee=0,
            interest=amount // 10,
            principal=amount - amount // 10,
            reserveShare=0,
            servicingFee=0,
        )

    def claim(self, note: int, holder: str, amount: int) -> DecodedEvent:
        return self.emit("LoanMarket", "Claimed", noteId=note, holder=holder, amount=amount)

    def withdraw(self, loan_id: int, note: int, holder: str, amount: int) -> DecodedEvent:
        return self.emit(
            "LoanMarket", "FundingWithdrawn", loanId=loan_id, noteId=note, holder=holder, amount=amount
        )

    def sell(self, note: int, seller: str, buyer: str, price: int) -> DecodedEvent:
        return self.emit(
            "LoanMarket",
            "NoteSold",
            noteId=note,
            seller=seller,
            buyer=buyer,
            price=price,
            fee=0,
            sellerEarned=0,
        )

    def pledge(self, loan_id: int, borrower: str, amount: int, value: int) -> DecodedEvent:
        return self.emit(
            "CollateralVault",
            "CollateralPledged",
            address="0x" + "00" * 19 + "a3",
            loanId=loan_id,
            borrower=borrower,
            token="0x" + "00" * 19 + "e7",
            amount=amount,
            value=value,
        )

    def transfer(self, sender: str, receiver: str, value: int) -> DecodedEvent:
        return self.emit(
            "MockStablecoin", "Transfer", address=TOKEN, **{"from": sender, "to": receiver, "value": value}
        )
