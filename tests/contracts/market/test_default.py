import brownie
from market_support import DAY, RAY, STATUS, USD, note_id, pay_amount_due, sleep


def note_ids(loan_id, n):
    return [note_id(loan_id, i) for i in range(n)]


def test_mark_default_before_90_days_reverts(market, drawn, outsider, err):
    sleep(30 * DAY + 90 * DAY - 3600)
    with err("NotDefaultable", drawn, 90):
        market.markDefault(drawn, {"from": outsider})


def test_default_counts_from_the_first_missed_installment_not_the_overdue_amount(
    market, lens, drawn, borrower, outsider, err
):
    # installment 1 paid, then nothing: the overdue amount soon exceeds the installments it stands
    # for (interest on unpaid principal), but the 90 days run from due date 2 only
    sleep(30 * DAY)
    pay_amount_due(market, lens, drawn, borrower)
    sleep(30 * DAY + 90 * DAY - 3600)
    with err("NotDefaultable", drawn, 90):
        market.markDefault(drawn, {"from": outsider})
    sleep(2 * 3600)
    market.markDefault(drawn, {"from": outsider})
    assert market.getLoan(drawn)["status"] == STATUS["Defaulted"]


def test_mark_default_current_loan_reverts(market, drawn, outsider, err):
    with err("NotDefaultable", drawn, 0):
        market.markDefault(drawn, {"from": outsider})


def test_anyone_marks_default_after_90_days(market, drawn, outsider):
    sleep(30 * DAY + 91 * DAY)
    tx = market.markDefault(drawn, {"from": outsider})
    loan = market.getLoan(drawn)
    assert loan["status"] == STATUS["Defaulted"]
    assert market.isDefaulted(drawn)
    ev = tx.events["LoanDefaulted"]
    assert ev["principalOutstanding"] == loan["principalOutstanding"] == 10_000 * USD
    assert ev["interestUnpaid"] == loan["interestUnpaid"] > 0
    assert market.totalPrincipalOutstanding() == 0
    assert tuple(market.windDownProgress()) == (0, 0)


def test_defaulted_debt_is_frozen(market, lens, drawn, outsider):
    sleep(121 * DAY)
    market.markDefault(drawn, {"from": outsider})
    payoff = market.payoffAmount(drawn)
    sleep(100 * DAY)
    assert market.payoffAmount(drawn) == payoff == lens.amountDue(drawn)


def test_mark_default_twice_reverts(market, drawn, outsider, err):
    sleep(121 * DAY)
    market.markDefault(drawn, {"from": outsider})
    with err("InvalidLoanStatus", drawn, STATUS["Defaulted"]):
        market.markDefault(drawn, {"from": outsider})


def test_reserve_covers_principal_up_to_balance_then_writes_down(
    market, reserve, token, drawn, outsider, admin, lenders
):
    token.approve(reserve, 2**256 - 1, {"from": admin})
    reserve.deposit(4_000 * USD, {"from": admin})
    sleep(121 * DAY)
    market.markDefault(drawn, {"from": outsider})
    tx = market.coverFromReserve(drawn, {"from": outsider})
    ev = tx.events["DefaultCovered"]
    assert ev["covered"] == 4_000 * USD and ev["loss"] == 6_000 * USD
    loan = market.getLoan(drawn)
    assert loan["writedownPerShare"] == 6_000 * USD * RAY // (10_000 * USD)
    assert loan["principalOutstanding"] == 10_000 * USD  # the cover is not forgiven: the borrower owes it all
    assert reserve.coveredOf(drawn) == 4_000 * USD
    total = sum(
        market.claim(n, {"from": lender}).return_value
        for n, lender in zip(note_ids(drawn, 4), lenders[:4], strict=True)
    )
    assert 4_000 * USD - 4 <= total <= 4_000 * USD


