"""Note market and auto-invest use cases: the offer book and sales from the index; quotes, early-exit
estimates and mandate typed data from the chain (LoanMarketLens.quote, AutoInvest's nonce and domain)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.chain.client import ChainClient, deployment_reader
from backend.chain.errors import ChainError
from backend.chain.identity import EIP712_DOMAIN_FIELDS
from backend.chain.problems import chain_problem
from backend.core.problems import chain_unavailable
from backend.core.schemas import decode_cursor, encode_cursor
from backend.core.settings import Settings
from backend.loans.models import InstallmentView, LoanView, NoteView
from backend.loans.service import chain_time, delinquency
from backend.market import pricing, problems
from backend.market.models import NoteOfferView, NoteSaleView
from backend.market.schemas import (
    AutoInvestAccountOut,
    EarlyExitNote,
    EarlyExitOut,
    MandateIn,
    MandateOut,
    MandateTypedData,
    OfferOut,
    OfferPage,
    QuoteOut,
    ResaleOut,
    SaleOut,
)

BPS = 10_000
MANDATE_DEADLINE_SECONDS = 3_600
MANDATE_FIELDS = [
    {"name": "lender", "type": "address"},
    {"name": "grades", "type": "uint8"},
    {"name": "minAprBps", "type": "uint16"},
    {"name": "maxTermDays", "type": "uint16"},
    {"name": "amountPerLoan", "type": "uint96"},
    {"name": "maxPerBorrower", "type": "uint96"},
    {"name": "lockTier", "type": "uint8"},
    {"name": "nonce", "type": "uint256"},
    {"name": "deadline", "type": "uint256"},
]
MIN_SORT_YIELD = -(10**9)


def _offer_out(
    offer: NoteOfferView, note: NoteView, loan: LoanView, schedule: list[InstallmentView], now: int
) -> OfferOut:
    outstanding = note.outstanding_principal
    late = delinquency(loan, schedule, now)
    return OfferOut(
        note_id=offer.note_id,
        loan_id=offer.loan_id,
        seller=offer.seller,
        price=offer.price,
        expiry=offer.expiry,
        offered_at=offer.offered_at,
        grade=loan.grade,
        rate_bps=loan.rate_bps,
        periods_left=max(0, loan.term - loan.periods_paid),
        principal_outstanding=outstanding,
        price_bps_of_principal=offer.price * BPS // outstanding if outstanding else 0,
        days_past_due=late.days_past_due if late else 0,
        yield_bps=pricing.yield_bps(
            pricing.note_cash_flows(loan, schedule, note.principal), offer.price, loan.period_seconds
        ),
    )


def _schedules(session: Session, loan_ids: set[int]) -> dict[int, list[InstallmentView]]:
    out: dict[int, list[InstallmentView]] = {i: [] for i in loan_ids}
    if loan_ids:
        rows = session.scalars(
            select(InstallmentView)
            .where(InstallmentView.loan_id.in_(loan_ids))
            .order_by(InstallmentView.loan_id, InstallmentView.period)
        )
        for row in rows:
            out[row.loan_id].append(row)
    return out


def _live_offers(session: Session, now: int):
    """Offers the chain would still honour: unexpired, by the note's holder, on a loan being repaid."""
    return (
        select(NoteOfferView, NoteView, LoanView)
        .join(NoteView, NoteView.note_id == NoteOfferView.note_id)
        .join(LoanView, LoanView.loan_id == NoteOfferView.loan_id)
        .where(
            NoteOfferView.expiry >= now,
            NoteView.owner == NoteOfferView.seller,
            LoanView.status.in_(("active", "defaulted")),
        )
    )


