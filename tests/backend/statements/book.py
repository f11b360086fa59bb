"""A small loan book told as chain events, with the market's own arithmetic kept beside it.

`Book` emits the events LoanMarket, LoanNote and CollateralVault would (one transaction per call unless
`tx` groups them), at chosen times, and keeps what the contracts keep: each loan's accumulator (floor of
what reached the notes * RAY / funded, per event), principal outstanding, write-down per share, and each
note's checkpoint, so the Claimed and NoteSold amounts it emits are the ones the chain would emit and a
test can compute every statement figure from the same state, independently of backend/statements.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from backend.chain.indexer.decoders import DecodedEvent
from backend.loans.note_ids import note_id
from tests.backend.factories.wallets import wallet
from tests.backend.loans.lifecycle import store

RAY = 10**27
DAY = 86_400
VAULT = "0x" + "0" * 39 + "9"
MARKET = "0x" + "0" * 39 + "1"
FEES = {"servicingFeeBps": 100, "reserveShareBps": 1_000, "lateFeeBpsPerDay": 10}


def at(year: int, month: int, day: int, hour: int = 12) -> int:
    return int(datetime(year, month, day, hour, tzinfo=UTC).timestamp())


@dataclass
class LoanModel:
    loan_id: int
    borrower: str
    funded: int = 0
    outstanding: int = 0
    acc: int = 0
    defaulted: bool = False
    written_off: bool = False
    wps: int = 0
    reserve_claim: int = 0
    shares: dict[int, int] = field(default_factory=dict)  # note id -> share


class Book:
    def __init__(self) -> None:
        self.events: list[DecodedEvent] = []
        self.block = 1_000
        self.log = 0
        self.tx: str | None = None
        self.loans: dict[int, LoanModel] = {}
        self.owner: dict[int, str] = {}
        self.checkpoint: dict[int, int] = {}  # note id -> accumulator at its last claim or sale

    # -- plumbing

    def emit(self, contract: str, event: str, timestamp: int, **args: Any) -> None:
        if self.tx is None or not self.events or self.events[-1].timestamp != timestamp:
            self.block += 1
            self.log = 0
        else:
            self.log += 1
        tx = self.tx or f"0x{self.block:056x}{self.log:08x}"
        self.events.append(
            DecodedEvent(
                contract=contract,
                event=event,
                address=VAULT if contract == "CollateralVault" else MARKET,
                args=args,
                block_number=self.block,
                block_hash=f"0x{self.block:064x}",
                log_index=self.log,
                tx_hash=tx,
                timestamp=timestamp,
            )
        )

    def store(self, session: Session) -> None:
        store(session, self.events)
        session.commit()
        self.events = []

    # -- the market's arithmetic

    def unclaimed(self, note: int) -> int:
        loan = self._loan_of(note)
        share = loan.shares[note]
        return share * loan.acc // RAY - share * self.checkpoint.get(note, 0) // RAY

    def credited(self, note: int) -> int:
        loan = self._loan_of(note)
        return loan.shares[note] * loan.acc // RAY

    def position(self, note: int) -> int:
        loan = self._loan_of(note)
        return 0 if loan.written_off else loan.shares[note] * loan.outstanding // loan.funded

    def _loan_of(self, note: int) -> LoanModel:
        return next(loan for loan in self.loans.values() if note in loan.shares)

    # -- events

    def list_and_fund(self, loan_id: int, t: int, fundings: dict[str, int]) -> dict[str, int]:
        borrower = wallet(f"borrower-{loan_id}")
        loan = self.loans[loan_id] = LoanModel(loan_id=loan_id, borrower=borrower)
        principal = sum(fundings.values())
        self.emit(
            "LoanMarket",
            "LoanListed",
            t,
            loanId=loan_id,
            borrower=borrower,
            grade=2,
            principal=principal,
            minFill=0,
            aprBps=1_200,
            numPeriods=12,
            periodLength=30 * DAY,
            listingDeadline=t + 7 * DAY,
        )
        notes = {}
        for index, (lender, amount) in enumerate(fundings.items()):
            nid = note_id(loan_id, index)
            self.emit(
                "LoanMarket",
                "LoanFunded",
                t + 60 * (index + 1),
                loanId=loan_id,
                noteId=nid,
                lender=lender,
                amount=amount,
            )
            loan.shares[nid] = amount
            self.owner[nid] = lender
            notes[lender] = nid
        loan.funded = loan.outstanding = principal
        return notes

    def draw(self, loan_id: int, t: int) -> None:
        loan = self.loans[loan_id]
        self.emit(
            "LoanMarket",
            "LoanDrawn",
            t,
            loanId=loan_id,
            borrower=loan.borrower,
            principal=loan.funded,
            originationFee=0,
            installment=loan.funded // 10,
            firstDueDate=t + 30 * DAY,
            **FEES,
        )

    def repay(
        self, loan_id: int, t: int, interest: int, principal: int, late: int = 0, payer: str | None = None
    ) -> None:
        loan = self.loans[loan_id]
        if loan.defaulted:
            servicing = 0
            reserve = min(loan.reserve_claim, loan.outstanding) - min(
                loan.reserve_claim, loan.outstanding - principal
            )
        else:
            base = late + interest
            servicing = -(-base * FEES["servicingFeeBps"] // 10_000)
            reserve = min(-(-base * FEES["reserveShareBps"] // 10_000), base - servicing)
        to_lenders = late + interest + principal - servicing - reserve
        loan.acc += to_lenders * RAY // loan.funded
        loan.outstanding -= principal
        self.emit(
            "LoanMarket",
            "LoanRepaid",
            t,
            loanId=loan_id,
            payer=payer or loan.borrower,
            lateFee=late,
            interest=interest,
            principal=principal,
            reserveShare=reserve,
            servicingFee=servicing,
        )

    def liquidate(self, loan_id: int, t: int, interest: int, principal: int) -> None:
        self.tx = f"0x{self.block + 1:056x}{'1' * 8}"
        self.emit(
            "CollateralVault",
            "CollateralLiquidated",
            t,
            loanId=loan_id,
            liquidator=wallet("liquidator"),
            collateralAmount=10**18,
            payment=interest + principal,
        )
        self.repay(loan_id, t, interest, principal, payer=VAULT)
        self.emit(
            "LoanMarket",
            "LiquidationProceedsReceived",
            t,
            loanId=loan_id,
            amount=interest + principal,
            refundedToBorrower=0,
        )
        self.tx = None

    def default(self, loan_id: int, t: int) -> None:
        loan = self.loans[loan_id]
        loan.defaulted = True
        self.emit(
            "LoanMarket",
            "LoanDefaulted",
            t,
            loanId=loan_id,
            principalOutstanding=loan.outstanding,
            interestUnpaid=0,
            lateFeeUnpaid=0,
        )

    def cover(self, loan_id: int, t: int, covered: int) -> tuple[int, int]:
        loan = self.loans[loan_id]
        uncovered = max(0, loan.outstanding - loan.reserve_claim)
        loss = uncovered - covered
        wps = -(-loss * RAY // loan.funded)
        loan.reserve_claim += covered
        loan.acc += covered * RAY // loan.funded
        loan.written_off, loan.wps = True, wps
        self.emit(
            "LoanMarket",
            "DefaultCovered",
            t,
            loanId=loan_id,
            covered=covered,
            loss=loss,
            writedownPerShare=wps,
        )
        return loss, wps

    def claim(self, note: int, t: int) -> int:
        amount = self.unclaimed(note)
        self.checkpoint[note] = self._loan_of(note).acc
        self.emit("LoanMarket", "Claimed", t, noteId=note, holder=self.owner[note], amount=amount)
        return amount

    def sell(self, note: int, buyer: str, t: int, price: int, fee_bps: int = 50) -> tuple[int, int]:
        seller = self.owner[note]
        earned = self.unclaimed(note)
        fee = -(-price * fee_bps // 10_000)
        self.checkpoint[note] = self._loan_of(note).acc
        self.tx = f"0x{self.block + 1:056x}{'2' * 8}"
        self.emit(
            "LoanMarket",
            "NoteSold",
            t,
            noteId=note,
            seller=seller,
            buyer=buyer,
            price=price,
            fee=fee,
            sellerEarned=earned,
        )
        self.emit("LoanNote", "Transfer", t, **{"from": seller, "to": buyer, "tokenId": note})
        self.tx = None
        self.owner[note] = buyer
        return fee, earned

    def give(self, note: int, to: str, t: int) -> None:
        """A plain ERC-721 transfer: the unclaimed earnings go with the note."""
        self.emit("LoanNote", "Transfer", t, **{"from": self.owner[note], "to": to, "tokenId": note})
        self.owner[note] = to
