"""A wallet's notes replayed against their loans' events: what each note was credited, what the wallet
held, and every movement between two instants, in integer base units.

Pure functions of the inputs (backend/statements/source.py reads them from the chain index); the same
inputs always give the same ledger. The conventions, each the chain's own arithmetic:

- **Credited.** A loan's accumulator grows by floor(toLenders * RAY / funded) at each repayment
  (`LoanRepaid`: paid less servicing fee and reserve share) and each reserve cover (`DefaultCovered`:
  the amount covered). A note of share s has been credited floor(s * acc / RAY) over its life; what one
  event credited it is the difference of that figure across the event (LoanMarket._claimableOf).
  Unclaimed = credited - floor(s * checkpoint / RAY), the checkpoint moving at each claim and sale.
- **Split.** Of what a repayment credited a note, fees (late fees) and interest are the note's pro rata
  share of the late fee and interest that reached the notes (net of servicing fee and reserve share,
  split between them pro rata), each as the difference of floor(s * cumulative / funded) across the
  event (so rounding never accumulates), capped by what was credited; principal is the rest. A reserve
  cover is principal only.
- **Position.** The principal a note carries is the chain's valuation, floor(s * principalOutstanding /
  funded) (NotePricing.valuation; the loan's principal before drawdown, so a pending funding counts at
  its amount), until its loan's first reserve cover writes the rest off: 0 from then on.
- **Losses.** At a loan's first cover the note's loss is the chain's write-down, floor(s *
  writedownPerShare / RAY). Later covers and recoveries of a written-off loan are recoveries (after
  write-off): they reduce no position.
- **Rounding.** closing = opening + funded + bought + transferred in - sold - transferred out - refunded
  - principal repaid - principal recovered before the write-off - losses + rounding: the chain values a
  note at the floor of its share of the loan's balance while crediting it the floor of its share of the
  accumulator; the two differ by a unit or two per note, and `rounding` says by how much.
- **Repayments and recoveries.** A repayment of a loan before its default is a repayment; one after
  (the borrower's, or the collateral vault's liquidation proceeds) and a reserve cover are recoveries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

RAY = 10**27

CreditKind = Literal["repaid", "covered"]
HoldingKind = Literal["fund", "buy", "transfer_in", "sell", "transfer_out", "refund", "claim"]
RecoverySource = Literal["borrower", "collateral", "reserve"]


@dataclass(frozen=True)
class LoanCredit:
    """One event that moves a loan's accumulator: a `LoanRepaid` or a `DefaultCovered`."""

    block: int
    log_index: int
    timestamp: int
    kind: CreditKind
    late_fee: int = 0
    interest: int = 0
    principal: int = 0
    reserve_share: int = 0
    servicing_fee: int = 0
    performing: bool = True  # a repayment before the loan's LoanDefaulted
    from_vault: bool = False  # liquidation proceeds (the collateral vault paid)
    covered: int = 0
    writedown_per_share: int = 0
    tx_hash: str = ""

    @property
    def order(self) -> tuple[int, int]:
        return (self.block, self.log_index)


@dataclass(frozen=True)
class LoanBook:
    loan_id: int
    funded: int  # LoanMarket's loan.funded: the principal drawn, or funded so far before drawdown
    credits: tuple[LoanCredit, ...]  # in chain order


@dataclass(frozen=True)
class Holding:
    """Something the wallet did with a note (from its own indexed activity and the note market's sales).

    fund: `amount` paid for a new note; buy: `price` paid; sell: `price`, `fee`, `earned` (the unclaimed
    earnings the sale settled); refund: `amount` back; claim: `amount` received; transfer_in/out: a plain
    ERC-721 transfer (no money), which carries the note's unclaimed earnings with it.
    """

    block: int
    log_index: int
    timestamp: int
    kind: HoldingKind
    note_id: int
    amount: int = 0
    price: int = 0
    fee: int = 0
    earned: int = 0
    counterparty: str | None = None
    tx_hash: str = ""

    @property
    def order(self) -> tuple[int, int]:
        return (self.block, self.log_index)


@dataclass(frozen=True)
class NoteInput:
    note_id: int
    loan_id: int
    share: int
    holdings: tuple[Holding, ...]  # the wallet's, in chain order
    # claims and sales of the note by other holders before the wallet received it by plain transfer
    # (what its checkpoint was then); empty when the wallet funded or bought it
    prior_settlements: tuple[tuple[int, int], ...] = ()  # (block, log index)


