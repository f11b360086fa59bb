"""The loan after a restructuring: due dates, days past due and the tier against the new schedule,
interest and every note's claim exact to the base unit against the independent loan model
(tests/support/loan_model.py), full repayment, default, note pricing, the lens's views and the
indexer's twin of the schedule (backend/loans/annuity.py).

The `drawn` loan: 10,000 USD at 9% over 12 x 30 days, four notes of 2,500 (lenders[0..3]); lenders[3]
never votes.
"""

from helpers.chain_time import mine_at, pin_next_block_time
from market_support import DAY, LATE_BPS_PER_DAY, STATUS, USD, note_id, sleep
from restructuring_support import (
    APR,
    PERIOD,
    approve,
    assert_matches,
    at,
    execute,
    model_of,
    propose,
    repay_at,
)

from backend.loans.annuity import restructured_schedule


def _restructure(market, model, loan_id, borrower, lenders, extra, holiday, when):
    """Proposes and approves (3 of 4 notes) now, executes at `when`; the model follows. Returns the
    RestructureExecuted event and the model's terms."""
    mine_at(when - 600)  # proposed and approved in the ten minutes before
    pid = propose(market, loan_id, borrower, extra=extra, holiday=holiday)
    approve(market, loan_id, pid, lenders, [0, 1, 2])
    tx = at(market, when, execute, market, loan_id, [0, 1, 2], lenders[0])
    model.accrue(when, LATE_BPS_PER_DAY)
    terms = model.restructure(when, extra, holiday)
    return tx.events["RestructureExecuted"], terms


def _late_then_restructured(market, drawn, borrower, lenders, extra=2, holiday=3):
    """Installment 1 paid on its due date, installment 2 missed, restructured 15 days after it."""
    model = model_of(market, drawn, lenders)
    t0 = model.drawn_at
    repay_at(market, model, drawn, borrower, model.schedule[0]["amount"], when=t0 + PERIOD)
    ev, terms = _restructure(
        market, model, drawn, borrower, lenders, extra, holiday, t0 + 2 * PERIOD + 15 * DAY
    )
    return model, ev, terms


def _event_terms(ev):
    keys = (
        "basePeriod",
        "baseBalance",
        "numPeriods",
        "installment",
        "firstDueDate",
        "maturity",
        "firstCharges",
    )
    return {k: ev[k] for k in keys}


# ------------------------------------------------------------------ the new terms


def test_the_new_terms_are_the_models(market, drawn, borrower, lenders):
    model, ev, terms = _late_then_restructured(market, drawn, borrower, lenders)
    assert _event_terms(ev) == terms
    t0 = model_of(market, drawn, lenders).drawn_at  # the loan's anchor has moved: this reads the new one
    assert terms["basePeriod"] == 2 and terms["numPeriods"] == 14  # 10 installments left + 2
    # the next due date was day 90; three periods of holiday put the first new one at day 180
    assert terms["firstDueDate"] == t0 + 3 * PERIOD
    assert_matches(market, model, drawn)


def test_a_late_loan_is_current_once_restructured(market, lens, drawn, borrower, lenders):
    model = model_of(market, drawn, lenders)
    sleep(45 * DAY)
    assert lens.daysPastDue(drawn) == 15 and lens.delinquencyTier(drawn) == 1
    ev, _ = _restructure(market, model, drawn, borrower, lenders, 0, 2, model.drawn_at + 45 * DAY + 60)
    assert lens.daysPastDue(drawn) == 0 and lens.delinquencyTier(drawn) == 0
    # the late fee already charged stays owed: it is what a payment clears first
    loan = market.getLoan(drawn)
    assert loan["lateFeeUnpaid"] == model.late_fee > 0
    assert lens.amountDue(drawn) == model.amount_due()