def list_offers(
    session: Session,
    grades: list[int] | None,
    sort: str,
    limit: int,
    cursor: str | None,
    max_periods_left: int | None = None,
    min_yield_bps: int | None = None,
    max_days_past_due: int | None = None,
) -> OfferPage:
    """The book is filtered on what the index holds (grade, remaining term), then on what is computed per
    offer (indicative yield, days past due), then ordered and cut into pages by position."""
    kind = f"offers:{sort}"
    position = decode_cursor(kind, cursor, {"o": int})
    offset = position["o"] if position else 0
    now = chain_time(session)
    query = _live_offers(session, now)
    if grades:
        query = query.where(LoanView.grade.in_(grades))
    if max_periods_left is not None:  # remaining term
        query = query.where(LoanView.term - LoanView.periods_paid <= max_periods_left)
    rows = list(session.execute(query))
    schedules = _schedules(session, {loan.loan_id for _, _, loan in rows})
    items = [_offer_out(o, n, loan, schedules[loan.loan_id], now) for o, n, loan in rows]
    if min_yield_bps is not None:
        items = [i for i in items if i.yield_bps is not None and i.yield_bps >= min_yield_bps]
    if max_days_past_due is not None:
        items = [i for i in items if i.days_past_due <= max_days_past_due]
    order = {
        "newest": lambda i: (-i.offered_at.timestamp(), -int(i.note_id)),
        "price": lambda i: (i.price, int(i.note_id)),
        "yield": lambda i: (-(i.yield_bps if i.yield_bps is not None else MIN_SORT_YIELD), int(i.note_id)),
    }[sort]
    items.sort(key=order)
    page = items[offset : offset + limit]
    more = offset + limit < len(items)
    next_cursor = encode_cursor(kind, {"o": offset + limit}) if more else None
    return OfferPage(items=page, next_cursor=next_cursor, chain_time=now)


def _sale_out(sale: NoteSaleView) -> SaleOut:
    return SaleOut(
        note_id=sale.note_id,
        loan_id=sale.loan_id,
        seller=sale.seller,
        buyer=sale.buyer,
        price=sale.price,
        fee=sale.fee,
        seller_earned=sale.seller_earned,
        principal_at_sale=sale.principal_at_sale,
        realized=str(sale.realized),
        timestamp=sale.timestamp,
        tx_hash=sale.tx_hash,
    )


def resale_of(session: Session, wallet: str) -> ResaleOut:
    now = chain_time(session)
    offers = list(session.execute(_live_offers(session, now).where(NoteOfferView.seller == wallet)))
    schedules = _schedules(session, {loan.loan_id for _, _, loan in offers})
    order = (NoteSaleView.block_number, NoteSaleView.log_index)
    sold = list(session.scalars(select(NoteSaleView).where(NoteSaleView.seller == wallet).order_by(*order)))
    bought = list(session.scalars(select(NoteSaleView).where(NoteSaleView.buyer == wallet).order_by(*order)))
    return ResaleOut(
        wallet=wallet,
        on_offer=[_offer_out(o, n, loan, schedules[loan.loan_id], now) for o, n, loan in offers],
        sold=[_sale_out(s) for s in sold],
        bought=[_sale_out(s) for s in bought],
        realized_gain_loss=str(sum(s.realized for s in sold)),
        volume_sold=sum(s.price for s in sold),
    )


# ---------------------------------------------------------------- from the chain


def _client(settings: Settings) -> ChainClient:
    if not settings.rpc_url:
        raise problems.chain_not_configured()
    try:
        return deployment_reader(settings, interactive=False)
    except ChainError as exc:
        raise chain_problem(exc) from exc
    except (OSError, ValueError, KeyError) as exc:  # no manifest, or one without the contract
        raise chain_unavailable(f"deployment manifest unusable: {exc}") from exc


def _read(client: ChainClient, fn: Any, block: int) -> Any:
    try:
        return client.call(fn, block)
    except ChainError as exc:
        raise chain_problem(exc) from exc


def _block(client: ChainClient) -> int:
    try:
        return client.block_number()
    except ChainError as exc:
        raise chain_problem(exc) from exc


def quote(settings: Settings, note_id: int, price: int) -> QuoteOut:
    client = _client(settings)
    lens = client.contract("LoanMarketLens")
    market = client.contract("LoanMarket")
    block = _block(client)
    holder, _ = _read(client, market.functions.noteInfo(note_id), block)
    if int(holder, 16) == 0:
        raise problems.note_not_found(note_id)
    q = _read(client, lens.functions.quote(note_id, price), block)
    keys = (
        "principal", "accrued_interest", "par", "price_bps_of_par", "yield_bps", "days_past_due",
        "distressed", "seller_earned", "max_price", "remaining_periods",
    )  # fmt: skip
    return QuoteOut(note_id=note_id, price=price, block_number=block, **dict(zip(keys, q, strict=True)))


