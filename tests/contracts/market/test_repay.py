import brownie
from helpers.chain_time import mine_at, pin_next_block_time
from market_support import (
    DAY,
    LATE_BPS_PER_DAY,
    RESERVE_BPS,
    SERVICING_BPS,
    STATUS,
    USD,
    ceil_div,
    pay_amount_due,
    sleep,
)


def test_amount_due_is_zero_before_first_due_date(market, lens, drawn):
    sleep(10 * DAY)
    assert lens.amountDue(drawn) == 0
    assert lens.delinquencyTier(drawn) == 0


def test_installment_due_after_due_date(market, lens, drawn):
    first = lens.schedule(drawn)[0]
    mine_at(first["dueDate"])  # read at that second exactly: interest and late fee accrue per second
    due = lens.amountDue(drawn)
    inst = first["amount"]
    assert inst <= due <= inst + 10  # rounding only


def test_paying_on_schedule_keeps_loan_current(market, lens, token, drawn, borrower):
    rows = lens.schedule(drawn)
    for _ in range(3):
        sleep(30 * DAY)
        pay_amount_due(market, lens, drawn, borrower)
        assert lens.amountDue(drawn) == 0
        assert lens.delinquencyTier(drawn) == 0
    loan = market.getLoan(drawn)
    # principal follows the contractual balance (interest accrued seconds past a due date is owed, not
    # overdue)
    assert loan["principalOutstanding"] <= loan["schedBalance"]
    assert loan["principalOutstanding"] >= 10_000 * USD - sum(r["principal"] for r in rows[:3]) - 10


def test_repay_splits_late_fee_interest_principal(market, drawn, borrower):
    sleep(40 * DAY)  # 10 days late on the first installment
    loan = market.getLoan(drawn)
    late, interest = loan["lateFeeUnpaid"], loan["interestUnpaid"]
    assert late > 0
    tx = market.repay(drawn, late + interest + 100 * USD, {"from": borrower})
    ev = tx.events["LoanRepaid"]
    assert ev["lateFee"] >= late and ev["interest"] >= interest - 1 and ev["principal"] > 0
    assert ev["lateFee"] + ev["interest"] + ev["principal"] == late + interest + 100 * USD
    base = ev["lateFee"] + ev["interest"]
    assert ev["servicingFee"] == ceil_div(base * SERVICING_BPS, 10_000)
    assert ev["reserveShare"] == ceil_div(base * RESERVE_BPS, 10_000)
    assert tuple(market.pendingFees()) == (ev["reserveShare"], ev["servicingFee"])


def test_late_fee_accrues_daily_on_overdue(market, lens, drawn):
    inst = lens.schedule(drawn)[0]["amount"]
    sleep(30 * DAY + 10 * DAY)
    loan = market.getLoan(drawn)
    expected = inst * LATE_BPS_PER_DAY * 10 // 10_000
    assert abs(loan["lateFeeUnpaid"] - expected) <= expected // 100 + 2


