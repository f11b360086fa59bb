"""Projections of the note market: LoanMarket events -> market_note_offers, market_note_sales.

  LoanMarket.NoteOffered         the offer (a new one replaces the note's earlier one)
  LoanMarket.NoteOfferCancelled  the offer is gone
  LoanMarket.NoteSold            the offer is gone; the sale, with the principal the note carried then

Pure functions of (read models, event), like every projection, so a rebuild reproduces the tables.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from backend.chain.indexer.decoders import DecodedEvent
from backend.chain.indexer.registry import Handler, HandlerKey
from backend.loans.models import NoteView
from backend.loans.note_ids import loan_of
from backend.market.models import NoteOfferView, NoteSaleView


def note_offered(session: Session, e: DecodedEvent) -> None:
    a = e.args
    offer = session.get(NoteOfferView, a["noteId"]) or NoteOfferView(note_id=a["noteId"])
    offer.loan_id, offer.seller, offer.price, offer.expiry = (
        loan_of(a["noteId"]),
        a["seller"],
        a["price"],
        a["expiry"],
    )
    offer.offered_at, offer.offered_block = e.timestamp, e.block_number
    session.add(offer)


def offer_cancelled(session: Session, e: DecodedEvent) -> None:
    if offer := session.get(NoteOfferView, e.args["noteId"]):
        session.delete(offer)


def note_sold(session: Session, e: DecodedEvent) -> None:
    a = e.args
    offer_cancelled(session, e)
    note = session.get(NoteView, a["noteId"])
    session.add(
        NoteSaleView(
            block_number=e.block_number,
            log_index=e.log_index,
            note_id=a["noteId"],
            loan_id=loan_of(a["noteId"]),
            seller=a["seller"],
            buyer=a["buyer"],
            price=a["price"],
            fee=a["fee"],
            seller_earned=a["sellerEarned"],
            principal_at_sale=note.outstanding_principal if note else 0,
            timestamp=e.timestamp,
            tx_hash=e.tx_hash,
        )
    )


HANDLERS: dict[HandlerKey, Handler] = {
    ("LoanMarket", "NoteOffered"): note_offered,
    ("LoanMarket", "NoteOfferCancelled"): offer_cancelled,
    ("LoanMarket", "NoteSold"): note_sold,
}