@dataclass
class Entry:
    """One line of a statement."""

    timestamp: int
    block: int
    log_index: int
    kind: str  # funding purchase transfer_in sale transfer_out refund repayment recovery loss claim
    loan_id: int
    note_id: int
    amount: int = 0  # cash moved (funding, purchase, sale, refund, claim) or credited (repayment, recovery)
    principal: int = 0
    interest: int = 0
    fees: int = 0
    source: str | None = None  # recoveries: borrower | collateral | reserve
    after_write_off: bool = False
    price: int = 0
    fee: int = 0
    earned: int = 0
    servicing_fee: int = 0  # the note's share of what the platform withheld (informational)
    reserve_share: int = 0
    counterparty: str | None = None
    tx_hash: str = ""


@dataclass
class NotePosition:
    note_id: int
    loan_id: int
    share: int
    opening: int = 0  # principal carried at the period's start, if held then
    closing: int = 0
    opening_unclaimed: int = 0
    closing_unclaimed: int = 0
    held_at_start: bool = False
    held_at_end: bool = False
    written_off: bool = False  # at the end


@dataclass
class Ledger:
    start: int
    end: int
    entries: list[Entry] = field(default_factory=list)
    positions: list[NotePosition] = field(default_factory=list)


@dataclass
class _LoanState:
    """A loan's figures after some prefix of its credits."""

    acc: int = 0
    outstanding: int = 0
    written_off: bool = False
    writedown_per_share: int = 0
    cum_late: int = 0  # late fees and interest that reached the notes so far
    cum_interest: int = 0


def _net_income(c: LoanCredit) -> tuple[int, int, int]:
    """(principal, late fee, interest) of what a credit passed to the notes."""
    if c.kind == "covered":
        return c.covered, 0, 0
    base = c.late_fee + c.interest
    if c.performing:
        income = base - c.servicing_fee - c.reserve_share
        late = c.late_fee * income // base if base else 0
        return c.principal, late, income - late
    # after a default no fee is taken; the reserve share is the reserve fund's part of the principal
    return c.principal - c.reserve_share, c.late_fee, c.interest


def _apply(state: _LoanState, c: LoanCredit, funded: int) -> None:
    principal, late, interest = _net_income(c)
    if funded:
        state.acc += (principal + late + interest) * RAY // funded
    state.cum_late += late
    state.cum_interest += interest
    if c.kind == "covered":
        state.written_off = True
        state.writedown_per_share = c.writedown_per_share
    else:
        state.outstanding -= c.principal


def position_of(share: int, state: _LoanState, funded: int) -> int:
    if state.written_off:
        return 0
    if funded == 0:  # every funding of an undrawn listing withdrawn: until then each counted in full
        return share
    return share * state.outstanding // funded


def build_ledger(books: dict[int, LoanBook], notes: Iterable[NoteInput], start: int, end: int) -> Ledger:
    """Entries of [start, end) and positions at `start` and at `end` of every note the wallet held."""
    ledger = Ledger(start=start, end=end)
    for note in sorted(notes, key=lambda n: n.note_id):
        book = books.get(note.loan_id)
        if book is None:
            continue
        _replay_note(ledger, book, note)
    ledger.entries.sort(key=lambda e: (e.block, e.log_index, e.note_id, e.kind))
    return ledger