def test_partial_payment_applies_to_late_fee_first(market, drawn, borrower):
    sleep(45 * DAY)
    late = market.getLoan(drawn)["lateFeeUnpaid"]
    tx = market.repay(drawn, late // 2, {"from": borrower})
    ev = tx.events["LoanRepaid"]
    assert ev["lateFee"] == late // 2 and ev["interest"] == 0 and ev["principal"] == 0


def test_overpayment_is_capped_to_payoff(market, token, note, drawn, borrower):
    sleep(5 * DAY)
    pin_next_block_time()  # the payoff at the repay's own block: it accrues per second
    payoff = market.payoffAmount(drawn, block_identifier="pending")
    before = token.balanceOf(borrower)
    tx = market.repay(drawn, 10**12 * USD, {"from": borrower})
    assert tx.return_value == payoff
    assert before - token.balanceOf(borrower) == tx.return_value
    assert market.getLoan(drawn)["status"] == STATUS["Repaid"]
    assert "LoanRepaidInFull" in tx.events
    assert market.openLoansOf(borrower) == 0
    assert tuple(market.windDownProgress()) == (0, 0)


def test_prepayment_charges_interest_only_to_the_payment_date(market, lens, drawn, borrower):
    sleep(5 * DAY)
    payoff = market.payoffAmount(drawn)
    # interest for about 5 of 30 days, far below the first period's scheduled interest
    first_interest = lens.schedule(drawn)[0]["interest"]
    assert payoff - 10_000 * USD < first_interest * 6 // 30 + 1
    assert payoff > 10_000 * USD


def test_partial_prepayment_reduces_principal_and_later_interest(market, lens, drawn, borrower):
    market.repay(drawn, 5_000 * USD, {"from": borrower})
    loan = market.getLoan(drawn)
    assert loan["principalOutstanding"] < 5_100 * USD
    sleep(30 * DAY)
    # both views at one block, so they see the same accrual
    block = brownie.web3.eth.block_number
    l2 = market.getLoan(drawn, block_identifier=block)
    # ahead of schedule on principal: only the period's interest is due, plus its late fee for the
    # seconds the block came after the due date
    assert l2["principalOutstanding"] < l2["schedBalance"]
    assert lens.amountDue(drawn, block_identifier=block) == l2["interestUnpaid"] + l2["lateFeeUnpaid"]
    # interest of the first period charged on about half the principal
    assert l2["interestUnpaid"] < lens.schedule(drawn)[0]["interest"] * 55 // 100


def test_anyone_may_repay_for_the_borrower(market, lens, drawn, outsider):
    sleep(30 * DAY)
    tx = pay_amount_due(market, lens, drawn, outsider)
    assert tx.events["LoanRepaid"]["payer"] == outsider
    assert lens.amountDue(drawn) == 0


def test_repay_zero_reverts(market, drawn, borrower, err):
    with err("ZeroAmount"):
        market.repay(drawn, 0, {"from": borrower})


def test_repay_listed_loan_reverts(market, listed, borrower, err):
    with err("InvalidLoanStatus", listed, STATUS["Listed"]):
        market.repay(listed, 1, {"from": borrower})


def test_repay_unknown_loan_reverts(market, borrower, err):
    with err("UnknownLoan", 7):
        market.repay(7, 1, {"from": borrower})


def test_repay_repaid_loan_reverts(market, drawn, borrower, err):
    market.repay(drawn, 10**12 * USD, {"from": borrower})
    with err("InvalidLoanStatus", drawn, STATUS["Repaid"]):
        market.repay(drawn, 1, {"from": borrower})


def test_delinquency_tiers(market, lens, drawn):
    assert lens.delinquencyTier(drawn) == 0
    # days round up: a minute short of whole days keeps the figures exact whatever seconds blocks add
    sleep(30 * DAY + 5 * DAY - 60)
    assert lens.delinquencyTier(drawn) == 1 and lens.daysPastDue(drawn) == 5
    sleep(30 * DAY)
    assert lens.delinquencyTier(drawn) == 2 and lens.daysPastDue(drawn) == 35
    sleep(60 * DAY)
    assert lens.delinquencyTier(drawn) == 3 and lens.daysPastDue(drawn) == 95


def test_tier_of_a_loan_that_is_not_drawn_is_current(lens, listed):
    assert lens.delinquencyTier(listed) == 0


def test_missed_installments_after_paid_ones_date_from_the_first_missed(market, lens, drawn, borrower):
    # installment 1 paid on its due date, 2 and 3 missed: interest on the unpaid principal makes the
    # overdue amount exceed two installments, yet the oldest unpaid due date is still the second
    sleep(30 * DAY)
    pay_amount_due(market, lens, drawn, borrower)
    sleep(65 * DAY - 60)
    loan = market.getLoan(drawn)
    assert loan["duePeriods"] == 3
    overdue = (
        loan["interestUnpaid"] - loan["interestNotDue"] + loan["principalOutstanding"] - loan["schedBalance"]
    )
    assert overdue > 2 * loan["installment"]
    assert lens.daysPastDue(drawn) == 35
    assert lens.delinquencyTier(drawn) == 2


def _cure_first_of_two(market, lens, drawn):
    """What clears due date 1 of two missed ones: fees, all accrued interest, installment 1's principal."""
    loan = market.getLoan(drawn)
    principal_1 = lens.schedule(drawn)[0]["principal"]
    return loan["lateFeeUnpaid"] + loan["interestUnpaid"] + principal_1


def test_catching_up_the_oldest_installment_moves_the_oldest_due_date(market, lens, drawn, borrower):
    # two installments missed, just under 31 days past the first: days round up, so a minute of
    # margin keeps both figures exact whatever seconds the following blocks add
    sleep(30 * DAY * 2 + DAY - 60)
    assert lens.daysPastDue(drawn) == 31
    # a dollar above the cure covers the seconds of interest and fee the repay's block adds
    market.repay(drawn, _cure_first_of_two(market, lens, drawn) + USD, {"from": borrower})
    assert lens.daysPastDue(drawn) == 1
    assert lens.delinquencyTier(drawn) == 1


def test_paying_one_installment_amount_of_two_missed_pays_interest_first(market, lens, drawn, borrower):
    # the waterfall takes both periods' interest before principal, so one installment's amount leaves
    # part of installment 1's principal unpaid and its due date still the oldest unpaid
    sleep(30 * DAY * 2 + DAY - 60)
    loan = market.getLoan(drawn)
    market.repay(drawn, loan["lateFeeUnpaid"] + loan["installment"], {"from": borrower})
    assert lens.daysPastDue(drawn) == 31
    assert market.repay(drawn, _cure_first_of_two(market, lens, drawn) + USD, {"from": borrower})
    assert lens.daysPastDue(drawn) == 1


def test_prepaid_principal_dates_unpaid_interest_from_the_latest_due_date(market, lens, drawn, borrower):
    # three installments' worth paid a day after drawdown puts principal ahead of the schedule; the
    # interest that falls due later is owed (and late) from its own due date, not from due date 1
    sleep(DAY)
    market.repay(drawn, 3 * market.getLoan(drawn)["installment"], {"from": borrower})
    sleep(94 * DAY - 60)
    loan = market.getLoan(drawn)
    assert loan["duePeriods"] == 3 and loan["principalOutstanding"] <= loan["schedBalance"]
    assert lens.amountDue(drawn) > 0
    assert lens.daysPastDue(drawn) == 5
    assert lens.delinquencyTier(drawn) == 1


def test_paying_the_amount_due_makes_a_long_delinquent_loan_current(market, lens, drawn, borrower):
    sleep(85 * DAY)
    assert lens.delinquencyTier(drawn) == 2
    market.repay(drawn, lens.amountDue(drawn) + USD, {"from": borrower})
    assert lens.daysPastDue(drawn) == 0
    assert lens.delinquencyTier(drawn) == 0


def test_loan_paid_to_maturity_closes_and_totals_reconcile(market, token, drawn, borrower, lens):
    paid = 0
    for _ in range(12):
        sleep(30 * DAY)
        due = lens.amountDue(drawn)
        if due:
            paid += market.repay(drawn, due, {"from": borrower}).return_value
    payoff = market.payoffAmount(drawn)
    if payoff:
        paid += market.repay(drawn, payoff, {"from": borrower}).return_value
    assert market.getLoan(drawn)["status"] == STATUS["Repaid"]
    total = lens.totalScheduled(drawn)
    # per-second accrual after each due date costs a few base units more than the schedule
    assert total <= paid <= total + 12 * 50
