"""A defaulted loan whose whole debt is later recovered is settled: it stays Defaulted on record, and the
borrower's open-loan slot is free again."""

from market_support import DAY, STATUS, USD, list_loan, listing, sleep


def test_settling_a_defaulted_loan_frees_the_open_loan_slot(market, drawn, borrower, outsider, err):
    sleep(121 * DAY)
    market.markDefault(drawn, {"from": outsider})
    with err("TooManyOpenLoans", borrower, 1, 1):
        list_loan(market, listing(), borrower)
    tx = market.repay(drawn, market.payoffAmount(drawn), {"from": borrower})
    assert "LoanRepaidInFull" in tx.events
    assert market.getLoan(drawn)["status"] == STATUS["Defaulted"]
    assert market.openLoansOf(borrower) == 0
    list_loan(market, listing(), borrower)


def test_a_partial_recovery_keeps_the_slot(market, drawn, borrower, outsider):
    sleep(121 * DAY)
    market.markDefault(drawn, {"from": outsider})
    tx = market.repay(drawn, 1_000 * USD, {"from": borrower})
    assert "LoanRepaidInFull" not in tx.events
    assert market.openLoansOf(borrower) == 1
