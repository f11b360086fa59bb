import brownie
from market_support import DAY, GRADES, STATUS, USD, list_loan, listing


def test_list_stores_terms_priced_by_grade(market, borrower):
    tx = list_loan(market, listing(principal=12_000 * USD, periods=6, min_fill=9_000 * USD), borrower)
    loan_id = tx.return_value
    assert loan_id == 1
    loan = market.getLoan(loan_id)
    assert loan["borrower"] == borrower
    assert loan["status"] == STATUS["Listed"]
    assert loan["grade"] == 2
    assert loan["aprBps"] == GRADES[2][0]
    assert loan["principal"] == 12_000 * USD
    assert loan["minFill"] == 9_000 * USD
    assert loan["numPeriods"] == 6
    ev = tx.events["LoanListed"]
    assert ev["loanId"] == 1 and ev["borrower"] == borrower and ev["aprBps"] == GRADES[2][0]
    assert ev["principal"] == 12_000 * USD and ev["minFill"] == 9_000 * USD
    assert market.openLoansOf(borrower) == 1
    assert tuple(market.windDownProgress()) == (1, 0)


def test_list_min_fill_zero_means_full_principal(market, borrower):
    loan_id = list_loan(market, listing(), borrower).return_value
    assert market.getLoan(loan_id)["minFill"] == 10_000 * USD


def test_list_rejects_ineligible_borrower(market, identity, borrower, admin, err):
    identity.freeze(borrower, 1, {"from": admin})
    with err("NotEligible", borrower):
        list_loan(market, listing(), borrower)


def test_list_rejects_stale_credit_record(market, oracle, borrower, admin, err):
    oracle.setMaxAge(DAY, {"from": admin})
    brownie.chain.sleep(2 * DAY)
    with err("CreditRecordStale", borrower):
        list_loan(market, listing(), borrower)


def test_list_rejects_declined_grade(market, oracle, borrower, admin, err):
    oracle.setRecord(borrower, 400, 7, 3000, brownie.chain.time(), {"from": admin})
    with err("GradeNotAllowed", 7):
        list_loan(market, listing(principal=1_000 * USD, collateral_amount=0), borrower, grade=7)


def test_list_rejects_record_graded_worse_than_the_offer(market, oracle, borrower, admin, err):
    oracle.setRecord(borrower, 400, 4, 3000, brownie.chain.time(), {"from": admin})
    with err("CreditGradeWorse", borrower, 4, 2):
        list_loan(market, listing(principal=1_000 * USD), borrower, grade=2)


def test_list_rejects_principal_above_grade_max(market, borrower, err):
    with err("PrincipalOutOfBounds", 40_001 * USD, 40_000 * USD):
        list_loan(market, listing(principal=40_001 * USD), borrower)


def test_list_rejects_zero_principal(market, borrower, err):
    with err("PrincipalOutOfBounds", 0, 40_000 * USD):
        list_loan(market, listing(principal=0), borrower)


def test_list_rejects_min_fill_above_principal(market, borrower, err):
    with err("InvalidMinFill", 10_001 * USD, 10_000 * USD):
        list_loan(market, listing(min_fill=10_001 * USD), borrower)


def test_list_rejects_bad_terms(market, borrower, err):
    with err("InvalidTerm", 0, 30 * DAY):
        list_loan(market, listing(periods=0), borrower)
    with err("InvalidTerm", 361, DAY):
        list_loan(market, listing(periods=361, period_length=DAY), borrower)
    with err("InvalidTerm", 12, DAY - 1):
        list_loan(market, listing(period_length=DAY - 1), borrower)
    with err("InvalidTerm", 121, 31 * DAY):  # beyond the 10-year maximum term
        list_loan(market, listing(periods=121, period_length=31 * DAY), borrower)


def test_list_rejects_bad_deadline(market, borrower, err):
    with err("InvalidDeadline"):
        list_loan(market, listing(deadline_in=-100), borrower)
    with err("InvalidDeadline"):
        list_loan(market, listing(deadline_in=61 * DAY), borrower)


def test_list_one_open_loan_per_borrower_by_default(market, borrower, err):
    list_loan(market, listing(), borrower)
    with err("TooManyOpenLoans", borrower, 1, 1):
        list_loan(market, listing(), borrower)


def test_list_more_open_loans_when_governed(market, borrower, admin):
    market.setMaxOpenLoansPerBorrower(2, {"from": admin})
    list_loan(market, listing(), borrower)
    list_loan(market, listing(), borrower)
    assert market.openLoansOf(borrower) == 2


def test_list_secured_without_vault_reverts(market, borrower, token, err):
    with err("CollateralVaultNotSet"):
        list_loan(market, listing(collateral_token=token, collateral_amount=100), borrower)
