"""Servicing fee, reserve share and late fee are fixed per loan when it is drawn: a governance change
applies only to loans drawn after it."""

from helpers.chain_time import pin_next_block_time
from market_support import (
    DAY,
    LATE_BPS_PER_DAY,
    RESERVE_BPS,
    SERVICING_BPS,
    USD,
    list_loan,
    listing,
    pay_amount_due,
    sleep,
)


def _fees(tx):
    ev = tx.events["LoanRepaid"]
    return ev["interest"] + ev["lateFee"], ev["servicingFee"], ev["reserveShare"]


def test_a_drawn_loan_keeps_its_fees(market, lens, drawn, borrower, admin):
    loan = market.getLoan(drawn)
    assert (loan["servicingFeeBps"], loan["reserveShareBps"], loan["lateFeeBpsPerDay"]) == (
        SERVICING_BPS,
        RESERVE_BPS,
        LATE_BPS_PER_DAY,
    )
    market.setFees(100, 2_000, 3_000, {"from": admin})
    market.setLateFeeBpsPerDay(100, {"from": admin})
    sleep(30 * DAY)
    base, servicing, reserve = _fees(pay_amount_due(market, lens, drawn, borrower))
    assert servicing == -(-base * SERVICING_BPS // 10_000)
    assert reserve == -(-base * RESERVE_BPS // 10_000)


def test_a_loan_drawn_after_the_change_pays_the_new_fees(market, lens, borrowers, lenders, admin):
    market.setFees(100, 2_000, 3_000, {"from": admin})
    market.setLateFeeBpsPerDay(100, {"from": admin})
    b = borrowers[1]
    loan_id = list_loan(market, listing(), b).return_value
    for lender in lenders[:4]:
        market.fund(loan_id, 2_500 * USD, {"from": lender})
    tx = market.drawdown(loan_id, {"from": b})
    ev = tx.events["LoanDrawn"]
    assert (ev["servicingFeeBps"], ev["reserveShareBps"], ev["lateFeeBpsPerDay"]) == (2_000, 3_000, 100)
    sleep(30 * DAY)
    base, servicing, reserve = _fees(pay_amount_due(market, lens, loan_id, b))
    assert servicing == -(-base * 2_000 // 10_000) and reserve == -(-base * 3_000 // 10_000)


def test_the_late_fee_rate_is_the_loans_own(market, drawn, borrower, admin):
    sleep(30 * DAY + 10 * DAY)
    before = market.getLoan(drawn)["lateFeeUnpaid"]
    market.setLateFeeBpsPerDay(100, {"from": admin})  # ten times the loan's rate
    pin_next_block_time()
    after_gov = market.getLoan(drawn, block_identifier="pending")["lateFeeUnpaid"]
    assert after_gov - before < before  # still accruing at 10 bps a day, not 100
