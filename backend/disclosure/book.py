"""The loan book at a point in time, folded from the chain index's stored events.

Every disclosure figure is a function of the events the indexer stored (chain_events) up to a cut: the
index's latest block for the live figures, the end of a month for its snapshot, the end of each day for
the regulator's daily positions. The loans read models hold only the book as it stands now (a loan's
repaid principal, not when it was repaid), so the figures are folded here from the events themselves,
in chain order, with the same rules the loans projection applies (the annuity schedule of LoanDrawn,
the schedule a RestructureExecuted puts in force, installments counted paid by
`backend.loans.projections.periods_covered`). The same cut therefore always gives the same figures, and a
month's snapshot can be computed again, byte for byte, long after the month.

The reserve fund's balance is its stablecoin Transfers in and out (indexed into chain_wallet_transactions
under the fund's address), which is what its `balance()` returns for any standard ERC-20.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.chain.indexer.models import ChainEvent
from backend.loans.annuity import annuity_schedule, restructured_schedule
from backend.loans.models import WalletTransactionView
from backend.loans.projections import periods_covered
from backend.loans.service import days_past_due, delinquency_tier

LOAN_EVENTS = frozenset(
    {
        "LoanListed",
        "LoanFunded",
        "FundingWithdrawn",
        "LoanDrawn",
        "LoanRepaid",
        "LoanRepaidInFull",
        "LoanDefaulted",
        "DefaultCovered",
        "LoanCancelled",
        "LoanExpired",
        "RestructureExecuted",
        "NoteSold",
    }
)
SOURCES = frozenset(
    {("LoanMarket", name) for name in LOAN_EVENTS} | {("IdentityRegistry", "IdentityAttested")}
)
STABLECOINS = ("MockStablecoin", "Stablecoin")  # the stablecoin of account as a manifest names it
_INFLOWS = ("transfer_in", "mint")


@dataclass
class LoanState:
    loan_id: int
    borrower: str
    grade: int
    principal: int  # listed; the drawn principal from drawdown on
    apr_bps: int
    term: int
    period_seconds: int
    listed_at: int
    status: str = "listed"  # listed active repaid defaulted cancelled expired
    drawn_at: int | None = None
    closed_at: int | None = None
    origination_fee: int = 0
    servicing_fee_bps: int = 0
    reserve_share_bps: int = 0
    # period -> (due date, scheduled principal balance after it): the schedule in force
    schedule: dict[int, tuple[int, int]] = field(default_factory=dict)
    base_period: int = 0
    periods_paid: int = 0
    restructurings: int = 0
    principal_repaid: int = 0
    interest_paid: int = 0
    late_fees_paid: int = 0
    servicing_fees: int = 0
    defaulted_at: int | None = None
    principal_at_default: int = 0
    recoveries: list[tuple[int, int]] = field(default_factory=list)  # (time, principal) after default
    principal_payments: list[tuple[int, int]] = field(default_factory=list)  # (time, principal), all
    reserve_covered: int = 0
    reserve_recovered: int = 0
    funders: dict[int, str] = field(default_factory=dict)  # note id -> funding wallet (refunds removed)

    @property
    def drawn(self) -> bool:
        return self.drawn_at is not None

    @property
    def outstanding(self) -> int:
        """Principal the borrower still owes (0 before drawdown)."""
        return self.principal - self.principal_repaid if self.drawn else 0

    def next_due(self) -> int | None:
        row = self.schedule.get(self.periods_paid + 1)
        return row[0] if row else None

    def days_past_due(self, now: int) -> int:
        """As the loans API counts them (backend/loans/service.py `delinquency`): 0 unless active."""
        return days_past_due(self.next_due(), now) if self.status == "active" else 0

    def tier(self, now: int) -> int:
        return delinquency_tier(self.days_past_due(now))

    def recovered_before(self, cut: int | None = None) -> int:
        return sum(p for t, p in self.recoveries if cut is None or t < cut)


@dataclass(frozen=True)
class Sale:
    timestamp: int
    note_id: int
    price: int
    fee: int


@dataclass
class Book:
    loans: dict[int, LoanState] = field(default_factory=dict)
    subjects: dict[str, str] = field(default_factory=dict)  # wallet -> IdentityRegistry subject
    buyers: set[str] = field(default_factory=set)
    sales: list[Sale] = field(default_factory=list)
    last_block: int = 0  # the last block whose events are folded
    last_event_time: int = 0

    def person(self, wallet: str) -> str:
        """Who is behind a wallet: its person (the identity registry's subject) where one links it, else
        the wallet itself."""
        subject = self.subjects.get(wallet)
        return f"person:{subject}" if subject else f"wallet:{wallet}"

    def repaid_between(self, start: int, end: int) -> int:
        """Principal repaid (recoveries included) in [start, end)."""
        return sum(p for loan in self.loans.values() for t, p in loan.principal_payments if start <= t < end)

    def apply(self, contract: str, event: str, args: dict[str, Any], block: int, timestamp: int) -> None:
        self.last_block, self.last_event_time = block, timestamp
        if contract == "IdentityRegistry":
            self.subjects[args["wallet"]] = args["subject"]
            return
        if event == "NoteSold":
            self.buyers.add(args["buyer"])
            self.sales.append(Sale(timestamp, args["noteId"], args["price"], args["fee"]))
            return
        if event == "LoanListed":
            self.loans[args["loanId"]] = LoanState(
                loan_id=args["loanId"],
                borrower=args["borrower"],
                grade=args["grade"],
                principal=args["principal"],
                apr_bps=args["aprBps"],
                term=args["numPeriods"],
                period_seconds=args["periodLength"],
                listed_at=timestamp,
            )
            return
        loan = self.loans.get(args["loanId"])
        if loan is None:
            return
        _LOAN_HANDLERS[event](loan, args, timestamp)


def _funded(loan: LoanState, a: dict[str, Any], _t: int) -> None:
    loan.funders[a["noteId"]] = a["lender"]


def _funding_withdrawn(loan: LoanState, a: dict[str, Any], _t: int) -> None:
    loan.funders.pop(a["noteId"], None)


def _drawn(loan: LoanState, a: dict[str, Any], t: int) -> None:
    loan.status, loan.drawn_at, loan.principal = "active", t, a["principal"]
    loan.origination_fee = a["originationFee"]
    loan.servicing_fee_bps, loan.reserve_share_bps = a["servicingFeeBps"], a["reserveShareBps"]
    rows = annuity_schedule(
        a["principal"], loan.apr_bps, loan.term, loan.period_seconds, a["firstDueDate"], a["installment"]
    )
    loan.schedule = {r.period: (r.due, r.balance) for r in rows}


def _count_periods_paid(loan: LoanState) -> None:
    balances = [loan.schedule[p][1] for p in sorted(loan.schedule) if p > loan.base_period]
    loan.periods_paid = loan.base_period + periods_covered(balances, loan.outstanding)


def _repaid(loan: LoanState, a: dict[str, Any], t: int) -> None:
    loan.principal_repaid += a["principal"]
    loan.principal_payments.append((t, a["principal"]))
    loan.interest_paid += a["interest"]
    loan.late_fees_paid += a["lateFee"]
    loan.servicing_fees += a["servicingFee"]
    if loan.status == "defaulted":
        loan.recoveries.append((t, a["principal"]))
        loan.reserve_recovered += a["reserveShare"]
    _count_periods_paid(loan)


def _repaid_in_full(loan: LoanState, _a: dict[str, Any], t: int) -> None:
    if loan.status != "defaulted":  # a settled default stays defaulted, as on-chain
        loan.status, loan.closed_at = "repaid", t


def _defaulted(loan: LoanState, a: dict[str, Any], t: int) -> None:
    loan.status, loan.closed_at, loan.defaulted_at = "defaulted", t, t
    loan.principal_at_default = a["principalOutstanding"]


def _covered(loan: LoanState, a: dict[str, Any], _t: int) -> None:
    loan.reserve_covered += a["covered"]


def _closed(status: str) -> Callable[[LoanState, dict[str, Any], int], None]:
    def close(loan: LoanState, _a: dict[str, Any], t: int) -> None:
        loan.status, loan.closed_at = status, t

    return close


def _restructured(loan: LoanState, a: dict[str, Any], _t: int) -> None:
    base = a["basePeriod"]
    rows = restructured_schedule(
        a["baseBalance"],
        loan.apr_bps,
        loan.period_seconds,
        base,
        a["numPeriods"],
        a["firstDueDate"],
        a["installment"],
        a["firstCharges"],
    )
    loan.schedule = {p: row for p, row in loan.schedule.items() if p <= base}
    loan.schedule.update({r.period: (r.due, r.balance) for r in rows})
    loan.term, loan.base_period = a["numPeriods"], base
    loan.restructurings += 1
    _count_periods_paid(loan)


_LOAN_HANDLERS = {
    "LoanFunded": _funded,
    "FundingWithdrawn": _funding_withdrawn,
    "LoanDrawn": _drawn,
    "LoanRepaid": _repaid,
    "LoanRepaidInFull": _repaid_in_full,
    "LoanDefaulted": _defaulted,
    "DefaultCovered": _covered,
    "LoanCancelled": _closed("cancelled"),
    "LoanExpired": _closed("expired"),
    "RestructureExecuted": _restructured,
}


# ------------------------------------------------------------------------------------------ replay


@dataclass(frozen=True)
class _Row:
    contract: str
    event: str
    args: str
    block: int
    timestamp: int


class Replay:
    """The book folded forward, in chain order, over the events of blocks up to `through_block`:
    `until(t)` folds those timestamped before `t` (a month's or a day's end), `rest()` the others."""

    def __init__(self, session: Session, through_block: int) -> None:
        contracts = {c for c, _ in SOURCES}
        events = {e for _, e in SOURCES}
        rows = session.execute(
            select(
                ChainEvent.contract,
                ChainEvent.event,
                ChainEvent.args,
                ChainEvent.block_number,
                ChainEvent.block_timestamp,
            )
            .where(
                ChainEvent.block_number <= through_block,
                ChainEvent.contract.in_(contracts),
                ChainEvent.event.in_(events),
            )
            .order_by(ChainEvent.block_number, ChainEvent.log_index)
        )
        self._rows = [_Row(*r) for r in rows if (r[0], r[1]) in SOURCES]
        self._next = 0
        self.book = Book()
        self.reserve = ReserveLedger.load(session, through_block)

    def until(self, cut: int) -> Book:
        while self._next < len(self._rows) and self._rows[self._next].timestamp < cut:
            self._fold(self._rows[self._next])
        return self.book

    def rest(self) -> Book:
        while self._next < len(self._rows):
            self._fold(self._rows[self._next])
        return self.book

    @property
    def first_event_time(self) -> int | None:
        return self._rows[0].timestamp if self._rows else None

    def _fold(self, row: _Row) -> None:
        self.book.apply(row.contract, row.event, json.loads(row.args), row.block, row.timestamp)
        self._next += 1


@dataclass
class ReserveLedger:
    """The reserve fund's stablecoin movements: (time, block, signed amount)."""

    fund: str | None
    moves: list[tuple[int, int, int]]

    @classmethod
    def load(cls, session: Session, through_block: int) -> ReserveLedger:
        fund = session.scalar(
            select(ChainEvent.address)
            .where(ChainEvent.contract == "ReserveFund", ChainEvent.block_number <= through_block)
            .order_by(ChainEvent.block_number.desc(), ChainEvent.log_index.desc())
            .limit(1)
        )
        if fund is None:
            return cls(None, [])
        rows = session.execute(
            select(
                WalletTransactionView.timestamp,
                WalletTransactionView.block_number,
                WalletTransactionView.kind,
                WalletTransactionView.amount,
            ).where(
                WalletTransactionView.wallet == fund,
                WalletTransactionView.contract.in_(STABLECOINS),
                WalletTransactionView.block_number <= through_block,
            )
        )
        moves = [(t, b, int(amount) if kind in _INFLOWS else -int(amount)) for t, b, kind, amount in rows]
        return cls(fund, moves)

    def balance(self, cut: int | None = None) -> int | None:
        """The balance after the movements timestamped before `cut` (all of them for None)."""
        if self.fund is None:
            return None
        return sum(delta for t, _, delta in self.moves if cut is None or t < cut)


def lenders(book: Book) -> Iterable[str]:
    """Wallets that funded a loan that was drawn, or bought a note."""
    found = set(book.buyers)
    for loan in book.loans.values():
        if loan.drawn:
            found.update(loan.funders.values())
    return found
