"""Monthly statements against the market's own arithmetic: a loan repaid, a note sold, a default with a
liquidation and a reserve cover, a recovery after the write-off, a refunded listing and a note given away,
month by month (tests/backend/statements/book.py keeps the chain's figures)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from backend.chain.indexer.models import ChainBlock
from backend.core.problems import Problem
from backend.loans.note_ids import note_id
from backend.statements import service
from backend.statements.config import StatementSettings
from tests.backend.factories.wallets import wallet
from tests.backend.statements.book import RAY, Book, at

ANA, BO, CY, EVE, FAY = (wallet(f"statement-{n}") for n in ("ana", "bo", "cy", "eve", "fay"))
SETTINGS = StatementSettings()
MONTHS = [(2027, m) for m in range(1, 8)]


@dataclass
class Story:
    snapshots: dict[
        tuple[int, int], dict[int, tuple[int, int, int]]
    ]  # month -> note -> (pos, unclaimed, credited)
    book: Book
    notes: dict[str, int]
    sale: tuple[int, int, int, int]  # price, fee, earned, principal at the sale
    cover: tuple[int, int]  # loss, wps
    gift_unclaimed: int


def _snapshot(book: Book) -> dict[int, tuple[int, int, int]]:
    return {n: (book.position(n), book.unclaimed(n), book.credited(n)) for n in book.owner}


@pytest.fixture
def story(session) -> Story:
    return tell(session)


def tell(session) -> Story:
    """The book of this module, stored as the indexer would store it, with the index at 2027-08-01."""
    book, snaps = Book(), {}
    notes = book.list_and_fund(1, at(2027, 1, 5), {ANA: 1_700_000_000, BO: 1_300_000_000})
    book.draw(1, at(2027, 1, 6))
    snaps[(2027, 1)] = _snapshot(book)
    book.repay(1, at(2027, 2, 5), interest=30_000_000, principal=250_000_000)
    book.claim(notes[ANA], at(2027, 2, 6))
    snaps[(2027, 2)] = _snapshot(book)
    book.repay(1, at(2027, 3, 5), interest=27_000_001, principal=252_000_003, late=1_234_567)
    refund = book.list_and_fund(2, at(2027, 3, 1), {ANA: 500_000_000})[ANA]
    book.emit("LoanMarket", "LoanExpired", at(2027, 3, 14), loanId=2, reason=1)
    book.emit(
        "LoanMarket",
        "FundingWithdrawn",
        at(2027, 3, 15),
        loanId=2,
        noteId=refund,
        holder=ANA,
        amount=500_000_000,
    )
    sold_principal = book.position(notes[BO])
    fee, earned = book.sell(notes[BO], CY, at(2027, 3, 20), price=1_050_000_000)
    eve = book.list_and_fund(3, at(2027, 3, 2), {EVE: 800_000_000, ANA: 200_000_000})[EVE]
    book.draw(3, at(2027, 3, 3))
    snaps[(2027, 3)] = _snapshot(book)
    book.repay(1, at(2027, 4, 5), interest=24_000_000, principal=254_000_000)
    book.repay(3, at(2027, 4, 6), interest=10_000_000, principal=80_000_000)
    book.claim(eve, at(2027, 4, 7))
    book.repay(3, at(2027, 4, 20), interest=9_000_000, principal=81_000_000)
    gift_unclaimed = book.unclaimed(eve)
    book.give(eve, FAY, at(2027, 4, 25))
    snaps[(2027, 4)] = _snapshot(book)
    book.default(1, at(2027, 5, 10))
    book.liquidate(1, at(2027, 5, 15), interest=5_000_000, principal=900_000_000)
    loss, wps = book.cover(1, at(2027, 5, 20), covered=600_000_000)
    snaps[(2027, 5)] = _snapshot(book)
    book.repay(1, at(2027, 6, 10), interest=0, principal=1_000_000_000)
    book.claim(notes[ANA], at(2027, 6, 11))
    book.repay(3, at(2027, 6, 12), interest=8_000_000, principal=82_000_000)
    snaps[(2027, 6)] = _snapshot(book)
    snaps[(2027, 7)] = snaps[(2027, 6)]
    book.store(session)
    session.add(ChainBlock(number=book.block + 1, hash="0x" + "ee" * 32, timestamp=at(2027, 8, 1)))
    session.commit()
    return Story(
        snaps,
        book,
        {"ana": notes[ANA], "bo": notes[BO], "eve": eve},
        (1_050_000_000, fee, earned, sold_principal),
        (loss, wps),
        gift_unclaimed,
    )


def _statement(session, who: str, year: int, month: int):
    return service.monthly_statement(session, SETTINGS, who, year, month)


def _note(statement, nid: int):
    return next(n for n in statement.notes if n.note_id == nid)


def test_each_months_closing_position_and_unclaimed_are_the_chains_figures(session, story):
    for year, month in MONTHS:
        for who in (ANA, BO, CY, EVE, FAY):
            statement = _statement(session, who, year, month)
            for note in statement.notes:
                if note.held_at_end:
                    pos, unclaimed, _ = story.snapshots[(year, month)][note.note_id]
                    assert (note.closing_principal, note.closing_unclaimed) == (pos, unclaimed), (who, month)
            previous = story.snapshots.get((year, month - 1), {})
            for note in statement.notes:
                if note.held_at_start:
                    assert note.opening_principal == previous[note.note_id][0]


def test_a_repayment_credits_each_note_its_accumulator_share_split_into_principal_interest_and_fees(
    session, story
):
    march = _statement(session, ANA, 2027, 3)
    nid = story.notes["ana"]
    credited = story.snapshots[(2027, 3)][nid][2] - story.snapshots[(2027, 2)][nid][2]
    (entry,) = [e for e in march.entries if e.kind == "repayment" and e.note_id == nid]
    assert entry.amount == credited > 0
    assert entry.principal + entry.interest + entry.fees == entry.amount
    share, funded = 1_700_000_000, 3_000_000_000
    base = 1_234_567 + 27_000_001
    servicing, reserve = -(-base // 100), -(-base // 10)
    income = base - servicing - reserve
    late = 1_234_567 * income // base
    assert entry.fees == share * late // funded
    assert entry.interest == share * (income - late) // funded
    assert abs(entry.principal - share * 252_000_003 // funded) <= 2
    assert (entry.servicing_fee, entry.reserve_share) == (
        share * servicing // funded,
        share * reserve // funded,
    )
    assert march.totals.repayments == credited


def test_a_sale_pays_the_seller_price_less_fee_plus_earnings_and_the_buyer_is_credited_after(session, story):
    price, fee, earned, principal = story.sale
    nid = story.notes["bo"]
    seller = _statement(session, BO, 2027, 3)
    (sale,) = [e for e in seller.entries if e.kind == "sale"]
    assert (sale.amount, sale.price, sale.fee, sale.earned) == (price - fee + earned, price, fee, earned)
    assert earned > 0 and sale.principal == principal
    assert _note(seller, nid).held_at_end is False and seller.positions.closing_principal == 0
    buyer = _statement(session, CY, 2027, 3)
    (bought,) = [e for e in buyer.entries if e.kind == "purchase"]
    assert (bought.amount, bought.principal) == (price, sale.principal)
    assert buyer.positions.closing_unclaimed == 0  # the sale settled the seller's earnings
    april = _statement(session, CY, 2027, 4)
    credited = story.snapshots[(2027, 4)][nid][2] - story.snapshots[(2027, 3)][nid][2]
    assert april.totals.repayments == credited == april.positions.closing_unclaimed


def test_a_default_its_liquidation_and_cover_are_recoveries_and_the_write_down_a_loss(session, story):
    may = _statement(session, ANA, 2027, 5)
    nid = story.notes["ana"]
    loss, wps = story.cover
    by_source = may.totals.recoveries_by_source
    assert by_source.borrower == 0 and by_source.collateral > 0 and by_source.reserve > 0
    assert may.totals.repayments == 0
    assert may.totals.losses == 1_700_000_000 * wps // RAY > 0
    assert abs(by_source.reserve - 1_700_000_000 * 600_000_000 // 3_000_000_000) <= 1
    note = _note(may, nid)
    assert note.written_off and note.closing_principal == 0
    assert may.totals.recoveries == story.snapshots[(2027, 5)][nid][2] - story.snapshots[(2027, 4)][nid][2]


def test_a_recovery_after_the_write_off_reduces_no_position_and_is_said_to_be_after_it(session, story):
    june = _statement(session, ANA, 2027, 6)
    nid = story.notes["ana"]
    (recovery,) = [e for e in june.entries if e.kind == "recovery" and e.note_id == nid]
    assert recovery.after_write_off and recovery.source == "borrower" and recovery.amount > 0
    # the reserve fund takes back what it covered first (subrogation): the notes get the rest
    assert june.totals.recovered_after_write_off == recovery.principal
    assert _note(june, nid).closing_principal == 0
    assert june.totals.claimed == story.snapshots[(2027, 5)][nid][1] + recovery.amount


def test_every_month_rolls_forward_to_the_closing_position_within_two_base_units_per_note(session, story):
    for year, month in MONTHS:
        for who in (ANA, BO, CY, EVE, FAY):
            s = _statement(session, who, year, month)
            t, p = s.totals, s.positions
            assert abs(t.rounding) <= 2 * max(1, len(s.notes)), (who, month, t.rounding)
            assert p.closing_unclaimed == (
                p.opening_unclaimed
                + t.repayments
                + t.recoveries
                - t.claimed
                - t.earned_settled_in_sales
                + sum(e.earned for e in s.entries if e.kind == "transfer_in")
                - sum(e.earned for e in s.entries if e.kind == "transfer_out")
            ), (who, month)


def test_a_listing_funded_and_refunded_in_one_month_shows_both_and_holds_nothing(session, story):
    march = _statement(session, ANA, 2027, 3)
    refunded = note_id(2, 0)
    assert [e.kind for e in march.entries if e.note_id == refunded] == ["funding", "refund"]
    assert march.totals.funded == 700_000_000 and march.totals.refunded == 500_000_000
    assert _note(march, refunded).held_at_end is False


def test_a_note_given_away_carries_its_unclaimed_earnings_to_the_recipient(session, story):
    april_eve, april_fay = _statement(session, EVE, 2027, 4), _statement(session, FAY, 2027, 4)
    (out,) = [e for e in april_eve.entries if e.kind == "transfer_out"]
    (into,) = [e for e in april_fay.entries if e.kind == "transfer_in"]
    assert out.earned == into.earned == story.gift_unclaimed > 0
    assert out.principal == into.principal == story.snapshots[(2027, 4)][story.notes["eve"]][0]
    june = _statement(session, FAY, 2027, 6)
    assert june.positions.closing_unclaimed == story.snapshots[(2027, 6)][story.notes["eve"]][1]


def test_a_month_the_index_has_not_reached_is_refused_and_the_current_one_is_provisional(session, story):
    with pytest.raises(Problem) as refused:
        _statement(session, ANA, 2027, 9)
    assert refused.value.status == 422 and refused.value.type == "statement-period-not-started"
    assert _statement(session, ANA, 2027, 8).final is False
    assert _statement(session, ANA, 2027, 6).final is True


def test_a_wallet_without_notes_has_an_empty_statement(session, story):
    empty = _statement(session, wallet("statement-nobody"), 2027, 3)
    assert empty.notes == [] and empty.entries == [] and empty.totals.rounding == 0
