from helpers.chain_time import pin_next_block_time
from market_support import DAY, RAY, STATUS, USD, list_loan, listing, sleep


def secured(market, borrower, collateral, amount=5_000 * USD):
    return list_loan(
        market, listing(collateral_token=collateral, collateral_amount=amount), borrower
    ).return_value


def test_secured_listing_pledges_collateral(market, vault, collateral, borrower):
    before = collateral.balanceOf(borrower)
    tx = list_loan(market, listing(collateral_token=collateral, collateral_amount=5_000 * USD), borrower)
    loan_id = tx.return_value
    assert tuple(vault.positionOf(loan_id)) == (collateral, 5_000 * USD)
    assert before - collateral.balanceOf(borrower) == 5_000 * USD
    assert market.getLoan(loan_id)["flags"] & 1


def test_cancel_releases_collateral(market, vault, collateral, borrower):
    loan_id = secured(market, borrower, collateral)
    market.cancel(loan_id, {"from": borrower})
    assert vault.positionOf(loan_id)[1] == 0 and vault.releases() == 1


def test_expiry_releases_collateral(market, vault, collateral, borrower, outsider):
    loan_id = secured(market, borrower, collateral)
    sleep(7 * DAY + 100)
    market.expire(loan_id, {"from": outsider})
    assert vault.positionOf(loan_id)[1] == 0


def test_full_repayment_releases_collateral(market, vault, collateral, borrower, lenders):
    loan_id = secured(market, borrower, collateral)
    for lender in lenders[:4]:
        market.fund(loan_id, 2_500 * USD, {"from": lender})
    market.drawdown(loan_id, {"from": borrower})
    market.repay(loan_id, 10**12, {"from": borrower})
    assert vault.positionOf(loan_id)[1] == 0 and vault.releases() == 1


def test_liquidation_proceeds_enter_waterfall(market, vault, collateral, token, borrower, lenders, outsider):
    loan_id = secured(market, borrower, collateral)
    for lender in lenders[:4]:
        market.fund(loan_id, 2_500 * USD, {"from": lender})
    market.drawdown(loan_id, {"from": borrower})
    sleep(40 * DAY)
    token.approve(vault, 2**256 - 1, {"from": outsider})
    tx = vault.liquidate(loan_id, 1_000 * USD, 1_000 * USD, {"from": outsider})
    ev = tx.events["LoanRepaid"]
    assert ev["lateFee"] > 0 and ev["interest"] > 0 and ev["principal"] > 0
    assert ev["reserveShare"] > 0  # a performing loan: fees apply
    assert tx.events["LiquidationProceedsReceived"]["refundedToBorrower"] == 0


def test_cover_waits_for_collateral_exhaustion(
    market, vault, reserve, collateral, token, borrower, lenders, outsider, admin, err
):
    loan_id = secured(market, borrower, collateral)
    for lender in lenders[:4]:
        market.fund(loan_id, 2_500 * USD, {"from": lender})
    market.drawdown(loan_id, {"from": borrower})
    sleep(121 * DAY)
    market.markDefault(loan_id, {"from": outsider})
    with err("CollateralNotExhausted", loan_id, 5_000 * USD):
        market.coverFromReserve(loan_id, {"from": outsider})
    token.approve(vault, 2**256 - 1, {"from": outsider})
    acc0 = market.getLoan(loan_id)["accPerShare"]
    tx = vault.liquidate(loan_id, 5_000 * USD, 4_000 * USD, {"from": outsider})
    ev = tx.events["LoanRepaid"]
    assert ev["reserveShare"] == 0 and ev["servicingFee"] == 0  # a recovery goes wholly to notes
    assert market.getLoan(loan_id)["accPerShare"] - acc0 == 4_000 * USD * RAY // (10_000 * USD)
    token.approve(reserve, 2**256 - 1, {"from": admin})
    reserve.deposit(1_000 * USD, {"from": admin})
    assert (
        market.coverFromReserve(loan_id, {"from": outsider}).events["DefaultCovered"]["covered"]
        == 1_000 * USD
    )


def test_excess_proceeds_refunded_to_borrower(market, vault, collateral, token, borrower, lenders, outsider):
    loan_id = secured(market, borrower, collateral)
    for lender in lenders[:4]:
        market.fund(loan_id, 2_500 * USD, {"from": lender})
    market.drawdown(loan_id, {"from": borrower})
    token.approve(vault, 2**256 - 1, {"from": outsider})
    pin_next_block_time()  # the payoff at the liquidation's own block: it accrues per second
    payoff = market.payoffAmount(loan_id, block_identifier="pending")
    b0 = token.balanceOf(borrower)
    tx = vault.liquidate(loan_id, 5_000 * USD, 20_000 * USD, {"from": outsider})
    refund = tx.events["LiquidationProceedsReceived"]["refundedToBorrower"]
    assert refund == 20_000 * USD - payoff
    assert token.balanceOf(borrower) == b0 and market.refundOf(borrower) == refund  # credited, not pushed
    assert market.getLoan(loan_id)["status"] == STATUS["Repaid"]
    tx = market.withdrawRefund({"from": borrower})
    assert tx.return_value == refund and tx.events["RefundWithdrawn"]["amount"] == refund
    assert token.balanceOf(borrower) - b0 == refund and market.refundOf(borrower) == 0


def test_a_borrower_the_token_will_not_pay_cannot_stop_the_closing_liquidation(
    market, vault, identity, collateral, token, borrower, lenders, outsider, admin, err
):
    """The excess is credited: even a frozen borrower (or one the stablecoin blocks) cannot make the
    closing fill revert; it withdraws once it may receive again."""
    loan_id = secured(market, borrower, collateral)
    for lender in lenders[:4]:
        market.fund(loan_id, 2_500 * USD, {"from": lender})
    market.drawdown(loan_id, {"from": borrower})
    identity.freeze(borrower, 1, {"from": admin})
    token.approve(vault, 2**256 - 1, {"from": outsider})
    vault.liquidate(loan_id, 5_000 * USD, 20_000 * USD, {"from": outsider})
    owed = market.refundOf(borrower)
    assert owed > 0
    with err("WalletFrozen", borrower):
        market.withdrawRefund({"from": borrower})
    identity.unfreeze(borrower, 1, {"from": admin})
    assert market.withdrawRefund({"from": borrower}).return_value == owed
    with err("ZeroAmount"):
        market.withdrawRefund({"from": borrower})


def test_proceeds_only_from_vault(market, vault, drawn, outsider, err):
    with err("NotCollateralVault", outsider):
        market.receiveLiquidationProceeds(drawn, 1, {"from": outsider})


def test_proceeds_for_listed_loan_revert(market, vault, collateral, token, borrower, outsider, err):
    loan_id = secured(market, borrower, collateral)
    token.approve(vault, 2**256 - 1, {"from": outsider})
    with err("InvalidLoanStatus", loan_id, STATUS["Listed"]):
        vault.liquidate(loan_id, 0, 1, {"from": outsider})


def test_outstanding_principal_view(market, drawn):
    assert market.outstandingPrincipal(drawn) == 10_000 * USD
