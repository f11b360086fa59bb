"""The monitoring rules, each a function of one indexed event and the chain index as it stood at it.

They read the read models the loan, market and KYC projections keep (wallet activity, repayments, note
sales, identities), never the chain or the wall clock, and only rows at or before the event's position
(block, log index): so an event indexed live, replayed by `peerlend aml backfill` or re-run after a
change of thresholds is judged on the same history. Time is the chain's (block timestamps).

- large_transaction: one funding, repayment, claim, note purchase or collateral pledge at or above the
  threshold. A pledge is valued as the vault valued it in that block (`CollateralPledged.value`, its
  price feed at the pledge); a top-up (`CollateralAdded`) at the pledge's price per unit.
- structuring: one person's deposits (fundings, repayments, note purchases) across all the wallets its
  identity links (the registry's `subject`), each below the threshold, at least
  `structuring_min_transactions` of them reaching it within the window. One alert per burst: the next
  window starts after the transactions the last alert took.
- fast_in_out: money the platform paid a wallet (claims, note sales) that leaves it for an address outside
  the platform within the window, all but `retained_bps` of it; or a funding withdrawn within the window.
- shared_source / third_party_repayment / person_wallets: one outside address funding several KYC'd
  wallets; one wallet repaying the loans of several borrowers other than itself (and other than its own
  person's); one person holding several attested wallets.
- jurisdiction: a party to a funding, a third-party repayment or a note sale whose attested jurisdiction
  is high-risk, prohibited, or one the platform does not onboard (once per pair of parties).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, select, tuple_
from sqlalchemy.orm import Session

from backend.aml.alerts import Draft, Movement, raise_alert
from backend.aml.config import AmlSettings
from backend.aml.models import AmlAlert
from backend.aml.platform import STABLECOINS
from backend.chain.indexer.decoders import DecodedEvent
from backend.kyc.jurisdictions import JURISDICTIONS, Jurisdiction
from backend.kyc.models import IdentityView
from backend.loans.models import LoanView, RepaymentView, WalletTransactionView
from backend.market.models import NoteSaleView

Position = tuple[int, int]
BY_NUMERIC: dict[int, Jurisdiction] = {j.numeric: j for j in JURISDICTIONS.values()}
DEPOSIT_KINDS = ("fund", "repay")
SCORES = {
    "structuring": 70,
    "fast_in_out": 60,
    "shared_source": 60,
    "third_party_repayment": 60,
    "person_wallets": 40,
}


def position(e: DecodedEvent) -> Position:
    return (e.block_number, e.log_index)


def movement(e: DecodedEvent, wallet: str, kind: str, amount: int) -> Movement:
    return Movement(e.block_number, e.log_index, e.tx_hash, wallet, kind, amount, e.timestamp)


# ------------------------------------------------------------------------------------------ who


def _cache(session: Session, name: str) -> dict[str, Any]:
    """A lookup cache that lives as long as the session (one indexed range): most events name the same
    few wallets several times, and most wallets a transfer names have no identity at all."""
    caches: dict[str, dict[str, Any]] = session.info.setdefault("aml_cache", {})
    return caches.setdefault(name, {})


def forget(session: Session, wallet: str) -> None:
    """An attestation changed who `wallet` is: drop what the caches say about it and about persons."""
    _cache(session, "identity").pop(wallet, None)
    _cache(session, "wallets").clear()


def identity(session: Session, wallet: str) -> IdentityView | None:
    cache = _cache(session, "identity")
    if wallet not in cache:  # a row once loaded is the session's own object, so later changes show
        cache[wallet] = session.get(IdentityView, wallet)
    row: IdentityView | None = cache[wallet]
    return row


def subject_of(session: Session, wallet: str) -> str:
    """The person behind a wallet (its identity's subject), or the wallet itself if no identity covers it."""
    row = identity(session, wallet)
    if row is not None and row.status == "attested" and row.subject:
        return row.subject
    return f"wallet:{wallet}"


def wallets_of(session: Session, subject_key: str) -> list[str]:
    if subject_key.startswith("wallet:"):
        return [subject_key.removeprefix("wallet:")]
    cache = _cache(session, "wallets")
    if subject_key not in cache:
        query = select(IdentityView.wallet).where(IdentityView.subject == subject_key)
        cache[subject_key] = sorted(session.scalars(query))
    found: list[str] = cache[subject_key]
    return found


def _through(session: Session, rule: str, column: Any, value: str, at: Position) -> Position | None:
    """Where the subject's last alert of `rule` at or before `at` ended: its window starts after it."""
    latest: Position | None = None
    for details in session.scalars(select(AmlAlert.details).where(AmlAlert.rule == rule, column == value)):
        through = details.get("through")
        if through is None:
            continue
        point = (int(through[0]), int(through[1]))
        if point <= at and (latest is None or point > latest):
            latest = point
    return latest


def _bounds(model: Any, at: Position, after: Position | None, since: int) -> list[ColumnElement[bool]]:
    """The blocks and times a window spans, as the read model's index can take them; `_within` then
    keeps the rows strictly after `after` and at or before `at` by (block, log index)."""
    conditions = [model.block_number <= at[0], model.timestamp >= since]
    if after is not None:
        conditions.append(model.block_number >= after[0])
    return conditions


def _within(found: Iterable[Movement], at: Position, after: Position | None) -> list[Movement]:
    return sorted(
        (m for m in found if m.position <= at and (after is None or m.position > after)),
        key=lambda m: m.position,
    )


_WALLET_TX = (
    WalletTransactionView.block_number,
    WalletTransactionView.log_index,
    WalletTransactionView.tx_hash,
    WalletTransactionView.wallet,
    WalletTransactionView.kind,
    WalletTransactionView.amount,
    WalletTransactionView.timestamp,
)
_SALE = (
    NoteSaleView.block_number,
    NoteSaleView.log_index,
    NoteSaleView.tx_hash,
    NoteSaleView.buyer,
    NoteSaleView.seller,
    NoteSaleView.price,
    NoteSaleView.fee,
    NoteSaleView.seller_earned,
    NoteSaleView.timestamp,
)


def _wallet_txs(session: Session, *conditions: ColumnElement[bool]) -> list[Movement]:
    # Columns, not ORM objects: the rules read thousands of rows per range and keep none of them.
    return [
        Movement(b, log, tx, wallet, kind, int(amount), ts)
        for b, log, tx, wallet, kind, amount, ts in session.execute(select(*_WALLET_TX).where(*conditions))
    ]


def _movements(rows: Iterable[WalletTransactionView], kind: str | None = None) -> list[Movement]:
    return [
        Movement(r.block_number, r.log_index, r.tx_hash, r.wallet, kind or r.kind, int(r.amount), r.timestamp)
        for r in rows
    ]


# ------------------------------------------------------------------------------------------ large


def large_transaction(
    session: Session, settings: AmlSettings, e: DecodedEvent, wallet: str, kind: str, amount: int
) -> None:
    if amount < settings.large_amount:
        return
    ratio = amount // settings.large_amount
    raise_alert(
        session,
        Draft(
            rule="large_transaction",
            dedup_key=f"large_transaction:{e.tx_hash}:{e.log_index}:{wallet}",
            subject_key=subject_of(session, wallet),
            wallet=wallet,
            score=min(90, 50 + 10 * (ratio - 1)),
            amount=amount,
            transactions=[movement(e, wallet, kind, amount)],
            details={"kind": kind, "threshold": str(settings.large_amount)},
            tx_hash=e.tx_hash,
            log_index=e.log_index,
            block_number=e.block_number,
            chain_time=e.timestamp,
        ),
    )


# ------------------------------------------------------------------------------------------ structuring


def _deposits(
    session: Session, wallets: Sequence[str], at: Position, after: Position | None, since: int
) -> list[Movement]:
    found = _wallet_txs(
        session,
        WalletTransactionView.wallet.in_(wallets),
        WalletTransactionView.kind.in_(DEPOSIT_KINDS),
        WalletTransactionView.contract == "LoanMarket",
        *_bounds(WalletTransactionView, at, after, since),
    )
    sales = session.execute(
        select(*_SALE).where(NoteSaleView.buyer.in_(wallets), *_bounds(NoteSaleView, at, after, since))
    )
    found += [
        Movement(b, log, tx, buyer, "note_buy", price, ts) for b, log, tx, buyer, _, price, _, _, ts in sales
    ]
    return _within(found, at, after)


def structuring(session: Session, settings: AmlSettings, e: DecodedEvent, wallet: str, amount: int) -> None:
    if amount >= settings.large_amount:
        return  # a large transaction is an alert of its own, never part of a structured burst
    person = subject_of(session, wallet)
    at = position(e)
    wallets = wallets_of(session, person) or [wallet]

    def qualifies(burst: list[Movement]) -> bool:
        total = sum(m.amount for m in burst)
        return len(burst) >= settings.structuring_min_transactions and total >= settings.large_amount

    since = e.timestamp - settings.structuring_window
    burst = [m for m in _deposits(session, wallets, at, None, since) if m.amount < settings.large_amount]
    if not qualifies(burst):  # the common case; an earlier alert could only shorten the burst
        return
    after = _through(session, "structuring", AmlAlert.subject_key, person, at)
    if after is not None:
        burst = [m for m in burst if m.position > after]
    if not qualifies(burst):
        return
    total = sum(m.amount for m in burst)
    raise_alert(
        session,
        Draft(
            rule="structuring",
            dedup_key=f"structuring:{person}:{e.tx_hash}:{e.log_index}",
            subject_key=person,
            wallet=wallet,
            score=SCORES["structuring"],
            amount=total,
            transactions=burst,
            details={
                "through": list(at),
                "transactions": len(burst),
                "wallets": sorted({m.wallet for m in burst}),
                "threshold": str(settings.large_amount),
                "windowHours": settings.structuring_window_hours,
            },
            tx_hash=e.tx_hash,
            log_index=e.log_index,
            block_number=e.block_number,
            chain_time=e.timestamp,
        ),
    )


# ------------------------------------------------------------------------------------------ fast in-out


def _inflows(
    session: Session, wallet: str, at: Position, after: Position | None, since: int
) -> list[Movement]:
    found = _wallet_txs(
        session,
        WalletTransactionView.wallet == wallet,
        WalletTransactionView.kind == "claim",
        *_bounds(WalletTransactionView, at, after, since),
    )
    sales = session.execute(
        select(*_SALE).where(NoteSaleView.seller == wallet, *_bounds(NoteSaleView, at, after, since))
    )
    found += [
        Movement(b, log, tx, seller, "note_sale", price - fee + earned, ts)
        for b, log, tx, _, seller, price, fee, earned, ts in sales
    ]
    return _within(found, at, after)


def _outflows(
    session: Session, wallet: str, at: Position, after: Position, platform: frozenset[str]
) -> list[Movement]:
    """Stablecoin transfers from `wallet` to addresses outside the platform, after `after`, up to `at`."""
    found = _wallet_txs(
        session,
        WalletTransactionView.wallet == wallet,
        WalletTransactionView.kind == "transfer_out",
        WalletTransactionView.contract.in_(STABLECOINS),
        WalletTransactionView.counterparty.not_in(platform),
        WalletTransactionView.block_number <= at[0],
        WalletTransactionView.block_number >= after[0],
    )
    return _within(found, at, after)


def fast_out(
    session: Session, settings: AmlSettings, e: DecodedEvent, wallet: str, platform: frozenset[str]
) -> None:
    """A stablecoin transfer from `wallet` to an outside address: did the platform's payouts pass through?"""
    at, since = position(e), e.timestamp - settings.fast_in_out_window
    # Most transfers follow no payout at all: look for one before reading the wallet's earlier alerts.
    inflows = _inflows(session, wallet, at, None, since)
    if sum(m.amount for m in inflows) < settings.fast_in_out_min:
        return
    after = _through(session, "fast_in_out", AmlAlert.wallet, wallet, at)
    if after is not None:
        inflows = [m for m in inflows if m.position > after]
    received = sum(m.amount for m in inflows)
    if not inflows or received < settings.fast_in_out_min:
        return
    outflows = _outflows(session, wallet, at, inflows[0].position, platform)
    sent = sum(m.amount for m in outflows)
    if sent * 10_000 < received * (10_000 - settings.fast_in_out_retained_bps):
        return
    raise_alert(
        session,
        Draft(
            rule="fast_in_out",
            dedup_key=f"fast_in_out:{wallet}:{e.tx_hash}:{e.log_index}",
            subject_key=subject_of(session, wallet),
            wallet=wallet,
            score=SCORES["fast_in_out"],
            amount=received,
            transactions=[*inflows, *outflows],
            details={
                "through": list(at),
                "pattern": "paid_out_then_transferred",
                "received": str(received),
                "sentOut": str(sent),
                "windowHours": settings.fast_in_out_hours,
            },
            tx_hash=e.tx_hash,
            log_index=e.log_index,
            block_number=e.block_number,
            chain_time=e.timestamp,
        ),
    )


def funding_withdrawn(session: Session, settings: AmlSettings, e: DecodedEvent) -> None:
    """A funding withdrawn within the window of its funding: money parked in a listing and taken back."""
    holder, note, amount = e.args["holder"], e.args["noteId"], e.args["amount"]
    if amount < settings.fast_in_out_min:
        return
    funding = session.scalar(
        select(WalletTransactionView)
        .where(WalletTransactionView.kind == "fund", WalletTransactionView.note_id == note)
        .where(tuple_(WalletTransactionView.block_number, WalletTransactionView.log_index) < position(e))
        .order_by(WalletTransactionView.block_number.desc())
        .limit(1)
    )
    if funding is None or e.timestamp - funding.timestamp > settings.fast_in_out_window:
        return
    raise_alert(
        session,
        Draft(
            rule="fast_in_out",
            dedup_key=f"fast_in_out:{holder}:{e.tx_hash}:{e.log_index}",
            subject_key=subject_of(session, holder),
            wallet=holder,
            score=SCORES["fast_in_out"],
            amount=amount,
            transactions=[*_movements([funding]), movement(e, holder, "withdraw", amount)],
            details={
                "pattern": "funding_withdrawn",
                "loanId": e.args["loanId"],
                "heldSeconds": e.timestamp - funding.timestamp,
                "windowHours": settings.fast_in_out_hours,
            },
            tx_hash=e.tx_hash,
            log_index=e.log_index,
            block_number=e.block_number,
            chain_time=e.timestamp,
        ),
    )


# ------------------------------------------------------------------------------------------ linked accounts


def _attested(session: Session, wallets: Iterable[str]) -> set[str]:
    wanted = list(set(wallets))
    if not wanted:
        return set()
    return set(
        session.scalars(
            select(IdentityView.wallet).where(
                IdentityView.wallet.in_(wanted), IdentityView.status == "attested"
            )
        )
    )


def shared_source(session: Session, settings: AmlSettings, e: DecodedEvent, source: str) -> None:
    """`source` (an outside address) has sent stablecoin to KYC'd wallets: to how many?"""
    key = f"shared_source:{source}"
    if session.scalar(select(AmlAlert.id).where(AmlAlert.dedup_key == key)) is not None:
        return
    sent = session.scalars(
        select(WalletTransactionView)
        .where(
            WalletTransactionView.wallet == source,
            WalletTransactionView.kind == "transfer_out",
            WalletTransactionView.contract.in_(STABLECOINS),
            tuple_(WalletTransactionView.block_number, WalletTransactionView.log_index) <= position(e),
        )
        .order_by(WalletTransactionView.block_number, WalletTransactionView.log_index)
    ).all()
    funded = _attested(session, (r.counterparty for r in sent if r.counterparty))
    if len(funded) < settings.shared_source_min_wallets:
        return
    first: dict[str, WalletTransactionView] = {}
    for r in sent:
        if r.counterparty in funded:
            first.setdefault(r.counterparty, r)
    legs = [
        Movement(
            r.block_number,
            r.log_index,
            r.tx_hash,
            r.counterparty or "",
            "transfer_in",
            int(r.amount),
            r.timestamp,
        )
        for r in first.values()
    ]
    raise_alert(
        session,
        Draft(
            rule="shared_source",
            dedup_key=key,
            subject_key=subject_of(session, source),
            wallet=source,
            score=SCORES["shared_source"],
            amount=sum(m.amount for m in legs),
            transactions=legs,
            details={"source": source, "wallets": sorted(funded)},
            tx_hash=e.tx_hash,
            log_index=e.log_index,
            block_number=e.block_number,
            chain_time=e.timestamp,
        ),
    )


def sources_of(session: Session, wallet: str, platform: frozenset[str]) -> list[str]:
    """Outside addresses that have sent stablecoin to `wallet`."""
    found = session.scalars(
        select(WalletTransactionView.counterparty).where(
            WalletTransactionView.wallet == wallet,
            WalletTransactionView.kind == "transfer_in",
            WalletTransactionView.contract.in_(STABLECOINS),
            WalletTransactionView.counterparty.not_in(platform),
        )
    )
    return sorted({source for source in found if source})


def third_party_repayment(session: Session, settings: AmlSettings, e: DecodedEvent, payer: str) -> None:
    key = f"third_party_repayment:{payer}"
    if session.scalar(select(AmlAlert.id).where(AmlAlert.dedup_key == key)) is not None:
        return
    payer_person = subject_of(session, payer)
    rows = session.execute(
        select(RepaymentView, LoanView.borrower)
        .join(LoanView, LoanView.loan_id == RepaymentView.loan_id)
        .where(
            RepaymentView.payer == payer,
            LoanView.borrower != payer,
            tuple_(RepaymentView.block_number, RepaymentView.log_index) <= position(e),
        )
        .order_by(RepaymentView.block_number, RepaymentView.log_index)
    ).all()
    others = [(r, b) for r, b in rows if subject_of(session, b) != payer_person]
    borrowers = sorted({b for _, b in others})
    if len(borrowers) < settings.third_party_min_borrowers:
        return
    legs = [
        Movement(r.block_number, r.log_index, r.tx_hash, payer, "repay", r.amount, r.timestamp)
        for r, _ in others
    ]
    raise_alert(
        session,
        Draft(
            rule="third_party_repayment",
            dedup_key=key,
            subject_key=payer_person,
            wallet=payer,
            score=SCORES["third_party_repayment"],
            amount=sum(m.amount for m in legs),
            transactions=legs,
            details={"borrowers": borrowers, "loans": sorted({r.loan_id for r, _ in others})},
            tx_hash=e.tx_hash,
            log_index=e.log_index,
            block_number=e.block_number,
            chain_time=e.timestamp,
        ),
    )


def person_wallets(session: Session, settings: AmlSettings, e: DecodedEvent, subject: str) -> None:
    key = f"person_wallets:{subject}"
    wallets = sorted(
        session.scalars(
            select(IdentityView.wallet).where(
                IdentityView.subject == subject, IdentityView.status == "attested"
            )
        )
    )
    if len(wallets) < settings.person_wallets_min:
        return
    raise_alert(
        session,
        Draft(
            rule="person_wallets",
            dedup_key=key,
            subject_key=subject,
            wallet=e.args["wallet"],
            score=SCORES["person_wallets"],
            amount=0,
            transactions=[movement(e, e.args["wallet"], "attestation", 0)],
            details={"wallets": wallets},
            tx_hash=e.tx_hash,
            log_index=e.log_index,
            block_number=e.block_number,
            chain_time=e.timestamp,
        ),
    )


# ------------------------------------------------------------------------------------------ jurisdiction


def risk_of(session: Session, wallet: str) -> tuple[str, str] | None:
    """(jurisdiction, tier) of an attested wallet whose jurisdiction calls for an alert, else None."""
    row = identity(session, wallet)
    if row is None or row.status != "attested" or not row.jurisdiction:
        return None
    found = BY_NUMERIC.get(row.jurisdiction)
    if found is None:
        return (str(row.jurisdiction), "not_onboarded")
    if found.risk in ("high", "prohibited"):
        return (found.alpha2, found.risk)
    return None


def jurisdiction(
    session: Session, e: DecodedEvent, parties: Sequence[tuple[str, str]], kind: str, amount: int
) -> None:
    """`parties`: (wallet, counterparty) pairs of the event; each party is judged by its own jurisdiction."""
    for wallet, counterparty in parties:
        risk = risk_of(session, wallet)
        if risk is None:
            continue
        code, tier = risk
        raise_alert(
            session,
            Draft(
                rule="jurisdiction",
                dedup_key=f"jurisdiction:{wallet}:{counterparty}",
                subject_key=subject_of(session, wallet),
                wallet=wallet,
                score=60 if tier == "high" else 90,
                amount=amount,
                transactions=[movement(e, wallet, kind, amount)],
                details={"jurisdiction": code, "tier": tier, "counterparty": counterparty},
                tx_hash=e.tx_hash,
                log_index=e.log_index,
                block_number=e.block_number,
                chain_time=e.timestamp,
            ),
        )