def _replay_note(ledger: Ledger, book: LoanBook, note: NoteInput) -> None:
    s, funded = note.share, book.funded
    state = _LoanState(outstanding=funded)
    checkpoint_credited = 0  # floor(s * checkpoint / RAY): what claims and sales have settled so far
    held = False
    refunded = False
    pos = NotePosition(note_id=note.note_id, loan_id=note.loan_id, share=s)
    opened = False
    prior = sorted(note.prior_settlements)

    events: list[tuple[tuple[int, int], int, LoanCredit | Holding]] = [
        *((c.order, 0, c) for c in book.credits),
        *((h.order, 1, h) for h in note.holdings),
    ]
    events.sort(key=lambda item: (item[0], item[1]))

    def snapshot_opening() -> None:
        nonlocal opened
        opened = True
        pos.held_at_start = held
        if held:
            pos.opening = 0 if refunded else position_of(s, state, funded)
            pos.opening_unclaimed = s * state.acc // RAY - checkpoint_credited

    for order, _, event in events:
        if event.timestamp >= ledger.end:
            break
        if not opened and event.timestamp >= ledger.start:
            snapshot_opening()
        in_period = event.timestamp >= ledger.start
        # other holders' claims and sales before this point moved the checkpoint (plain transfers only)
        while prior and prior[0] < order and not held:
            prior.pop(0)
            checkpoint_credited = s * state.acc // RAY
        if isinstance(event, LoanCredit):
            before_pos = position_of(s, state, funded)
            before_credited = s * state.acc // RAY
            before_late, before_interest = s * state.cum_late // funded, s * state.cum_interest // funded
            was_written_off = state.written_off
            _apply(state, event, funded)
            if not held or refunded:
                continue
            credited = s * state.acc // RAY - before_credited
            fees = min(credited, s * state.cum_late // funded - before_late)
            interest = min(credited - fees, s * state.cum_interest // funded - before_interest)
            if in_period:
                _credit_entries(ledger, note, event, credited, fees, interest, was_written_off, s, funded)
                if event.kind == "covered" and not was_written_off:
                    ledger.entries.append(
                        Entry(
                            timestamp=event.timestamp,
                            block=event.block,
                            log_index=event.log_index,
                            kind="loss",
                            loan_id=note.loan_id,
                            note_id=note.note_id,
                            amount=s * event.writedown_per_share // RAY,
                            principal=before_pos,
                            tx_hash=event.tx_hash,
                        )
                    )
            continue
        h = event
        value = 0 if refunded else position_of(s, state, funded)
        unclaimed = s * state.acc // RAY - checkpoint_credited
        entry = Entry(
            timestamp=h.timestamp,
            block=h.block,
            log_index=h.log_index,
            kind=h.kind,
            loan_id=note.loan_id,
            note_id=note.note_id,
            counterparty=h.counterparty,
            tx_hash=h.tx_hash,
        )
        if h.kind == "fund":
            held = True
            entry.kind, entry.amount, entry.principal = "funding", h.amount, h.amount
        elif h.kind == "buy":
            held = True
            checkpoint_credited = s * state.acc // RAY  # the sale settled the seller's earnings
            entry.kind, entry.amount, entry.price, entry.principal = "purchase", h.price, h.price, value
        elif h.kind == "transfer_in":
            held = True
            entry.principal, entry.earned = value, unclaimed
        elif h.kind == "sell":
            held = False
            checkpoint_credited = s * state.acc // RAY
            entry.kind, entry.principal = "sale", value
            entry.price, entry.fee, entry.earned = h.price, h.fee, h.earned
            entry.amount = h.price - h.fee + h.earned
        elif h.kind == "transfer_out":
            held = False
            entry.principal, entry.earned = value, unclaimed
        elif h.kind == "refund":
            refunded, held = True, False
            entry.amount, entry.principal = h.amount, h.amount
        elif h.kind == "claim":
            checkpoint_credited = s * state.acc // RAY
            entry.amount = h.amount
        if in_period:
            ledger.entries.append(entry)
    if not opened:
        snapshot_opening()
    pos.held_at_end = held
    if held:
        pos.closing = position_of(s, state, funded)
        pos.closing_unclaimed = s * state.acc // RAY - checkpoint_credited
        pos.written_off = state.written_off
    if pos.held_at_start or pos.held_at_end or any(e.note_id == note.note_id for e in ledger.entries):
        ledger.positions.append(pos)


def _credit_entries(
    ledger: Ledger,
    note: NoteInput,
    c: LoanCredit,
    credited: int,
    fees: int,
    interest: int,
    written_off: bool,
    share: int,
    funded: int,
) -> None:
    recovery = c.kind == "covered" or not c.performing
    source: RecoverySource | None = None
    if c.kind == "covered":
        source = "reserve"
    elif not c.performing:
        source = "collateral" if c.from_vault else "borrower"
    ledger.entries.append(
        Entry(
            timestamp=c.timestamp,
            block=c.block,
            log_index=c.log_index,
            kind="recovery" if recovery else "repayment",
            loan_id=note.loan_id,
            note_id=note.note_id,
            amount=credited,
            principal=credited - fees - interest,
            interest=interest,
            fees=fees,
            source=source,
            after_write_off=written_off,
            servicing_fee=share * c.servicing_fee // funded if c.performing else 0,
            reserve_share=share * c.reserve_share // funded if c.performing else 0,
            tx_hash=c.tx_hash,
        )
    )


def sum_of(entries: Sequence[Entry], kind: str, attribute: str = "amount", **match: object) -> int:
    """Sum of one attribute over the entries of a kind (and matching attributes)."""
    return sum(
        getattr(e, attribute)
        for e in entries
        if e.kind == kind and all(getattr(e, k) == v for k, v in match.items())
    )
