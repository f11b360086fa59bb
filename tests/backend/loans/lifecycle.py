"""A synthetic, ordered event stream of loan lifecycles, shaped exactly like decoded chain events."""

from __future__ import annotations

import json

from eth_account import Account
from sqlalchemy.orm import Session

from backend import projections
from backend.chain.indexer.decoders import DecodedEvent
from backend.chain.indexer.models import ChainBlock, ChainEvent
from backend.loans.note_ids import note_id

RAY = 10**27
DAY = 86_400
T0 = 1_800_000_000


def wallet(i: int) -> str:
    return Account.from_key((0xA11CE + i).to_bytes(32, "big")).address


BORROWER, LENDER_A, LENDER_B, BUYER = wallet(1), wallet(2), wallet(3), wallet(4)
WETH = wallet(100)  # the collateral token of loan 1
ETHER = 10**18
# loan 1's collateral: pledged at listing, topped up after drawdown (18-decimal amounts beyond 2^63)
PLEDGED, ADDED = 6 * ETHER, 5 * ETHER
OFFER_NONCE = 2**255 + 7  # a uint256 nonce, as the risk service derives them
FEES = {"servicingFeeBps": 500, "reserveShareBps": 1_000, "lateFeeBpsPerDay": 10}


class Stream:
    def __init__(self):
        self.events: list[DecodedEvent] = []
        self.block = 100

    def add(self, contract: str, event: str, dt: int = 0, **args) -> None:
        self.block += 1
        self.events.append(
            DecodedEvent(
                contract=contract,
                event=event,
                address="0x" + "00" * 19 + "01",
                args=args,
                block_number=self.block,
                block_hash="0x" + f"{self.block:064x}",
                log_index=0,
                tx_hash="0x" + f"{self.block:064x}",
                timestamp=T0 + (self.block - 100) * 60 + dt,
            )
        )


def lifecycle() -> list[DecodedEvent]:
    s = Stream()
    # loan 1: secured, two lenders, drawn, collateral topped up, two installments repaid, claims, a note
    # sold, default, two reserve covers
    s.add(
        "LoanMarket",
        "LoanListed",
        loanId=1,
        borrower=BORROWER,
        grade=2,
        principal=1_000_000_000,
        minFill=0,
        aprBps=1200,
        numPeriods=12,
        periodLength=30 * DAY,
        listingDeadline=T0 + 7 * DAY,
    )
    s.add("LoanMarket", "OfferUsed", borrower=BORROWER, nonce=OFFER_NONCE, loanId=1)
    s.add(
        "CollateralVault",
        "CollateralPledged",
        loanId=1,
        borrower=BORROWER,
        token=WETH,
        amount=PLEDGED,
        value=18_000_000_000,
    )
    s.add("LoanMarket", "LoanFunded", loanId=1, noteId=note_id(1, 0), lender=LENDER_A, amount=600_000_000)
    s.add("LoanMarket", "LoanFunded", loanId=1, noteId=note_id(1, 1), lender=LENDER_B, amount=400_000_000)
    s.add(
        "LoanMarket",
        "LoanDrawn",
        loanId=1,
        borrower=BORROWER,
        principal=1_000_000_000,
        originationFee=10_000_000,
        installment=88_848_789,
        firstDueDate=T0 + 30 * DAY,
        **FEES,
    )
    s.add("CollateralVault", "CollateralAdded", loanId=1, **{"from": BORROWER}, token=WETH, amount=ADDED)
    s.add(
        "LoanMarket",
        "LoanRepaid",
        loanId=1,
        payer=BORROWER,
        lateFee=0,
        interest=9_863_014,
        principal=78_985_775,
        reserveShare=986_302,
        servicingFee=98_631,
    )
    s.add("LoanMarket", "Claimed", noteId=note_id(1, 0), holder=LENDER_A, amount=52_000_000)
    s.add("LoanNote", "Transfer", **{"from": LENDER_B, "to": BUYER, "tokenId": note_id(1, 1)})
    s.add(
        "LoanMarket",
        "LoanRepaid",
        loanId=1,
        payer=BORROWER,
        lateFee=1_000,
        interest=9_000_000,
        principal=79_000_000,
        reserveShare=900_000,
        servicingFee=90_000,
    )
    s.add(
        "LoanMarket",
        "LoanDefaulted",
        loanId=1,
        principalOutstanding=842_014_225,
        interestUnpaid=0,
        lateFeeUnpaid=0,
    )
    # the reserve fund covers in two goes (its balance grew in between): 300 then 200
    s.add(
        "LoanMarket",
        "DefaultCovered",
        loanId=1,
        covered=300_000_000,
        loss=542_014_225,
        writedownPerShare=542_014_225 * RAY // 1_000_000_000,
    )
    s.add(
        "LoanMarket",
        "DefaultCovered",
        loanId=1,
        covered=200_000_000,
        loss=342_014_225,
        writedownPerShare=342_014_225 * RAY // 1_000_000_000,
    )
    # loan 2: listed, partly funded, expired, funding withdrawn
    s.add(
        "LoanMarket",
        "LoanListed",
        loanId=2,
        borrower=wallet(5),
        grade=5,
        principal=500_000_000,
        minFill=0,
        aprBps=2400,
        numPeriods=6,
        periodLength=30 * DAY,
        listingDeadline=T0 + 3 * DAY,
    )
    s.add("LoanMarket", "OfferUsed", borrower=wallet(5), nonce=2, loanId=2)
    s.add("LoanMarket", "LoanFunded", loanId=2, noteId=note_id(2, 0), lender=LENDER_A, amount=100_000_000)
    s.add("LoanMarket", "LoanExpired", loanId=2, reason=1)
    s.add(
        "LoanMarket", "FundingWithdrawn", loanId=2, noteId=note_id(2, 0), holder=LENDER_A, amount=100_000_000
    )
    # loan 3: listed and still open; a stablecoin transfer for the wallet history
    s.add(
        "LoanMarket",
        "LoanListed",
        loanId=3,
        borrower=wallet(6),
        grade=1,
        principal=2_000_000_000,
        minFill=1_000_000_000,
        aprBps=700,
        numPeriods=24,
        periodLength=30 * DAY,
        listingDeadline=T0 + 9 * DAY,
    )
    s.add("MockStablecoin", "Transfer", **{"from": LENDER_A, "to": BUYER, "value": 5_000_000})
    return s.events


def store(session: Session, events: list[DecodedEvent]) -> None:
    """Writes the events as the indexer would (raw rows + projections)."""
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