def test_reserve_cover_respects_per_loan_cap(market, reserve, token, drawn, outsider, admin):
    token.approve(reserve, 2**256 - 1, {"from": admin})
    reserve.deposit(50_000 * USD, {"from": admin})
    reserve.setCap(2_500, 0, {"from": admin})  # 25% of principal
    sleep(121 * DAY)
    market.markDefault(drawn, {"from": outsider})
    ev = market.coverFromReserve(drawn, {"from": outsider}).events["DefaultCovered"]
    assert ev["covered"] == 2_500 * USD and ev["loss"] == 7_500 * USD


def test_reserve_cover_includes_swept_reserve_share(market, lens, reserve, drawn, borrower, outsider):
    sleep(30 * DAY)
    pay_amount_due(market, lens, drawn, borrower)
    pending_reserve = market.pendingFees()[0]
    assert pending_reserve > 0
    sleep(30 * DAY + 91 * DAY)
    market.markDefault(drawn, {"from": outsider})
    ev = market.coverFromReserve(drawn, {"from": outsider}).events["DefaultCovered"]
    assert ev["covered"] == pending_reserve
    assert tuple(market.pendingFees()) == (0, 0)


def test_cover_fully_paid_loan_cannot_be_covered_again(market, reserve, token, drawn, outsider, admin, err):
    token.approve(reserve, 2**256 - 1, {"from": admin})
    reserve.deposit(20_000 * USD, {"from": admin})
    reserve.setCap(5_000, 0, {"from": admin})
    sleep(121 * DAY)
    market.markDefault(drawn, {"from": outsider})
    assert (
        market.coverFromReserve(drawn, {"from": outsider}).events["DefaultCovered"]["covered"] == 5_000 * USD
    )
    reserve.setCap(10_000, 0, {"from": admin})
    ev = market.coverFromReserve(drawn, {"from": outsider}).events["DefaultCovered"]  # the rest, now allowed
    assert (ev["covered"], ev["loss"], ev["writedownPerShare"]) == (5_000 * USD, 0, 0)
    with err("NothingToCover", drawn):
        market.coverFromReserve(drawn, {"from": outsider})


def test_cover_performing_loan_reverts(market, drawn, outsider, err):
    with err("InvalidLoanStatus", drawn, STATUS["Drawn"]):
        market.coverFromReserve(drawn, {"from": outsider})


def test_recovery_after_default_goes_wholly_to_notes(market, drawn, borrower, outsider, lenders):
    sleep(121 * DAY)
    market.markDefault(drawn, {"from": outsider})
    fees = tuple(market.pendingFees())
    tx = market.repay(drawn, 1_000 * USD, {"from": borrower})
    ev = tx.events["LoanRepaid"]
    assert ev["reserveShare"] == 0 and ev["servicingFee"] == 0
    assert tuple(market.pendingFees()) == fees
    assert market.getLoan(drawn)["accPerShare"] == 1_000 * USD * RAY // (10_000 * USD)


def test_recovery_capped_at_frozen_debt(market, token, drawn, borrower, outsider):
    sleep(121 * DAY)
    market.markDefault(drawn, {"from": outsider})
    debt = market.payoffAmount(drawn)
    before = token.balanceOf(borrower)
    market.repay(drawn, 10**12 * USD, {"from": borrower})
    assert before - token.balanceOf(borrower) == debt
    assert market.payoffAmount(drawn) == 0
    with err_nothing_owed(market, drawn, borrower):
        pass


class err_nothing_owed:
    def __init__(self, market, loan_id, borrower):
        self.args = (market, loan_id, borrower)

    def __enter__(self):
        market, loan_id, borrower = self.args
        with brownie.reverts():
            market.repay(loan_id, 1, {"from": borrower})

    def __exit__(self, *a):
        return False


