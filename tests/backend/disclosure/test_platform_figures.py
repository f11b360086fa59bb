"""The platform figures, each computed from the indexed events of a scripted book (book_story.py) and
held to what the story did, to the base unit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backend.auth.service import Operator
from backend.complaints import service as complaints
from backend.complaints.config import ComplaintSettings
from backend.complaints.schemas import ComplaintIn
from backend.disclosure.service import platform_disclosure
from tests.backend.disclosure.book_story import (
    COVERED,
    DAY,
    DEFAULTED_AT,
    FEB_1,
    LEE,
    LOAN1_INSTALLMENT_1,
    LOAN1_RESERVE_SHARE,
    LOAN1_SERVICING,
    RECOVERED,
    RESERVE,
    RESERVE_SEED,
    SALE_FEE,
    SALE_PRICE,
    T0,
    USD,
    first_due,
    store,
)

FEB_11 = FEB_1 + 10 * DAY
LOAN1_LEFT = 1_000 * USD - LOAN1_INSTALLMENT_1.principal
RESERVE_AFTER_SWEEP = RESERVE_SEED + LOAN1_RESERVE_SHARE + 200_000


def _figures(session, at: int, **kwargs):
    store(session, at)
    return platform_disclosure(session, **kwargs)


def test_the_figures_are_taken_at_the_index_latest_block(session):
    block = store(session, FEB_11)
    figures = platform_disclosure(session)
    assert (int(figures.as_of.timestamp()), figures.last_block) == (FEB_11, block)


def test_volume_counts_drawn_loans_cumulatively_and_over_the_last_30_days(session):
    # loan 5 expired undrawn: never volume
    early = _figures(session, T0 + 20 * DAY).volume
    assert (early.cumulative.loans, early.cumulative.principal) == (4, 3_800 * USD)
    assert (early.last_30_days.loans, early.last_30_days.principal) == (4, 3_800 * USD)


def test_loans_drawn_more_than_30_days_ago_leave_the_window(session):
    volume = _figures(session, T0 + 31 * DAY).volume
    assert volume.cumulative.loans == 4
    assert (volume.last_30_days.loans, volume.last_30_days.principal) == (0, 0)
    assert int(volume.window_start.timestamp()) == T0 + DAY


def test_borrowers_are_counted_by_person_and_by_wallet(session):
    borrowers = _figures(session, FEB_11).borrowers
    # Ann's two wallets are one person; the unlinked wallet counts as its own person
    assert (borrowers.persons, borrowers.wallets) == (3, 4)


def test_lenders_are_the_wallets_that_funded_a_drawn_loan_or_bought_a_note(session):
    figures = _figures(session, FEB_11)
    # Oz funded only the listing that expired, and is no lender
    assert (figures.lenders.persons, figures.lenders.wallets) == (3, 3)


def test_outstanding_principal_is_that_of_active_loans(session):
    outstanding = _figures(session, FEB_11).outstanding
    # loan 4 repaid, loan 5 never drawn
    assert (outstanding.loans, outstanding.principal) == (3, LOAN1_LEFT + 500 * USD + 2_000 * USD)


def test_concentration_adds_up_a_persons_wallets(session):
    c = _figures(session, FEB_11).concentration
    total = LOAN1_LEFT + 2_500 * USD
    assert (c.basis, c.borrowers, c.unlinked_wallets) == ("person", 2, 0)
    assert (c.principal, c.share.numerator, c.share.denominator, c.share.bps) == (total, total, total, 10_000)


def test_concentration_of_the_largest_borrower_alone(session):
    c = _figures(session, FEB_11, top=1).concentration
    total = LOAN1_LEFT + 2_500 * USD
    # Bob's 2,000 outweighs Ann's two wallets together
    assert (c.principal, c.share.denominator) == (2_000 * USD, total)
    assert c.share.bps == -(-2_000 * USD * 10_000 // total)


def test_delinquency_tiers_follow_days_past_due_of_the_oldest_unpaid_installment(session):
    d = _figures(session, FEB_11).delinquency
    # loans 2 and 3 missed their first due date (Feb 4) by 7 days; loan 1 paid it
    assert (d.current.loans, d.current.principal) == (1, LOAN1_LEFT)
    m1, m2, m3 = d.tiers
    assert (m1.name, m1.loans, m1.principal) == ("M1", 2, 2_500 * USD)
    assert (m2.loans, m3.loans) == (0, 0)
    total = LOAN1_LEFT + 2_500 * USD
    assert (m1.rate.numerator, m1.rate.denominator, m1.rate.bps) == (
        2_500 * USD,
        total,
        -(-2_500 * USD * 10_000 // total),
    )
    assert (d.overdue.loans, d.overdue.principal, d.overdue_rate.numerator) == (2, 2_500 * USD, 2_500 * USD)


def _tiers(session) -> dict[str, int]:
    return {t.name: t.principal for t in platform_disclosure(session).delinquency.tiers}


def test_thirty_days_late_is_m1_and_the_next_second_m2(session):
    # loan 2 falls due an hour before loan 3, and an hour after loan 1's second installment
    due = first_due(2)
    store(session, due + 30 * DAY)
    assert _tiers(session) == {"M1": LOAN1_LEFT + 2_500 * USD, "M2": 0, "M3": 0}
    store(session, due + 30 * DAY + 1, since=due + 30 * DAY)
    assert _tiers(session) == {"M1": LOAN1_LEFT + 2_000 * USD, "M2": 500 * USD, "M3": 0}


def test_ninety_days_late_is_m2_and_the_next_second_m3(session):
    due = first_due(2)
    store(session, due + 90 * DAY)
    assert _tiers(session)["M3"] == 0
    store(session, due + 90 * DAY + 1, since=due + 90 * DAY)
    assert _tiers(session)["M3"] == 500 * USD  # loan 3, due an hour later, is 90 days late still


def test_a_defaulted_loan_leaves_delinquency_for_the_default_figures(session):
    figures = _figures(session, DEFAULTED_AT + 3 * DAY)
    assert figures.outstanding.loans == 2  # loans 1 and 2
    assert sum(t.loans for t in figures.delinquency.tiers) + figures.delinquency.current.loans == 2
    d = figures.defaults
    assert (d.loans, d.principal, d.recovered) == (1, 2_000 * USD, RECOVERED)
    assert d.credit_loss == 2_000 * USD - RECOVERED
    assert (d.reserve_covered, d.reserve_recovered) == (COVERED, 0)
    assert d.lender_loss == 2_000 * USD - RECOVERED - COVERED
    assert (d.default_rate.numerator, d.default_rate.denominator) == (2_000 * USD, 3_800 * USD)
    assert d.default_rate.bps == 5_264  # 5263.15.. rounded up
    assert (d.loss_rate.numerator, d.loss_rate.bps) == (1_200 * USD, 3_158)
    assert (d.lender_loss_rate.numerator, d.lender_loss_rate.bps) == (900 * USD, 2_369)


def test_a_default_before_its_recoveries_is_a_loss_of_its_whole_principal(session):
    d = _figures(session, DEFAULTED_AT).defaults
    assert (d.loans, d.credit_loss, d.lender_loss, d.recovered) == (1, 2_000 * USD, 2_000 * USD, 0)


def test_the_reserve_fund_balance_is_its_transfers_in_less_out(session):
    before = _figures(session, FEB_11).reserve
    assert (before.fund, before.balance) == (RESERVE, RESERVE_AFTER_SWEEP)
    assert before.overdue_principal == 2_500 * USD
    assert (before.coverage.numerator, before.coverage.denominator) == (RESERVE_AFTER_SWEEP, 2_500 * USD)
    assert before.coverage.bps == RESERVE_AFTER_SWEEP * 10_000 // (2_500 * USD)  # rounded down


def test_the_reserve_cover_leaves_the_fund(session):
    reserve = _figures(session, DEFAULTED_AT + 3 * DAY).reserve
    assert reserve.balance == RESERVE_AFTER_SWEEP - COVERED


def test_coverage_of_nothing_overdue_has_no_bps(session):
    reserve = _figures(session, T0 + 20 * DAY).reserve
    assert (reserve.overdue_principal, reserve.coverage.denominator, reserve.coverage.bps) == (0, 0, None)


def test_fees_are_those_charged(session):
    fees = _figures(session, DEFAULTED_AT + 3 * DAY).fees
    assert fees.origination == 38 * USD  # 1% of every drawn principal
    assert fees.servicing == LOAN1_SERVICING + 100_000
    assert (fees.late, fees.resale) == (0, SALE_FEE)
    assert fees.total == fees.origination + fees.servicing + fees.late + fees.resale


def test_secondary_market_volume_is_the_sale_prices(session):
    market = _figures(session, T0 + 41 * DAY).secondary_market
    assert (market.cumulative.sales, market.cumulative.volume) == (1, SALE_PRICE)
    assert (market.last_30_days.sales, market.last_30_days.volume) == (1, SALE_PRICE)


def test_a_sale_more_than_30_days_ago_leaves_the_window(session):
    market = _figures(session, T0 + 71 * DAY).secondary_market
    assert (market.cumulative.volume, market.last_30_days.sales, market.last_30_days.volume) == (
        SALE_PRICE,
        0,
        0,
    )


def test_an_empty_index_gives_zero_figures(session):
    figures = platform_disclosure(session)
    assert (figures.last_block, figures.volume.cumulative.loans, figures.reserve.balance) == (0, 0, None)
    assert figures.delinquency.overdue_rate.bps is None
    assert (
        figures.complaints.cumulative.received,
        figures.complaints.cumulative.median_resolution_seconds,
    ) == (
        0,
        None,
    )


REVIEWER = Operator(id="rev-1", name="reviewer", roles=frozenset({"reviewer"}))


def _complaint(session, settings, filed: datetime, resolved_after: timedelta | None) -> None:
    body = ComplaintIn(category="fees", text="Charged twice")
    filing = complaints.file_complaint(session, settings, ComplaintSettings(), LEE, body, filed)
    if resolved_after is not None:
        complaints.resolve(
            session,
            settings,
            ComplaintSettings(),
            REVIEWER,
            filing.id,
            "upheld",
            "Refunded",
            filed + resolved_after,
        )


def test_complaints_are_counted_as_they_stood_at_the_figures_instant(session, app_settings):
    as_of = FEB_11
    at = datetime.fromtimestamp(as_of, UTC)
    _complaint(session, app_settings, at - timedelta(days=40), timedelta(hours=6))  # before the window
    _complaint(session, app_settings, at - timedelta(days=5), timedelta(hours=2))
    _complaint(session, app_settings, at - timedelta(days=1), timedelta(days=3))  # resolved after asOf
    store(session, as_of)
    c = platform_disclosure(session).complaints
    assert (c.cumulative.received, c.cumulative.resolved, c.cumulative.open) == (3, 2, 1)
    assert c.cumulative.median_resolution_seconds == 2 * 3_600  # the lower median of 2 h and 6 h
    assert (c.last_30_days.received, c.last_30_days.resolved) == (2, 1)
    assert c.last_30_days.median_resolution_seconds == 2 * 3_600
    assert c.cumulative.by_category == {"fees": 3}
