"""A small loan book as decoded chain events, stored as the indexer stores them (raw events, blocks, the
projections' read models and a checkpoint), for the disclosure figures to be computed from.

Borrowers: Ann with two wallets (one person, one subject), Bob, and an unlinked wallet no identity covers.
Lenders: Lee and Mia fund; Ned buys a note; Oz funds only a listing that expires (so is no lender).

  2027-01-05 (T0)  identities attested; the reserve fund seeded with 500 USD
  T0 + 1..6 h      loans 1 (Ann, B, 1,000 / 12), 2 (Ann's second wallet, B, 500 / 6), 3 (Bob, E, 2,000 / 12)
                   and 4 (the unlinked wallet, A, 300 / 3) listed, funded and drawn; loan 5 listed, funded
                   by Oz, expired at T0 + 8 d and refunded
  T0 + 10 d        loan 4 repaid in full
  loan 1's due 1   installment 1 paid on its due date; the fees swept (the reserve share to the fund)
  T0 + 40 d        Mia sells her note of loan 1 to Ned for 390 USD (fee 1.95)
  loan 3's due + 95 d  loan 3 defaulted (2,000 outstanding); +1 d the collateral raises 800 of principal;
                   +2 d the reserve fund covers 300, the notes' loss 900

Loans 2 and 3 never pay: they are 1-30, then 31-90, then more than 90 days late as time passes.
"""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend import projections
from backend.chain.indexer.decoders import DecodedEvent
from backend.chain.indexer.models import ChainBlock, ChainCheckpoint, ChainEvent
from backend.loans.annuity import annuity_installment, annuity_schedule
from backend.loans.note_ids import note_id
from tests.backend.factories.wallets import wallet

USD = 10**6
HOUR, DAY = 3_600, 86_400
PERIOD = 30 * DAY
T0 = calendar.timegm((2027, 1, 5, 0, 0, 0))
FEB_1, MAR_1 = calendar.timegm((2027, 2, 1, 0, 0, 0)), calendar.timegm((2027, 3, 1, 0, 0, 0))
FEES = {"servicingFeeBps": 500, "reserveShareBps": 1_000, "lateFeeBpsPerDay": 10}

ANN, ANN_2, BOB, LONER, EVE = (wallet(f"disclosure-{n}") for n in ("ann", "ann-2", "bob", "loner", "eve"))
LEE, MIA, NED, OZ = (wallet(f"disclosure-{n}") for n in ("lee", "mia", "ned", "oz"))
RESERVE, MARKET, TREASURY, VAULT = (
    wallet(f"disclosure-{n}") for n in ("reserve", "market", "treasury", "vault")
)
SUBJECTS = {
    ANN: "0x" + "a1" * 32,
    ANN_2: "0x" + "a1" * 32,
    BOB: "0x" + "b0" * 32,
    LEE: "0x" + "1e" * 32,
    MIA: "0x" + "3a" * 32,
    NED: "0x" + "4e" * 32,
}
# loan id -> (borrower, grade, principal, periods, apr bps, drawn at)
LOANS = {
    1: (ANN, 2, 1_000 * USD, 12, 1_200, T0 + 2 * HOUR),
    2: (ANN_2, 2, 500 * USD, 6, 1_200, T0 + 3 * HOUR),
    3: (BOB, 5, 2_000 * USD, 12, 2_400, T0 + 4 * HOUR),
    4: (LONER, 1, 300 * USD, 3, 800, T0 + 5 * HOUR),
}
FUNDING = {
    1: [(LEE, 600 * USD), (MIA, 400 * USD)],
    2: [(LEE, 500 * USD)],
    3: [(MIA, 2_000 * USD)],
    4: [(NED, 300 * USD)],
}
ORIGINATION_FEE_BPS = 100
OFFER_NONCES = {1: 2**255 + 101, 2: 2**255 + 102}  # loans 1 and 2 listed with the offers of applications


def first_due(loan_id: int) -> int:
    return LOANS[loan_id][5] + PERIOD


def schedule(loan_id: int):
    _, _, principal, periods, apr, _ = LOANS[loan_id]
    return annuity_schedule(principal, apr, periods, PERIOD, first_due(loan_id))


