"""The note market's read side at the service level: offers and sales folded from events, and the offer
book the API lists (only what the chain would still honour, in the order asked, page by page)."""

from __future__ import annotations

import pytest

from backend import projections
from backend.chain.indexer.decoders import DecodedEvent
from backend.core.problems import Problem
from backend.loans.models import LoanView, NoteView
from backend.loans.note_ids import note_id
from backend.market import service
from tests.backend.factories.clock import CHAIN_NOW, DAY
from tests.backend.factories.read_models import chain_block, loan, note

SELLER, BUYER, OTHER = ("0x" + c * 40 for c in "abc")
NOW = CHAIN_NOW
USD = 10**6


@pytest.fixture(autouse=True)
def book(session):
    """Three loans of six monthly installments, the first two paid and the third due now (the third
    loan repaid early), each with three notes of 1,000 of which 200 came back, all held by SELLER."""
    chain_block(session, NOW)
    for status, grade in [("active", 2), ("active", 3), ("repaid", 2)]:
        on = loan(session, OTHER, status, principal=3_000 * USD, term=6, rate_bps=900, grade=grade,
                  first_due_at=NOW - 60 * DAY, periods_paid=2, lenders=3)  # fmt: skip
        for index in range(3):
            note(session, on, index, SELLER, principal=1_000 * USD, principal_returned=200 * USD)


def event(name: str, block: int, **args) -> DecodedEvent:
    market, block_hash, tx_hash = "0x" + "11" * 20, "0x" + "22" * 32, "0x" + "33" * 32
    return DecodedEvent("LoanMarket", name, market, args, block, block_hash, 0, tx_hash, NOW - 100 + block)


def offer(s, loan_id: int, index: int, price: int, block: int, expiry: int = NOW + 86_400) -> int:
    nid = note_id(loan_id, index)
    projections.apply(s, event("NoteOffered", block, noteId=nid, seller=SELLER, price=price, expiry=expiry))
    s.flush()
    return nid


def test_the_book_lists_only_offers_the_chain_would_honour(session):
    live = offer(session, 1, 0, 790 * USD, 10)
    offer(session, 1, 1, 700 * USD, 11, expiry=NOW - 1)  # expired at the index's clock
    offer(session, 3, 0, 700 * USD, 12)  # its loan is repaid: nothing left to sell
    moved = offer(session, 2, 0, 750 * USD, 13)
    session.get(NoteView, moved).owner = BUYER  # transferred since: the offer is void on-chain
    cancelled = offer(session, 2, 1, 760 * USD, 14)
    projections.apply(session, event("NoteOfferCancelled", 15, noteId=cancelled, seller=SELLER))
    session.flush()

    page = service.list_offers(session, None, "newest", 50, None)
    assert [int(o.note_id) for o in page.items] == [live]
    [item] = page.items
    assert (item.principal_outstanding, item.price_bps_of_principal, item.periods_left) == (
        800 * USD,
        9_875,
        4,
    )


def test_cheapest_first_page_by_page_and_by_grade(session):
    ids = [offer(session, 1, i, p * USD, 10 + i) for i, p in enumerate((790, 700, 750))]
    offer(session, 2, 0, 600 * USD, 20)
    first = service.list_offers(session, [2], "price", 2, None)
    second = service.list_offers(session, [2], "price", 2, first.next_cursor)
    assert [int(o.note_id) for o in first.items + second.items] == [ids[1], ids[2], ids[0]]
    assert second.next_cursor is None
    assert service.list_offers(session, None, "price", 50, None, max_periods_left=3).items == []  # 4 left
    assert len(service.list_offers(session, None, "price", 50, None, max_periods_left=4).items) == 4


def test_the_book_takes_several_grades_and_a_cursor_only_of_its_own_order(session):
    two, three = offer(session, 1, 0, 790 * USD, 10), offer(session, 2, 0, 700 * USD, 11)
    assert [int(o.note_id) for o in service.list_offers(session, [2, 3], "newest", 50, None).items] == [
        three,
        two,
    ]
    assert [int(o.note_id) for o in service.list_offers(session, [3], "newest", 50, None).items] == [three]
    assert service.list_offers(session, [1, 4], "newest", 50, None).items == []
    cursor = service.list_offers(session, None, "price", 1, None).next_cursor
    with pytest.raises(Problem) as refused:
        service.list_offers(session, None, "yield", 1, cursor)
    assert (refused.value.status, refused.value.type) == (422, "invalid-cursor")


def test_yield_and_days_past_due_filter_and_order_the_book(session):
    # the note's share of the 4 installments left: about 4 x 513 / 3 = 684
    cheap, dear = offer(session, 1, 0, 500 * USD, 10), offer(session, 1, 1, 650 * USD, 11)
    by_yield = service.list_offers(session, None, "yield", 50, None).items
    assert [int(o.note_id) for o in by_yield] == [cheap, dear]
    assert by_yield[0].yield_bps > by_yield[1].yield_bps > 0
    floor = by_yield[1].yield_bps + 1
    assert [
        int(o.note_id)
        for o in service.list_offers(session, None, "yield", 50, None, min_yield_bps=floor).items
    ] == [cheap]
    assert {o.days_past_due for o in by_yield} == {0}
    session.get(LoanView, 1).periods_paid = 1  # period 2 fell due 30 days ago, unpaid
    session.flush()
    late = service.list_offers(session, None, "newest", 50, None)
    assert {o.days_past_due for o in late.items} == {30}
    assert service.list_offers(session, None, "newest", 50, None, max_days_past_due=29).items == []


def test_a_sale_ends_the_offer_and_records_what_the_seller_realised(session):
    nid = offer(session, 1, 0, 790 * USD, 10)
    session.get(NoteView, nid).owner = BUYER  # LoanNote's Transfer comes first in the same transaction
    projections.apply(session, event("NoteSold", 11, noteId=nid, seller=SELLER, buyer=BUYER, price=790 * USD,
                                     fee=4 * USD, sellerEarned=15 * USD))  # fmt: skip
    session.flush()
    resale = service.resale_of(session, SELLER)
    assert resale.on_offer == [] and service.list_offers(session, None, "newest", 50, None).items == []
    [sale] = resale.sold
    assert (sale.principal_at_sale, sale.realized) == (800 * USD, str(790 * USD - 4 * USD - 800 * USD))
    assert resale.realized_gain_loss == str(-14 * USD) and resale.volume_sold == 790 * USD
    assert [s.note_id for s in service.resale_of(session, BUYER).bought] == [nid]


def test_the_portfolio_shows_notes_on_offer_and_what_sales_realised(session):
    from backend.loans.service import portfolio

    on_offer = offer(session, 1, 0, 790 * USD, 10)
    offer(session, 1, 1, 700 * USD, 11, expiry=NOW - 1)  # expired: not on offer any more
    sold = offer(session, 2, 0, 820 * USD, 12)
    session.get(NoteView, sold).owner = BUYER
    projections.apply(session, event("NoteSold", 13, noteId=sold, seller=SELLER, buyer=BUYER, price=820 * USD,
                                     fee=4 * USD, sellerEarned=0))  # fmt: skip
    session.flush()
    mine = portfolio(session, SELLER)
    assert {h.note_id: h.offer_price for h in mine.holdings if h.offer_price} == {on_offer: 790 * USD}
    assert (mine.notes_sold, mine.sold_for, mine.realized_gain_loss) == (1, 820 * USD, str(16 * USD))