def test_default_then_repay_covers_reconcile(
    market, reserve, token, drawn, borrower, outsider, admin, lenders
):
    """Reserve cover, then the borrower repays the whole frozen debt: the notes get at least their
    principal and the reserve fund gets back exactly what it covered."""
    token.approve(reserve, 2**256 - 1, {"from": admin})
    reserve.deposit(3_000 * USD, {"from": admin})
    sleep(121 * DAY)
    market.markDefault(drawn, {"from": outsider})
    market.coverFromReserve(drawn, {"from": outsider})
    assert reserve.balance() == 0
    market.repay(drawn, market.payoffAmount(drawn), {"from": borrower})
    total = sum(
        market.claim(n, {"from": lender}).return_value
        for n, lender in zip(note_ids(drawn, 4), lenders[:4], strict=False)
    )
    assert total >= 10_000 * USD
    assert tuple(market.pendingFees()) == (3_000 * USD, 0)
    market.sweepFees({"from": outsider})
    assert reserve.balance() == 3_000 * USD
    assert token.balanceOf(market) >= sum(market.pendingFees())


def _covered_4000_of_10000(market, reserve, token, drawn, outsider, admin):
    token.approve(reserve, 2**256 - 1, {"from": admin})
    reserve.deposit(4_000 * USD, {"from": admin})
    sleep(121 * DAY)
    market.markDefault(drawn, {"from": outsider})
    market.coverFromReserve(drawn, {"from": outsider})


def test_reserve_cover_does_not_reduce_the_borrowers_debt(market, reserve, token, drawn, outsider, admin):
    sleep(121 * DAY)
    market.markDefault(drawn, {"from": outsider})
    debt = market.payoffAmount(drawn)
    token.approve(reserve, 2**256 - 1, {"from": admin})
    reserve.deposit(4_000 * USD, {"from": admin})
    market.coverFromReserve(drawn, {"from": outsider})
    assert market.payoffAmount(drawn) == debt
    assert market.outstandingPrincipal(drawn) == 10_000 * USD


def test_recoveries_after_cover_reach_the_notes_loss_first_then_the_reserve(
    market, reserve, token, drawn, borrower, outsider, admin
):
    _covered_4000_of_10000(market, reserve, token, drawn, outsider, admin)
    loan = market.getLoan(drawn)
    ahead_of_principal = loan["lateFeeUnpaid"] + loan["interestUnpaid"]
    acc = loan["accPerShare"]
    # fees, interest and the notes' 6,000 uncovered principal: all to the notes
    tx = market.repay(drawn, ahead_of_principal + 6_000 * USD, {"from": borrower})
    assert tx.events["LoanRepaid"]["reserveShare"] == 0
    assert tuple(market.pendingFees()) == (0, 0)
    acc_after = market.getLoan(drawn)["accPerShare"]
    assert acc_after - acc == (ahead_of_principal + 6_000 * USD) * RAY // (10_000 * USD)
    # the last 4,000 of principal is the reserve's claim: none of it to the notes
    tx = market.repay(drawn, 4_000 * USD, {"from": borrower})
    assert tx.events["LoanRepaid"]["reserveShare"] == 4_000 * USD
    assert tuple(market.pendingFees()) == (4_000 * USD, 0)
    assert market.getLoan(drawn)["accPerShare"] == acc_after
    assert market.payoffAmount(drawn) == 0


def test_recovery_straddling_the_reserve_claim_is_split(
    market, reserve, token, drawn, borrower, outsider, admin
):
    _covered_4000_of_10000(market, reserve, token, drawn, outsider, admin)
    loan = market.getLoan(drawn)
    ahead_of_principal = loan["lateFeeUnpaid"] + loan["interestUnpaid"]
    tx = market.repay(drawn, ahead_of_principal + 7_000 * USD, {"from": borrower})
    ev = tx.events["LoanRepaid"]
    assert ev["principal"] == 7_000 * USD
    assert ev["reserveShare"] == 1_000 * USD  # 6,000 to the notes' loss, then 1,000 of the reserve's 4,000
