"""A wallet's portfolio and activity as the loans service reads them from the index: what a lender put
in, got back and lost, the notes it holds, and its transactions newest first."""

from __future__ import annotations

import pytest

from backend.loans import service
from backend.loans.note_ids import note_id
from tests.backend.loans.lifecycle import BORROWER, BUYER, LENDER_A, LENDER_B, lifecycle, store


@pytest.fixture
def book(session):
    store(session, lifecycle())
    session.commit()
    return session


def test_a_lenders_portfolio_sums_what_it_invested_received_and_lost(book):
    mine = service.portfolio(book, LENDER_A)
    assert (mine.invested, mine.received) == (600_000_000, 52_000_000) and mine.losses > 0
    assert [(h.loan_id, h.loan_status) for h in mine.holdings] == [(1, "defaulted"), (2, "expired")]
    assert (mine.notes_sold, mine.sold_for, mine.realized_gain_loss) == (0, 0, "0")


def test_a_note_bought_shows_under_its_new_holder(book):
    seller, buyer = service.portfolio(book, LENDER_B), service.portfolio(book, BUYER)
    assert [h.note_id for h in buyer.holdings] == [note_id(1, 1)]
    assert note_id(1, 1) not in [h.note_id for h in seller.holdings]


def test_a_borrower_sees_what_it_borrowed_and_repaid(book):
    mine = service.portfolio(book, BORROWER)
    assert mine.borrowed > 0 and mine.repaid > 0 and mine.holdings == []


def test_a_wallet_without_activity_has_an_empty_portfolio(session):
    nobody = service.portfolio(session, "0x" + "00" * 19 + "0a")
    assert (nobody.invested, nobody.holdings, nobody.notes_sold) == (0, [], 0)


def test_transactions_are_newest_first_by_kind_and_page_by_cursor(book):
    items = service.transactions(book, LENDER_A, None, 50, None).items
    assert [i.kind for i in items] == ["transfer_out", "refund", "fund", "claim", "fund"]
    claims = service.transactions(book, LENDER_A, "claim", 50, None).items
    assert [c.amount for c in claims] == [52_000_000]
    pages, cursor = [], None
    while True:
        page = service.transactions(book, LENDER_A, None, 2, cursor)
        pages += [i.kind for i in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert pages == [i.kind for i in items]