def early_exit(session: Session, settings: Settings, wallet: str, discount_bps: int) -> EarlyExitOut:
    """Each note the wallet holds priced at par less `discount_bps`, within what the market accepts (a
    distressed note has no floor), less the resale fee, plus what the note earned: the cash a sale of
    every note would raise now."""
    client = _client(settings)
    lens, market = client.contract("LoanMarketLens"), client.contract("LoanMarket")
    block = _block(client)
    fee_bps = _read(client, market.functions.config(), block)[8]
    held = session.scalars(
        select(NoteView.note_id)
        .join(LoanView, LoanView.loan_id == NoteView.loan_id)
        .where(NoteView.owner == wallet, LoanView.status.in_(("active", "defaulted")))
        .order_by(NoteView.note_id)
    )
    notes = []
    for note_id in held:
        q = _read(client, lens.functions.quote(note_id, 1), block)
        par, distressed, earned, max_price = q[2], q[6], q[7], q[8]
        price = min(par * (BPS - discount_bps) // BPS, max_price)
        fee = -(-price * fee_bps // BPS)
        notes.append(
            EarlyExitNote(
                note_id=note_id, par=par, price=price, fee=fee, seller_earned=earned, distressed=distressed
            )
        )
    return EarlyExitOut(
        wallet=wallet,
        discount_bps=discount_bps,
        fee_bps=fee_bps,
        notes=notes,
        cash=sum(n.price - n.fee + n.seller_earned for n in notes),
        block_number=block,
    )


def mandate_typed_data(settings: Settings, body: MandateIn) -> MandateTypedData:
    client = _client(settings)
    auto = client.contract("AutoInvest")
    block = _block(client)
    nonce = _read(client, auto.functions.nonces(body.lender), block)
    deadline = client.w3.eth.get_block(block)["timestamp"] + MANDATE_DEADLINE_SECONDS
    message = {
        "lender": body.lender,
        "grades": body.grades,
        "minAprBps": body.min_apr_bps,
        "maxTermDays": body.max_term_days,
        "amountPerLoan": str(body.amount_per_loan),
        "maxPerBorrower": str(body.max_per_borrower),
        "lockTier": body.lock_tier,
        "nonce": str(nonce),
        "deadline": deadline,
    }
    typed = {
        "types": {
            "EIP712Domain": EIP712_DOMAIN_FIELDS,
            "SetMandate": MANDATE_FIELDS,
        },
        "primaryType": "SetMandate",
        "domain": {
            "name": "PeerLend AutoInvest",
            "version": "1",
            "chainId": client.chain_id,
            "verifyingContract": auto.address,
        },
        "message": message,
    }
    return MandateTypedData(typed_data=typed, deadline=deadline, nonce=str(nonce))


def auto_invest_account(settings: Settings, wallet: str) -> AutoInvestAccountOut:
    client = _client(settings)
    auto = client.contract("AutoInvest")
    block = _block(client)
    deposited, withdrawn, invested, returned, balance, locked_until, turn = _read(
        client, auto.functions.accountOf(wallet), block
    )
    grades, min_apr, max_term, per_loan, per_borrower, lock_tier, active = _read(
        client, auto.functions.mandateOf(wallet), block
    )
    return AutoInvestAccountOut(
        wallet=wallet,
        deposited=deposited,
        withdrawn=withdrawn,
        invested=invested,
        returned=returned,
        balance=balance,
        locked_until=locked_until or None,
        queue_place=turn,
        mandate=MandateOut(
            grades=grades,
            min_apr_bps=min_apr,
            max_term_days=max_term,
            amount_per_loan=per_loan,
            max_per_borrower=per_borrower,
            lock_tier=lock_tier,
            active=active,
        ),
        block_number=block,
    )