def test_a_holiday_moves_the_due_dates_and_days_past_due(
    market, lens, drawn, borrower, lenders, outsider, err
):
    model, ev, terms = _late_then_restructured(market, drawn, borrower, lenders)
    first = terms["firstDueDate"]
    rows = lens.schedule(drawn)
    assert [r["dueDate"] for r in rows] == [first + i * PERIOD for i in range(12)]
    assert rows[-1]["dueDate"] == terms["maturity"] == ev["maturity"]

    mine_at(first - 1)  # a second before: nothing has fallen due in the holiday
    assert lens.daysPastDue(drawn) == 0
    sleep(2)
    assert lens.daysPastDue(drawn) == 1 and lens.delinquencyTier(drawn) == 1
    # markDefault counts from the new schedule's first unpaid due date, not the missed installment 2
    mine_at(first + 90 * DAY)
    with err("NotDefaultable", drawn, 90):
        market.markDefault(drawn, {"from": outsider})
    sleep(1)
    market.markDefault(drawn, {"from": outsider})
    assert market.getLoan(drawn)["status"] == STATUS["Defaulted"]


def test_days_past_due_walk_from_the_restructurings_base(market, lens, drawn, borrower, lenders, outsider):
    """Two new installments missed, then part of one paid: the oldest unpaid due date is found on the new
    schedule's balances, by the lens, markDefault's rule and the note market's quote alike."""
    model, _, terms = _late_then_restructured(market, drawn, borrower, lenders)
    first = terms["firstDueDate"]
    repay_at(
        market, model, drawn, borrower, model.schedule[2]["amount"] * 12 // 10, when=first + PERIOD + 5 * DAY
    )
    mine_at(first + PERIOD + 20 * DAY)
    ts = first + PERIOD + 20 * DAY
    days = lens.daysPastDue(drawn)
    assert days == model.accrued(ts, LATE_BPS_PER_DAY).days_past_due(ts)
    assert days == 20  # installment 3 (the first new one) is paid, installment 4 is not
    assert lens.quote(note_id(drawn, 3), 1)["daysPastDue"] == days


# ------------------------------------------------------------------ money, to the base unit


def test_interest_and_claims_are_exact_under_the_new_schedule(market, lens, drawn, borrower, lenders):
    model, _, terms = _late_then_restructured(market, drawn, borrower, lenders)
    # a part-payment in the holiday lowers the interest the first new installment carries
    repay_at(market, model, drawn, borrower, 300 * USD, when=terms["firstDueDate"] - 40 * DAY)
    assert_matches(market, model, drawn)
    for k in range(3, 15):  # every new installment, on its due date, what is due then
        due_at = model.drawn_at + k * PERIOD
        due = model.accrued(due_at, LATE_BPS_PER_DAY).amount_due()
        repay_at(market, model, drawn, borrower, due, when=due_at)
        assert_matches(market, model, drawn)
        if k == 8:
            _claim_all(market, model, drawn, lenders)
    assert market.getLoan(drawn)["status"] == STATUS["Repaid"]
    _claim_all(market, model, drawn, lenders)


def _claim_all(market, model, loan_id, lenders):
    """Voters and the non-voter (lenders[3]) claim exactly what the model says each note earned."""
    expected = model.claims()
    for i in range(4):
        tx = market.claim(note_id(loan_id, i), {"from": lenders[i]})
        assert tx.return_value == expected[str(lenders[i])]


def test_the_schedule_paid_on_its_due_dates_repays_it_exactly(market, lens, drawn, borrower, lenders, token):
    model = model_of(market, drawn, lenders)
    t0 = model.drawn_at
    repay_at(market, model, drawn, borrower, model.schedule[0]["amount"], when=t0 + PERIOD)
    ev, terms = _restructure(market, model, drawn, borrower, lenders, 3, 0, t0 + PERIOD + 60)
    rows = lens.schedule(drawn)
    assert len(rows) == 11 + 3
    for row in rows:
        before = token.balanceOf(borrower)
        repay_at(market, model, drawn, borrower, row["amount"], when=row["dueDate"])
        assert before - token.balanceOf(borrower) == row["amount"]
    loan = market.getLoan(drawn)
    assert loan["status"] == STATUS["Repaid"] and loan["principalOutstanding"] == 0
    assert sum(r["principal"] for r in rows) == terms["baseBalance"]
    assert loan["lateFeeUnpaid"] == loan["interestUnpaid"] == 0


