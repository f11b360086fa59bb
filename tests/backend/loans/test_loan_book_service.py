"""The loan book as the loans service reads it from the index: filters, orders and pages, outstanding
principal, a loan's schedule, repayments and delinquency on the index's clock, and what it owes when
no chain can be asked."""

from __future__ import annotations

import pytest

from backend.core.problems import Problem
from backend.loans import service
from tests.backend.factories.clock import CHAIN_NOW, DAY
from tests.backend.factories.read_models import chain_block, loan
from tests.backend.factories.wallets import wallet as new_wallet
from tests.backend.loans.lifecycle import ADDED, BORROWER, FEES, PLEDGED, lifecycle, store


@pytest.fixture
def book(session):
    """The synthetic lifecycle (loan 1 defaulted, 2 expired, 3 listed), indexed as the indexer would."""
    store(session, lifecycle())
    session.commit()
    return session


def ids(page) -> list[int]:
    return [item.loan_id for item in page.items]


def test_the_book_filters_by_status_grade_term_rate_and_borrower(book):
    assert ids(service.list_loans(book)) == [3, 2, 1]
    assert ids(service.list_loans(book, status="listed")) == [3]
    assert ids(service.list_loans(book, grades=[2, 5])) == [2, 1]
    assert ids(service.list_loans(book, term=24)) == [3]
    page = service.list_loans(book, min_rate=1000, max_rate=1500)
    assert ids(page) == [1] and page.next_cursor is None
    assert ids(service.list_loans(book, borrower=BORROWER)) == [1]
    assert ids(service.list_loans(book, status="defaulted", grades=[5])) == []


def test_the_book_orders_by_rate_or_amount_highest_first(book):
    assert ids(service.list_loans(book, sort="rate")) == [2, 1, 3]  # 2,400 / 1,200 / 700 bps
    assert ids(service.list_loans(book, sort="amount")) == [3, 1, 2]  # 2,000 / 1,000 / 500


@pytest.mark.parametrize("sort", ["newest", "rate", "amount"])
def test_pages_by_cursor_hold_the_whole_book_in_order(book, sort):
    everything = ids(service.list_loans(book, sort=sort))
    seen, cursor = [], None
    while True:
        page = service.list_loans(book, sort=sort, limit=1, cursor=cursor)
        seen += ids(page)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == everything


def test_a_cursor_of_one_order_is_refused_by_another(book):
    cursor = service.list_loans(book, sort="rate", limit=1).next_cursor
    with pytest.raises(Problem) as refused:
        service.list_loans(book, sort="newest", cursor=cursor)
    assert (refused.value.status, refused.value.type) == (422, "invalid-cursor")


def test_outstanding_principal_is_what_a_drawn_loan_has_not_repaid(book):
    outstanding = {i.loan_id: i.outstanding_principal for i in service.list_loans(book).items}
    assert outstanding == {1: 1_000_000_000 - 78_985_775 - 79_000_000, 2: 0, 3: 0}


def test_a_loans_detail_has_its_schedule_repayments_collateral_and_fees(book, app_settings):
    detail = service.loan_detail(book, app_settings, 1)
    assert detail.status == "defaulted" and len(detail.schedule) == 12
    assert sum(r.principal for r in detail.schedule) == detail.principal
    assert [r.paid for r in detail.schedule[:2]] == [True, False]
    assert [r.principal for r in detail.repayments] == [78_985_775, 79_000_000]
    assert detail.collateral_amount == PLEDGED + ADDED  # beyond 2^63, in the token's own units
    fees = (detail.servicing_fee_bps, detail.reserve_share_bps, detail.late_fee_bps_per_day)
    assert fees == tuple(FEES.values())
    assert detail.delinquency is None  # defaulted: past delinquency
    # without a chain the figures the chain owes are unknown, and say why; an expired loan owes nothing
    assert (detail.chain.amount_due, detail.chain.error) == (None, "no chain configured")
    expired = service.loan_detail(book, app_settings, 2)
    assert (expired.expiry_reason, expired.chain.payoff, expired.chain.amount_due) == (1, 0, 0)


def test_an_unknown_loan_is_not_found(session, app_settings):
    with pytest.raises(Problem) as missing:
        service.loan_detail(session, app_settings, 99)
    assert (missing.value.status, missing.value.type) == (404, "not-found")


@pytest.mark.parametrize(
    ("first_due_days_ago", "periods_paid", "days", "tier"),
    [
        (-5, 0, 0, 0),  # the first installment is still ahead
        (0, 0, 0, 0),  # due this very second: not late yet
        (10, 0, 10, 1),
        (45, 0, 45, 2),
        (45, 1, 15, 1),  # the first is paid: days run from the second
        (120, 0, 120, 3),
    ],
)
def test_a_loans_delinquency_runs_from_its_oldest_unpaid_installment_on_the_index_clock(
    session, app_settings, first_due_days_ago, periods_paid, days, tier
):
    chain_block(session, CHAIN_NOW)
    late = loan(session, new_wallet(), "active", first_due_at=CHAIN_NOW - first_due_days_ago * DAY,
                periods_paid=periods_paid)  # fmt: skip
    session.commit()
    delinquency = service.loan_detail(session, app_settings, late.loan_id).delinquency
    assert (delinquency.days_past_due, delinquency.tier) == (days, tier)
    oldest_unpaid = CHAIN_NOW - first_due_days_ago * DAY + periods_paid * late.period_seconds
    assert int(delinquency.next_due_at.timestamp()) == oldest_unpaid
    assert int(delinquency.as_of.timestamp()) == CHAIN_NOW
