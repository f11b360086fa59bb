"""A reserve cover that would pay nothing is refused and records nothing; a loan covered in part can
be covered again once the fund is refilled, up to the per-loan cap."""

import pytest
from market_support import DAY, RAY, USD, note_id, sleep


@pytest.fixture
def defaulted(market, drawn, outsider):
    sleep(121 * DAY)
    market.markDefault(drawn, {"from": outsider})
    return drawn


def test_an_empty_reserve_cannot_burn_the_cover(market, reserve, defaulted, outsider, err):
    assert reserve.balance() == 0
    with err("NothingToCover", defaulted):
        market.coverFromReserve(defaulted, {"from": outsider})
    loan = market.getLoan(defaulted)
    assert loan["flags"] & 2 == 0 and loan["writedownPerShare"] == 0 and market.reserveCoverOf(defaulted) == 0


def test_a_partial_cover_is_completed_after_a_refill(
    market, reserve, token, defaulted, outsider, admin, lenders
):
    token.approve(reserve, 2**256 - 1, {"from": admin})
    reserve.deposit(3_000 * USD, {"from": admin})
    ev = market.coverFromReserve(defaulted, {"from": outsider}).events["DefaultCovered"]
    assert (ev["covered"], ev["loss"]) == (3_000 * USD, 7_000 * USD)
    reserve.deposit(5_000 * USD, {"from": admin})
    ev = market.coverFromReserve(defaulted, {"from": outsider}).events["DefaultCovered"]
    assert (ev["covered"], ev["loss"]) == (5_000 * USD, 2_000 * USD)
    assert market.getLoan(defaulted)["writedownPerShare"] == 2_000 * USD * RAY // (10_000 * USD)
    assert market.reserveCoverOf(defaulted) == reserve.coveredOf(defaulted) == 8_000 * USD
    claimed = sum(
        market.claim(note_id(defaulted, i), {"from": lender}).return_value
        for i, lender in enumerate(lenders[:4])
    )
    assert 8_000 * USD - 4 <= claimed <= 8_000 * USD


def test_repeated_covers_stop_at_the_per_loan_cap(market, reserve, token, defaulted, outsider, admin, err):
    token.approve(reserve, 2**256 - 1, {"from": admin})
    reserve.setCap(5_000, 0, {"from": admin})  # half the funded principal
    reserve.deposit(2_000 * USD, {"from": admin})
    market.coverFromReserve(defaulted, {"from": outsider})
    reserve.deposit(10_000 * USD, {"from": admin})
    assert (
        market.coverFromReserve(defaulted, {"from": outsider}).events["DefaultCovered"]["covered"]
        == 3_000 * USD
    )
    with err("NothingToCover", defaulted):
        market.coverFromReserve(defaulted, {"from": outsider})


def test_recoveries_after_two_covers_repay_the_notes_then_the_reserve(
    market, reserve, token, defaulted, borrower, outsider, admin
):
    token.approve(reserve, 2**256 - 1, {"from": admin})
    reserve.deposit(2_000 * USD, {"from": admin})
    market.coverFromReserve(defaulted, {"from": outsider})
    reserve.deposit(2_000 * USD, {"from": admin})
    market.coverFromReserve(defaulted, {"from": outsider})
    loan = market.getLoan(defaulted)
    ahead = loan["lateFeeUnpaid"] + loan["interestUnpaid"]
    tx = market.repay(defaulted, ahead + 6_000 * USD, {"from": borrower})  # the notes' uncovered 6,000
    assert tx.events["LoanRepaid"]["reserveShare"] == 0
    tx = market.repay(defaulted, 4_000 * USD, {"from": borrower})  # the reserve's 4,000
    assert tx.events["LoanRepaid"]["reserveShare"] == 4_000 * USD
    assert market.payoffAmount(defaulted) == 0
