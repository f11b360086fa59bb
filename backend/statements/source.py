"""What a statement is computed from, read from the chain index: no table of its own.

- the notes a wallet ever held, and what it did with them: its indexed activity
  (`chain_wallet_transactions`: fund, refund, claim, note_in, note_out) and the note market's sales
  (`market_note_sales`, by seller and buyer); a transfer in the same transaction as a sale is the sale;
- each note's share (`chain_notes.principal`) and its loan's funded principal (`chain_loans.funded`);
- each loan's repayments (`chain_repayments`, by loan), with the reserve share and servicing fee of each
  read from the stored event itself (`chain_events`, by its block and log index);
- the loans' `LoanDefaulted`, `DefaultCovered` and `LiquidationProceedsReceived` events (`chain_events`
  by contract and name: there is one of each per default, not per repayment).

Everything is read up to a time (exclusive), on the chain's clock.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import or_, select, tuple_
from sqlalchemy.orm import Session

from backend.chain.indexer.models import ChainBlock, ChainCheckpoint, ChainEvent
from backend.loans.models import LoanView, NoteView, RepaymentView, WalletTransactionView
from backend.market.models import NoteSaleView
from backend.statements.ledger import Holding, HoldingKind, LoanBook, LoanCredit, NoteInput

_KINDS = ("fund", "refund", "claim", "note_in", "note_out")
_CHUNK = 400  # (block, log index) pairs per IN list: well inside SQLite's bound on parameters


def indexed_time(session: Session) -> int | None:
    """The timestamp of the latest block the index has reached (the chain's clock as the index knows it)."""
    checkpoint = session.get(ChainCheckpoint, "main")
    if checkpoint is not None:
        at = session.scalar(select(ChainBlock.timestamp).where(ChainBlock.number == checkpoint.last_block))
        if at is not None:
            return int(at)
    latest = session.scalar(select(ChainBlock.timestamp).order_by(ChainBlock.number.desc()).limit(1))
    return int(latest) if latest is not None else None


def last_block_before(session: Session, end: int) -> int | None:
    """The highest indexed block mined before `end`: the block a statement's closing figures are at."""
    return session.scalar(
        select(ChainBlock.number)
        .where(ChainBlock.timestamp < end)
        .order_by(ChainBlock.number.desc())
        .limit(1)
    )


def load(session: Session, wallet: str, end: int) -> tuple[dict[int, LoanBook], list[NoteInput]]:
    """The loan books and note histories of every note `wallet` held before `end`."""
    activity = session.execute(
        select(WalletTransactionView).where(
            WalletTransactionView.wallet == wallet,
            WalletTransactionView.kind.in_(_KINDS),
            WalletTransactionView.note_id.is_not(None),
            WalletTransactionView.timestamp < end,
        )
    ).scalars()
    sales = session.scalars(
        select(NoteSaleView).where(
            or_(NoteSaleView.seller == wallet, NoteSaleView.buyer == wallet), NoteSaleView.timestamp < end
        )
    ).all()
    sale_txs = {(s.tx_hash, s.note_id) for s in sales}
    holdings: dict[int, list[Holding]] = defaultdict(list)
    plain_transfers: set[int] = set()
    for row in activity:
        note_id = int(row.note_id)  # type: ignore[arg-type]  # filtered on not null
        base: dict[str, Any] = {
            "block": row.block_number,
            "log_index": row.log_index,
            "timestamp": row.timestamp,
            "note_id": note_id,
            "tx_hash": row.tx_hash,
            "counterparty": row.counterparty,
        }
        if row.kind in ("note_in", "note_out"):
            if (row.tx_hash, note_id) in sale_txs:
                continue  # the sale says it
            if row.kind == "note_in":
                plain_transfers.add(note_id)
                holdings[note_id].append(Holding(kind="transfer_in", **base))
            else:
                holdings[note_id].append(Holding(kind="transfer_out", **base))
        else:
            kind: HoldingKind = row.kind  # type: ignore[assignment]  # one of _KINDS
            holdings[note_id].append(Holding(kind=kind, amount=int(row.amount), **base))
    for sale in sales:
        common: dict[str, Any] = {
            "block": sale.block_number,
            "log_index": sale.log_index,
            "timestamp": sale.timestamp,
            "note_id": sale.note_id,
            "tx_hash": sale.tx_hash,
            "price": sale.price,
        }
        if sale.seller == wallet:
            holdings[sale.note_id].append(
                Holding(
                    kind="sell", fee=sale.fee, earned=sale.seller_earned, counterparty=sale.buyer, **common
                )
            )
        if sale.buyer == wallet:
            holdings[sale.note_id].append(Holding(kind="buy", counterparty=sale.seller, **common))
    if not holdings:
        return {}, []
    notes = {
        n.note_id: n for n in session.scalars(select(NoteView).where(NoteView.note_id.in_(list(holdings))))
    }
    loan_ids = sorted({n.loan_id for n in notes.values()})
    books = _books(session, loan_ids, end)
    prior = _prior_settlements(session, wallet, sorted(plain_transfers & notes.keys()), end)
    inputs = [
        NoteInput(
            note_id=note_id,
            loan_id=notes[note_id].loan_id,
            share=notes[note_id].principal,
            holdings=tuple(sorted(rows, key=lambda h: h.order)),
            prior_settlements=tuple(prior.get(note_id, ())),
        )
        for note_id, rows in holdings.items()
        if note_id in notes
    ]
    return books, inputs


def _books(session: Session, loan_ids: Sequence[int], end: int) -> dict[int, LoanBook]:
    if not loan_ids:
        return {}
    loans = {
        row.loan_id: row.funded
        for row in session.execute(
            select(LoanView.loan_id, LoanView.funded).where(LoanView.loan_id.in_(loan_ids))
        )
    }
    defaults, covers, liquidation_txs = _default_events(session, set(loan_ids), end)
    repayments = session.execute(
        select(RepaymentView)
        .where(RepaymentView.loan_id.in_(loan_ids), RepaymentView.timestamp < end)
        .order_by(RepaymentView.block_number, RepaymentView.log_index)
    ).scalars()
    rows = list(repayments)
    raw = _raw_args(session, [(r.block_number, r.log_index) for r in rows])
    credits: dict[int, list[LoanCredit]] = defaultdict(list)
    for r in rows:
        args = raw.get((r.block_number, r.log_index), {})
        order = (r.block_number, r.log_index)
        defaulted_at = defaults.get(r.loan_id)
        credits[r.loan_id].append(
            LoanCredit(
                block=r.block_number,
                log_index=r.log_index,
                timestamp=r.timestamp,
                kind="repaid",
                late_fee=r.fees,
                interest=r.interest,
                principal=r.principal,
                reserve_share=int(args.get("reserveShare", 0)),
                servicing_fee=int(args.get("servicingFee", 0)),
                performing=defaulted_at is None or order < defaulted_at,
                from_vault=(r.loan_id, r.tx_hash) in liquidation_txs,
                tx_hash=r.tx_hash,
            )
        )
    for loan_id, items in covers.items():
        credits[loan_id].extend(items)
    return {
        loan_id: LoanBook(
            loan_id=loan_id,
            funded=funded,
            credits=tuple(sorted(credits.get(loan_id, ()), key=lambda c: c.order)),
        )
        for loan_id, funded in loans.items()
    }


def _events(session: Session, contract: str, names: Iterable[str], end: int) -> list[ChainEvent]:
    return list(
        session.scalars(
            select(ChainEvent)
            .where(
                ChainEvent.contract == contract,
                ChainEvent.event.in_(list(names)),
                ChainEvent.block_timestamp < end,
            )
            .order_by(ChainEvent.block_number, ChainEvent.log_index)
        )
    )


def _default_events(
    session: Session, loan_ids: set[int], end: int
) -> tuple[dict[int, tuple[int, int]], dict[int, list[LoanCredit]], set[tuple[int, str]]]:
    """Each loan's LoanDefaulted position, its reserve covers, and the transactions of its liquidations."""
    defaults: dict[int, tuple[int, int]] = {}
    covers: dict[int, list[LoanCredit]] = defaultdict(list)
    liquidations: set[tuple[int, str]] = set()
    events = _events(
        session, "LoanMarket", ("LoanDefaulted", "DefaultCovered", "LiquidationProceedsReceived"), end
    )
    for e in events:
        args = json.loads(e.args)
        loan_id = int(args["loanId"])
        if loan_id not in loan_ids:
            continue
        if e.event == "LoanDefaulted":
            defaults.setdefault(loan_id, (e.block_number, e.log_index))
        elif e.event == "LiquidationProceedsReceived":
            liquidations.add((loan_id, e.tx_hash))
        else:
            covers[loan_id].append(
                LoanCredit(
                    block=e.block_number,
                    log_index=e.log_index,
                    timestamp=e.block_timestamp,
                    kind="covered",
                    covered=int(args["covered"]),
                    writedown_per_share=int(args["writedownPerShare"]),
                    performing=False,
                    tx_hash=e.tx_hash,
                )
            )
    return defaults, covers, liquidations


def _raw_args(
    session: Session, positions: Sequence[tuple[int, int]]
) -> dict[tuple[int, int], dict[str, Any]]:
    """The stored LoanRepaid events at these (block, log index) positions, by position."""
    found: dict[tuple[int, int], dict[str, Any]] = {}
    for i in range(0, len(positions), _CHUNK):
        chunk = positions[i : i + _CHUNK]
        rows = session.execute(
            select(ChainEvent.block_number, ChainEvent.log_index, ChainEvent.args).where(
                tuple_(ChainEvent.block_number, ChainEvent.log_index).in_(chunk),
                ChainEvent.event == "LoanRepaid",
            )
        )
        for block, log_index, args in rows:
            found[(block, log_index)] = json.loads(args)
    return found


def _prior_settlements(
    session: Session, wallet: str, note_ids: Sequence[int], end: int
) -> dict[int, list[tuple[int, int]]]:
    """Claims and sales of these notes by other holders: where their checkpoints moved before the wallet
    received them by a plain transfer (rare: most notes are funded or bought)."""
    if not note_ids:
        return {}
    found: dict[int, list[tuple[int, int]]] = defaultdict(list)
    claims = session.execute(
        select(
            WalletTransactionView.note_id, WalletTransactionView.block_number, WalletTransactionView.log_index
        ).where(
            WalletTransactionView.kind == "claim",
            WalletTransactionView.note_id.in_(list(note_ids)),
            WalletTransactionView.wallet != wallet,
            WalletTransactionView.timestamp < end,
        )
    )
    for claimed_note, block, log_index in claims:
        found[int(claimed_note or 0)].append((block, log_index))
    sales = session.execute(
        select(NoteSaleView.note_id, NoteSaleView.block_number, NoteSaleView.log_index).where(
            NoteSaleView.note_id.in_(list(note_ids)), NoteSaleView.timestamp < end
        )
    )
    for note_id, block, log_index in sales:
        found[int(note_id)].append((block, log_index))
    return found