def test_a_restructured_loan_is_repaid_in_full_at_any_time(market, drawn, borrower, lenders, token):
    model, _, terms = _late_then_restructured(market, drawn, borrower, lenders)
    ts = terms["firstDueDate"] - 10 * DAY
    payoff = model.accrued(ts, LATE_BPS_PER_DAY).payoff()
    before = token.balanceOf(borrower)
    repay_at(market, model, drawn, borrower, 10**12, when=ts)
    assert before - token.balanceOf(borrower) == payoff
    assert market.getLoan(drawn)["status"] == STATUS["Repaid"]
    _claim_all(market, model, drawn, lenders)


def test_a_loan_past_maturity_is_restructured_over_its_extension(market, lens, drawn, borrower, lenders):
    model = model_of(market, drawn, lenders)
    t0 = model.drawn_at
    for k in range(1, 12):
        repay_at(market, model, drawn, borrower, model.schedule[k - 1]["amount"], when=t0 + k * PERIOD)
    ts = t0 + 12 * PERIOD + 50 * DAY  # the last installment 50 days late, well past maturity
    ev, terms = _restructure(market, model, drawn, borrower, lenders, 2, 0, ts)
    assert _event_terms(ev) == terms
    assert terms["firstDueDate"] == t0 + 14 * PERIOD  # the next period boundary after now
    assert terms["numPeriods"] == 14 and terms["basePeriod"] == 12
    assert lens.daysPastDue(drawn) == 0
    rows = lens.schedule(drawn)
    for row in rows:
        repay_at(market, model, drawn, borrower, row["amount"], when=row["dueDate"])
    assert market.getLoan(drawn)["status"] == STATUS["Repaid"]


def test_restructured_again_in_its_holiday(market, lens, drawn, borrower, lenders):
    model, _, terms = _late_then_restructured(market, drawn, borrower, lenders, extra=0, holiday=2)
    ev, again = _restructure(market, model, drawn, borrower, lenders, 1, 1, terms["firstDueDate"] - 5 * DAY)
    assert _event_terms(ev) == again
    assert again["firstDueDate"] == terms["firstDueDate"] + PERIOD  # one more period of holiday
    assert again["basePeriod"] == terms["basePeriod"]  # nothing fell due in between
    assert_matches(market, model, drawn)
    mine_at(again["firstDueDate"] + 3 * DAY)
    ts = again["firstDueDate"] + 3 * DAY
    assert lens.daysPastDue(drawn) == model.accrued(ts, LATE_BPS_PER_DAY).days_past_due(ts) == 3


# ------------------------------------------------------------------ the views


def test_the_indexers_schedule_is_the_lenss(market, lens, drawn, borrower, lenders):
    _, ev, _ = _late_then_restructured(market, drawn, borrower, lenders)
    twin = restructured_schedule(
        ev["baseBalance"],
        APR,
        PERIOD,
        ev["basePeriod"],
        ev["numPeriods"],
        ev["firstDueDate"],
        ev["installment"],
        ev["firstCharges"],
    )
    rows = lens.schedule(drawn)
    assert [(r.due, r.payment, r.interest, r.principal) for r in twin] == [tuple(r) for r in rows]
    assert twin[-1].balance == 0
    assert lens.totalScheduled(drawn) == sum(r.payment for r in twin)


def test_the_preview_is_the_schedule_execution_gives(market, lens, drawn, borrower, lenders):
    sleep(40 * DAY)
    pid = propose(market, drawn, borrower, extra=2, holiday=1)
    approve(market, drawn, pid, lenders, [0, 1, 2])
    pin_next_block_time()  # the preview is read for the block the execution is mined in
    preview = [tuple(r) for r in lens.restructurePreview(drawn, block_identifier="pending")]
    execute(market, drawn, [0, 1, 2], lenders[0])
    assert [tuple(r) for r in lens.schedule(drawn)] == preview


def test_the_preview_needs_an_open_proposal(market, lens, drawn, err):
    with err("RestructureNotProposed", drawn):
        lens.restructurePreview(drawn)