LOAN1_INSTALLMENT_1 = schedule(1)[0]
LOAN1_SERVICING = -(-LOAN1_INSTALLMENT_1.interest * 500 // 10_000)
LOAN1_RESERVE_SHARE = -(-LOAN1_INSTALLMENT_1.interest * 1_000 // 10_000)
LOAN4_INTEREST = 2 * USD
SALE_PRICE, SALE_FEE = 390 * USD, 1_950_000
DEFAULTED_AT = first_due(3) + 95 * DAY
RECOVERED, COVERED = 800 * USD, 300 * USD
RESERVE_SEED = 500 * USD


@dataclass
class Story:
    events: list[DecodedEvent] = field(default_factory=list)
    block: int = 1_000

    def add(self, at: int, contract: str, event: str, address: str = MARKET, **args) -> None:
        self.block += 1
        self.events.append(
            DecodedEvent(
                contract=contract,
                event=event,
                address=address,
                args=args,
                block_number=self.block,
                block_hash="0x" + f"{self.block:064x}",
                log_index=0,
                tx_hash="0x" + f"{self.block:064x}",
                timestamp=at,
            )
        )

    def transfer(self, at: int, sender: str, receiver: str, value: int) -> None:
        self.add(
            at,
            "MockStablecoin",
            "Transfer",
            wallet("disclosure-token"),
            **{"from": sender, "to": receiver, "value": value},
        )


def story() -> Story:
    s = Story()
    for who, subject in SUBJECTS.items():
        s.add(
            T0,
            "IdentityRegistry",
            "IdentityAttested",
            wallet("disclosure-registry"),
            wallet=who,
            attester=TREASURY,
            level=2,
            riskClass=3,
            jurisdiction=276,
            expiresAt=T0 + 365 * DAY,
            commitment="0x" + "11" * 32,
            subject=subject,
            entity=False,
        )
    s.add(T0, "ReserveFund", "MarketSet", RESERVE, market=MARKET)
    s.transfer(T0, TREASURY, RESERVE, RESERVE_SEED)
    s.add(T0, "ReserveFund", "Deposited", RESERVE, **{"from": TREASURY}, amount=RESERVE_SEED)
    for loan_id, (borrower, grade, principal, periods, apr, drawn_at) in LOANS.items():
        s.add(
            drawn_at - HOUR,
            "LoanMarket",
            "LoanListed",
            loanId=loan_id,
            borrower=borrower,
            grade=grade,
            principal=principal,
            minFill=0,
            aprBps=apr,
            numPeriods=periods,
            periodLength=PERIOD,
            listingDeadline=drawn_at + 7 * DAY,
        )
        if loan_id in OFFER_NONCES:
            s.add(
                drawn_at - HOUR,
                "LoanMarket",
                "OfferUsed",
                borrower=borrower,
                nonce=OFFER_NONCES[loan_id],
                loanId=loan_id,
            )
        for i, (lender, amount) in enumerate(FUNDING[loan_id]):
            s.add(
                drawn_at - HOUR,
                "LoanMarket",
                "LoanFunded",
                loanId=loan_id,
                noteId=note_id(loan_id, i),
                lender=lender,
                amount=amount,
            )
        s.add(
            drawn_at,
            "LoanMarket",
            "LoanDrawn",
            loanId=loan_id,
            borrower=borrower,
            principal=principal,
            originationFee=principal * ORIGINATION_FEE_BPS // 10_000,
            installment=annuity_installment(principal, apr, periods, PERIOD),
            firstDueDate=first_due(loan_id),
            **FEES,
        )
    s.add(
        T0 + 6 * HOUR,
        "LoanMarket",
        "LoanListed",
        loanId=5,
        borrower=EVE,
        grade=3,
        principal=100 * USD,
        minFill=0,
        aprBps=1_500,
        numPeriods=6,
        periodLength=PERIOD,
        listingDeadline=T0 + 8 * DAY,
    )
    s.add(
        T0 + 6 * HOUR, "LoanMarket", "LoanFunded", loanId=5, noteId=note_id(5, 0), lender=OZ, amount=100 * USD
    )
    s.add(T0 + 8 * DAY, "LoanMarket", "LoanExpired", loanId=5, reason=1)
    s.add(
        T0 + 8 * DAY,
        "LoanMarket",
        "FundingWithdrawn",
        loanId=5,
        noteId=note_id(5, 0),
        holder=OZ,
        amount=100 * USD,
    )
    s.add(
        T0 + 10 * DAY,
        "LoanMarket",
        "LoanRepaid",
        loanId=4,
        payer=LONER,
        lateFee=0,
        interest=LOAN4_INTEREST,
        principal=300 * USD,
        reserveShare=200_000,
        servicingFee=100_000,
    )
    s.add(T0 + 10 * DAY, "LoanMarket", "LoanRepaidInFull", loanId=4)
    due = first_due(1)
    s.add(
        due,
        "LoanMarket",
        "LoanRepaid",
        loanId=1,
        payer=ANN,
        lateFee=0,
        interest=LOAN1_INSTALLMENT_1.interest,
        principal=LOAN1_INSTALLMENT_1.principal,
        reserveShare=LOAN1_RESERVE_SHARE,
        servicingFee=LOAN1_SERVICING,
    )
    # the sweep sends the reserve share of both repayments to the fund
    s.add(
        due + HOUR,
        "LoanMarket",
        "FeesSwept",
        reserveAmount=LOAN1_RESERVE_SHARE + 200_000,
        treasuryAmount=LOAN1_SERVICING + 100_000,
    )
    s.transfer(due + HOUR, MARKET, RESERVE, LOAN1_RESERVE_SHARE + 200_000)
    s.add(
        T0 + 40 * DAY,
        "LoanMarket",
        "NoteSold",
        noteId=note_id(1, 1),
        seller=MIA,
        buyer=NED,
        price=SALE_PRICE,
        fee=SALE_FEE,
        sellerEarned=1_000,
    )
    s.add(
        DEFAULTED_AT,
        "LoanMarket",
        "LoanDefaulted",
        loanId=3,
        principalOutstanding=2_000 * USD,
        interestUnpaid=5 * USD,
        lateFeeUnpaid=1 * USD,
    )
    s.add(
        DEFAULTED_AT + DAY,
        "LoanMarket",
        "LoanRepaid",
        loanId=3,
        payer=VAULT,
        lateFee=0,
        interest=0,
        principal=RECOVERED,
        reserveShare=0,
        servicingFee=0,
    )
    s.add(
        DEFAULTED_AT + 2 * DAY,
        "LoanMarket",
        "DefaultCovered",
        loanId=3,
        covered=COVERED,
        loss=2_000 * USD - RECOVERED - COVERED,
        writedownPerShare=0,
    )
    s.transfer(DEFAULTED_AT + 2 * DAY, RESERVE, MARKET, COVERED)
    s.add(
        DEFAULTED_AT + 2 * DAY,
        "ReserveFund",
        "LoanCovered",
        RESERVE,
        loanId=3,
        amount=COVERED,
        balanceAfter=RESERVE_SEED + LOAN1_RESERVE_SHARE + 200_000 - COVERED,
    )
    s.events.sort(key=lambda e: (e.timestamp, e.block_number))
    return s


def store(session: Session, until: int, since: int | None = None) -> int:
    """The story's events timestamped after `since` and up to `until`, as the indexer stores them
    (renumbered into blocks in time order, after any block stored before), and the index's checkpoint at a
    block of time `until`. Returns the checkpoint's block."""
    number = session.scalar(select(func.max(ChainBlock.number))) or 1_000
    for e in story().events:
        if e.timestamp > until:
            break
        if since is not None and e.timestamp <= since:
            continue
        number += 1
        e = DecodedEvent(**{**e.__dict__, "block_number": number, "block_hash": "0x" + f"{number:064x}"})
        session.merge(ChainBlock(number=number, hash=e.block_hash, timestamp=e.timestamp))
        session.add(
            ChainEvent(
                block_number=number,
                block_hash=e.block_hash,
                block_timestamp=e.timestamp,
                tx_hash=e.tx_hash,
                log_index=0,
                address=e.address,
                contract=e.contract,
                event=e.event,
                args=json.dumps(e.args),
            )
        )
        projections.apply(session, e)
    number += 1
    session.add(ChainBlock(number=number, hash="0x" + f"{number:064x}", timestamp=until))
    checkpoint = session.get(ChainCheckpoint, "main") or ChainCheckpoint(name="main", chain_id=31337)
    checkpoint.last_block, checkpoint.last_block_hash = number, "0x" + f"{number:064x}"
    session.add(checkpoint)
    session.flush()
    return number
